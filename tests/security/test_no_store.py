"""Responses carrying a key or key metadata are `Cache-Control: no-store` (issue #14 item 5)."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.members.factories import auth, make_key, make_organisation


async def test_key_responses_are_never_stored(client: httpx.AsyncClient, session: AsyncSession) -> None:
    org = await make_organisation(session)
    admin = await make_key(session, admin=True)
    issued = await client.post(f"/v1/organisations/{org.id}/cles", json={"libelle": "Site"}, headers=auth(admin))
    assert issued.status_code == 201 and issued.json()["cle"].startswith("rsx_")
    member = issued.json()["cle"]
    listed = await client.get(f"/v1/organisations/{org.id}/cles", headers=auth(member))
    mine = await client.get("/v1/cles/moi", headers=auth(member))
    revoked = await client.delete(f"/v1/cles/{mine.json()['id']}", headers=auth(admin))
    assert [(r.status_code, r.headers.get("cache-control")) for r in (issued, listed, mine, revoked)] == [
        (201, "no-store"), (200, "no-store"), (200, "no-store"), (200, "no-store")]

