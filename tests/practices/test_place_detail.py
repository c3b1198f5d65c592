"""A place's detail lists its published good practices; its ETag follows them; If-Match still works."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_place
from tests.members.factories import auth, make_key, make_organisation, patch_place
from tests.practices.factories import make_practice


async def test_the_detail_lists_published_practices_and_its_etag_follows_them(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    org = await make_organisation(session)
    place = await make_place(session)
    place.organisation_id = org.id
    await session.flush()
    bare = await client.get(f"/v1/lieux/{place.id}")
    assert bare.json()["bonnes_pratiques"] == [] and bare.headers["etag"] == f'"{place.id}-v1"'

    published = await make_practice(session, titre="Publiée", lieux=[str(place.id)])
    await make_practice(session, titre="Brouillon", lieux=[str(place.id)], publish=False)
    listed = await client.get(f"/v1/lieux/{place.slug}")
    assert listed.json()["bonnes_pratiques"] == [
        {"id": str(published.id), "slug": published.slug, "titre": "Publiée"}]
    etag = listed.headers["etag"]
    assert etag.startswith(f'"{place.id}-v1.bp-') and etag != bare.headers["etag"]
    assert (await client.get(f"/v1/lieux/{place.id}", headers={"If-None-Match": etag})).status_code == 304
    # Editing the practice changes the place's detail, so its ETag too.
    published.title, published.version = "Publiée et revue", 2
    await session.flush()
    changed = await client.get(f"/v1/lieux/{place.id}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert changed.json()["bonnes_pratiques"][0]["titre"] == "Publiée et revue"

    # The detail's ETag is accepted by If-Match when editing the place (its version part is compared).
    key = await make_key(session, org)
    edited = await patch_place(client, key, str(place.id), {"nom": "Nouveau nom"}, changed.headers["etag"])
    assert edited.status_code == 200, edited.text
    assert edited.json()["version"] == 2 and edited.json()["bonnes_pratiques"] is None
    stale = await patch_place(client, key, str(place.id), {"nom": "Autre"}, changed.headers["etag"])
    assert stale.status_code == 412
    assert (await client.get(f"/v1/lieux/{place.id}", headers=auth(key))).json()["nom"] == "Nouveau nom"
