"""Hot reads of places: one SQL statement per page, JSON and GeoJSON built by PostgreSQL.

Pages are keyset-paginated on an order an index can walk (name, update date, KNN distance), and the
total is counted exactly up to EXACT_COUNT_LIMIT, then estimated by the planner and marked so.
"""

import csv
import functools
import io
import json
import math
from dataclasses import dataclass, replace
from datetime import date, datetime
from typing import Any
from uuid import UUID

from pydantic import BaseModel
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core import fields as f
from reseau_api.core.db import raw_connection
from reseau_api.core.errors import InvalidParameter
from reseau_api.core.pagination import decode_cursor, encode_cursor
from reseau_api.core.spreadsheet import escape_cell
from reseau_api.core.sql import Params
from reseau_api.editorial import freshness
from reseau_api.places import fields, service
from reseau_api.places.filters import BBox, Near, PlaceFilters
from reseau_api.places.schemas import PlaceRead

EXACT_COUNT_LIMIT = 1_000
# Relevance (`tri=pertinence`) ranks at most this many matches (see page()).
RANK_CANDIDATES = 1_000


def _item_json(distance: str) -> str:
    head, tail = fields.SUMMARY_JSON
    return f"{head}{distance}{tail}::text"


def _feature_json(distance: str) -> str:
    head, tail = fields.SUMMARY_PROPERTIES_JSON
    return (f"json_build_object('type', 'Feature', 'id', p.id, "
            f"'geometry', ST_AsGeoJSON(p.geom, 6)::json, 'properties', {head}{distance}{tail})::text")


@dataclass(frozen=True)
class SortSpec:
    key_type: str  # SQL type of the sort key, for the cursor parameter
    descending: bool


SORTS = {
    "nom": SortSpec("text", False),
    "-maj_le": SortSpec("timestamptz", True),
    "distance": SortSpec("float8", False),
    "pertinence": SortSpec("float8", True),
}


def default_sort(filters: PlaceFilters) -> str:
    """Nearest first around `pres_de`; by relevance for `q`; nearest the centre of `bbox` (a map view):
    each is an order the geography index walks, so a page reads `limit` rows however dense the box."""
    if filters.near is not None:
        return "distance"
    if filters.q:
        return "pertinence"
    return "distance" if filters.bbox is not None else "nom"


def _sort_key(sort: str, filters: PlaceFilters, p: Params) -> str:
    if sort == "nom":
        return "p.sort_name"
    if sort == "-maj_le":
        return "p.updated_at"
    if sort == "distance":
        origin = filters.origin_point(p)
        if origin is None:
            raise InvalidParameter("tri", "tri=distance needs pres_de or bbox")
        return f"ST_Distance(p.geom::geography, {origin})"  # WGS 84 spheroid
    if not filters.q:
        raise InvalidParameter("tri", "tri=pertinence needs q")
    return filters.rank(p)


def _cursor_value(spec: SortSpec, value: Any) -> Any:
    try:
        if spec.key_type == "timestamptz":
            return datetime.fromisoformat(value)
        if spec.key_type == "float8":
            return float(value)
        return str(value)
    except (TypeError, ValueError):
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given") from None


@dataclass
class Page:
    items: list[str]  # JSON texts (items or GeoJSON features), in order
    total: int
    total_estimated: bool
    next_cursor: str | None


