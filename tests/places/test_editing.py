"""Members create and edit their places: ownership on create, merge patch, validation, If-Match, limits."""

import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places.models import Place
from tests.members.factories import (
    MONTPELLIER,
    auth,
    make_key,
    make_organisation,
    patch_place,
    place_payload,
    post_place,
    tag,
)

PROBLEM = "application/problem+json"
SERVER_MANAGED = {
    "id": "5b1a1f2e-8f5c-4a57-9c43-0c7b3f7e2d11", "slug": "pirate", "organisation": None, "moderation": "publie",
    "version": 7, "cree_le": "2020-01-01T00:00:00Z", "maj_le": "2020-01-01T00:00:00Z", "source": "moi",
    "ouvert_maintenant": True,
}


@pytest.fixture
async def member(session: AsyncSession) -> str:
    return await make_key(session, await make_organisation(session))


@pytest.fixture
async def admin(session: AsyncSession) -> str:
    return await make_key(session, admin=True)


async def test_a_member_creates_a_draft_owned_by_its_organisation(
    client: httpx.AsyncClient, session: AsyncSession, member: str,
) -> None:
    me = (await client.get("/v1/cles/moi", headers=auth(member))).json()
    response = await post_place(client, member)
    body = response.json()
    assert body["moderation"] == "a_valider"
    assert body["organisation"] == me["organisation"]
    assert body["version"] == 1
    assert response.headers["etag"] == tag(body["id"], 1)
    assert response.headers["location"] == f"/v1/lieux/{body['id']}"
    assert body["telephone"] == "05 61 00 00 00"
    assert body["teletravail"]["postes"] == 12
    stored = (await session.execute(select(Place.moderation, Place.organisation_id)
                                    .where(Place.slug == body["slug"]))).one()
    assert (stored.moderation, str(stored.organisation_id)) == ("a_valider", me["organisation"])


async def test_only_admins_publish_at_once_or_choose_the_owner(
    client: httpx.AsyncClient, session: AsyncSession, member: str, admin: str,
) -> None:
    org = await make_organisation(session)
    for query in ("?publier=true", f"?organisation={org.id}"):
        refused = await client.post(f"/v1/lieux{query}", json=place_payload(), headers=auth(member))
        assert refused.status_code == 403, query
    published = (await post_place(client, admin, f"?publier=true&organisation={org.id}")).json()
    assert (published["moderation"], published["organisation"]) == ("publie", str(org.id))
    assert (await post_place(client, admin)).json()["moderation"] == "a_valider"
    unknown = await client.post("/v1/lieux?organisation=5b1a1f2e-8f5c-4a57-9c43-0c7b3f7e2d11",
                                json=place_payload(), headers=auth(admin))
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["name"] == "organisation"


@pytest.mark.parametrize("field", sorted(SERVER_MANAGED))
async def test_server_managed_fields_are_422_on_create(
    client: httpx.AsyncClient, member: str, field: str,
) -> None:
    response = await client.post("/v1/lieux", json=place_payload(**{field: SERVER_MANAGED[field]}),
                                 headers=auth(member))
    assert response.status_code == 422
    assert response.headers["content-type"] == PROBLEM
    assert [e["pointer"] for e in response.json()["errors"]] == [f"/{field}"]


@pytest.mark.parametrize("field", sorted(SERVER_MANAGED))
async def test_server_managed_fields_are_422_on_patch(
    client: httpx.AsyncClient, session: AsyncSession, member: str, field: str,
) -> None:
    created = await post_place(client, member)
    response = await patch_place(client, member, created.json()["id"], {field: SERVER_MANAGED[field]}, 1)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == [f"/{field}"]
    row = (await session.execute(select(Place).where(Place.id == created.json()["id"]))).scalar_one()
    await session.refresh(row)
    assert (row.version, row.moderation, row.slug) == (1, "a_valider", created.json()["slug"])


