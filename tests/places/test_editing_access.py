"""Member B can neither see A's drafts nor change A's places, by any route; admins moderate."""

import uuid

import httpx
import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.places.dependencies import can_see, visible_place
from reseau_api.places.exceptions import PlaceNotFound
from reseau_api.places.models import Place, PlaceRevision
from tests.members.factories import auth, make_key, make_organisation, patch_place, post_place, tag


async def _world(client: httpx.AsyncClient, session: AsyncSession) -> dict[str, object]:
    """Organisation A with a draft and a published place, organisation B, and an admin."""
    org_a, org_b = await make_organisation(session), await make_organisation(session)
    a, b, admin = await make_key(session, org_a), await make_key(session, org_b), await make_key(session, admin=True)
    draft = (await post_place(client, a, nom="Brouillon de A")).json()
    published = (await post_place(client, admin, f"?publier=true&organisation={org_a.id}", nom="Lieu de A")).json()
    return {"a": a, "b": b, "admin": admin, "draft": draft["id"], "published": published["id"]}


async def _attempts(client: httpx.AsyncClient, key: str, place: str) -> dict[str, int]:
    url = f"/v1/lieux/{place}"
    etag = {"If-Match": tag(place, 1)}
    return {
        "patch": (await patch_place(client, key, place, {"nom": "Piraté"}, 1)).status_code,
        "delete": (await client.delete(url, headers=auth(key, **etag))).status_code,
        "moderation": (await client.post(f"{url}/moderation", json={"decision": "publier"},
                                         headers=auth(key, **etag))).status_code,
        "history": (await client.get(f"{url}/historique", headers=auth(key))).status_code,
        "restore": (await client.post(f"{url}/historique/1/restauration", headers=auth(key, **etag))).status_code,
    }


