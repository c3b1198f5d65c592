"""The minimal server: the API's own SQL behind the thinnest HTTP layer Python offers, as a reference.

A bare ASGI callable on the same uvicorn as the API (same loop and HTTP parser), one warmed asyncpg pool
with the API's session settings, the query string parsed by hand into the API's own `PlaceFilters`, and
the API's own query functions (`places.queries.page`, `geo.queries.tile`, `geo.queries.place_features`),
whose bodies are built by PostgreSQL and returned as they come. No framework, no validation beyond
what the parsers do, no middleware. What the API spends beyond this server per request is the price of
its framework, validation and middleware: the benchmark reports both, in the same run.

Bodies are byte-identical to the API's for `/v1/lieux` (JSON and GeoJSON, `next` links included), for
details (`/v1/lieux/{id}`: `places.queries.detail`, with its ETag and Last-Modified) and for tiles; OGC
items carry the same features, with links written by hand.

    uvicorn bench.minimal:app --port 8123   (DATABASE_URL as for the API)
"""

import json
import os
from email.utils import format_datetime
from typing import Any
from urllib.parse import parse_qsl

import asyncpg
from sqlalchemy.engine import make_url
from starlette.requests import Request

from reseau_api.core.config import get_settings
from reseau_api.core.db import server_settings
from reseau_api.core.pagination import encode_cursor, link_header, next_url
from reseau_api.geo import queries as geo_queries
from reseau_api.places import queries
from reseau_api.places.filters import DEFAULT_RADIUS_M, PlaceFilters, parse_bbox, parse_near
from reseau_api.practices import queries as _practices  # noqa: F401  (registers a detail's practices, as the app)

POOL: asyncpg.Pool | None = None
LIST_CACHE = b"public, max-age=60, stale-while-revalidate=300"
GEOJSON = "application/geo+json"


