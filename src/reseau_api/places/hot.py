"""`/v1/lieux` on the hot path (core/hot.py): its query string parsed once into `PlaceFilters`; and
`/v1/lieux/{id}`, a place's JSON (one statement, places.queries.detail).

The filters are read by the reader derived from their declaration (`PLACE_FILTERS`, places/filters.py),
which accepts exactly the valid values the FastAPI dependency accepts, in their plain spelling, and
hands them to the same `to_filters`; anything else is `Defer`red to the route. `ouvert_maintenant`
reads the clock when the filters are built, on either path alike.
"""

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from reseau_api.core.errors import InvalidParameter
from reseau_api.core.hot import Defer, HotRoute, Query, integer, one
from reseau_api.core.pagination import DEFAULT_LIMIT, MAX_LIMIT
from reseau_api.places.filters import PLACE_FILTERS, PlaceFilters, to_filters

_SORTS = frozenset({"nom", "-maj_le", "distance", "pertinence"})
_FORMATS = frozenset({"json", "geojson", "csv"})

# What `hot_filters` reads: every declared filter (tiles take the same).
FILTER_PARAMETERS = PLACE_FILTERS.names


def hot_filters(query: Query) -> PlaceFilters:
    """The `PlaceFilters` of a `/v1/lieux` query string (same result as `PlaceFiltersDep`), or Defer."""
    try:
        return to_filters(PLACE_FILTERS.read(query))
    except InvalidParameter:  # a rule between parameters: the route words the 400
        raise Defer from None


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
