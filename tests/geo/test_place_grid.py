"""Unfiltered clustered tiles come from the place grid (migrations 0800, 0900), kept exact on every write.

The grid's tiles must carry what the live query (every place in the tile, grouped) gives: the same
groups, counts, positions and lone places. `statut` listing every status is a filter that selects every
place but takes the live path, the reference here.
"""

import random
from typing import Any

import httpx
import pytest

from reseau_api.geo import queries
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


async def _assert_same_tiles(client: httpx.AsyncClient, points: list[tuple[float, float]], zooms: int = 9) -> int:
    compared = 0
    for z in range(0, zooms):
        for x, y in {tile_of(lon, lat, z) for lon, lat in points}:
            grid, live = await _both(client, z, x, y)
            assert grid.status_code == live.status_code
            if grid.status_code == 200:
                assert _features(grid.content) == _features(live.content), (z, x, y)
                compared += 1
    return compared


async def _grid(raw: Any) -> list[tuple[Any, ...]]:
    return [tuple(r) for r in await raw.fetch("SELECT z, x, y, n, round(sx::numeric, 3), round(sy::numeric, 3) "
                                              "FROM place_grid ORDER BY z, x, y")]


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
    assert {z: sum(row[3] for row in maintained if row[0] == z) for z in queries.GRID_LEVELS} == dict.fromkeys(
        queries.GRID_LEVELS, 3)  # B, C, D at every level
    await raw.execute("UPDATE place SET geom = ST_SetSRID(ST_MakePoint(1.44051, 43.60051), 4326) WHERE id = (SELECT id "
                      "FROM place WHERE name = 'D')")  # a move within its cell at every level
    moved = await _grid(raw)
    await raw.execute("SELECT place_grid_rebuild()")
    assert moved == await _grid(raw) != maintained
    await _assert_same_tiles(client, [(1.44, 43.6), (3.87, 43.61), (2.148, 43.929)])
    await raw.execute("DELETE FROM place WHERE id = ANY($1::uuid[])", [b, c])
    assert [row[3] for row in await _grid(raw)] == [1] * len(queries.GRID_LEVELS)


async def test_dense_tiles_above_zoom_8_are_grid_clusters(
    client: httpx.AsyncClient, raw: Any, monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A tile above zoom 8 with more than TILE_MAX_POINTS places is clustered: from the grid level of its
    # cells without filters, from its places with them; both give the same tile at every zoom to 16.
    monkeypatch.setattr(queries, "TILE_MAX_POINTS", 4)
    rng = random.Random(9)
    points = [(1.44 + rng.gauss(0, 0.003), 43.6 + rng.gauss(0, 0.003)) for _ in range(40)]
    points += [(1.44005, 43.60005)] * 6  # one spot: a cluster at every zoom
    for i, (lon, lat) in enumerate(points):
        await insert_place(raw, f"Dense {i}", lon=lon, lat=lat, types=["fablab"])
    assert await _assert_same_tiles(client, points, zooms=17) >= 17
    z, (x, y) = 16, tile_of(1.44005, 43.60005, 16)
    features = decode((await client.get(f"/v1/tuiles/{z}/{x}/{y}.mvt")).content)
    assert any(f["properties"].get("point_count", 1) >= 6 for f in features)
    z, (x, y) = 12, tile_of(1.44, 43.6, 12)
    features = decode((await client.get(f"/v1/tuiles/{z}/{x}/{y}.mvt")).content)
    assert sum(f["properties"].get("point_count", 1) for f in features) == 46 and len(features) < 46


async def test_a_tile_shows_every_place_up_to_its_bound(client: httpx.AsyncClient, raw: Any) -> None:
    async def add(n: int, start: int) -> None:  # n places ~100 m apart around Albi, in one z12 tile
        await raw.execute("""
            INSERT INTO place (slug, name, status, department_code, geom, moderation, commune, source)
            SELECT 'borne-' || i, 'Borne ' || i, 'ouvert', '81',
                   ST_SetSRID(ST_MakePoint(2.14 + (i % 25) * 0.001, 43.92 + (i / 25) * 0.001), 4326), 'publie',
                   'Albi', 'tests'
            FROM generate_series($1::int, $1::int + $2::int - 1) AS i""", start, n)

    z, (x, y) = 12, tile_of(2.15, 43.93, 12)
    await add(queries.TILE_MAX_POINTS, 0)
    features = decode((await client.get(f"/v1/tuiles/{z}/{x}/{y}.mvt")).content)
    assert len(features) == queries.TILE_MAX_POINTS and not any("point_count" in f["properties"] for f in features)
    await add(1, queries.TILE_MAX_POINTS)
    features = decode((await client.get(f"/v1/tuiles/{z}/{x}/{y}.mvt")).content)
    assert sum(f["properties"].get("point_count", 1) for f in features) == queries.TILE_MAX_POINTS + 1
    assert len(features) <= 256 and any("point_count" in f["properties"] for f in features)