async def page(
    session: AsyncSession, filters: PlaceFilters, *, sort: str, limit: int, cursor: str | None,
    geojson: bool = False,
) -> Page:
    p = Params()
    where = " AND ".join(filters.conditions(p))
    key = _sort_key(sort, filters, p)
    distance = (f"round(ST_Distance(p.geom::geography, {filters.near_point(p)}))::int"
                if filters.near is not None else "NULL::int")  # spheroid, integer metres
    spec = SORTS[sort]
    keyset = "TRUE"
    if cursor is not None:
        last_key, last_id = decode_cursor(cursor, sort, 2)
        try:
            last_uuid = UUID(str(last_id))
        except ValueError:
            raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given") from None
        op = "<" if spec.descending else ">"
        keyset = (f"({key}, p.id) {op} ({p(_cursor_value(spec, last_key), spec.key_type)}, "
                  f"{p(last_uuid, 'uuid')})")
    direction = "DESC" if spec.descending else "ASC"
    body = _feature_json(distance) if geojson else _item_json(distance)
    limit_param = p(limit + 1, "int")
    knn, source, within = "", "place p", "TRUE"
    if sort == "distance":
        # The index orders by sphere distance (<->), the API by spheroid distance: they differ by up
        # to ~0.5 %. Take the next rows by KNN, then every row within 1 % beyond the farthest of them
        # (sphere, indexed), and order those by the true distance: exact, and still index-bound.
        point = filters.origin_point(p)
        # Without the radius here: with it, the planner (which cannot estimate ST_DWithin) reads every
        # row within the radius and sorts them; without, it walks the index nearest-first and stops.
        # The radius still applies below.
        knn_where = " AND ".join(replace(filters, near=None).conditions(p))
        # Any `limit` rows bound the distance of the nearest `limit`, so the index walked may measure
        # differently: around `pres_de`, the geography index (sphere); from a bbox centre, the geometry
        # index that also holds the box (planar degrees), so that one index scan does both (with the
        # geography one, a dense box was read whole and sorted: 2,451 rows for 101 at 1M places).
        index_order = f"p.geom::geography <-> {point}"
        if filters.near is None and filters.bbox is not None:
            b = filters.bbox
            index_order = (f"p.geom <-> ST_SetSRID(ST_MakePoint({p((b.min_lon + b.max_lon) / 2, 'float8')}, "
                           f"{p((b.min_lat + b.max_lat) / 2, 'float8')}), 4326)")
        knn = f"""WITH knn AS (
            SELECT {key} AS d FROM place p WHERE {knn_where} AND {keyset}
            ORDER BY {index_order} LIMIT {limit_param}
        ), bound AS (SELECT max(d) * 1.01 + 1 AS r FROM knn)"""
        source = "place p, bound"
        within = f"ST_DWithin(p.geom::geography, {point}, bound.r, false)"
    candidates = ""
    if sort == "pertinence":
        # Relevance over a bounded candidate set: ranking every match of a common word (460,000 of a
        # million places for "coworking") took seconds. The first RANK_CANDIDATES matches (storage order:
        # a scan stops there, whatever the match count) are ranked; `tri=nom` walks every match. One more
        # is read, not ranked, to tell whether the candidates are every match: then their number is the
        # total, and no count reads the full-text index a second time.
        source = (f"(SELECT p.*, row_number() OVER () AS candidate, count(*) OVER () AS candidates "
                  f"FROM (SELECT * FROM place p WHERE {where} LIMIT {RANK_CANDIDATES + 1}) AS p) AS p")
        within = f"p.candidate <= {RANK_CANDIDATES}"
        candidates = ", p.candidates"
    # The page's rows are chosen first and their JSON built after the LIMIT: otherwise a plan that
    # sorts (a bbox denser than what the name index walks well) builds a body for every candidate row.
    sql = f"""{knn}
        SELECT {body} AS body, p.sort_key, p.id{candidates}
        FROM (SELECT p.*, {key} AS sort_key FROM {source}
              WHERE {where} AND {keyset} AND {within}
              ORDER BY {key} {direction}, p.id {direction}
              LIMIT {limit_param}) AS p
        ORDER BY p.sort_key {direction}, p.id {direction}
    """
    raw = await raw_connection(session)
    rows = await raw.fetch(sql, *p.values)
    if cursor is None and len(rows) <= limit:  # the first page holds every match: that is the count
        total, estimated = len(rows), False
    elif candidates and rows and rows[0]["candidates"] <= RANK_CANDIDATES:  # every match was a candidate
        total, estimated = rows[0]["candidates"], False
    elif candidates and rows:  # more matches than candidates: the planner's estimate, no count
        total, estimated = max(RANK_CANDIDATES + 1, await _planner_rows(raw, filters)), True
    else:
        total, estimated = await _total(raw, filters)
    if total == 0 and filters.q and not filters.fuzzy:  # nothing by full text: try the typo-tolerant way
        return await page(session, replace(filters, fuzzy=True), sort=sort, limit=limit, cursor=cursor,
                          geojson=geojson)
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        sort_value = last["sort_key"]
        next_cursor = encode_cursor(sort, [
            sort_value.isoformat() if isinstance(sort_value, datetime) else sort_value, str(last["id"])])
    return Page([r["body"] for r in rows[:limit]], total, estimated, next_cursor)


async def _total(raw: Any, filters: PlaceFilters) -> tuple[int, bool]:
    """(total, estimated): the planner's estimate when it expects more than EXACT_COUNT_LIMIT matches
    (counting them exactly, even up to a cap, reads every candidate of a dense box or a 20 km radius:
    it grew with the directory), else the exact count, up to the cap."""
    estimate = await _planner_rows(raw, filters)
    if estimate > EXACT_COUNT_LIMIT:
        return estimate, True
    p = Params()
    where = " AND ".join(filters.conditions(p))
    total = await raw.fetchval(
        f"SELECT count(*) FROM (SELECT 1 FROM place p WHERE {where} LIMIT {EXACT_COUNT_LIMIT + 1}) AS c",
        *p.values)
    if total > EXACT_COUNT_LIMIT:
        return max(EXACT_COUNT_LIMIT + 1, estimate), True
    return total, False


