"""The in-memory coverage test of the suggestions: its chord bounds never lie, and pairs too close to
the radius to call are settled by PostGIS."""

import random

import httpx
import numpy as np
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.coverage import geometry, greedy
from tests.coverage.geodesic import distance_m


@pytest.mark.parametrize("radius_m", [1_000.0, 15_000.0, 100_000.0])
def test_chord_bounds_agree_with_geodesics(radius_m: float) -> None:
    rng = random.Random(42)
    origin = (rng.uniform(-0.5, 4.9), rng.uniform(42.3, 45.1))
    points = [(origin[0] + rng.uniform(-1.6, 1.6) * radius_m / 100_000,
               origin[1] + rng.uniform(-1.1, 1.1) * radius_m / 100_000) for _ in range(3000)]
    xyz = geometry.ecef(np.array([p[0] for p in points]), np.array([p[1] for p in points]))
    centre = geometry.ecef(np.array([origin[0]]), np.array([origin[1]]))[0]
    chords = np.sqrt(((xyz - centre) ** 2).sum(axis=1))
    surely, maybe = geometry.chord_bounds(radius_m)
    geodesics = np.array([distance_m(origin[0], origin[1], lon, lat) for lon, lat in points])
    assert np.all(geodesics[chords <= surely] <= radius_m)
    assert np.all(geodesics[chords > maybe] > radius_m)
    assert 0 < (chords <= surely).sum() and 0 < (chords > maybe).sum()
    # The undecided band is thin: r³/24ρ² (plus a millimetre each side).
    assert maybe - surely == pytest.approx(radius_m ** 3 / (24 * geometry.RHO_MIN ** 2) + 0.002, rel=1e-3)


async def _synthetic_communes(session: AsyncSession, radius_m: float) -> None:
    """Three communes on a line: B lies 0.4 mm inside the radius from A, C 0.4 mm outside it."""
    await session.execute(text("DELETE FROM commune"))
    await session.execute(text("""
        INSERT INTO commune (insee_code, name, department_code, population, geom)
        SELECT code, code, '48', pop, geom::geometry FROM (VALUES
            ('48001', 1, ST_MakePoint(3.5, 44.5)::geography),
            ('48002', 100, ST_Project(ST_MakePoint(3.5, 44.5)::geography, :r - 0.0004, radians(0))),
            ('48003', 100, ST_Project(ST_MakePoint(3.5, 44.5)::geography, :r + 0.0004, radians(180)))
        ) AS t(code, pop, geom)"""), {"r": radius_m})


