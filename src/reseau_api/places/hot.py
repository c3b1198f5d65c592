"""`/v1/lieux` on the hot path (core/hot.py): its query string parsed once into `PlaceFilters`; and
`/v1/lieux/{id}`, a place's JSON (one statement, places.queries.detail).

`hot_filters` accepts exactly the valid values `place_filters` (the FastAPI dependency, the contract)
accepts in their plain spelling and builds the same structure; anything else is `Defer`red to it.
`ouvert_le` / `ouvert_maintenant` (evaluated in Python against the clock) are left to the full path.
"""

import re
from decimal import Decimal
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from reseau_api.core.config import get_settings
from reseau_api.core.hot import Defer, HotRoute, Query, boolean, integer, one
from reseau_api.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from reseau_api.places import vocabulary as vocab
from reseau_api.places.filters import (
    DEFAULT_RADIUS_M,
    MAX_RADIUS_M,
    MAX_VALUES,
    PlaceFilters,
    parse_bbox,
    parse_near,
)

_INSEE = re.compile(r"(?:\d{5}|2[AB]\d{3})")
_BBOX = re.compile(r"[^,]+,[^,]+,[^,]+,[^,]+")
_PRICE = re.compile(r"(?:0|[1-9][0-9]{0,5})(?:\.[0-9]{1,2})?")
_SORTS = frozenset({"nom", "-maj_le", "distance", "pertinence"})
_FORMATS = frozenset({"json", "geojson", "csv"})


def _codes(query: Query, name: str, allowed: Any) -> list[str]:
    values = query.get(name)
    if values is None:
        return []
    if len(values) > MAX_VALUES or any(v not in allowed for v in values):
        raise Defer
    return values


def _insee(query: Query) -> list[str]:
    values = query.get("code_insee")
    if values is None:
        return []
    if len(values) > MAX_VALUES or not all(_INSEE.fullmatch(v) for v in values):
        raise Defer
    return values


# What `hot_filters` reads; the route's other filters (`ouvert_le`, `fraicheur`, identifiers…) take the full path.
FILTER_PARAMETERS = frozenset({"q", "bbox", "pres_de", "rayon", "prix_journee_max", "type", "statut", "departement",
                               "code_insee", "services", "teletravail", "postes_min"})


def hot_filters(query: Query) -> PlaceFilters:
    """The `PlaceFilters` of a `/v1/lieux` query string (same result as `place_filters`), or Defer."""
    q = one(query, "q")
    if q is not None and len(q) > 200:
        raise Defer
    bbox = one(query, "bbox")
    if bbox is not None and (len(bbox) > 120 or not _BBOX.fullmatch(bbox)):
        raise Defer
    near = one(query, "pres_de")
    if near is not None and len(near) > 60:
        raise Defer
    radius = integer(one(query, "rayon"), 1, MAX_RADIUS_M)
    if radius is not None and near is None:
        raise Defer
    price = one(query, "prix_journee_max")
    if price is not None and (not _PRICE.fullmatch(price) or Decimal(price) > 100000):
        raise Defer
    return PlaceFilters(
        q=q.strip() or None if q else None,
        types=_codes(query, "type", vocab.PLACE_TYPES), statuses=_codes(query, "statut", vocab.STATUSES),
        departements=_codes(query, "departement", get_settings().region_departements),
        insee_codes=_insee(query), services=_codes(query, "services", vocab.SERVICES),
        telework=boolean(one(query, "teletravail")), desks_min=integer(one(query, "postes_min"), 1, 10000),
        price_day_max=Decimal(price) if price is not None else None,
        bbox=parse_bbox(bbox), near=parse_near(near, radius or DEFAULT_RADIUS_M),
    )


def _choice(query: Query, name: str, allowed: frozenset[str]) -> str | None:
    value = one(query, name)
    if value is not None and value not in allowed:
        raise Defer
    return value


async def list_places(request: Request, session: Any, _: dict[str, str], query: Query) -> Response:
    from reseau_api.places.router import list_places as route

    curseur = one(query, "curseur")
    if curseur is not None and len(curseur) > 512:
        raise Defer
    limit = integer(one(query, "limit"), 1, MAX_LIMIT)
    return await route(request, session, hot_filters(query), tri=_choice(query, "tri", _SORTS),
                       limit=DEFAULT_LIMIT if limit is None else limit, curseur=curseur,
                       f=_choice(query, "f", _FORMATS))


async def get_place(request: Request, session: Any, path: dict[str, str], _: Query) -> Response:
    """Anonymous JSON reads of a place; a key (drafts, the member's own writes) or JSON-LD: the full path."""
    from reseau_api.places import jsonld
    from reseau_api.places.router import get_place as route

    key = path["id_or_slug"]
    if len(key) > 120 or "authorization" in request.headers or jsonld.wanted(request.headers.get("accept")):
        raise Defer
    return await route(key, request, session, session, None)


ROUTES = [HotRoute("list_places", re.compile(r"/v1/lieux"), list_places,
                   FILTER_PARAMETERS | {"curseur", "limit", "tri", "f"}),
          HotRoute("get_place", re.compile(r"/v1/lieux/(?P<id_or_slug>[^/]+)"), get_place, frozenset())]
