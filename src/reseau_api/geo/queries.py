"""Hot reads of the map outputs: OGC API - Features pages and Mapbox vector tiles, one SQL statement each.

Features are GeoJSON texts built by PostGIS; tiles are the `bytea` of `ST_AsMVT`. Both read published
places through `PlaceFilters.conditions()` (the filters of `/v1/lieux`) on the raw asyncpg connection.
"""

import math
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.core.db import raw_connection
from reseau_api.core.fields import Field
from reseau_api.core.sql import Params
from reseau_api.places import fields as place_fields
from reseau_api.places.filters import PlaceFilters
from reseau_api.places.queries import EXACT_COUNT_LIMIT, planner_rows
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW

# ---------------------------------------------------------------------------------------------------
# OGC API - Features


# Output and bbox CRSs of OGC API - Features Part 2 (SRIDs are constants chosen by code, never client text).
SRID_DECIMALS = {4326: 6, 2154: 2, 3857: 2}  # 6 decimals of a degree ~ 0.1 m; 2 of a metre = 1 cm


def _geometry(column: str, srid: int) -> str:
    if srid == 4326:
        return f"ST_AsGeoJSON({column}, 6)::json"
    return f"ST_AsGeoJSON(ST_Transform({column}, {int(srid)}), {SRID_DECIMALS[srid]})::json"


@dataclass(frozen=True)
class Envelope:
    """A lon/lat rectangle; `min_lon > max_lon` crosses the antimeridian (OGC bbox rule). With another
    `srid`, a rectangle of that projected CRS (easting, northing), tested in lon/lat once transformed."""

    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float
    srid: int = 4326

    def condition(self, column: str, p: Params) -> str:
        if self.srid != 4326:  # edges cut every 10 km, so that they follow the curve they make in lon/lat
            box = (f"ST_MakeEnvelope({p(self.min_lon, 'float8')}, {p(self.min_lat, 'float8')}, "
                   f"{p(self.max_lon, 'float8')}, {p(self.max_lat, 'float8')}, {int(self.srid)})")
            return f"ST_Intersects({column}, ST_Transform(ST_Segmentize({box}, 10000), 4326))"

        def box(x1: float, x2: float) -> str:
            return (f"{column} && ST_MakeEnvelope({p(x1, 'float8')}, {p(self.min_lat, 'float8')}, "
                    f"{p(x2, 'float8')}, {p(self.max_lat, 'float8')}, 4326)")

        if self.min_lon <= self.max_lon:
            return box(self.min_lon, self.max_lon)
        return f"({box(self.min_lon, 180.0)} OR {box(-180.0, self.max_lon)})"

    def centre(self, p: Params) -> str | None:
        """The box's centre as a lon/lat point (what an items page is ordered from), or None when the box
        crosses the antimeridian (its pages keep the id order)."""
        if self.min_lon > self.max_lon:
            return None
        point = (f"ST_MakePoint({p((self.min_lon + self.max_lon) / 2, 'float8')}, "
                 f"{p((self.min_lat + self.max_lat) / 2, 'float8')})")
        if self.srid == 4326:
            return f"ST_SetSRID({point}, 4326)"
        return f"ST_Transform(ST_SetSRID({point}, {int(self.srid)}), 4326)"


@dataclass
class FeaturePage:
    features: list[str]  # GeoJSON Feature texts, in order
    number_matched: int | None  # exact, or None when above EXACT_COUNT_LIMIT (OGC wants it exact)
    next_key: list[Any] | None  # the sort key of the last feature served, when there is a next page


# Flat properties, as GIS tools like them (arrays become string lists in GDAL/QGIS); unknown values are
# left out rather than null, so that the collection's JSON Schema (ogc_openapi.PROPERTIES) holds.
_PLACE_PROPERTIES = f"json_strip_nulls({place_fields.OGC_JSON})"


def _place_feature(srid: int) -> str:
    return (f"json_build_object('type', 'Feature', 'id', p.id, "
            f"'geometry', {_geometry('p.geom', srid)}, 'properties', {_PLACE_PROPERTIES})::text")


def _department_feature(srid: int) -> str:
    # RFC 7946 §3.1.6: exterior rings counterclockwise (the stored outlines come clockwise from their source).
    return f"""json_build_object('type', 'Feature', 'id', d.code,
    'geometry', {_geometry('ST_ForcePolygonCCW(d.geom)', srid)},
    'properties', json_build_object('code', d.code, 'nom', d.name))::text"""


