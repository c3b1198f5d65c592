"""If-Match (428/412), merge-patch media types and server-managed fields, for every editable resource."""

import pytest

from tests.editorial.conftest import Api, Kind, World, tag
from tests.members.factories import auth

PROBLEM = "application/problem+json"


async def test_if_match_missing_or_star_is_428_stale_is_412_weak_is_accepted(api: Api, world: World) -> None:
    record = (await api.create(world.member))["id"]
    missing = await api.patch(world.member, record, {api.kind.title_field: "Sans précondition"}, None)
    assert (missing.status_code, missing.headers["content-type"]) == (428, PROBLEM)
    assert missing.json()["detail"] == "Send `If-Match` with the record's current ETag (from GET or your last write)."
    star = await api.patch(world.member, record, {api.kind.title_field: "Étoile"}, "*")
    assert star.status_code == 428
    assert star.json()["detail"] == "`If-Match: *` does not protect against lost updates: send the record's ETag."
    stale = await api.patch(world.member, record, {api.kind.title_field: "En retard"}, 7)
    assert (stale.status_code, stale.headers["etag"], stale.json()["version_actuelle"]) == (412, tag(record, 1), 1)
    assert stale.json()["detail"].startswith(f"The {'place' if api.kind.objet == 'lieu' else 'good practice'} "
                                             "changed since your copy: it is at version 1")
    weak = await api.patch(world.member, record, {api.kind.title_field: "Faible mais juste"}, f"W/{tag(record, 1)}")
    assert (weak.status_code, weak.headers["etag"], weak.json()["version"]) == (200, tag(record, 2), 2)
    for write in (api.archive(world.member, record, 1), api.moderate(world.admin, record, 1),
                  api.restore(world.admin, record, 1, 1)):
        assert (await write).status_code == 412


async def test_a_patch_must_be_a_merge_patch_document(api: Api, world: World) -> None:
    record = (await api.create(world.member))["id"]
    response = await api.client.patch(f"{api.kind.url}/{record}", content=b"nom=x", headers=auth(
        world.member, **{"Content-Type": "application/x-www-form-urlencoded", "If-Match": tag(record, 1)}))
    assert (response.status_code, response.headers["content-type"]) == (415, PROBLEM)


@pytest.mark.parametrize("field,value", [
    ("id", "5b1a1f2e-8f5c-4a57-9c43-0c7b3f7e2d11"), ("slug", "pirate"), ("version", 3), ("organisation", None),
    ("maj_le", "2020-01-01T00:00:00Z"), ("cree_le", "2020-01-01T00:00:00Z"),
])
async def test_server_managed_fields_are_422_naming_them(api: Api, world: World, field: str, value: object) -> None:
    created = await api.client.post(api.kind.url, json=api.kind.body(**{field: value}), headers=auth(world.member))
    assert (created.status_code, created.headers["content-type"]) == (422, PROBLEM)
    assert [e["pointer"] for e in created.json()["errors"]] == [f"/{field}"]
    record = (await api.create(world.member))["id"]
    patched = await api.patch(world.member, record, {field: value}, 1)
    assert patched.status_code == 422
    assert [e["pointer"] for e in patched.json()["errors"]] == [f"/{field}"]


async def test_the_state_is_server_managed_too(api: Api, world: World, kind: Kind) -> None:
    record = (await api.create(world.member))["id"]
    response = await api.patch(world.member, record, {kind.state_field: kind.public}, 1)
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == [f"/{kind.state_field}"]
