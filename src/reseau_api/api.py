"""The versioned public API: one include_router() per domain, under /v1."""

from fastapi import APIRouter

from reseau_api.ami.router import router as ami_router
from reseau_api.claims.router import router as claims_router
from reseau_api.coverage.router import router as coverage_router
from reseau_api.editorial.routes import queue_router
from reseau_api.feed.router import router as feed_router
from reseau_api.geo.router import tiles_router
from reseau_api.members.router import keys_router, organisations_router
from reseau_api.opendata.imports_router import router as imports_router
from reseau_api.opendata.router import router as opendata_router
from reseau_api.places.edit_router import router as places_edit_router
from reseau_api.places.editorial import PLACES
from reseau_api.places.hours_router import router as hours_router
from reseau_api.places.router import router as places_router
from reseau_api.practices.editorial import PRACTICES
from reseau_api.practices.preview_router import router as practice_preview_router
from reseau_api.practices.router import router as practices_router
from reseau_api.vocabularies.router import router as vocabularies_router
from reseau_api.webhooks.router import router as webhooks_router

api_router = APIRouter(prefix="/v1")
api_router.include_router(places_router)
api_router.include_router(vocabularies_router)
api_router.include_router(ami_router)
api_router.include_router(places_edit_router)
api_router.include_router(organisations_router)
api_router.include_router(keys_router)
api_router.include_router(opendata_router)
api_router.include_router(imports_router)
api_router.include_router(tiles_router)
api_router.include_router(coverage_router)
api_router.include_router(practices_router)
api_router.include_router(queue_router([PLACES, PRACTICES]))  # GET /v1/moderation, /v1/moi/...
api_router.include_router(feed_router)
api_router.include_router(webhooks_router)
api_router.include_router(claims_router)
api_router.include_router(hours_router)
api_router.include_router(practice_preview_router)