async def _count(raw: Any, table: str, where: str, values: list[Any]) -> int | None:
    """The exact count up to EXACT_COUNT_LIMIT, else None; not even tried when the planner expects more
    (counting up to the cap reads every candidate of a dense box: it grew with the directory)."""
    if await planner_rows(raw, f"{table} WHERE {where}", values) > EXACT_COUNT_LIMIT:
        return None
    total = await raw.fetchval(
        f"SELECT count(*) FROM (SELECT 1 FROM {table} WHERE {where} LIMIT {EXACT_COUNT_LIMIT + 1}) AS c", *values)
    return None if total > EXACT_COUNT_LIMIT else int(total)


PLACE_PUBLIC = PLACE_WORKFLOW.public_sql("p.moderation")


def place_order(envelope: Envelope | None) -> str:
    """How an items page of places is ordered: with a bbox, nearest the box's centre first (a map view:
    the geometry index walks it and stops after `limit` rows however dense the box); else by id (the
    primary key walks it)."""
    return "distance" if envelope is not None and envelope.min_lon <= envelope.max_lon else "id"


async def place_features(
    session: AsyncSession, filters: PlaceFilters, *, envelope: Envelope | None, updated: tuple[Any, Any] | None,
    limit: int, after: tuple[Any, ...] | None, srid: int = 4326,
) -> FeaturePage:
    """A page of published places as GeoJSON features, in `place_order`: `after` is the key of the last
    feature of the previous page ((distance, id) or (id,)), the page starts strictly after it."""
    p = Params()
    conditions = filters.conditions(p)
    if envelope is not None:
        conditions.append(envelope.condition("p.geom", p))
    if updated is not None:
        start, end = updated
        if start is not None:
            conditions.append(f"p.updated_at >= {p(start, 'timestamptz')}")
        if end is not None:
            conditions.append(f"p.updated_at <= {p(end, 'timestamptz')}")
    where = " AND ".join(conditions)
    count_values = list(p.values)
    centre = envelope.centre(p) if envelope is not None and place_order(envelope) == "distance" else None
    limit_param = p(limit + 1, "int")
    if centre is not None:
        # Planar distance in degrees, ties by id (a total order: paging is stable and complete). The
        # GiST index walks `<->` nearest-first, which the planner only does for that one ORDER BY (with
        # `, p.id` it read the whole box and sorted it: 2,451 rows for 101 at 1M places). So: the next
        # `limit` + 1 rows by `<->` bound the distance of the page's last row; every row within that bound
        # (indexed), ordered by (distance, id), makes the page.
        key = f"ST_Distance(p.geom, {centre})"
        keyset = f"({key}, p.id) > ({p(after[0], 'float8')}, {p(after[1], 'uuid')})" if after else "TRUE"
        sql = f"""WITH knn AS (
                SELECT {key} AS d FROM place p WHERE {where} AND {keyset}
                ORDER BY p.geom <-> {centre} LIMIT {limit_param}
            ), bound AS (SELECT max(d) AS r FROM knn)
            SELECT {_place_feature(srid)} AS body, p.id, p.sort_key FROM (
                SELECT p.*, {key} AS sort_key FROM place p, bound
                WHERE {where} AND {keyset} AND ST_DWithin(p.geom, {centre}, bound.r * (1 + 1e-9))
                ORDER BY {key}, p.id LIMIT {limit_param}) AS p
            ORDER BY p.sort_key, p.id"""
    else:
        keyset = f"p.id > {p(after[0], 'uuid')}" if after else "TRUE"
        sql = (f"SELECT {_place_feature(srid)} AS body, p.id FROM place p WHERE {where} AND {keyset} "
               f"ORDER BY p.id LIMIT {limit_param}")
    raw = await raw_connection(session)
    rows = await raw.fetch(sql, *p.values)
    complete = after is None and len(rows) <= limit  # the first page holds every match: that is the count
    matched = len(rows) if complete else await _count(raw, "place p", where, count_values)
    next_key = None
    if len(rows) > limit:
        last = rows[limit - 1]
        next_key = [last["sort_key"], str(last["id"])] if centre is not None else [str(last["id"])]
    return FeaturePage([r["body"] for r in rows[:limit]], matched, next_key)


async def place_feature(session: AsyncSession, place_id: UUID, srid: int = 4326) -> str | None:
    raw = await raw_connection(session)
    return await raw.fetchval(
        f"SELECT {_place_feature(srid)} FROM place p WHERE p.id = $1 AND {PLACE_PUBLIC}", place_id)