async def test_member_b_cannot_touch_a_published_place_of_a(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await _world(client, session)
    statuses = await _attempts(client, world["b"], world["published"])
    # The place is public, so saying it exists leaks nothing: 403. Moderation and restore are for admins.
    assert statuses == {"patch": 403, "delete": 403, "moderation": 403, "history": 403, "restore": 403}
    place = (await session.execute(select(Place).where(Place.id == uuid.UUID(world["published"])))).scalar_one()
    await session.refresh(place)
    assert (place.name, place.moderation, place.version) == ("Lieu de A", "publie", 1)


async def test_member_b_cannot_see_or_touch_a_draft_of_a(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await _world(client, session)
    statuses = await _attempts(client, world["b"], world["draft"])
    # B is not told the draft exists (404); moderation and restore refuse any member before looking (403).
    assert statuses == {"patch": 404, "delete": 404, "moderation": 403, "history": 404, "restore": 403}
    unknown = await _attempts(client, world["b"], str(uuid.uuid4()))
    assert unknown == statuses  # indistinguishable from a place that does not exist
    place = (await session.execute(select(Place).where(Place.id == uuid.UUID(world["draft"])))).scalar_one()
    await session.refresh(place)
    assert (place.name, place.moderation, place.version) == ("Brouillon de A", "a_valider", 1)
    revisions = (await session.execute(select(PlaceRevision.version)
                                       .where(PlaceRevision.place_id == place.id))).scalars().all()
    assert revisions == [1]


async def test_owner_edits_and_reads_history_but_does_not_moderate(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    world = await _world(client, session)
    statuses = await _attempts(client, world["a"], world["draft"])
    assert statuses["patch"] == 200
    assert statuses["history"] == 200
    assert statuses["moderation"] == 403 and statuses["restore"] == 403
    assert statuses["delete"] == 412  # the patch made v2: the v1 ETag is stale


async def test_admins_may_edit_any_place(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await _world(client, session)
    response = await patch_place(client, world["admin"], world["draft"], {"nom": "Corrigé"}, 1)
    assert response.status_code == 200
    assert response.json()["moderation"] == "a_valider"  # an admin's edit does not change the state
    history = await client.get(f"/v1/lieux/{world['draft']}/historique", headers=auth(world["admin"]))
    assert history.status_code == 200


async def test_places_without_an_organisation_are_for_admins_only(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    world = await _world(client, session)
    orphan = (await post_place(client, world["admin"], "?publier=true")).json()
    assert orphan["organisation"] is None
    assert (await patch_place(client, world["a"], orphan["id"], {"nom": "À moi"}, 1)).status_code == 403
    assert (await patch_place(client, world["admin"], orphan["id"], {"nom": "Géré"}, 1)).status_code == 200


async def test_visibility_rule() -> None:
    org_a, org_b = uuid.uuid4(), uuid.uuid4()
    a = Member(key_id=uuid.uuid4(), prefix="aaaaaaaa", role="membre", organisation_id=org_a)
    b = Member(key_id=uuid.uuid4(), prefix="bbbbbbbb", role="membre", organisation_id=org_b)
    admin = Member(key_id=uuid.uuid4(), prefix="cccccccc", role="admin", organisation_id=None)
    for state in ("a_valider", "rejete", "archive"):
        hidden = Place(moderation=state, organisation_id=org_a)
        assert [can_see(who, hidden) for who in (None, a, b, admin)] == [False, True, False, True], state
    public = Place(moderation="publie", organisation_id=org_a)
    assert [can_see(who, public) for who in (None, a, b, admin)] == [True, True, True, True]
    orphan_draft = Place(moderation="a_valider", organisation_id=None)
    assert [can_see(who, orphan_draft) for who in (None, a, admin)] == [False, False, True]


async def test_visible_place_dependency(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await _world(client, session)
    me_a = (await client.get("/v1/cles/moi", headers=auth(world["a"]))).json()
    a = Member(key_id=uuid.UUID(me_a["id"]), prefix=me_a["prefixe"], role="membre",
               organisation_id=uuid.UUID(me_a["organisation"]))
    draft = world["draft"]
    assert str((await visible_place(draft, session, a)).id) == draft
    with pytest.raises(PlaceNotFound):
        await visible_place(draft, session, None)
    assert (await visible_place(world["published"], session, None)).name == "Lieu de A"


async def test_the_detail_route_shows_drafts_to_their_owner_and_admins_only(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    world = await _world(client, session)
    slug = (await client.get(f"/v1/lieux/{world['draft']}", headers=auth(world["a"]))).json()["slug"]
    for key in (world["a"], world["admin"]):
        for ref in (world["draft"], slug):
            response = await client.get(f"/v1/lieux/{ref}", headers=auth(key))
            assert response.status_code == 200
            assert response.json()["moderation"] == "a_valider"
            assert response.headers["etag"] == tag(world["draft"], 1)
            assert response.headers["cache-control"] == "private, no-store"  # never in a shared cache
    for headers in ({}, auth(world["b"])):
        for ref in (world["draft"], slug):
            hidden = await client.get(f"/v1/lieux/{ref}", headers=headers)
            assert hidden.status_code == 404
            assert hidden.json()["detail"] == f"No published place with id or slug {ref!r}."
    public = await client.get(f"/v1/lieux/{world['published']}")
    assert public.status_code == 200
    assert public.headers["cache-control"].startswith("public")
    # A bad key is refused even where no key is needed: a revoked key must not look like "anonymous".
    assert (await client.get(f"/v1/lieux/{world['published']}", headers=auth("rsx_bad"))).status_code == 401


async def test_archived_places_leave_the_public_detail(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await _world(client, session)
    url = f"/v1/lieux/{world['published']}"
    archived = await client.delete(url, headers=auth(world["a"], **{"If-Match": tag(world["published"], 1)}))
    assert archived.status_code == 200
    assert (await client.get(url)).status_code == 404
    assert (await client.get(url, headers=auth(world["b"]))).status_code == 404
    assert (await client.get(url, headers=auth(world["a"]))).json()["moderation"] == "archive"


async def test_writes_accept_a_slug_like_reads(client: httpx.AsyncClient, session: AsyncSession) -> None:
    world = await _world(client, session)
    slug = (await client.get(f"/v1/lieux/{world['draft']}", headers=auth(world["a"]))).json()["slug"]
    response = await patch_place(client, world["a"], slug, {"nom": "Par le slug"}, tag(world["draft"], 1))
    assert response.status_code == 200
    assert response.json()["id"] == world["draft"]