def _circle_box(near: Near) -> BBox:
    """The lon/lat box around a `pres_de` circle, which the planner estimates well (it cannot estimate
    ST_DWithin on geography: "10 rows" for 1,016)."""
    dlat = near.radius_m / 111_320
    dlon = near.radius_m / (111_320 * max(math.cos(math.radians(near.lat)), 0.01))
    return BBox(max(-180.0, near.lon - dlon), max(-90.0, near.lat - dlat),
                min(180.0, near.lon + dlon), min(90.0, near.lat + dlat))


async def _planner_rows(raw: Any, filters: PlaceFilters) -> int:
    """The planner's row estimate for the filters (EXPLAIN: planning only, nothing read). Around
    `pres_de`, the estimate for the circle's box, times pi/4 (a circle fills that much of its box)."""
    factor = 1.0
    if filters.near is not None:
        bbox = _circle_box(filters.near)
        if filters.bbox is not None:
            b = filters.bbox
            bbox = BBox(max(b.min_lon, bbox.min_lon), max(b.min_lat, bbox.min_lat),
                        min(b.max_lon, bbox.max_lon), min(b.max_lat, bbox.max_lat))
            if bbox.min_lon > bbox.max_lon or bbox.min_lat > bbox.max_lat:
                return 0
        filters, factor = replace(filters, near=None, bbox=bbox), math.pi / 4
    p = Params()
    where = " AND ".join(filters.conditions(p))
    return round(await planner_rows(raw, f"place p WHERE {where}", p.values) * factor)


async def planner_rows(raw: Any, from_where: str, values: list[Any]) -> float:
    """The planner's estimate of the rows of `SELECT 1 FROM <from_where>` (EXPLAIN: nothing is read)."""
    plan = await raw.fetchval(f"EXPLAIN (FORMAT JSON) SELECT 1 FROM {from_where}", *values)
    plan = json.loads(plan) if isinstance(plan, str) else plan
    return float(plan[0]["Plan"]["Plan Rows"])


# CSV export of a filtered set: documented columns, stable order (the field table's).
CSV_COLUMNS = fields.CSV_COLUMNS
_CSV_SELECT = fields.CSV_SELECT


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value.isoformat() if isinstance(value, date | datetime) else escape_cell(value)


async def csv_body(session: AsyncSession, filters: PlaceFilters, *, max_rows: int | None = None) -> bytes | None:
    """The whole filtered set as CSV (UTF-8 with BOM for spreadsheets), or None beyond `max_rows` places.

    Read in one statement and built in memory, so that the connection goes back to the pool before the
    first byte reaches the client: a slow reader holds no connection and no transaction.
    """
    p = Params()
    where = " AND ".join(filters.conditions(p))
    limit = "" if max_rows is None else f" LIMIT {int(max_rows) + 1}"
    raw = await raw_connection(session)
    records = await raw.fetch(f"SELECT {_CSV_SELECT} FROM place p WHERE {where} ORDER BY p.sort_name, p.id{limit}",
                              *p.values)
    if max_rows is not None and len(records) > max_rows:
        return None
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    writer.writerows([_csv_value(v) for v in record.values()] for record in records)
    return buffer.getvalue().encode()


# --- The detail (GET /v1/lieux/{id}): one statement, the record's JSON built by PostgreSQL ---
# Byte for byte the JSON Pydantic writes for PlaceRead (its fields, in its order; `service.to_read` stays
# the reference: tests/places/test_detail_sql.py compares both), so that reading a place needs no ORM
# entity, no session and no re-serialisation, and runs on the hot pool (places/hot.py).

TODAY = "(now() AT TIME ZONE 'Europe/Paris')::date"  # as service.today(), at the statement's now()


def _closure_text(c: str) -> str:
    """A stored closure (jsonb) as Pydantic writes a `Closure`: du, au, motif."""
    return f.compact_json([(k, f"to_json({c}->>'{k}')::text") for k in ("du", "au", "motif")])


# What the clock decides, computed once per statement (`t`): freshness, the closures still shown, today's.
_CLOCK = f"""SELECT {freshness.status_sql('p.verified_at')} AS fraicheur,
    coalesce((SELECT '[' || string_agg({_closure_text('x.c')}, ',' ORDER BY x.n) || ']'
              FROM jsonb_array_elements(p.closures) WITH ORDINALITY AS x(c, n)
              WHERE (x.c->>'au')::date >= {TODAY}), '[]') AS pending,
    (SELECT {_closure_text('x.c')} FROM jsonb_array_elements(p.closures) WITH ORDINALITY AS x(c, n)
     WHERE (x.c->>'du')::date <= {TODAY} AND (x.c->>'au')::date >= {TODAY} ORDER BY x.n LIMIT 1) AS current"""