class DirectSession:
    """Just enough of an AsyncSession for `core.db.raw_connection`: it yields our asyncpg connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.driver_connection = conn

    async def connection(self) -> "DirectSession":
        return self

    async def get_raw_connection(self) -> "DirectSession":
        return self


def _dsn() -> str:
    url = make_url(get_settings().effective_database_url).set(drivername="postgresql")
    return url.render_as_string(hide_password=False)


async def _no_reset(connection: asyncpg.Connection) -> None:
    return None


async def _start() -> None:
    global POOL
    settings = get_settings()
    size = int(os.environ.get("MINIMAL_POOL_SIZE", settings.db_pool_size))
    # Like the API's hot-read pool (core.db.create_read_pool): no reset query when a connection returns.
    POOL = await asyncpg.create_pool(_dsn(), min_size=size, max_size=size, reset=_no_reset,
                                     server_settings=server_settings(settings.db_statement_timeout_ms, "bench-minimal"))


async def _respond(send: Any, status: int, body: bytes, media_type: str | None, extra: list | None = None) -> None:
    headers = [(b"content-length", str(len(body)).encode())]
    if media_type:
        headers.append((b"content-type", media_type.encode()))
    headers += extra or []
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})


def _filters(query: dict[str, str]) -> PlaceFilters:
    return PlaceFilters(q=query.get("q"), bbox=parse_bbox(query.get("bbox")),
                        near=parse_near(query.get("pres_de"), int(query.get("rayon", DEFAULT_RADIUS_M))))


async def _places(scope: dict, query: dict[str, str], conn: asyncpg.Connection) -> tuple[int, bytes, str, list]:
    filters = _filters(query)
    geojson = query.get("f") == "geojson"
    result = await queries.page(DirectSession(conn), filters, sort=queries.default_sort(filters),  # type: ignore[arg-type]
                                limit=int(query.get("limit", 20)), cursor=query.get("curseur"), geojson=geojson)
    link = next_url(Request(scope), result.next_cursor) if result.next_cursor else None
    headers = [(b"cache-control", LIST_CACHE)]
    headers += [(k.lower().encode(), v.encode()) for k, v in link_header(link).items()]
    next_json = json.dumps(link)
    if geojson:
        links = f',"links":[{{"href":{next_json},"rel":"next","type":"{GEOJSON}"}}]' if link else ',"links":[]'
        body = (f'{{"type":"FeatureCollection","features":[{",".join(result.items)}],'
                f'"numberMatched":{result.total},"numberReturned":{len(result.items)}{links}}}')
        return 200, body.encode(), GEOJSON, headers
    body = (f'{{"items":[{",".join(result.items)}],"total":{result.total},'
            f'"total_estime":{"true" if result.total_estimated else "false"},"next":{next_json}}}')
    return 200, body.encode(), "application/json", headers


async def _tile(path: str, conn: asyncpg.Connection) -> tuple[int, bytes, str | None, list]:
    z, x, y = (int(v) for v in path.removeprefix("/v1/tuiles/").removesuffix(".mvt").split("/"))
    body = await geo_queries.tile(DirectSession(conn), PlaceFilters(), z, x, y)  # type: ignore[arg-type]
    return (200, body, "application/vnd.mapbox-vector-tile", []) if body else (204, b"", None, [])


async def _ogc_items(query: dict[str, str], conn: asyncpg.Connection) -> tuple[int, bytes, str, list]:
    box = [float(v) for v in query["bbox"].split(",")]
    page = await geo_queries.place_features(DirectSession(conn), PlaceFilters(),  # type: ignore[arg-type]
                                            envelope=geo_queries.Envelope(*box), updated=None,
                                            limit=int(query.get("limit", 10)), after=None)
    links = [{"href": "/ogc/collections/lieux/items", "rel": "self", "type": GEOJSON}]
    if page.next_key is not None:
        links.append({"href": "/ogc/collections/lieux/items?curseur=" + encode_cursor("id", [page.next_key]),
                      "rel": "next", "type": GEOJSON})
    matched = f'"numberMatched":{page.number_matched},' if page.number_matched is not None else ""
    body = (f'{{"type":"FeatureCollection","features":[{",".join(page.features)}],{matched}'
            f'"numberReturned":{len(page.features)},"links":{json.dumps(links)}}}')
    return 200, body.encode(), GEOJSON, []


async def _detail(path: str, conn: asyncpg.Connection) -> tuple[int, bytes, str | None, list]:
    place = await queries.detail(DirectSession(conn), path.removeprefix("/v1/lieux/"))
    if place is None or place.state != "publie":
        return 404, b"", None, []
    headers = [(b"etag", place.etag.encode()),
               (b"last-modified", format_datetime(place.updated_at, usegmt=True).encode()),
               (b"cache-control", LIST_CACHE), (b"vary", b"Accept")]
    return 200, place.body.encode(), "application/json", headers


async def app(scope: dict, receive: Any, send: Any) -> None:
    if scope["type"] == "lifespan":
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await _start()
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                if POOL is not None:
                    await POOL.close()
                await send({"type": "lifespan.shutdown.complete"})
                return
    path = scope["path"]
    if path.startswith("/health"):
        await _respond(send, 200, b"{}", "application/json")
        return
    query = dict(parse_qsl(scope["query_string"].decode()))
    assert POOL is not None
    async with POOL.acquire() as conn:
        if path == "/v1/lieux":
            status, body, media_type, headers = await _places(scope, query, conn)
        elif path.startswith("/v1/lieux/"):
            status, body, media_type, headers = await _detail(path, conn)
        elif path.startswith("/v1/tuiles/"):
            status, body, media_type, headers = await _tile(path, conn)
        elif path == "/ogc/collections/lieux/items":
            status, body, media_type, headers = await _ogc_items(query, conn)
        else:
            status, body, media_type, headers = 404, b"", None, []
    await _respond(send, status, body, media_type, headers)
