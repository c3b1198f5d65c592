"""Tiles and OGC items on the hot path (core/hot.py): the same route functions, on the read pool."""

import re
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from reseau_api.core.hot import HotRoute, Query, integer
from reseau_api.places.hot import hot_filters


async def get_tile(request: Request, session: Any, path: dict[str, str], query: Query) -> Response:
    from reseau_api.geo.tiles import MAX_ZOOM
    from reseau_api.geo.tiles import get_tile as route

    z = integer(path["z"], 0, MAX_ZOOM)
    x = integer(path["x"], 0, 2 ** MAX_ZOOM - 1)
    y = integer(path["y"], 0, 2 ** MAX_ZOOM - 1)
    return await route(request, session, hot_filters(query), z, x, y)


async def list_items(request: Request, session: Any, path: dict[str, str], _: Query) -> Response:
    from reseau_api.geo.ogc import list_items as route

    return await route(path["collection_id"], request, session)


ROUTES = [
    HotRoute("get_tile", re.compile(r"/v1/tuiles/(?P<z>[0-9]+)/(?P<x>[0-9]+)/(?P<y>[0-9]+)\.mvt"), get_tile),
    # list_items checks its own parameters (OGC rules) and raises what the full path would answer.
    HotRoute("list_items", re.compile(r"/ogc/collections/(?P<collection_id>[^/]+)/items"), list_items,
             own_parameters=True),
]