async def test_pairs_at_the_radius_are_settled_by_postgis(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    radius_m = 15_000.0
    await _synthetic_communes(session, radius_m)
    rows = (await session.execute(text(
        "SELECT b.insee_code, ST_Distance(a.geom::geography, b.geom::geography) - :r, ST_X(b.geom), ST_Y(b.geom) "
        "FROM commune a, commune b WHERE a.insee_code = '48001' AND b.insee_code <> a.insee_code "
        "ORDER BY 1"), {"r": radius_m})).all()
    assert [(code, round(gap * 10000)) for code, gap, _, _ in rows] == [("48002", -4), ("48003", 4)]
    # The chord cannot tell these pairs: they are in the band...
    lon = np.array([3.5] + [r[2] for r in rows])
    lat = np.array([44.5] + [r[3] for r in rows])
    coverage = geometry.coverage_matrix(geometry.ecef(lon, lat), geometry.ecef(lon, lat), radius_m)
    assert sorted(zip(coverage.band_target.tolist(), coverage.band_candidate.tolist(), strict=True)) == [
        (0, 1), (0, 2), (1, 0), (2, 0)]
    # ...and PostGIS decides: A covers B (gain 101 = A + B), not C.
    body = (await client.get("/v1/maillage/suggestions", params={"rayon_km": 15, "n": 3})).json()
    assert [(s["code_insee"], s["population_gagnee"], s["communes_gagnees"]) for s in body["suggestions"]] == [
        ("48001", 101, 2), ("48003", 100, 1)]
    table = (await client.get("/v1/maillage", params={"rayon_km": 15})).json()
    assert table["total"]["population"] == 201


def test_greedy_ties_go_to_the_lowest_index_and_it_stops_when_done() -> None:
    # Points 1 and 2 are 11 cm apart (2 lies south of 1, so first in z order); point 0 is 55 km away.
    lat = np.array([1.0, 0.5, 0.5 - 1e-6])
    xyz = geometry.ecef(np.zeros(3), lat)
    coverage = geometry.coverage_matrix(xyz, xyz, 1_000.0)
    assert coverage.covers.sum() == 5
    picks = greedy.greedy(np.array([5, 7, 7]), coverage, 10)
    assert [(p.candidate, p.population, p.targets) for p in picks] == [(1, 14, 2), (0, 5, 1)]
    assert greedy.greedy(np.array([0, 0, 0]), coverage, 10) == []
    nobody = geometry.coverage_matrix(xyz[:0], xyz, 1_000.0)
    assert greedy.greedy(np.array([], dtype=np.int64), nobody, 3) == []


async def test_nearest_place_is_the_geodesic_nearest_not_the_chord_nearest(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    """North of a point the ellipsoid curves more than east of it: at 100 km a place 3 mm nearer by
    geodesic due east has a longer chord than a place due north."""
    await session.execute(text("DELETE FROM commune WHERE insee_code <> '48095'"))  # Mende alone
    await session.execute(text("""
        INSERT INTO place (slug, name, status, department_code, geom)
        SELECT slug, slug, 'ouvert', '48', ST_Project(c.geom::geography, distance, radians(azimuth))::geometry
        FROM commune c, (VALUES ('north', 100000.0, 0), ('east', 99999.997, 90)) AS t(slug, distance, azimuth)"""))
    rows = (await session.execute(text(
        "SELECT p.name, ST_X(p.geom), ST_Y(p.geom), ST_X(c.geom), ST_Y(c.geom) FROM place p, commune c "
        "ORDER BY p.name"))).all()
    centre = geometry.ecef(np.array([rows[0][3]]), np.array([rows[0][4]]))[0]
    chords = {name: float(np.linalg.norm(geometry.ecef(np.array([lon]), np.array([lat]))[0] - centre))
              for name, lon, lat, _, _ in rows}
    assert chords["north"] < chords["east"]  # the chord alone would pick the wrong place
    item = (await client.get("/v1/maillage/communes", params={"rayon_km": 100})).json()["items"][0]
    assert (item["code_insee"], item["lieu_proche"]["nom"], item["couverte"]) == ("48095", "east", True)
    assert item["distance_km"] == 100.0


async def test_distances_within_a_micrometre_of_the_radius_go_through_st_dwithin(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    await session.execute(text("DELETE FROM commune WHERE insee_code NOT IN ('48095', '48061')"))
    await session.execute(text("""
        INSERT INTO place (slug, name, status, department_code, geom)
        SELECT c.insee_code, c.insee_code, 'ouvert', '48',
               ST_Project(c.geom::geography, 15000 + offset_m, radians(45))::geometry
        FROM commune c JOIN (VALUES ('48095', -0.0000005), ('48061', 0.0000005)) AS t(code, offset_m)
             ON t.code = c.insee_code"""))
    gaps = (await session.execute(text(
        "SELECT c.insee_code, ST_Distance(c.geom::geography, p.geom::geography) - 15000 FROM commune c "
        "JOIN place p ON p.name = c.insee_code ORDER BY 1"))).all()
    assert [(code, round(gap * 1e7)) for code, gap in gaps] == [("48061", 5), ("48095", -5)]
    items = (await client.get("/v1/maillage/communes", params={"rayon_km": 15, "tri": "distance"})).json()["items"]
    assert [(i["code_insee"], i["couverte"]) for i in items] == [("48095", True), ("48061", False)]
    table = (await client.get("/v1/maillage", params={"rayon_km": 15})).json()
    assert (table["total"]["communes"], table["total"]["communes_couvertes"]) == (2, 1)
