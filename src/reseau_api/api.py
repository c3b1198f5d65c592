"""The versioned public API: one include_router() per domain, under /v1."""

from fastapi import APIRouter

api_router = APIRouter(prefix="/v1")
