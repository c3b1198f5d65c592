"""SQL of coverage: the territory's communes, the counted places, and exact geodesics for given pairs.

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
