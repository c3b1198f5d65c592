"""Export files are built once per data version of the places and served from that build, 304 included;
any write to the places makes the next request build them again (issue 14, item 14)."""

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_place

FILES = ["lieux.csv", "lieux.geojson", "mediation-numerique.csv", "mediation-numerique.json",
         "data-inclusion/structures.json", "data-inclusion/services.json"]


async def rename_without_a_version_change(session: AsyncSession, name: str) -> None:
    """A write the data version does not see (triggers off for this transaction): if the next answer shows
    it, the file was built again for a version already built."""
    await session.execute(text("SET LOCAL session_replication_role = replica"))
    await session.execute(text("UPDATE place SET name = :name"), {"name": name})
    await session.execute(text("SET LOCAL session_replication_role = origin"))
    session.expire_all()


@pytest.mark.parametrize("name", FILES)
async def test_an_export_is_built_once_per_data_version(
    client: httpx.AsyncClient, session: AsyncSession, name: str,
) -> None:
    await make_place(session, nom="Atelier numérique", types=["mediation_numerique"], services=["wifi"],
                     adresse="1 rue du Taur")
    first = await client.get(f"/v1/export/{name}")
    assert first.status_code == 200
    assert "Atelier numérique".encode() in first.content
    await rename_without_a_version_change(session, "Renommé en douce")
    again = await client.get(f"/v1/export/{name}")
    assert again.content == first.content  # served from the build, not rebuilt
    assert again.headers["etag"] == first.headers["etag"]
    unchanged = await client.get(f"/v1/export/{name}", headers={"If-None-Match": first.headers["etag"]})
    assert unchanged.status_code == 304
    assert unchanged.content == b""
    assert unchanged.headers["etag"] == first.headers["etag"]


@pytest.mark.parametrize("name", FILES)
async def test_a_write_to_the_places_rebuilds_the_export(
    client: httpx.AsyncClient, session: AsyncSession, name: str,
) -> None:
    place = await make_place(session, nom="Atelier numérique", types=["mediation_numerique"], services=["wifi"],
                             adresse="1 rue du Taur")
    first = await client.get(f"/v1/export/{name}")
    await session.execute(text("UPDATE place SET name = 'Atelier renommé' WHERE id = :id"), {"id": place.id})
    session.expire_all()  # each request has its own session in production; here they share the test's
    changed = await client.get(f"/v1/export/{name}", headers={"If-None-Match": first.headers["etag"]})
    assert changed.status_code == 200
    assert "Atelier renommé".encode() in changed.content
    assert changed.headers["etag"] != first.headers["etag"]
