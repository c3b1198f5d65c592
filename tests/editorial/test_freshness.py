"""Confirmation, freshness and provenance: one contract for places and good practices."""

from datetime import datetime

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.editorial.conftest import RESOURCES, Api, Kind, World, apart, tag
from tests.members.factories import auth

PROBLEM = "application/problem+json"


async def confirm(api: Api, key: str | None, record: str, if_match: str | None) -> "object":
    headers = auth(key) if key else {}
    if if_match is not None:
        headers["If-Match"] = if_match
    return await api.client.post(f"{api.kind.url}/{record}/confirmation", headers=headers)


async def age(session: AsyncSession, kind: Kind, record: str, days: int | None) -> None:
    """Pretend the record was last verified `days` ago (None: never), as time would."""
    table = RESOURCES[kind.objet].table
    await session.execute(text(f"UPDATE {table} SET verified_at = CASE WHEN CAST(:d AS int) IS NULL THEN NULL "
                               "ELSE now() - make_interval(days => CAST(:d AS int)) END WHERE id = :id"),
                          {"d": days, "id": record})


async def test_the_owner_confirms_without_changing_anything(
    api: Api, world: World, kind: Kind, session: AsyncSession,
) -> None:
    created = await api.create(world.admin, f"?publier=true&organisation={world.org.id}")
    record = created["id"]
    assert created["fraicheur"] == "a_jour" and created["verifie_le"] is not None  # a creation verifies
    await age(session, kind, record, 200)
    stale = (await api.get(record)).json()
    assert stale["fraicheur"] == "a_verifier"
    confirmed = await confirm(api, world.member, record, tag(record, 1))
    assert confirmed.status_code == 200, confirmed.text
    body = confirmed.json()
    assert confirmed.headers["etag"] == tag(record, 2)
    assert (body["version"], body["fraicheur"]) == (2, "a_jour")
    assert datetime.fromisoformat(body["verifie_le"]) > datetime.fromisoformat(stale["verifie_le"])
    assert body["maj_le"] == created["maj_le"]  # not an update
    unchanged = {k for k in body if k not in ("version", "verifie_le", "fraicheur", "bonnes_pratiques")}
    assert {k: body[k] for k in unchanged} == {k: stale[k] for k in unchanged}
    latest = (await api.history(world.member, record))["items"][0]
    assert (latest["version"], latest["action"], latest["auteur"]["role"]) == (2, "confirmation", "membre")
    assert latest["changements"] == [{"champ": "verifie_le", "avant": stale["verifie_le"],
                                      "apres": body["verifie_le"]}]
    # Nothing changed: the admins' queue has nothing to review.
    queue = await api.client.get("/v1/moderation", headers=auth(world.admin))
    assert [i["id"] for i in queue.json()["items"]] == []


async def test_confirmation_preconditions_and_access(api: Api, world: World, kind: Kind) -> None:
    record = (await api.create(world.admin, f"?publier=true&organisation={world.org.id}"))["id"]
    missing = await confirm(api, world.member, record, None)
    assert (missing.status_code, missing.headers["content-type"]) == (428, PROBLEM)
    stale = await confirm(api, world.member, record, tag(record, 7))
    assert (stale.status_code, stale.json()["version_actuelle"], stale.headers["etag"]) == (412, 1, tag(record, 1))
    assert (await confirm(api, None, record, tag(record, 1))).status_code == 401
    foreign = await confirm(api, world.other, record, tag(record, 1))
    assert (foreign.status_code, foreign.json()["detail"]) == (
        403, f"This {'place' if kind.objet == 'lieu' else 'good practice'} belongs to another organisation.")
    by_admin = await confirm(api, world.admin, record, tag(record, 1))
    assert (by_admin.status_code, by_admin.json()["version"]) == (200, 2)
    archived = await api.archive(world.admin, record, 2)
    assert archived.status_code == 200
    refused = await confirm(api, world.member, record, tag(record, 3))
    assert (refused.status_code, refused.headers["content-type"]) == (409, PROBLEM)


async def test_freshness_follows_the_thresholds_and_filters_the_list(
    api: Api, world: World, kind: Kind, session: AsyncSession,
) -> None:
    ages = {"recent": 10, "half": 200, "old": 400, "never": None}
    ids = {}
    for n, (name, days) in enumerate(ages.items()):
        ids[name] = (await api.create(world.admin, f"?publier=true&organisation={world.org.id}",
                                      **{kind.title_field: f"Fiche {name} de test"}, **apart(kind, n)))["id"]
        await age(session, kind, ids[name], days)
    expected = {"recent": "a_jour", "half": "a_verifier", "old": "obsolete", "never": "a_verifier"}
    for name, status in expected.items():
        assert (await api.get(ids[name])).json()["fraicheur"] == status
    listed = (await api.client.get(f"{kind.url}?limit=50")).json()["items"]
    assert {i["id"]: i["fraicheur"] for i in listed} == {ids[n]: s for n, s in expected.items()}
    for query, names in (("a_jour", {"recent"}), ("a_verifier", {"half", "never"}), ("obsolete", {"old"}),
                         ("a_verifier&fraicheur=obsolete", {"half", "never", "old"})):
        page = await api.client.get(f"{kind.url}?fraicheur={query}")
        assert {i["id"] for i in page.json()["items"]} == {ids[n] for n in names}, query
    bad = await api.client.get(f"{kind.url}?fraicheur=perime")
    assert (bad.status_code, bad.headers["content-type"]) == (400, PROBLEM)
    assert [e["name"] for e in bad.json()["errors"]] == ["fraicheur"]


async def test_a_stale_details_etag_says_so_and_still_edits(api: Api, world: World, kind: Kind,
                                                            session: AsyncSession) -> None:
    record = (await api.create(world.admin, f"?publier=true&organisation={world.org.id}"))["id"]
    fresh = await api.get(record)
    assert fresh.headers["etag"] == tag(record, 1)
    await age(session, kind, record, 400)
    old = await api.get(record)
    assert old.headers["etag"].startswith(f'"{record}-v1.') and old.headers["etag"] != fresh.headers["etag"]
    cached = await api.client.get(f"{kind.url}/{record}", headers={"If-None-Match": fresh.headers["etag"]})
    assert cached.status_code == 200  # the cached copy said a_jour: it is not current any more
    edited = await api.patch(world.member, record, {kind.title_field: "Titre revu et corrigé"}, old.headers["etag"])
    assert (edited.status_code, edited.json()["fraicheur"]) == (200, "a_jour")


async def test_provenance_names_who_set_each_field_and_restore_brings_it_back(
    api: Api, world: World, kind: Kind,
) -> None:
    created = await api.create(world.member)
    record = created["id"]
    title = kind.title_field
    assert created["provenance"][title] == {"role": "membre", "source": None, "le": created["maj_le"]}
    assert {p["role"] for p in created["provenance"].values()} == {"membre"}
    edited = await api.patch(world.admin, record, {title: "Titre choisi par l'animation"}, 1)
    body = edited.json()
    assert body["provenance"][title] == {"role": "admin", "source": None, "le": body["maj_le"]}
    others = {k: v for k, v in body["provenance"].items() if k != title}
    assert others == {k: v for k, v in created["provenance"].items() if k != title}
    restored = await api.restore(world.admin, record, 1, 2)
    assert restored.status_code == 200, restored.text
    # The restored value comes back with who set it then: the member, at the creation.
    assert restored.json()["provenance"] == created["provenance"]
    assert restored.json()[title] == created[title]
