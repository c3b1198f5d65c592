"""The geo outputs' routers: tiles under /v1 (`tiles_router`), OGC API - Features and the map page at
the root (`root_router`, outside the versioned API because clients expect /ogc and /carte as is)."""

from fastapi import APIRouter

from reseau_api.geo.map import router as map_router
from reseau_api.geo.ogc import router as ogc_router
from reseau_api.geo.tiles import router as tiles_router

root_router = APIRouter()
root_router.include_router(ogc_router)
root_router.include_router(map_router)

__all__ = ["root_router", "tiles_router"]
