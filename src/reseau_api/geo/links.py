"""The place-filter parameters forwarded by links (OGC `links`, TileJSON `tiles`); absolute URLs: core.urls."""

import inspect

from starlette.requests import Request

from reseau_api.places.filters import place_filters

# The query parameters of the shared place filters (`/v1/lieux`), forwarded as they came.
PLACE_FILTER_PARAMS = frozenset(inspect.signature(place_filters).parameters)


def filter_items(request: Request) -> list[tuple[str, str]]:
    """The place-filter parameters of a request (already validated by `PlaceFiltersDep`), in order."""
    return [(k, v) for k, v in request.query_params.multi_items() if k in PLACE_FILTER_PARAMS]
