"""Application factory: middleware, routers, error handlers, lifespan."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.middleware.cors import CORSMiddleware
from fastapi.responses import HTMLResponse

from reseau_api import models  # noqa: F401  (configures every mapper)
from reseau_api.api import api_router
from reseau_api.core import db
from reseau_api.core.config import get_settings
from reseau_api.core.errors import PROBLEM_TYPES, NotFound, install_error_handlers
from reseau_api.core.limits import RequestGuardMiddleware
from reseau_api.core.observability import ObservabilityMiddleware, configure_logging, metrics_endpoint
from reseau_api.core.openapi import install_openapi
from reseau_api.geo.router import root_router as geo_root_router
from reseau_api.health.router import router as health_router
from reseau_api.memberspace.router import router as memberspace_router

DESCRIPTION = """\
Open directory API of the **Occitanie tiers-lieux network**: coworking spaces, fablabs, shared
workshops, digital-inclusion spaces and rural hubs, with their telework offer.

* Public reads need no key and are CORS-open; members write with `Authorization: Bearer <key>`.
* Every error is an RFC 9457 `application/problem+json` document; its `type` resolves to prose.
"""


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    yield
    await db.engine.dispose()
    if db.read_engine is not db.engine:
        await db.read_engine.dispose()


def create_app() -> FastAPI:
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    app = FastAPI(
        title="reseau-api",
        version="1.0.0",
        summary="Directory of the Occitanie tiers-lieux network",
        description=DESCRIPTION,
        lifespan=lifespan,
        license_info={"name": "Data: Licence Ouverte / Etalab 2.0"},
        generate_unique_id_function=lambda route: route.name,  # operationId = verb_noun
    )
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(api_router)
    app.include_router(geo_root_router)  # /ogc (OGC API - Features) and /carte (map page)
    app.include_router(memberspace_router)  # /espace-membre (browser interface on the API)
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    app.add_api_route(
        "/problemes/{slug}", problem_type_page, methods=["GET"], include_in_schema=False,
        response_class=HTMLResponse,
    )
    app.add_middleware(
        RequestGuardMiddleware, max_body_bytes=settings.max_body_bytes,
        large_bodies={"/v1/imports": get_settings().import_max_bytes},
    )
    # Public reads are open to any origin; writes are meant for servers and the CLI, not browsers.
    app.add_middleware(
        CORSMiddleware, allow_origins=settings.cors_origins, allow_methods=["GET", "HEAD", "OPTIONS"],
        allow_credentials=False, expose_headers=["ETag", "Link", "X-Request-ID", "Last-Modified", "Repr-Digest"],
        max_age=86400,
    )
    app.add_middleware(ObservabilityMiddleware)
    install_openapi(app)
    return app


async def problem_type_page(slug: str) -> HTMLResponse:
    """Each problem `type` URI resolves to a short human explanation."""
    if slug not in PROBLEM_TYPES:
        raise NotFound(f"No problem type named {slug!r}.")
    title, text = PROBLEM_TYPES[slug]
    return HTMLResponse(
        f"<!doctype html><meta charset=utf-8><title>{title}</title><h1>{title}</h1><p>{text}</p>"
    )


app = create_app()