async def test_a_patch_merges_onto_the_current_version(client: httpx.AsyncClient, member: str) -> None:
    created = (await post_place(client, member)).json()
    response = await patch_place(client, member, created["id"], {
        "description": "Un grand plateau lumineux.",
        "teletravail": {"prix_journee": 18.5},  # nested: the other telework fields stay
        "services": ["wifi", "fibre"],  # lists are replaced
        "site_web": None,  # null removes
    }, 1)
    assert response.status_code == 200, response.text
    assert response.headers["etag"] == tag(created["id"], 2)
    body = response.json()
    assert body["version"] == 2
    assert body["description"] == "Un grand plateau lumineux."
    assert body["teletravail"]["postes"] == 12
    assert body["teletravail"]["publics"] == ["independants"]
    assert float(body["teletravail"]["prix_journee"]) == 18.5
    assert body["services"] == ["wifi", "fibre"]
    assert body["site_web"] is None
    assert body["nom"] == created["nom"] and body["slug"] == created["slug"]  # untouched fields stay


async def test_plain_json_is_accepted_other_media_types_are_415(client: httpx.AsyncClient, member: str) -> None:
    created = (await post_place(client, member)).json()
    ok = await patch_place(client, member, created["id"], {"nom": "Nouveau nom"}, 1, "application/json")
    assert ok.status_code == 200
    for content_type in ("text/plain", "application/x-www-form-urlencoded", ""):
        refused = await patch_place(client, member, created["id"], {"nom": "Autre"}, 2, content_type)
        assert refused.status_code == 415, content_type
        assert refused.json()["type"] == "/problemes/media-non-supporte"


async def test_a_patch_that_changes_nothing_stores_nothing(client: httpx.AsyncClient, member: str) -> None:
    created = (await post_place(client, member)).json()
    same = await patch_place(client, member, created["id"], {"nom": created["nom"], "teletravail": {"postes": 12}},
                             1)
    assert same.status_code == 200
    assert same.headers["etag"] == tag(created["id"], 1)
    history = (await client.get(f"/v1/lieux/{created['id']}/historique", headers=auth(member))).json()
    assert [r["version"] for r in history["items"]] == [1]


@pytest.mark.parametrize(("patch", "pointer"), [
    ({"telephone": "12 34"}, "/telephone"),
    ({"email": "pas-un-email"}, "/email"),
    ({"site_web": "javascript:alert(1)"}, "/site_web"),
    ({"images": ["ftp://images.example/a.png"]}, "/images/0"),
    ({"horaires": "du lundi au vendredi"}, "/horaires"),
    ({"teletravail": {"prix_journee": -1}}, "/teletravail/prix_journee"),
    ({"teletravail": {"postes": "12"}}, "/teletravail/postes"),
    ({"teletravail": {"wifi": True}}, "/teletravail/wifi"),
    ({"types": ["coworking", "coworking"]}, "/types"),
    ({"departement": "75"}, "/departement"),
    ({"position": MONTPELLIER}, "/position"),  # in Hérault, not in Haute-Garonne (31)
    ({"departement": "34"}, "/position"),  # the Toulouse point is not in Hérault
    ({"nom": None}, "/nom"),  # null removes a required field
    ({"position": None}, "/"),  # an open place needs a position
])
async def test_patched_places_obey_every_write_rule(
    client: httpx.AsyncClient, member: str, patch: dict[str, object], pointer: str,
) -> None:
    created = (await post_place(client, member)).json()
    response = await patch_place(client, member, created["id"], patch, 1)
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == PROBLEM
    assert pointer in [e["pointer"] for e in response.json()["errors"]]


async def test_a_patch_body_must_be_an_object(client: httpx.AsyncClient, member: str) -> None:
    created = (await post_place(client, member)).json()
    for body in (["nom"], "nom", 3):
        response = await patch_place(client, member, created["id"], body, 1)
        assert response.status_code == 422
    broken = await client.patch(f"/v1/lieux/{created['id']}", content=b"{nom:", headers=auth(
        member, **{"Content-Type": "application/merge-patch+json", "If-Match": tag(created["id"], 1)}))
    assert broken.status_code == 422


