"""SQL of coverage: communes, counted places, each commune's nearest place (index walks), exact geodesics.

Distances are straight-line geodesics on the WGS 84 spheroid, as PostGIS computes them on geography
(`ST_Distance`, `ST_DWithin`, Karney's algorithm). Points travel as the float8 coordinates PostGIS
stored (`ST_X`, `ST_Y`), so the pairs measured here are exactly the stored points.
"""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.core.sql import Params
from reseau_api.places.filters import PlaceFilters


async def communes(session: AsyncSession, departements: list[str]) -> list[Any]:
    """The communes of the territory (all of the region when `departements` is empty), by INSEE code."""
    p = Params()
    where = f"c.department_code = ANY({p(departements, 'text[]')})" if departements else "TRUE"
    raw = await raw_connection(session)
    return await raw.fetch(
        f"SELECT c.insee_code, c.name, c.department_code, c.population, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat "
        f"FROM commune c WHERE {where} ORDER BY c.insee_code", *p.values)


async def counted_places(session: AsyncSession, filters: PlaceFilters) -> list[Any]:
    """The places that count (the place filters, published, with a position), by id."""
    p = Params()
    where = " AND ".join([*filters.conditions(p, alias="p"), "p.geom IS NOT NULL"])
    raw = await raw_connection(session)
    return await raw.fetch(
        f"SELECT p.id, p.name, ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat FROM place p WHERE {where} ORDER BY p.id",
        *p.values)


async def nearest_places(session: AsyncSession, filters: PlaceFilters, departements: list[str]) -> list[Any]:
    """Each commune of the territory (by INSEE code) with its geodesically nearest counted place and the
    distance to it (`place_id` NULL when no place counts).

    Two index walks per commune, whatever the number of places: the nearest place by sphere distance
    (KNN `<->` on the geography index), then every place within 1 % beyond it (sphere and spheroid
    distances differ by less than 0.7 %), ranked by the spheroid distance (`ST_Distance`, exact), ties to
    the smallest id. So memory and time grow with the communes (4,453), not with the directory.
    """
    p = Params()
    where = " AND ".join([*filters.conditions(p, alias="p"), "p.geom IS NOT NULL"])
    territory = f"c.department_code = ANY({p(departements, 'text[]')})" if departements else "TRUE"
    raw = await raw_connection(session)
    return await raw.fetch(f"""
        SELECT c.insee_code, c.name, c.department_code, c.population, ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat,
               n.id AS place_id, n.name AS place_name, n.distance
        FROM commune c
        LEFT JOIN LATERAL (
            SELECT p.geom::geography <-> c.geom::geography AS sphere FROM place p WHERE {where}
            ORDER BY p.geom::geography <-> c.geom::geography LIMIT 1
        ) AS k ON TRUE
        LEFT JOIN LATERAL (
            SELECT p.id, p.name, ST_Distance(p.geom::geography, c.geom::geography) AS distance
            FROM place p
            WHERE {where} AND ST_DWithin(p.geom::geography, c.geom::geography, k.sphere * 1.01 + 1, false)
            ORDER BY 3, p.id LIMIT 1
        ) AS n ON k.sphere IS NOT NULL
        WHERE {territory}
        ORDER BY c.insee_code""", *p.values)


async def covered_by_department(
    session: AsyncSession, filters: PlaceFilters, departements: list[str], radius_m: float,
) -> list[Any]:
    """Per department of the territory (code order): its population and communes, in all and covered.
    Covered is the definition itself: a counted place within `radius_m` of the commune centre
    (`ST_DWithin` on the spheroid), one index probe per commune that stops at the first place found."""
    p = Params()
    where = " AND ".join([*filters.conditions(p, alias="p"), "p.geom IS NOT NULL"])
    territory = f"c.department_code = ANY({p(departements, 'text[]')})" if departements else "TRUE"
    radius = p(radius_m, "float8")
    raw = await raw_connection(session)
    return await raw.fetch(f"""
        SELECT c.department_code AS code, d.name, sum(c.population)::bigint AS population,
               coalesce(sum(c.population) FILTER (WHERE k.covered), 0)::bigint AS population_covered,
               count(*) AS communes, count(*) FILTER (WHERE k.covered) AS communes_covered
        FROM commune c
        JOIN departement d ON d.code = c.department_code
        CROSS JOIN LATERAL (SELECT EXISTS (
            SELECT 1 FROM place p WHERE {where} AND ST_DWithin(p.geom::geography, c.geom::geography, {radius})
        ) AS covered) AS k
        WHERE {territory}
        GROUP BY c.department_code, d.name
        ORDER BY c.department_code COLLATE "C"
    """, *p.values)


async def positions(session: AsyncSession, ids: list[Any]) -> tuple[list[float], list[float]]:
    """The stored (lon, lat) of these places, in the order given."""
    raw = await raw_connection(session)
    rows = await raw.fetch("SELECT ST_X(p.geom) AS lon, ST_Y(p.geom) AS lat FROM unnest($1::uuid[]) WITH ORDINALITY "
                           "AS u(id, i) JOIN place p ON p.id = u.id ORDER BY u.i", ids)
    return [r["lon"] for r in rows], [r["lat"] for r in rows]


async def counted_place_count(session: AsyncSession, filters: PlaceFilters) -> int:
    p = Params()
    where = " AND ".join([*filters.conditions(p, alias="p"), "p.geom IS NOT NULL"])
    raw = await raw_connection(session)
    return await raw.fetchval(f"SELECT count(*) FROM place p WHERE {where}", *p.values)


async def department_names(session: AsyncSession, codes: list[str]) -> dict[str, str]:
    raw = await raw_connection(session)
    rows = await raw.fetch("SELECT code, name FROM departement WHERE code = ANY($1::text[])", codes)
    return {r["code"]: r["name"] for r in rows}


_PAIRS = """
    FROM unnest($1::float8[], $2::float8[], $3::float8[], $4::float8[]) WITH ORDINALITY AS u(alon, alat, blon, blat, i)
    CROSS JOIN LATERAL (SELECT ST_SetSRID(ST_MakePoint(u.alon, u.alat), 4326)::geography AS a,
                               ST_SetSRID(ST_MakePoint(u.blon, u.blat), 4326)::geography AS b) AS g"""


async def distances(
    session: AsyncSession, a_lon: list[float], a_lat: list[float], b_lon: list[float], b_lat: list[float],
) -> list[float]:
    """The geodesic distance (metres) of each pair (a, b), in order."""
    raw = await raw_connection(session)
    rows = await raw.fetch(f"SELECT ST_Distance(g.a, g.b) AS d {_PAIRS} ORDER BY u.i", a_lon, a_lat, b_lon, b_lat)
    return [r["d"] for r in rows]


async def within(
    session: AsyncSession, a_lon: list[float], a_lat: list[float], b_lon: list[float], b_lat: list[float],
    radius_m: float,
) -> list[int]:
    """The (0-based) positions of the pairs (a, b) that lie within `radius_m`."""
    raw = await raw_connection(session)
    rows = await raw.fetch(f"SELECT u.i - 1 AS i {_PAIRS} WHERE ST_DWithin(g.a, g.b, $5::float8)",
                           a_lon, a_lat, b_lon, b_lat, radius_m)
    return [r["i"] for r in rows]
