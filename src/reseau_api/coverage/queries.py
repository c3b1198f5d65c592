"""Coverage reads: per-department table, communes with their nearest place, greedy suggestions.

Distances are straight-line geodesics on the WGS 84 spheroid (PostGIS geography). "Covered" means
one thing everywhere: `ST_DWithin(place, commune centre, radius)` on geography for at least one
counted place (`_covered`), walked through the GiST index on `place (geom::geography)`.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from reseau_api.core.db import raw_connection
from reseau_api.core.errors import InvalidParameter
from reseau_api.core.pagination import decode_cursor, encode_cursor
from reseau_api.core.sql import Params
from reseau_api.coverage import greedy
from reseau_api.coverage.filters import CoverageParams
from reseau_api.places.filters import PlaceFilters

# Float slack when a distance computed by ST_Distance bounds an ST_DWithin search.
SLACK_M = 0.001
# ST_Distance rounds to 1e-8 m; beyond a micrometre from the radius, "distance <= radius" and
# ST_DWithin cannot disagree.
EXACT_BAND_M = 1e-6


def _places(filters: PlaceFilters, p: Params) -> str:
    return " AND ".join([*filters.conditions(p, alias="p"), "p.geom IS NOT NULL"])


def _covered(filters: PlaceFilters, p: Params, radius: str, alias: str = "c") -> str:
    return (f"EXISTS (SELECT 1 FROM place p WHERE {_places(filters, p)} "
            f"AND ST_DWithin(p.geom::geography, {alias}.geom::geography, {radius}))")


def _territory(params: CoverageParams, p: Params) -> str:
    if not params.departements:
        return "TRUE"
    return f"c.department_code = ANY({p(params.departements, 'text[]')})"


def _nearest(filters: PlaceFilters, p: Params, alias: str) -> str:
    """LATERAL subquery: the counted place nearest to commune `alias` (geodesic), exactly.

    A planar KNN probe (`geom <-> geom`, cheap) finds a near place; its geodesic distance bounds the
    nearest one's, so a geodesic `ST_DWithin` at that distance (indexed) holds the nearest place, which
    the spheroid distance then picks. (KNN `<->` on geography orders by sphere distance, which differs
    from the spheroid order by up to 1 %, and costs more.)
    """
    return f"""LATERAL (
        SELECT p.id, p.name, ST_Distance(p.geom::geography, {alias}.geom::geography) AS d
        FROM place p
        WHERE {_places(filters, p)} AND ST_DWithin(p.geom::geography, {alias}.geom::geography,
            (SELECT ST_Distance(p.geom::geography, {alias}.geom::geography) + {SLACK_M}
             FROM place p WHERE {_places(filters, p)} ORDER BY p.geom <-> {alias}.geom LIMIT 1))
        ORDER BY d, p.id LIMIT 1) AS n ON TRUE"""


# --- per-department table ------------------------------------------------------------------------

def _totals(alias: str) -> str:
    a = alias
    return (f"'population', {a}.population, 'population_couverte', {a}.covered_population, "
            f"'part_couverte', round({a}.covered_population::numeric / nullif({a}.population, 0), 4), "
            f"'communes', {a}.communes, 'communes_couvertes', {a}.covered_communes, "
            f"'communes_non_couvertes', {a}.communes - {a}.covered_communes")


async def coverage_table(session: AsyncSession, filters: PlaceFilters, params: CoverageParams) -> str:
    """The coverage table as JSON text: one row per department, and their total."""
    p = Params()
    radius = p(params.radius_m, "float8")
    sql = f"""
        WITH c AS MATERIALIZED (
            SELECT c.department_code, c.population, {_covered(filters, p, radius)} AS covered
            FROM commune c WHERE {_territory(params, p)}
        ), d AS (
            SELECT department_code AS code, sum(population)::bigint AS population,
                   coalesce(sum(population) FILTER (WHERE covered), 0)::bigint AS covered_population,
                   count(*) AS communes, count(*) FILTER (WHERE covered) AS covered_communes
            FROM c GROUP BY department_code
        ), t AS (
            SELECT coalesce(sum(population), 0)::bigint AS population,
                   coalesce(sum(covered_population), 0)::bigint AS covered_population,
                   coalesce(sum(communes), 0)::bigint AS communes,
                   coalesce(sum(covered_communes), 0)::bigint AS covered_communes FROM d
        )
        SELECT json_build_object(
            'rayon_km', {p(params.radius_km, 'float8')},
            'lieux', (SELECT count(*) FROM place p WHERE {_places(filters, p)}),
            'departements', coalesce((
                SELECT json_agg(json_build_object('code', d.code, 'nom', dep.name, {_totals('d')}) ORDER BY d.code)
                FROM d JOIN departement dep ON dep.code = d.code), '[]'::json),
            'total', (SELECT json_build_object({_totals('t')}) FROM t)
        )::text
    """
    raw = await raw_connection(session)
    return await raw.fetchval(sql, *p.values)


# --- communes ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class CommuneSort:
    key: str  # SQL sort key over the row alias `r`
    key_type: str
    descending: bool
    needs_distance: bool


# Unreachable communes (no counted place at all) sort after every distance.
_DISTANCE_KEY = "coalesce(r.d, 'Infinity'::float8)"
COMMUNE_SORTS = {
    "-population": CommuneSort("r.population", "int", True, False),
    "population": CommuneSort("r.population", "int", False, False),
    "distance": CommuneSort(_DISTANCE_KEY, "float8", False, True),
    "-distance": CommuneSort(_DISTANCE_KEY, "float8", True, True),
}

_COMMUNE_PROPERTIES = """
    'code_insee', r.insee_code, 'nom', r.name, 'departement', r.department_code,
    'population', r.population, 'couverte', r.covered,
    'distance_km', round((r.d / 1000)::numeric, 3),
    'lieu_proche', CASE WHEN r.place_id IS NULL THEN NULL
                        ELSE json_build_object('id', r.place_id, 'nom', r.place_name) END"""


def _commune_json(geojson: bool) -> str:
    if geojson:
        return (f"json_build_object('type', 'Feature', 'id', r.insee_code, "
                f"'geometry', ST_AsGeoJSON(r.geom, 6)::json, "
                f"'properties', json_build_object({_COMMUNE_PROPERTIES}))::text")
    return (f"json_build_object({_COMMUNE_PROPERTIES}, 'position', json_build_object("
            f"'lon', round(ST_X(r.geom)::numeric, 6), 'lat', round(ST_Y(r.geom)::numeric, 6)))::text")


def _cursor_value(sort: CommuneSort, value: Any) -> Any:
    try:
        return int(value) if sort.key_type == "int" else float(value)
    except (TypeError, ValueError):
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given") from None


@dataclass
class CommunePage:
    items: list[str]  # JSON texts (items or GeoJSON features), in order
    total: int
    next_cursor: str | None


async def commune_page(
    session: AsyncSession, filters: PlaceFilters, params: CoverageParams, *, covered: bool | None,
    sort: str, limit: int, cursor: str | None, geojson: bool,
) -> CommunePage:
    """One page of communes with coverage, nearest counted place and its distance.

    Sorted by population, the nearest place is looked up for the page's rows only; sorted by
    distance, for every commune of the territory (two indexed probes each).
    """
    spec = COMMUNE_SORTS[sort]
    p = Params()
    radius = p(params.radius_m, "float8")
    covered_filter = "TRUE" if covered is None else ("r.covered" if covered else "NOT r.covered")
    keyset = "TRUE"
    direction = "DESC" if spec.descending else "ASC"
    if cursor is not None:
        last_key, last_code = decode_cursor(cursor, sort, 2)
        op = "<" if spec.descending else ">"
        keyset = (f"({spec.key}, r.insee_code) {op} ({p(_cursor_value(spec, last_key), spec.key_type)}, "
                  f"{p(str(last_code), 'text')})")
    order = f"ORDER BY {spec.key} {direction}, r.insee_code {direction}"
    if spec.needs_distance:
        # Every commune's nearest place is needed to sort; "covered" then follows from its distance,
        # except within a micrometre of the radius, where the ST_DWithin test itself decides.
        sql = f"""
            WITH measured AS MATERIALIZED (
                SELECT c.insee_code, c.name, c.department_code, c.population, c.geom,
                       n.id AS place_id, n.name AS place_name, n.d
                FROM commune c LEFT JOIN {_nearest(filters, p, 'c')}
                WHERE {_territory(params, p)}),
            selected AS (
                SELECT * FROM (
                    SELECT m.*, CASE WHEN m.d IS NULL THEN false
                                     WHEN abs(m.d - {radius}) > {EXACT_BAND_M} THEN m.d <= {radius}
                                     ELSE {_covered(filters, p, radius, 'm')} END AS covered
                    FROM measured m) AS r
                WHERE {covered_filter})
            SELECT {_commune_json(geojson)} AS body, {spec.key} AS sort_key, r.insee_code,
                   (SELECT count(*) FROM selected) AS total
            FROM selected r WHERE {keyset} {order} LIMIT {p(limit + 1, "int")}"""
    else:
        # Sorted by population: coverage for every commune (to filter and count), the nearest place
        # only for the page's rows.
        sql = f"""
            WITH selected AS MATERIALIZED (
                SELECT * FROM (
                    SELECT c.insee_code, c.name, c.department_code, c.population, c.geom,
                           {_covered(filters, p, radius)} AS covered
                    FROM commune c WHERE {_territory(params, p)}) AS r
                WHERE {covered_filter}),
            page AS (SELECT * FROM selected r WHERE {keyset} {order} LIMIT {p(limit + 1, "int")})
            SELECT {_commune_json(geojson)} AS body, {spec.key} AS sort_key, r.insee_code,
                   (SELECT count(*) FROM selected) AS total
            FROM (SELECT g.*, n.id AS place_id, n.name AS place_name, n.d
                  FROM page g LEFT JOIN {_nearest(filters, p, 'g')}) AS r
            {order}"""
    raw = await raw_connection(session)
    rows = await raw.fetch(sql, *p.values)
    if rows:
        total = rows[0]["total"]
    else:  # past the last page: count the selection on its own
        q = Params()
        count_filter = "TRUE" if covered is None else ("covered" if covered else "NOT covered")
        total = await raw.fetchval(
            f"SELECT count(*) FROM (SELECT {_covered(filters, q, q(params.radius_m, 'float8'))} AS covered "
            f"FROM commune c WHERE {_territory(params, q)}) AS s WHERE {count_filter}", *q.values)
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_cursor = encode_cursor(sort, [last["sort_key"], last["insee_code"]])
    return CommunePage([r["body"] for r in rows[:limit]], total, next_cursor)


# --- suggestions ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Suggestion:
    insee_code: str
    name: str
    department_code: str
    lon: float
    lat: float
    population: int  # of the commune itself
    gained_population: int
    gained_communes: int
    covered_population: int  # cumulative, after this pick
    covered_share: float | None


@dataclass(frozen=True)
class Suggestions:
    radius_km: float
    places: int
    population: int
    covered_population: int
    covered_share: float | None
    suggestions: list[Suggestion]


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


_PAIRS_WITHIN = """
    SELECT t.i FROM unnest($1::text[], $2::text[]) WITH ORDINALITY AS t(a, b, i)
    JOIN commune ca ON ca.insee_code = t.a JOIN commune cb ON cb.insee_code = t.b
    WHERE ST_DWithin(ca.geom::geography, cb.geom::geography, $3::float8)"""


async def suggestions(
    session: AsyncSession, filters: PlaceFilters, params: CoverageParams, n: int,
) -> Suggestions:
    """Greedy maximum coverage: the `n` commune centres where a new place covers the most people.

    One statement reads the territory's communes with their coverage; pairs of candidate sites and
    uncovered communes are found in memory (see `greedy`), undecided ones settled by PostGIS.
    """
    p = Params()
    radius = p(params.radius_m, "float8")
    sql = f"""
        SELECT c.insee_code, c.name, c.department_code, c.population,
               ST_X(c.geom) AS lon, ST_Y(c.geom) AS lat, {_covered(filters, p, radius)} AS covered,
               (SELECT count(*) FROM place p WHERE {_places(filters, p)}) AS places
        FROM commune c WHERE {_territory(params, p)} ORDER BY c.insee_code"""
    raw = await raw_connection(session)
    rows = await raw.fetch(sql, *p.values)
    population = np.array([r["population"] for r in rows], dtype=np.int64)
    total = int(population.sum())
    covered = np.array([r["covered"] for r in rows], dtype=bool)
    covered_population = int(population[covered].sum())
    places = rows[0]["places"] if rows else 0

    xyz = greedy.ecef(np.array([r["lon"] for r in rows], dtype=np.float64),
                      np.array([r["lat"] for r in rows], dtype=np.float64))
    uncovered = np.flatnonzero(~covered & (population > 0))
    # CPU-bound (tens to a couple hundred ms at 100 km): off the event loop; numpy releases the GIL.
    coverage = await run_in_threadpool(greedy.coverage_matrix, xyz[uncovered], xyz, params.radius_m)
    if len(coverage.band_target):  # the few pairs within a metre of the radius: PostGIS decides
        codes = [r["insee_code"] for r in rows]
        within = await raw.fetch(
            _PAIRS_WITHIN, [codes[i] for i in uncovered[coverage.band_target]],
            [codes[i] for i in coverage.band_candidate], params.radius_m)
        kept = np.array([r["i"] - 1 for r in within], dtype=np.int64)
        coverage.add(coverage.band_target[kept], coverage.band_candidate[kept])
    picks = await run_in_threadpool(greedy.greedy, population[uncovered], coverage, n)

    result, cumulative = [], covered_population
    for pick in picks:
        row = rows[pick.candidate]
        cumulative += pick.population
        result.append(Suggestion(
            insee_code=row["insee_code"], name=row["name"], department_code=row["department_code"],
            lon=row["lon"], lat=row["lat"], population=row["population"],
            gained_population=pick.population, gained_communes=pick.targets,
            covered_population=cumulative, covered_share=_share(cumulative, total)))
    return Suggestions(params.radius_km, places, total, covered_population,
                       _share(covered_population, total), result)
