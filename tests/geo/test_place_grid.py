"""Unfiltered clustered tiles come from the place grid (migration 0800), kept exact on every write.

The grid's tiles must carry what the live query (every place in the tile, grouped) gives: the same
groups, counts, positions and lone places. `statut` listing every status is a filter that selects every
place but takes the live path, the reference here.
"""

import random
from typing import Any

import httpx

from reseau_api.places import vocabulary as vocab
from tests.geo.conftest import insert_place, tile_of
from tests.geo.test_tiles import decode

EVERY_STATUS = list(vocab.STATUSES)


def _features(body: bytes) -> list[tuple[Any, ...]]:
    return sorted((tuple(f["geometry"]["coordinates"]), tuple(sorted(f["properties"].items())))
                  for f in decode(body))


async def _both(client: httpx.AsyncClient, z: int, x: int, y: int) -> tuple[httpx.Response, httpx.Response]:
    grid = await client.get(f"/v1/tuiles/{z}/{x}/{y}.mvt")
    live = await client.get(f"/v1/tuiles/{z}/{x}/{y}.mvt", params={"statut": EVERY_STATUS})
    return grid, live


async def _assert_same_tiles(client: httpx.AsyncClient, points: list[tuple[float, float]]) -> int:
    compared = 0
    for z in range(0, 9):
        for x, y in {tile_of(lon, lat, z) for lon, lat in points}:
            grid, live = await _both(client, z, x, y)
            assert grid.status_code == live.status_code
            if grid.status_code == 200:
                assert _features(grid.content) == _features(live.content), (z, x, y)
                compared += 1
    return compared


async def _grid(raw: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await raw.fetch("SELECT x, y, n, round(sx::numeric, 3), round(sy::numeric, 3) "
                                              "FROM place_grid ORDER BY x, y")]


async def test_grid_tiles_are_the_live_tiles(client: httpx.AsyncClient, raw: Any) -> None:
    rng = random.Random(15)
    points = []
    for i in range(60):  # dense around Toulouse (groups), a few far apart (lone places)
        lon, lat = (1.44 + rng.gauss(0, 0.05), 43.6 + rng.gauss(0, 0.05)) if i < 50 else (
            rng.uniform(0.5, 3.5), rng.uniform(42.8, 44.5))
        points.append((lon, lat))
        await insert_place(raw, f"Lieu {i}", lon=lon, lat=lat, desks=i % 4 or None, types=["coworking"])
    await insert_place(raw, "Brouillon", lon=1.44, lat=43.6, moderation="a_valider")
    await insert_place(raw, "Sans position", lon=None, lat=None, status="en_projet")
    assert await _assert_same_tiles(client, points) >= 9


async def test_the_grid_follows_every_write(client: httpx.AsyncClient, raw: Any) -> None:
    a = await insert_place(raw, "A", lon=1.44, lat=43.6)
    b = await insert_place(raw, "B", lon=1.441, lat=43.601)
    c = await insert_place(raw, "C", lon=2.148, lat=43.929, departement="81", moderation="a_valider")
    await raw.execute("UPDATE place SET geom = ST_SetSRID(ST_MakePoint(3.87, 43.61), 4326), department_code = '34' "
                      "WHERE id = $1", b)  # moved to another cell
    await raw.execute("UPDATE place SET moderation = 'publie' WHERE id = $1", c)  # published
    await raw.execute("UPDATE place SET name = 'A bis' WHERE id = $1", a)  # no move: nothing to count
    await raw.execute("UPDATE place SET moderation = 'archive' WHERE id = $1", a)  # withdrawn
    await insert_place(raw, "D", lon=1.4405, lat=43.6005)
    maintained = await _grid(raw)
    await raw.execute("SELECT place_grid_rebuild()")
    assert maintained == await _grid(raw)
    assert sum(row[2] for row in maintained) == 3  # B, C, D
    await _assert_same_tiles(client, [(1.44, 43.6), (3.87, 43.61), (2.148, 43.929)])
    await raw.execute("DELETE FROM place WHERE id = ANY($1::uuid[])", [b, c])
    assert [row[2] for row in await _grid(raw)] == [1]
