"""Coverage does work that grows with the communes, not with the directory (issue 14, item 14): at 100k
places one request lifted a worker to 864 MB, comparing every commune with every place in memory."""

import tracemalloc

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.coverage import service as coverage_service

PLACES = 20_000
PEAK_BYTES = 16 * 1024 * 1024


async def test_coverage_memory_does_not_grow_with_the_places(client: httpx.AsyncClient, session: AsyncSession) -> None:
    raw = await raw_connection(session)
    # 20,000 open places on a grid over the region.
    await raw.execute("""
        INSERT INTO place (slug, name, status, department_code, geom, source)
        SELECT 'grille-' || i, 'Grille ' || i, 'ouvert', '31',
               ST_SetSRID(ST_MakePoint(-0.3 + (i % 200) * 0.025, 42.4 + (i / 200) * 0.026), 4326), 'tests/coverage'
        FROM generate_series(0, $1::int - 1) AS i""", PLACES)
    await raw.execute("ANALYZE place")  # as autovacuum would after such a load: the planner walks the index
    await client.get("/v1/maillage?rayon_km=15")  # warm: imports, plans, caches
    tracemalloc.start()
    try:
        response = await client.get("/v1/maillage?rayon_km=15")
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert response.status_code == 200
    assert response.json()["lieux"] == PLACES
    assert peak < PEAK_BYTES, f"{peak / 1e6:.1f} MB traced for one coverage request"


async def test_both_ways_of_finding_the_nearest_place_agree(
    client: httpx.AsyncClient, demo_places: dict[str, str], monkeypatch: pytest.MonkeyPatch,
) -> None:
    """Few places: sorted out in memory; many: found by index walks in PostgreSQL. Same answers."""
    query = "/v1/maillage/communes?rayon_km=15&tri=distance&limit=5000"
    in_memory = await client.get(query)
    table_in_memory = (await client.get("/v1/maillage?rayon_km=15")).json()
    monkeypatch.setattr(coverage_service, "IN_MEMORY_PLACES", 0)
    in_database = await client.get(query)
    table_in_database = (await client.get("/v1/maillage?rayon_km=15")).json()
    assert in_memory.status_code == in_database.status_code == 200
    assert len(in_memory.json()["items"]) == 4453
    assert in_database.json() == in_memory.json()
    assert table_in_database == table_in_memory