def _department_conditions(p: Params, codes: list[str] | None, envelope: Envelope | None) -> list[str]:
    region = get_settings().region_departements
    where = [f"d.code = ANY({p(region, 'text[]')})"]
    if codes:
        where.append(f"d.code = ANY({p(codes, 'text[]')})")
    if envelope is not None:
        where.append(envelope.condition("d.geom", p))
    return where


async def department_features(
    session: AsyncSession, *, codes: list[str] | None, envelope: Envelope | None, limit: int, after: str | None,
    srid: int = 4326,
) -> FeaturePage:
    """A page of the region's departments (code, nom) with their simplified outlines, in code order."""
    p = Params()
    conditions = _department_conditions(p, codes, envelope)
    where = " AND ".join(conditions)
    count_values = list(p.values)
    keyset = f"d.code > {p(after, 'text')}" if after is not None else "TRUE"
    raw = await raw_connection(session)
    rows = await raw.fetch(
        f"SELECT {_department_feature(srid)} AS body, d.code FROM departement d WHERE {where} AND {keyset} "
        f"ORDER BY d.code LIMIT {p(limit + 1, 'int')}", *p.values)
    matched = await _count(raw, "departement d", where, count_values)
    next_key = [rows[limit - 1]["code"]] if len(rows) > limit else None
    return FeaturePage([r["body"] for r in rows[:limit]], matched, next_key)


async def department_feature(session: AsyncSession, code: str, srid: int = 4326) -> str | None:
    p = Params()
    where = " AND ".join(_department_conditions(p, [code], None))
    raw = await raw_connection(session)
    return await raw.fetchval(f"SELECT {_department_feature(srid)} FROM departement d WHERE {where}", *p.values)


async def region_bounds(session: AsyncSession) -> tuple[float, float, float, float]:
    """lon/lat bounds of the region's departments (the spatial extent of every collection)."""
    raw = await raw_connection(session)
    row = await raw.fetchrow(
        "SELECT ST_XMin(e), ST_YMin(e), ST_XMax(e), ST_YMax(e) FROM "
        "(SELECT ST_Extent(geom) AS e FROM departement WHERE code = ANY($1::text[])) AS x",
        get_settings().region_departements)
    if row is None or row[0] is None:
        return (-180.0, -90.0, 180.0, 90.0)
    return (round(row[0], 5), round(row[1], 5), round(row[2], 5), round(row[3], 5))


# ---------------------------------------------------------------------------------------------------
# Vector tiles

TILE_EXTENT = 4096  # MVT units per tile side
CLUSTER_MAX_ZOOM = 8  # up to this zoom, points are grouped on a grid; above, one feature per place
CLUSTER_CELL = 256  # grid cell, in tile units (16 x 16 cells per tile: at most 256 features)
MAX_MERCATOR_LAT = 85.0511287798066

# Each point lands in exactly one tile: its global position (gx, gy) in tile units at zoom z decides, with
# floor(), which tile holds it; no buffer, so a place is drawn once and group counts add up across tiles.
# The GiST index finds the candidates in the tile's lon/lat envelope ($4..$7); `OFFSET 0` fences keep the
# per-row arithmetic to one evaluation (the geometry is read once, as a point).
def _positions(columns: str, where: str) -> str:
    return f"""(SELECT q.*, (q.pt[0] + 180.0) / 360.0 * $1::float8 AS gx,
               (0.5 - asinh(tan(radians(greatest(-{MAX_MERCATOR_LAT}, least({MAX_MERCATOR_LAT}, q.pt[1])))))
                / (2 * pi())) * $1::float8 AS gy
        FROM (SELECT {columns}, p.geom::point AS pt FROM place p
              WHERE {where} AND p.geom && ST_MakeEnvelope($4::float8, $5::float8, $6::float8, $7::float8, 4326)
              OFFSET 0) AS q
        OFFSET 0) AS r"""


def _point(x: str, y: str) -> str:
    # int8, exact: from zoom 20 a column or row times the extent no longer fits int4
    return f"ST_MakePoint(round({x} - $2::int::int8 * {TILE_EXTENT}), round({y} - $3::int::int8 * {TILE_EXTENT}))"


# The tiles' attributes (places.fields, Out.TILE): stored columns, read by the position scan, then written.
_TILE_COLUMNS = ", ".join(dict.fromkeys(
    f"p.{c}" for f in place_fields.TILE_FIELDS for c in ((f.column,) if f.column else f.reads)))


