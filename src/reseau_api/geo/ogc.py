"""OGC API - Features (Part 1: Core, GeoJSON, HTML, OpenAPI 3.0; Part 2: CRS by reference) under /ogc,
for QGIS, GDAL, OWSLib.

Collections: `lieux` (published places) and `departements` (the region's departments). These routes
are left out of the main OpenAPI document (3.1): `/ogc/api` is their own OpenAPI 3.0 description,
the `service-desc` of the landing page. Query parameters are parsed here, by OGC rules: unknown
parameters are a 400 (/req/core/query-param-unknown), `limit` above the maximum is served as the
maximum (/req/core/fc-limit-definition), `bbox` takes 4 or 6 numbers in CRS84 and may cross the antimeridian.
Part 2: `crs` picks the output CRS and `bbox-crs` the bbox's, among CRS84 (stored), Lambert-93 (EPSG:2154,
what French GIS users work in) and Web Mercator (EPSG:3857); the answer says which in `Content-Crs`.
Items with a bbox come nearest its centre first (the GiST index walks that order and stops after `limit`).
`numberMatched` is exact and given up to EXACT_COUNT_LIMIT (1,000) matches when the planner expects no more;
otherwise it is left out (Part 1 makes it optional; an estimate would break clients that page until they
reach it; counting a dense box exactly, even up to the cap, read every match).
"""

import json
import math
import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from uuid import UUID

from fastapi import APIRouter, Request, Response
from fastapi.responses import HTMLResponse

from reseau_api.core.config import get_settings
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import InvalidParameter, NotFound
from reseau_api.core.geo import GeoJSONResponse
from reseau_api.core.pagination import decode_cursor, encode_cursor
from reseau_api.core.urls import base_url
from reseau_api.editorial.freshness import FRESHNESS
from reseau_api.geo import ogc_html, ogc_openapi, queries
from reseau_api.places import vocabulary as vocab
from reseau_api.places.filters import PlaceFilters

router = APIRouter(prefix="/ogc", include_in_schema=False)

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
CRS84_NAMES = {CRS84, "https://www.opengis.net/def/crs/OGC/1.3/CRS84", "[OGC:CRS84]"}
EPSG = "http://www.opengis.net/def/crs/EPSG/0/"
LAMBERT93, WEB_MERCATOR = EPSG + "2154", EPSG + "3857"
CRS_LIST = [CRS84, LAMBERT93, WEB_MERCATOR]
SRIDS = {CRS84: 4326, LAMBERT93: 2154, WEB_MERCATOR: 3857}
# Accepted spellings -> the URI (the spec's form; safe CURIEs and the https form as clients send them).
CRS_NAMES = {name: CRS84 for name in CRS84_NAMES} | {
    alias: uri for uri in (LAMBERT93, WEB_MERCATOR) for code in [uri.rsplit("/", 1)[1]]
    for alias in (uri, uri.replace("http://", "https://"), f"[EPSG:{code}]", f"EPSG:{code}")}
# Where a projected bbox may lie: around each CRS's area of use (Lambert-93: metropolitan France and its seas;
# Web Mercator: the world), so that every accepted bbox transforms (never a PROJ error).
PROJECTED_BOUNDS = {LAMBERT93: (-1_000_000.0, 5_500_000.0, 2_500_000.0, 7_700_000.0),
                    WEB_MERCATOR: (-20_037_508.35, -20_048_966.11, 20_037_508.35, 20_048_966.11)}
JSON = "application/json"
GEOJSON = "application/geo+json"
HTML = "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"
SCHEMA_JSON = "application/schema+json"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
    "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs",
]
DEFAULT_LIMIT = 10
MAX_LIMIT = 10_000
META_CACHE = "public, max-age=300"
ITEMS_CACHE = "public, max-age=60, stale-while-revalidate=300"
INSEE_CODE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")
DEPARTMENT_CODE = re.compile(r"^(?:\d{2,3}|2[AB])$")
ITEM_PARAMS = frozenset({"f", "bbox", "bbox-crs", "crs", "limit", "curseur", "datetime"})


