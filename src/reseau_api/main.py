"""Application factory: middleware, routers, error handlers, lifespan."""

import gc
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from starlette.middleware import Middleware
from starlette.types import ASGIApp

from reseau_api import models  # noqa: F401  (configures every mapper)
from reseau_api.api import api_router
from reseau_api.core import db
from reseau_api.core.config import get_settings
from reseau_api.core.errors import PROBLEM_TYPES, NotFound, install_error_handlers, refuse_shadowed_methods
from reseau_api.core.hot import HotReads, close_read_pool
from reseau_api.core.limits import RequestGuardMiddleware
from reseau_api.core.middleware import HttpMiddleware
from reseau_api.core.observability import ObservabilityMiddleware, configure_logging, metrics_endpoint
from reseau_api.core.openapi import install_openapi
from reseau_api.geo import hot as geo_hot
from reseau_api.geo.router import root_router as geo_root_router
from reseau_api.health.router import router as health_router
from reseau_api.home.router import router as home_router
from reseau_api.memberspace.router import router as memberspace_router
from reseau_api.pages.router import router as pages_router
from reseau_api.places import hot as places_hot

DESCRIPTION = """\
Open directory API of the **Occitanie tiers-lieux network**: coworking spaces, fablabs, shared
workshops, digital-inclusion spaces and rural hubs, with their telework offer.

* Public reads need no key and are CORS-open; members write with `Authorization: Bearer <key>`.
* Every error is an RFC 9457 `application/problem+json` document; its `type` resolves to prose.
"""


@asynccontextmanager
async def lifespan(_: FastAPI) -> AsyncIterator[None]:
    # Everything alive after start-up (modules, routes, schemas: ~175k objects) lives as long as the
    # process. Frozen, the cyclic collector no longer walks it: its full passes were ~86 ms each, the
    # p99 of the list pages (bench/README.md); per-request garbage is still collected as before.
    gc.collect()
    gc.freeze()
    yield
    await close_read_pool()
    await db.engine.dispose()
    if db.read_engine is not db.engine:
        await db.read_engine.dispose()


class App(FastAPI):
    """FastAPI with the project's middleware outside the framework's own layers (error page, telemetry,
    body limit), not inside them: the hot reads answer before those layers run, and a 500 from the error
    page still gets the request id, the access log line and the security headers. `outer` is listed
    outermost first."""

    outer: Sequence[Middleware] = ()

    def build_middleware_stack(self) -> ASGIApp:
        app = super().build_middleware_stack()
        for cls, args, kwargs in reversed(self.outer):
            app = cls(app, *args, **kwargs)
        return app


def create_app(*, hot_reads: bool = True) -> FastAPI:
    """The app; `hot_reads=False` leaves every request to the routes (tests compare both paths)."""
    settings = get_settings()
    configure_logging(settings.log_format, settings.log_level)
    app = App(
        title="reseau-api",
        version="1.0.0",
        summary="Directory of the Occitanie tiers-lieux network",
        description=DESCRIPTION,
        lifespan=lifespan,
        docs_url=None, redoc_url=None,  # served by home/router.py from pinned local assets
        license_info={"name": "Data: Licence Ouverte / Etalab 2.0"},
        generate_unique_id_function=lambda route: route.name,  # operationId = verb_noun
        # Metrics are Prometheus (/metrics, core/observability.py); the framework's OpenTelemetry hooks
        # would otherwise look up the global providers on every request.
        telemetry={"tracing": False, "metrics": False, "logs": False},
    )
    install_error_handlers(app)
    app.include_router(health_router)
    app.include_router(home_router)  # /, /docs, /redoc, /assets/
    app.include_router(api_router)
    app.include_router(geo_root_router)  # /ogc (OGC API - Features) and /carte (map page)
    app.include_router(memberspace_router)  # /espace-membre (browser interface on the API)
    app.include_router(pages_router)  # public HTML pages: /lieux, /departements, /sitemap.xml, /robots.txt
    app.add_route("/metrics", metrics_endpoint, include_in_schema=False)
    app.add_api_route(
        "/problemes/{slug}", problem_type_page, methods=["GET"], include_in_schema=False,
        response_class=HTMLResponse,
    )
    outer = [
        Middleware(ObservabilityMiddleware),
        # HEAD, Host rule, keys in URLs, CORS (public reads open to any origin; writes are for servers and
        # the CLI, not browsers), conditional GET, compression and security headers.
        Middleware(HttpMiddleware, public_base_url=settings.public_base_url, allowed_hosts=settings.allowed_hosts,
                   cors_origins=settings.cors_origins),
        Middleware(RequestGuardMiddleware, max_body_bytes=settings.max_body_bytes,
                   large_bodies={"/v1/imports": settings.import_max_bytes}),
    ]
    # Innermost of ours: the hot public reads (lists, tiles, OGC items) on a plain asyncpg pool; any
    # request it does not judge valid goes on to the framework and the routes unchanged (core/hot.py).
    if hot_reads:
        outer.append(Middleware(HotReads, routes=[*places_hot.ROUTES, *geo_hot.ROUTES], fastapi_app=app))
    app.outer = outer
    install_openapi(app)
    refuse_shadowed_methods(app)
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