async def test_if_match_is_required_and_must_be_current(client: httpx.AsyncClient, member: str) -> None:
    created = (await post_place(client, member)).json()
    place = created["id"]
    missing = await patch_place(client, member, place, {"nom": "Sans ETag"}, None)
    assert missing.status_code == 428
    assert missing.json()["type"] == "/problemes/precondition-requise"
    wildcard = await patch_place(client, member, place, {"nom": "Joker"}, "*")
    assert wildcard.status_code == 428

    first = await patch_place(client, member, place, {"nom": "Premier"}, 1)
    assert first.headers["etag"] == tag(place, 2)
    for stale in (1, 9, '"garbage"', '"v2"', tag(place, 2).strip('"'), tag(uuid.uuid4(), 2),
                  f"{tag(place, 1)}, {tag(place, 3)}"):
        response = await patch_place(client, member, place, {"nom": "Second"}, stale)
        assert response.status_code == 412, stale
        assert response.headers["etag"] == tag(place, 2)
        assert response.json()["version_actuelle"] == 2
    # A weak form of the current tag (as a compressing proxy may send it) and lists are accepted.
    weak = await patch_place(client, member, place, {"nom": "Second"}, "W/" + tag(place, 2))
    assert weak.headers["etag"] == tag(place, 3)
    listed = await patch_place(client, member, place, {"nom": "Troisième"}, f"{tag(place, 1)}, {tag(place, 3)}")
    assert listed.status_code == 200


async def test_delete_archives_and_needs_if_match(client: httpx.AsyncClient, member: str) -> None:
    created = (await post_place(client, member)).json()
    url = f"/v1/lieux/{created['id']}"
    assert (await client.delete(url, headers=auth(member))).status_code == 428
    assert (await client.delete(url, headers=auth(member, **{"If-Match": tag(created["id"], 0)}))).status_code == 412
    archived = await client.delete(url, headers=auth(member, **{"If-Match": tag(created["id"], 1)}))
    assert archived.status_code == 200
    assert archived.json()["moderation"] == "archive"
    assert archived.headers["etag"] == tag(created["id"], 2)
    # Archived places are read-only; the record and its history are kept.
    assert (await patch_place(client, member, created["id"], {"nom": "Zombie"}, 2)).status_code == 409
    assert (await client.delete(url, headers=auth(member, **{"If-Match": tag(created["id"], 2)}))).status_code == 409
    history = (await client.get(f"{url}/historique", headers=auth(member))).json()
    assert [(r["version"], r["action"]) for r in history["items"]] == [(2, "archivage"), (1, "creation")]


async def test_bodies_over_the_limit_are_413(client: httpx.AsyncClient, member: str) -> None:
    created = (await post_place(client, member)).json()
    huge = place_payload(description="x" * (70 * 1024))
    assert (await client.post("/v1/lieux", json=huge, headers=auth(member))).status_code == 413
    response = await patch_place(client, member, created["id"], {"description": "x" * (70 * 1024)}, 1)
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM


async def test_anonymous_writes_are_401(client: httpx.AsyncClient, member: str) -> None:
    created = (await post_place(client, member)).json()
    url = f"/v1/lieux/{created['id']}"
    current = {"If-Match": tag(created["id"], 1)}
    for response in (
        await client.post("/v1/lieux", json=place_payload()),
        await client.patch(url, json={"nom": "x"}, headers=current),
        await client.delete(url, headers=current),
        await client.post(f"{url}/moderation", json={"decision": "publier"}, headers=current),
        await client.get(f"{url}/historique"),
        await client.post(f"{url}/historique/1/restauration", headers=current),
    ):
        assert response.status_code == 401, response.request.url
        assert response.headers["www-authenticate"].startswith("Bearer")