@dataclass(frozen=True)
class Collection:
    id: str
    title: str
    description: str
    filters: dict[str, str]  # query parameter -> what it does (documented in /ogc/api and queryables)


COLLECTIONS = {
    "lieux": Collection(
        "lieux", "Tiers-lieux",
        "Published places of the Occitanie tiers-lieux network (coworking spaces, fablabs, shared workshops…) "
        "with their telework offer. Same data as /v1/lieux. Licence Ouverte / Etalab 2.0.",
        {
            "statut": "Life-cycle status: " + ", ".join(vocab.STATUSES) + " (comma-separated: any of)",
            "types": "Place type code (comma-separated: any of)",
            "services": "Service code (comma-separated: all required)",
            "departement": "Department code (comma-separated: any of)",
            "code_insee": "INSEE commune code (comma-separated: any of)",
            "teletravail": "true: at least one desk for telework (postes >= 1); false: none",
            "fraicheur": "Freshness: a_jour, a_verifier, obsolete (comma-separated: any of)",
        },
    ),
    "departements": Collection(
        "departements", "Départements",
        "The departments of the region (code and name) with their simplified boundaries "
        "(IGN Admin Express via france-geojson, Licence Ouverte).",
        {"code": "Department code (comma-separated: any of)"},
    ),
}


# --------------------------------------------------------------------------------------------------
# Parameters


MAX_VALUE_LENGTH = 1000


def _check_params(request: Request, allowed: frozenset[str]) -> None:
    unknown = sorted({k for k in request.query_params if k not in allowed})
    if unknown:
        raise InvalidParameter(unknown[0], f"unknown parameter; accepted here: {', '.join(sorted(allowed)) or 'none'}")
    for key in request.query_params:
        values = request.query_params.getlist(key)
        if len(values) > 1:
            raise InvalidParameter(key, "given more than once; use one value (comma-separated where lists are allowed)")
        if len(values[0]) > MAX_VALUE_LENGTH:
            raise InvalidParameter(key, f"longer than {MAX_VALUE_LENGTH} characters")


def _json_only(request: Request) -> None:
    _check_params(request, frozenset({"f"}))
    if request.query_params.get("f") not in (None, "json"):
        raise InvalidParameter("f", "this document exists as JSON only (f=json)")


def _format(request: Request) -> str:
    f = request.query_params.get("f")
    if f is None:
        return "html" if HTML in request.headers.get("accept", "") else "json"
    if f not in ("json", "html"):
        raise InvalidParameter("f", "expected json or html")
    return f


def parse_limit(value: str | None) -> int:
    if value is None:
        return DEFAULT_LIMIT
    try:
        limit = int(value)
    except ValueError:
        raise InvalidParameter("limit", f"expected an integer from 1 to {MAX_LIMIT}") from None
    if limit < 1:
        raise InvalidParameter("limit", f"expected an integer from 1 to {MAX_LIMIT}")
    return min(limit, MAX_LIMIT)  # OGC: a larger limit is not an error, the server's maximum applies


def parse_crs(value: str | None, name: str) -> str:
    """The URI of a supported CRS (CRS84 when absent), or 400 naming `crs` or `bbox-crs`."""
    if value is None:
        return CRS84
    uri = CRS_NAMES.get(value.strip())
    if uri is None:
        raise InvalidParameter(name, f"unsupported CRS; expected one of {', '.join(CRS_LIST)}")
    return uri


def parse_bbox(value: str | None, crs: str | None) -> queries.Envelope | None:
    bbox_crs = parse_crs(crs, "bbox-crs")
    if value is None:
        if crs is not None:
            raise InvalidParameter("bbox-crs", "has no effect without bbox")
        return None
    parts = value.split(",")
    if len(parts) not in (4, 6):
        raise InvalidParameter("bbox", "expected 4 numbers (minx,miny,maxx,maxy) or 6 (with heights)")
    try:
        numbers = [float(x) for x in parts]
    except ValueError:
        raise InvalidParameter("bbox", "expected comma-separated numbers") from None
    if not all(math.isfinite(n) for n in numbers):
        raise InvalidParameter("bbox", "coordinates must be finite numbers")
    if len(numbers) == 6:
        numbers = [numbers[0], numbers[1], numbers[3], numbers[4]]
    if bbox_crs != CRS84:
        return _projected_bbox(numbers, bbox_crs)
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise InvalidParameter("bbox", "longitudes must be within [-180, 180]")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise InvalidParameter("bbox", "latitudes must be within [-90, 90]")
    if min_lat > max_lat:
        raise InvalidParameter("bbox", "the southern latitude must not exceed the northern one")
    return queries.Envelope(min_lon, min_lat, max_lon, max_lat)  # min_lon > max_lon crosses the antimeridian