def _tile_value(f: Field, a: str) -> str:
    # A lone place of a low-zoom grid is read back by a LEFT JOIN: a group has no row, so no computed value.
    value = f.kind.tile(f.over(a))
    return value if f.template is None else f"CASE WHEN {a}.id IS NOT NULL THEN {value} END"


def _properties(a: str) -> str:
    return ", ".join(f"{_tile_value(f, a)} AS {f.name}" for f in place_fields.TILE_FIELDS)


_PROPERTIES = {a: _properties(a) for a in ("p", "r")}  # over the place row, or over the position scan


def tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    """lon/lat bounds of a web-mercator tile, widened by a hair so border points reach the exact test."""
    n = 2 ** z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    eps = 1e-9
    return (x / n * 360 - 180 - eps, lat(y + 1) - eps, (x + 1) / n * 360 - 180 + eps, lat(y) + eps)


def _tile_sql(z: int, where: str) -> str:
    # A clustered tile from its places (with filters, or finer than the grid's levels). Its features come in
    # cell order: the hash aggregate's order changes with the plan, and the bytes (and the ETag) must not.
    # Grid cells align
    # with tiles (16 per side), so each cell lies in one tile; the
    # tile test runs on the cells, after a hash aggregate over the candidates. A cell of several places
    # becomes one point (their mean position) with point_count; a lone place keeps its attributes, read back
    # by its row address (ctid, within this statement's snapshot).
    per_tile = TILE_EXTENT // CLUSTER_CELL
    return f"""WITH cells AS MATERIALIZED (
            SELECT floor(r.gx / {CLUSTER_CELL}) AS cx, floor(r.gy / {CLUSTER_CELL}) AS cy, count(*) AS n,
                   avg(r.gx) AS gx, avg(r.gy) AS gy, min(r.tid) AS tid
            FROM {_positions("p.ctid AS tid", where)}
            GROUP BY 1, 2)
        SELECT ST_AsMVT(t.*, 'lieux', {TILE_EXTENT}, 'geom') FROM (
            SELECT {_point("c.gx", "c.gy")} AS geom, CASE WHEN c.n > 1 THEN c.n END AS point_count,
                   {_PROPERTIES["p"]}
            FROM cells c LEFT JOIN place p ON p.ctid = CASE WHEN c.n = 1 THEN c.tid END
            WHERE floor(c.cx / {per_tile}) = $2::int AND floor(c.cy / {per_tile}) = $3::int
            ORDER BY c.cx, c.cy) AS t"""


# Unfiltered clustered tiles read the place grid (migrations 0800, 0900): per tile of each grid level (zoom
# 12, 14, 16, 18), the count and position sums of its published places, kept exact by a trigger. A clustered
# tile at zoom z groups its places on a 16 x 16 grid, whose cells are zoom-(z + 4) tiles: it reads the rows of
# the first level at or below that zoom (at most 256 at zoom 8, 12, 14; 1,024 at 9, 11, 13), not its places,
# so its cost does not grow with the directory. $1: level - (z + 4) (level cell -> cluster cell), $2, $3: the
# tile, $4: level - z, $5: 2^(z - 8) (zoom-8 units -> zoom-z units), $6: the level. A lone place keeps its
# attributes: found in its level cell by the spatial index.
GRID_LEVELS = (12, 14, 16, 18)
# Above CLUSTER_MAX_ZOOM a tile shows every place up to this many (counted by an index scan that stops at one
# more); a denser tile is clustered like the low zooms (a city tile held 3,000 places at 1M: 230 kB, 200 ms).
TILE_MAX_POINTS = 500


def grid_level(z: int) -> int | None:
    """The grid level a clustered tile at zoom z reads: the coarsest whose cells are no larger than the
    tile's cluster cells; None beyond the finest (such a tile is clustered from its places)."""
    return next((level for level in GRID_LEVELS if level >= z + 4), None)


def _cell_envelope(x: str, y: str) -> str:
    def lat(row: str) -> str:
        return f"degrees(atan(sinh(pi() * (1 - 2 * ({row})::float8 / (1 << $6::int)))))"

    return (f"ST_MakeEnvelope({x}::float8 / (1 << $6::int) * 360 - 180 - 1e-9, {lat(f'{y} + 1')} - 1e-9, "
            f"({x} + 1)::float8 / (1 << $6::int) * 360 - 180 + 1e-9, {lat(y)} + 1e-9, 4326)")


