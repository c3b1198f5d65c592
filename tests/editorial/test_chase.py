"""The admins' chase list: stale published records, never verified first, with contact points; JSON and CSV."""

import csv
import io

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.editorial import freshness
from tests.editorial.conftest import RESOURCES, Api, Kind, World, apart
from tests.editorial.test_freshness import age
from tests.members.factories import auth, make_organisation

URL = "/v1/moderation/a-relancer"
PROBLEM = "application/problem+json"


async def test_stale_records_oldest_first_with_their_contacts(
    api: Api, world: World, kind: Kind, session: AsyncSession,
) -> None:
    org = await make_organisation(session, nom='=HYPERLINK("http://evil.example")',
                                  contact={"email": "contact@asso.example", "telephone": "05 61 11 22 33"})
    ids = {}
    for n, (name, days) in enumerate((("recent", 5), ("half", 200), ("old", 500), ("never", None), ("older", 900))):
        ids[name] = (await api.create(world.admin, f"?publier=true&organisation={org.id}",
                                      **{kind.title_field: f"Fiche {name} à relancer"}, **apart(kind, n)))["id"]
        await age(session, kind, ids[name], days)
    draft = (await api.create(world.member))["id"]
    await age(session, kind, draft, None)  # not published: not chased
    first = await api.client.get(URL, params={"objet": kind.objet, "limit": 2}, headers=auth(world.admin))
    assert first.status_code == 200, first.text
    page = first.json()
    assert [i["id"] for i in page["items"]] == [ids["never"], ids["older"]]
    assert (page["total"], page["total_estime"]) == (4, False)
    assert first.headers["link"] == f'<{page["next"]}>; rel="next"'
    assert first.headers["cache-control"] == "private, no-store"
    item = page["items"][0]
    assert (item["objet"], item["fraicheur"], item["verifie_le"]) == (kind.objet, "a_verifier", None)
    assert item["organisation"] == {"id": str(org.id), "nom": org.name, "email": "contact@asso.example",
                                    "telephone": "05 61 11 22 33"}
    if kind.objet == "lieu":
        assert item["contact"] == {"email": None, "telephone": "05 61 00 00 00"}
    else:
        assert item["contact"] == {"email": None, "telephone": None}
    assert item["confirmation"] == f"{kind.url}/{ids['never']}/confirmation"
    second = (await api.client.get(page["next"], headers=auth(world.admin))).json()
    assert [i["id"] for i in second["items"]] == [ids["old"], ids["half"]] and second["next"] is None
    only_obsolete = await api.client.get(URL, params={"objet": kind.objet, "fraicheur": "obsolete"},
                                         headers=auth(world.admin))
    assert [i["id"] for i in only_obsolete.json()["items"]] == [ids["older"], ids["old"]]
    sheet = await api.client.get(URL, params={"objet": kind.objet, "f": "csv"}, headers=auth(world.admin))
    assert sheet.headers["content-type"] == "text/csv; charset=utf-8"
    rows = list(csv.DictReader(io.StringIO(sheet.content.decode("utf-8-sig"))))
    assert [r["id"] for r in rows] == [ids["never"], ids["older"], ids["old"], ids["half"]]
    assert rows[0]["organisation_nom"] == "'" + org.name  # a formula is neutralised
    assert (rows[0]["fraicheur"], rows[0]["verifie_le"], rows[1]["fraicheur"]) == ("a_verifier", "", "obsolete")
    # Confirming takes a record off the list.
    confirmed = await api.client.post(f"{kind.url}/{ids['never']}/confirmation",
                                      headers=auth(world.admin, **{"If-Match": f'"{ids["never"]}-v1"'}))
    assert confirmed.status_code == 200
    after = await api.client.get(URL, params={"objet": kind.objet}, headers=auth(world.admin))
    assert [i["id"] for i in after.json()["items"]] == [ids["older"], ids["old"], ids["half"]]


async def test_only_admins_and_bad_parameters(api: Api, world: World, kind: Kind) -> None:
    assert (await api.client.get(URL)).status_code == 401
    forbidden = await api.client.get(URL, headers=auth(world.member))
    assert (forbidden.status_code, forbidden.headers["content-type"]) == (403, PROBLEM)
    for params, name in (({"fraicheur": "a_jour"}, "fraicheur"), ({"objet": "evenement"}, "objet"),
                         ({"curseur": "abc"}, "curseur"), ({"limit": "1001"}, "limit"), ({"f": "xlsx"}, "f")):
        bad = await api.client.get(URL, params=params, headers=auth(world.admin))
        assert (bad.status_code, bad.headers["content-type"]) == (400, PROBLEM), params
        assert [e["name"] for e in bad.json()["errors"]] == [name], params


async def test_the_freshness_filter_is_a_range_the_index_walks(session: AsyncSession, kind: Kind) -> None:
    res = RESOURCES[kind.objet]
    await session.execute(text("SET LOCAL enable_seqscan = off"))
    plan = (await session.execute(text(
        f"EXPLAIN SELECT id FROM {res.table} r WHERE {freshness.condition('r.verified_at', ['obsolete'])} "
        "ORDER BY r.verified_at NULLS FIRST, r.id LIMIT 10"))).scalars().all()
    assert f"ix_{res.table}_verified_at_id" in "\n".join(plan)
