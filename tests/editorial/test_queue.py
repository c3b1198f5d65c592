"""GET /v1/moderation (admins) and GET /v1/moi/… (members' own records), over both resources."""

from datetime import datetime

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.editorial.conftest import PLACES, PRACTICES, Api, Kind, World, tag
from tests.members.factories import MONTPELLIER, auth


async def _queue(client: httpx.AsyncClient, key: str, query: str = "") -> dict:
    response = await client.get(f"/v1/moderation{query}", headers=auth(key))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    return response.json()


async def test_only_admins_see_the_queue(client: httpx.AsyncClient, world: World) -> None:
    assert (await client.get("/v1/moderation")).status_code == 401
    forbidden = await client.get("/v1/moderation", headers=auth(world.member))
    assert (forbidden.status_code, forbidden.headers["content-type"]) == (403, "application/problem+json")
    assert await _queue(client, world.admin) == {"items": [], "total": 0, "total_estime": False, "next": None}


async def test_new_records_wait_in_the_queue_until_a_decision(api: Api, world: World, kind: Kind) -> None:
    draft = await api.create(world.member)
    queue = await _queue(api.client, world.admin)
    assert queue["total"] == 1
    item = queue["items"][0]
    me = (await api.client.get("/v1/cles/moi", headers=auth(world.member))).json()
    assert {k: item[k] for k in ("objet", "id", "slug", "titre", "etat", "raison", "organisation", "version",
                                 "version_revue", "etag", "lien", "historique")} == {
        "objet": kind.objet, "id": draft["id"], "slug": draft["slug"], "titre": kind.payload[kind.title_field],
        "etat": kind.pending, "raison": "nouveau", "organisation": str(world.org.id), "version": 1,
        "version_revue": None, "etag": tag(draft["id"], 1), "lien": f"{kind.url}/{draft['id']}",
        "historique": f"{kind.url}/{draft['id']}/historique"}
    assert item["auteur"] == {"cle": me["prefixe"], "role": "membre", "organisation": str(world.org.id)}
    assert item["changements"][kind.title_field] == [None, kind.payload[kind.title_field]]
    assert item["changements"][kind.state_field] == [None, kind.pending]
    assert datetime.fromisoformat(item["depuis"]).tzinfo is not None and item["age_secondes"] >= 0
    assert (await api.moderate(world.admin, draft["id"], 1)).status_code == 200
    assert (await _queue(api.client, world.admin))["total"] == 0


async def test_member_edits_of_published_records_are_queued_for_review(api: Api, world: World, kind: Kind) -> None:
    """Issue #14 item 17: published edits go live, and admins see them in the queue with their diff."""
    record = (await api.create(world.admin, f"?publier=true&organisation={world.org.id}"))["id"]
    assert (await _queue(api.client, world.admin))["total"] == 0  # an admin's own writes need no review
    await api.patch(world.member, record, {kind.title_field: "Titre changé par le membre"}, 1)
    await api.patch(world.member, record, {kind.title_field: "Titre changé deux fois"}, 2)
    item = (await _queue(api.client, world.admin))["items"][0]
    assert (item["raison"], item["etat"], item["version"], item["version_revue"]) == ("modifie", kind.public, 3, 1)
    assert item["changements"] == {kind.title_field: [kind.payload[kind.title_field], "Titre changé deux fois"]}
    # Reviewed: `publier` on a queued published record keeps the edits and takes it out of the queue.
    reviewed = await api.moderate(world.admin, record, 3, decision="publier", motif="Relu")
    assert (reviewed.status_code, reviewed.json()["version"]) == (200, 4)
    assert (await _queue(api.client, world.admin))["total"] == 0
    assert (await api.moderate(world.admin, record, 4)).status_code == 409