def _projected_bbox(numbers: list[float], crs: str) -> queries.Envelope:
    min_x, min_y, max_x, max_y = numbers
    low_x, low_y, high_x, high_y = PROJECTED_BOUNDS[crs]
    if not (low_x <= min_x <= high_x and low_x <= max_x <= high_x and low_y <= min_y <= high_y
            and low_y <= max_y <= high_y):
        raise InvalidParameter("bbox", f"outside the area of {crs}: x within [{low_x:.0f}, {high_x:.0f}], "
                                       f"y within [{low_y:.0f}, {high_y:.0f}] (metres)")
    if min_x > max_x or min_y > max_y:
        raise InvalidParameter("bbox", "expected minx,miny,maxx,maxy with min <= max (projected CRS)")
    return queries.Envelope(min_x, min_y, max_x, max_y, srid=SRIDS[crs])


def _instant(text: str, *, end: bool) -> datetime:
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise InvalidParameter("datetime", "expected an RFC 3339 date-time, a date, or an interval a/b "
                                           "with '..' for an open end") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if end and len(text) == 10:  # a whole day: its last instant
        moment += timedelta(days=1, microseconds=-1)
    return moment


def parse_datetime(value: str | None) -> tuple[datetime | None, datetime | None] | None:
    """An instant or an interval (`a/b`, `../b`, `a/..`), matched against `maj_le` (the last update)."""
    if value is None:
        return None
    parts = value.split("/")
    if len(parts) == 1:
        return _instant(value, end=False), _instant(value, end=True)
    if len(parts) != 2:
        raise InvalidParameter("datetime", "expected an instant or an interval start/end")
    start = None if parts[0] in ("", "..") else _instant(parts[0], end=False)
    end = None if parts[1] in ("", "..") else _instant(parts[1], end=True)
    if start is None and end is None:
        raise InvalidParameter("datetime", "an interval needs at least one bound")
    if start is not None and end is not None and start > end:
        raise InvalidParameter("datetime", "the interval starts after it ends")
    return start, end


def _codes(request: Request, name: str, allowed: dict[str, str] | list[str] | None = None,
           pattern: re.Pattern[str] | None = None) -> list[str]:
    raw = request.query_params.get(name)
    if raw is None:
        return []
    values = [v.strip() for v in raw.split(",") if v.strip()]
    if not values or len(values) > 50:
        raise InvalidParameter(name, "expected 1 to 50 comma-separated values")
    for value in values:
        if allowed is not None and value not in allowed:
            raise InvalidParameter(name, f"unknown value {value!r}; expected one of {', '.join(allowed)}")
        if pattern is not None and not pattern.match(value):
            raise InvalidParameter(name, f"{value!r} does not match {pattern.pattern}")
    return values


def place_filters(request: Request) -> PlaceFilters:
    """The simple property filters of the `lieux` items, as the shared place filters of /v1/lieux."""
    telework = request.query_params.get("teletravail")
    if telework not in (None, "true", "false"):
        raise InvalidParameter("teletravail", "expected true or false")
    return PlaceFilters(
        statuses=_codes(request, "statut", vocab.STATUSES),
        types=_codes(request, "types", vocab.PLACE_TYPES),
        services=_codes(request, "services", vocab.SERVICES),
        departements=_codes(request, "departement", get_settings().region_departements),
        insee_codes=_codes(request, "code_insee", pattern=INSEE_CODE),
        telework=None if telework is None else telework == "true",
        freshness_in=_codes(request, "fraicheur", list(FRESHNESS)),
    )


