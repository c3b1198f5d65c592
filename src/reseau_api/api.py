"""The versioned public API: one include_router() per domain, under /v1."""

from fastapi import APIRouter

from reseau_api.coverage.router import router as coverage_router
from reseau_api.places.router import router as places_router
from reseau_api.vocabularies.router import router as vocabularies_router

api_router = APIRouter(prefix="/v1")
api_router.include_router(places_router)
api_router.include_router(vocabularies_router)
api_router.include_router(coverage_router)