_GRID_TILE_SQL = f"""WITH cells AS MATERIALIZED (
        SELECT g.x >> $1::int AS cx, g.y >> $1::int AS cy, sum(g.n) AS n,
               sum(g.sx) / sum(g.n) * $5::float8 AS gx, sum(g.sy) / sum(g.n) * $5::float8 AS gy,
               min(g.x) AS lx, min(g.y) AS ly
        FROM place_grid g
        WHERE g.z = $6::int AND g.x BETWEEN $2::int << $4::int AND (($2::int + 1) << $4::int) - 1
          AND g.y BETWEEN $3::int << $4::int AND (($3::int + 1) << $4::int) - 1
        GROUP BY 1, 2 HAVING sum(g.n) > 0)
    SELECT ST_AsMVT(t.*, 'lieux', {TILE_EXTENT}, 'geom') FROM (
        SELECT {_point("c.gx", "c.gy")} AS geom, CASE WHEN c.n > 1 THEN c.n END AS point_count,
               {_properties("p")}
        FROM cells c LEFT JOIN LATERAL (
            SELECT p.* FROM place p, place_grid_position(p.geom) AS pos
            WHERE c.n = 1 AND {PLACE_PUBLIC} AND p.geom && {_cell_envelope("c.lx", "c.ly")}
              AND floor(pos.gx / (1 << (20 - $6::int))) = c.lx AND floor(pos.gy / (1 << (20 - $6::int))) = c.ly
            LIMIT 1) AS p ON TRUE
        ORDER BY c.cx, c.cy) AS t"""


def _points_sql(z: int, where: str, unfiltered: bool) -> str:
    # One statement for the common case: whether the tile holds more than TILE_MAX_POINTS places and, if not,
    # the tile of their points. Without filters the grid counts them (the rows of the first level at or below
    # zoom z under the tile: at most 4), so a dense tile reads no place here; with filters, the candidates are
    # read up to TILE_MAX_POINTS + 1 (the GiST scan stops there). The CTE of candidates is only read when the
    # tile is not crowded.
    level = next((level for level in GRID_LEVELS if level >= z), None)
    if unfiltered and level is not None:
        shift = level - z  # a constant chosen by code
        crowded = f"""(SELECT coalesce(sum(g.n), 0) FROM place_grid g WHERE g.z = {level}
            AND g.x BETWEEN $2::int << {shift} AND (($2::int + 1) << {shift}) - 1
            AND g.y BETWEEN $3::int << {shift} AND (($3::int + 1) << {shift}) - 1) > {TILE_MAX_POINTS}"""
    else:
        crowded = f"(SELECT count(*) FROM r) > {TILE_MAX_POINTS}"
    return f"""WITH r AS MATERIALIZED (SELECT * FROM {_positions(_TILE_COLUMNS, where)} LIMIT {TILE_MAX_POINTS + 1}),
        crowded AS MATERIALIZED (SELECT {crowded} AS crowded)
        SELECT c.crowded, CASE WHEN NOT c.crowded THEN (
                   SELECT ST_AsMVT(t.*, 'lieux', {TILE_EXTENT}, 'geom') FROM (
                       SELECT {_point("r.gx", "r.gy")} AS geom, {_PROPERTIES["r"]} FROM r
                       WHERE floor(r.gx / {TILE_EXTENT}) = $2::int AND floor(r.gy / {TILE_EXTENT}) = $3::int
                       ORDER BY r.id) AS t)
               END AS body
        FROM crowded c"""


async def tile(session: AsyncSession, filters: PlaceFilters, z: int, x: int, y: int) -> bytes:
    """The `lieux` layer of tile z/x/y (MVT 2.1): places above CLUSTER_MAX_ZOOM (up to TILE_MAX_POINTS),
    grid clusters below and in denser tiles."""
    p = Params()
    p(float(2 ** z * TILE_EXTENT), "float8")  # $1: world size in tile units at this zoom
    p(x, "int")  # $2
    p(y, "int")  # $3
    for value in tile_bounds(z, x, y):  # $4..$7: the envelope the GiST index walks
        p(value, "float8")
    where = " AND ".join(filters.conditions(p))
    raw = await raw_connection(session)
    if z > CLUSTER_MAX_ZOOM:
        row = await raw.fetchrow(_points_sql(z, where, filters == PlaceFilters()), *p.values)
        if not row["crowded"]:
            return bytes(row["body"] or b"")
    level = grid_level(z)
    if level is not None and filters == PlaceFilters():
        body = await raw.fetchval(_GRID_TILE_SQL, level - (z + 4), x, y, level - z, 2.0 ** (z - 8), level)
    else:
        body = await raw.fetchval(_tile_sql(z, where), *p.values)
    return bytes(body or b"")