# --------------------------------------------------------------------------------------------------
# Links


def _url(request: Request, path: str, query: str = "") -> str:
    return f"{base_url(request)}/ogc{path}" + (f"?{query}" if query else "")


def _this(request: Request, path: str, **changes: str | None) -> str:
    """This request's URL (absolute, public base; `path` below /ogc) with some query parameters replaced."""
    encoded = request.scope.get("reseau.ogc_query")
    if encoded is None:  # each parameter encoded once per request, however many links repeat it
        encoded = request.scope["reseau.ogc_query"] = [
            (name, urlencode([(name, value)])) for name, value in request.query_params.multi_items()]
    parts = [pair for name, pair in encoded if name not in changes]
    parts += [urlencode([(name, value)]) for name, value in changes.items() if value is not None]
    return _url(request, path, "&".join(parts))


def _link(href: str, rel: str, media_type: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media_type, "title": title}


def _self_links(request: Request, path: str, title: str, json_type: str = JSON) -> list[dict[str, str]]:
    return [_link(_this(request, path, f="json"), "self", json_type, f"{title} (JSON)"),
            _link(_this(request, path, f="html"), "alternate", HTML, f"{title} (HTML)")]


def _headers(cache: str) -> dict[str, str]:
    # Without `f`, the format follows the Accept header: shared caches must key on it.
    return {"Cache-Control": cache, "Vary": "Accept"}


def _json(document: dict[str, Any], media_type: str = JSON, cache: str = META_CACHE) -> Response:
    return Response(json.dumps(document, ensure_ascii=False), media_type=media_type, headers=_headers(cache))


def _html(page: str, cache: str = META_CACHE) -> HTMLResponse:
    return HTMLResponse(page, headers=_headers(cache))


# --------------------------------------------------------------------------------------------------
# Routes


@router.get("")
@router.get("/")
async def landing_page(request: Request) -> Response:
    """The landing page: links to the API definition, the conformance declaration and the collections."""
    _check_params(request, frozenset({"f"}))
    output = _format(request)
    document = {
        "title": "reseau-api: tiers-lieux d'Occitanie (OGC API - Features)",
        "description": "The places of the Occitanie tiers-lieux network and the region's departments, "
                       "as OGC API - Features collections (GeoJSON, CRS84).",
        "links": [
            *_self_links(request, "", "Landing page"),
            _link(_url(request, "/api"), "service-desc", OPENAPI, "API definition (OpenAPI 3.0)"),
            _link(_url(request, "/api", "f=html"), "service-doc", HTML, "API documentation (HTML)"),
            _link(_url(request, "/conformance"), "conformance", JSON, "Conformance classes"),
            _link(_url(request, "/conformance"), "http://www.opengis.net/def/rel/ogc/1.0/conformance", JSON,
                  "Conformance classes"),
            _link(_url(request, "/collections"), "data", JSON, "Collections"),
            _link(_url(request, "/collections"), "http://www.opengis.net/def/rel/ogc/1.0/data", JSON,
                  "Collections"),
        ],
    }
    return _html(ogc_html.landing(document)) if output == "html" else _json(document)


@router.get("/api")
async def get_api_definition(request: Request) -> Response:
    """The OpenAPI 3.0 definition of the /ogc paths (the `service-desc`)."""
    _check_params(request, frozenset({"f"}))
    document = ogc_openapi.definition(f"{base_url(request)}/ogc", COLLECTIONS, MAX_LIMIT, DEFAULT_LIMIT)
    if request.query_params.get("f") == "html":
        return _html(ogc_html.api(document))
    if request.query_params.get("f") not in (None, "json"):
        raise InvalidParameter("f", "expected json or html")
    return _json(document, OPENAPI)


@router.get("/conformance")
async def get_conformance(request: Request) -> Response:
    """The conformance classes this API implements."""
    _check_params(request, frozenset({"f"}))
    output = _format(request)
    document = {"conformsTo": CONFORMANCE, "links": _self_links(request, "/conformance", "Conformance")}
    return _html(ogc_html.conformance(document)) if output == "html" else _json(document)