_PROVENANCE = f"""coalesce((SELECT '{{' || string_agg(to_json(e.k)::text || ':' || {f.compact_json([
    ("role", "to_json(e.v->>'role')::text"), ("source", "to_json(e.v->>'source')::text"),
    ("le", f.datetime_text_of_json("e.v->>'le'"))])}, ',' ORDER BY e.n) || '}}'
    FROM jsonb_each(p.provenance) WITH ORDINALITY AS e(k, v, n)), '{{}}')"""

_POSITION = (f"""CASE WHEN p.geom IS NULL THEN NULL ELSE {f.compact_json([
    ("lon", f.float_text("ST_X(p.geom)")), ("lat", f.float_text("ST_Y(p.geom)"))])} END""")

# Detail fields whose value is not their kind's plain JSON text.
_DETAIL_VALUES = {
    "position": _POSITION, "fermetures": "t.pending", "fermeture_en_cours": "t.current",
    "ferme_temporairement": "to_json(t.current IS NOT NULL)::text", "fraicheur": "to_json(t.fraicheur)::text",
    "provenance": _PROVENANCE, "bonnes_pratiques": "coalesce(pr.refs, '[]')",
}


def _detail_members(model: type[BaseModel], path: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(name, SQL of the JSON text) of `model`'s fields in its order, nested models (teletravail,
    identifiants) as objects of their own; a field the table does not know fails here, at import."""
    members = []
    for name, info in model.model_fields.items():
        key = (*path, name)
        if not path and name in _DETAIL_VALUES:
            members.append((name, _DETAIL_VALUES[name]))
        elif isinstance(info.annotation, type) and issubclass(info.annotation, BaseModel):
            members.append((name, f.compact_json(_detail_members(info.annotation, key))))
        else:
            field = _BY_KEY[key]
            assert field.kind.text is not None, f"{field.name}: say how the detail writes it (_DETAIL_VALUES)"
            members.append((name, field.kind.text(field.expr)))
    return members


_BY_KEY = {x.key: x for x in f.fields(fields.FIELDS, f.Out.DETAIL)}


@functools.cache
def _detail_sql(by_uuid: bool) -> str:
    """Built on first use: the practices domain registers its rows' SQL when it is imported."""
    practices = service.linked_practices_sql or "SELECT NULL::uuid AS id, '' AS slug, '' AS title, 0 AS version, " \
                                                "0 AS n WHERE FALSE"
    ref = f.compact_json([("id", "to_json(b.id)::text"), ("slug", "to_json(b.slug)::text"),
                          ("titre", "to_json(b.title)::text")])
    return f"""
        SELECT {f.compact_json(_detail_members(PlaceRead))} AS body, p.id, p.version, p.updated_at, p.moderation,
               p.organisation_id, t.fraicheur, t.pending, t.current, pr.practices
        FROM place p
        CROSS JOIN LATERAL ({_CLOCK}) AS t
        CROSS JOIN LATERAL (SELECT '[' || string_agg({ref}, ',' ORDER BY b.n) || ']' AS refs,
                                   string_agg(b.id || ':' || b.version, ',' ORDER BY b.n) AS practices
                            FROM ({practices}) AS b) AS pr
        WHERE {"p.id = $1::uuid" if by_uuid else "p.slug = $1::text"}
    """


@dataclass(frozen=True)
class Detail:
    body: str  # the JSON of PlaceRead
    id: UUID
    version: int
    updated_at: datetime
    state: str  # moderation (the editorial kernel's name: `can_see` reads it)
    organisation_id: UUID | None
    etag: str


async def detail(session: AsyncSession | Any, key: str) -> Detail | None:
    """A place by UUID or slug (as `service.get`), its JSON and its detail ETag (`service.detail_etag`)."""
    try:
        sql, value = _detail_sql(True), UUID(key)
    except ValueError:
        sql, value = _detail_sql(False), key
    row = await (await raw_connection(session)).fetchrow(sql, value)
    if row is None:
        return None
    tag = service.version_tag(row["id"], row["version"], row["practices"])
    if row["fraicheur"] != "a_jour" or row["current"] is not None or row["pending"] != "[]":
        shown = ([json.loads(row["current"])] if row["current"] is not None else []) + json.loads(row["pending"])
        tag += service.time_tag(row["fraicheur"], shown)
    return Detail(row["body"], row["id"], row["version"], row["updated_at"], row["moderation"],
                  row["organisation_id"], f'"{tag}"')
