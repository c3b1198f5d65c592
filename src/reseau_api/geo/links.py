"""Absolute URLs for links that leave the response (OGC `links`, TileJSON `tiles`, `next` pages)."""

import inspect

from starlette.requests import Request

from reseau_api.core.config import get_settings
from reseau_api.places.filters import place_filters

# The query parameters of the shared place filters (`/v1/lieux`), forwarded as they came.
PLACE_FILTER_PARAMS = frozenset(inspect.signature(place_filters).parameters)


def base_url(request: Request) -> str:
    """RESEAU_PUBLIC_BASE_URL when set (behind a proxy), else the URL the client used; no trailing slash."""
    return (get_settings().public_base_url or str(request.base_url)).rstrip("/")


def filter_items(request: Request) -> list[tuple[str, str]]:
    """The place-filter parameters of a request (already validated by `PlaceFiltersDep`), in order."""
    return [(k, v) for k, v in request.query_params.multi_items() if k in PLACE_FILTER_PARAMS]