def _collection_document(request: Request, collection: Collection, bounds: tuple[float, ...]) -> dict[str, Any]:
    items = f"/collections/{collection.id}/items"
    return {
        "id": collection.id,
        "title": collection.title,
        "description": collection.description,
        "itemType": "feature",
        "crs": CRS_LIST,
        "storageCrs": CRS84,
        "extent": {"spatial": {"bbox": [list(bounds)], "crs": CRS84}},
        "links": [
            _link(_url(request, f"/collections/{collection.id}", "f=json"), "self", JSON, collection.title),
            _link(_url(request, f"/collections/{collection.id}", "f=html"), "alternate", HTML,
                  f"{collection.title} (HTML)"),
            _link(_url(request, items), "items", GEOJSON, f"{collection.title}: features (GeoJSON)"),
            _link(_url(request, items, "f=html"), "items", HTML, f"{collection.title}: features (HTML)"),
            _link(_url(request, f"/collections/{collection.id}/schema"), "describedby", SCHEMA_JSON,
                  "Feature schema"),
            # GDAL before 3.7 looks for this spelling only.
            _link(_url(request, f"/collections/{collection.id}/schema"), "describedBy", SCHEMA_JSON,
                  "Feature schema"),
            _link(_url(request, f"/collections/{collection.id}/queryables"),
                  "http://www.opengis.net/def/rel/ogc/1.0/queryables", SCHEMA_JSON, "Filterable properties"),
            _link("https://www.etalab.gouv.fr/licence-ouverte-open-licence/", "license", HTML,
                  "Licence Ouverte / Etalab 2.0"),
        ],
    }


def _collection(collection_id: str) -> Collection:
    collection = COLLECTIONS.get(collection_id)
    if collection is None:
        raise NotFound(f"No collection {collection_id!r}; see /ogc/collections.")
    return collection


@router.get("/collections")
async def list_collections(request: Request, session: SessionDep) -> Response:
    """The feature collections: lieux and departements."""
    _check_params(request, frozenset({"f"}))
    output = _format(request)
    bounds = await queries.region_bounds(session)
    document = {
        "links": _self_links(request, "/collections", "Collections"),
        "collections": [_collection_document(request, c, bounds) for c in COLLECTIONS.values()],
    }
    return _html(ogc_html.collections(document)) if output == "html" else _json(document)


@router.get("/collections/{collection_id}")
async def get_collection(collection_id: str, request: Request, session: SessionDep) -> Response:
    """One collection's description: extent, links to its items."""
    collection = _collection(collection_id)
    _check_params(request, frozenset({"f"}))
    output = _format(request)
    document = _collection_document(request, collection, await queries.region_bounds(session))
    return _html(ogc_html.collection(document)) if output == "html" else _json(document)


@router.get("/collections/{collection_id}/schema")
async def get_schema(collection_id: str, request: Request) -> Response:
    """The JSON Schema of the collection's features (attribute names and types)."""
    collection = _collection(collection_id)
    _json_only(request)
    document = ogc_openapi.feature_schema(_url(request, f"/collections/{collection.id}/schema"), collection)
    return _json(document, SCHEMA_JSON)


@router.get("/collections/{collection_id}/queryables")
async def get_queryables(collection_id: str, request: Request) -> Response:
    """The properties the items can be filtered on, as a JSON Schema."""
    collection = _collection(collection_id)
    _json_only(request)
    document = ogc_openapi.queryables(_url(request, f"/collections/{collection.id}/queryables"), collection)
    return _json(document, SCHEMA_JSON)


def _place_key(cursor: str | None, sort: str) -> tuple[Any, ...] | None:
    """The key a `curseur` of the places collection carries: (distance, id) from a bbox's centre, or (id,)."""
    if cursor is None:
        return None
    values = decode_cursor(cursor, sort, 2 if sort == "distance" else 1)
    try:
        last_id = UUID(str(values[-1]))
        if sort == "id":
            return (last_id,)
        distance = values[0]
        if isinstance(distance, bool) or not isinstance(distance, int | float) or not math.isfinite(distance):
            raise ValueError(distance)
        return (float(distance), last_id)
    except ValueError:
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given") from None