async def test_filters_order_and_pages(client: httpx.AsyncClient, world: World) -> None:
    places, practices = Api(client, PLACES), Api(client, PRACTICES)
    first = await places.create(world.member)
    second = await practices.create(world.member)
    third = await places.create(world.member, departement="34", position=MONTPELLIER, commune="Montpellier",
                                code_postal="34000")
    everything = await _queue(client, world.admin)
    # One transaction: the same `depuis`, then by kind and id.
    expected = sorted([("bonne_pratique", second["id"]), ("lieu", first["id"]), ("lieu", third["id"])])
    assert [(i["objet"], i["id"]) for i in everything["items"]] == expected
    assert [i["id"] for i in (await _queue(client, world.admin, "?objet=bonne_pratique"))["items"]] == [second["id"]]
    by_department = await _queue(client, world.admin, "?departement=34")
    assert [i["id"] for i in by_department["items"]] == [third["id"]]
    assert (await _queue(client, world.admin, "?raison=modifie"))["total"] == 0
    page = await _queue(client, world.admin, "?limit=2")
    assert (len(page["items"]), page["total"]) == (2, 3)
    rest = await _queue(client, world.admin, "?" + page["next"].split("?")[1])
    assert [(i["objet"], i["id"]) for i in page["items"] + rest["items"]] == expected and rest["next"] is None
    for bad in ("?objet=evenement", "?raison=autre", "?departement=75", "?limit=0", "?curseur=xyz"):
        response = await client.get(f"/v1/moderation{bad}", headers=auth(world.admin))
        assert (response.status_code, response.headers["content-type"]) == (400, "application/problem+json"), bad


async def test_members_list_their_own_records_in_every_state(
    api: Api, world: World, kind: Kind, session: AsyncSession,
) -> None:
    draft = await api.create(world.member)
    rejected = await api.create(world.member)
    await api.moderate(world.admin, rejected["id"], 1, decision="rejeter", motif="Incomplet")
    published = await api.create(world.admin, f"?publier=true&organisation={world.org.id}")
    await api.archive(world.member, published["id"], 1)
    foreign = await api.create(world.other)
    mine = await api.client.get(f"/v1/moi{kind.url.removeprefix('/v1')}", headers=auth(world.member))
    assert (mine.status_code, mine.headers["cache-control"]) == (200, "private, no-store")
    body = mine.json()
    assert (body["total"], body["next"]) == (3, None)
    by_id = {i["id"]: i for i in body["items"]}
    assert set(by_id) == {draft["id"], rejected["id"], published["id"]}
    assert (by_id[draft["id"]]["etat"], by_id[draft["id"]]["en_moderation"], by_id[draft["id"]]["motif"]) == (
        kind.pending, True, None)
    assert (by_id[rejected["id"]]["etat"], by_id[rejected["id"]]["motif"]) == (kind.rejected, "Incomplet")
    assert (by_id[rejected["id"]]["en_moderation"], by_id[rejected["id"]]["etag"]) == (False, tag(rejected["id"], 2))
    assert (by_id[published["id"]]["etat"], by_id[published["id"]]["en_moderation"]) == (kind.archived, False)
    only = await api.client.get(f"/v1/moi{kind.url.removeprefix('/v1')}?etat={kind.archived}",
                                headers=auth(world.member))
    assert [i["id"] for i in only.json()["items"]] == [published["id"]]
    other_org = await api.client.get(f"/v1/moi{kind.url.removeprefix('/v1')}?organisation={foreign['organisation']}",
                                     headers=auth(world.member))
    assert other_org.status_code == 403
    admin = await api.client.get(f"/v1/moi{kind.url.removeprefix('/v1')}?organisation={foreign['organisation']}",
                                 headers=auth(world.admin))
    assert [i["id"] for i in admin.json()["items"]] == [foreign["id"]]
    assert (await api.client.get(f"/v1/moi{kind.url.removeprefix('/v1')}")).status_code == 401
    paged = await api.client.get(f"/v1/moi{kind.url.removeprefix('/v1')}?limit=2", headers=auth(world.member))
    rest = await api.client.get(paged.json()["next"].removeprefix("http://test"), headers=auth(world.member))
    assert len(paged.json()["items"]) == 2 and len(rest.json()["items"]) == 1
    assert {i["id"] for i in paged.json()["items"] + rest.json()["items"]} == set(by_id)