@router.get("/collections/{collection_id}/items")
async def list_items(collection_id: str, request: Request, session: SessionDep) -> Response:
    """A page of features: bbox, datetime (lieux: last update), property filters, limit, next links."""
    collection = _collection(collection_id)
    _check_params(request, ITEM_PARAMS | set(collection.filters))
    output = _format(request)
    q = request.query_params
    limit = parse_limit(q.get("limit"))
    envelope = parse_bbox(q.get("bbox"), q.get("bbox-crs"))
    crs = parse_crs(q.get("crs"), "crs")
    updated = parse_datetime(q.get("datetime"))
    cursor = q.get("curseur")
    if collection.id == "lieux":
        filters = place_filters(request)
        sort = queries.place_order(envelope)
        page = await queries.place_features(session, filters, envelope=envelope, updated=updated, limit=limit,
                                            after=_place_key(cursor, sort), srid=SRIDS[crs])
    else:  # departements have no temporal property: datetime is accepted and has no effect
        sort = "code"
        after_code = None
        if cursor is not None:
            (after_code,) = decode_cursor(cursor, "code", 1)
            after_code = str(after_code)
        codes = _codes(request, "code", pattern=DEPARTMENT_CODE)
        page = await queries.department_features(session, codes=codes, envelope=envelope, limit=limit,
                                                 after=after_code, srid=SRIDS[crs])
    path = f"/collections/{collection.id}/items"
    links = _self_links(request, path, "This page", GEOJSON)
    if page.next_key is not None:
        links.append(_link(_this(request, path, curseur=encode_cursor(sort, page.next_key)), "next",
                           GEOJSON if output == "json" else HTML, "Next page"))
    links.append(_link(_url(request, f"/collections/{collection.id}"), "collection", JSON, collection.title))
    matched = f'"numberMatched":{page.number_matched},' if page.number_matched is not None else ""
    if output == "html":
        return _html(ogc_html.items(collection.title, list(ogc_openapi.PROPERTIES[collection.id]),
                                    page.features, links, page.number_matched), ITEMS_CACHE)
    body = (f'{{"type":"FeatureCollection","features":[{",".join(page.features)}],{matched}'
            # No `timeStamp` (optional in Part 1): a generation time would change the body, hence the
            # ETag, every second, and If-None-Match would never match for the same data.
            f'"numberReturned":{len(page.features)},'
            f'"links":{json.dumps(links, ensure_ascii=False)}}}')
    return GeoJSONResponse(body, headers={**_headers(ITEMS_CACHE), "Content-Crs": f"<{crs}>"})


@router.get("/collections/{collection_id}/items/{feature_id}")
async def get_item(collection_id: str, feature_id: str, request: Request, session: SessionDep) -> Response:
    """One feature by id: the place UUID, or the department code."""
    collection = _collection(collection_id)
    _check_params(request, frozenset({"f", "crs"}))
    output = _format(request)
    crs = parse_crs(request.query_params.get("crs"), "crs")
    feature: str | None = None
    if collection.id == "lieux":
        try:
            feature = await queries.place_feature(session, UUID(feature_id), srid=SRIDS[crs])
        except ValueError:
            feature = None
    elif len(feature_id) <= 3:
        feature = await queries.department_feature(session, feature_id, srid=SRIDS[crs])
    if feature is None:
        raise NotFound(f"No feature {feature_id!r} in collection {collection.id!r}.")
    links = [*_self_links(request, f"/collections/{collection.id}/items/{feature_id}", "This feature", GEOJSON),
             _link(_url(request, f"/collections/{collection.id}"), "collection", JSON, collection.title)]
    if output == "html":
        columns = list(ogc_openapi.PROPERTIES[collection.id])
        return _html(ogc_html.item(collection.title, columns, feature, links), ITEMS_CACHE)
    body = feature[:-1] + ',"links":' + json.dumps(links, ensure_ascii=False) + "}"
    return GeoJSONResponse(body, headers={**_headers(ITEMS_CACHE), "Content-Crs": f"<{crs}>"})
