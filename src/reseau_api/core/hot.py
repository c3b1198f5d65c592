"""The hot public reads, served without the framework's per-request machinery.

A few GET routes carry nearly all the traffic (list pages, tiles, OGC items). For them, this ASGI layer,
the innermost of the app's middleware, matches the path itself, parses the query string once into the
route's own validated structure (a domain's `parse` function, e.g. `PlaceFilters`), takes a connection
from a plain asyncpg pool (no ORM session, no per-request reset) and calls the route function itself
with it, so the response is built by the same code. The outer layers (request id, access log, metrics,
HEAD, ETag/304, compression, CORS, security headers) apply as to any route.

The FastAPI route stays the contract (OpenAPI) and the reference: whatever the hot parser does not
accept as valid, it does not judge. An unknown or repeated parameter, a value outside what it knows
to be valid, any exception while building the answer (a malformed cursor, a database away) hands the
request to the framework unchanged, which answers exactly as before (the 400 problem naming the
parameter, the 503). Nothing has been sent at that point: reads are repeatable. So the hot path only
ever serves requests whose answer is a success the full path would give, byte for byte; the tests
check both paths side by side (tests/test_hot.py).
"""

import asyncio
import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Receive, Scope, Send

from reseau_api.core import db
from reseau_api.core.config import get_settings

log = logging.getLogger("reseau_api.hot")


class Defer(Exception):
    """The hot parser does not judge this request: the framework's route will (and answer any error)."""


Query = dict[str, list[str]]
# (request, the asyncpg connection as a session for `db.raw_connection`, path parameters, query) -> response
Handler = Callable[[Request, Any, dict[str, str], Query], Awaitable[Response]]


@dataclass(frozen=True)
class HotRoute:
    name: str  # the FastAPI route's name (operationId): its object labels metrics, its parameters are known
    path: re.Pattern[str]  # full path, named groups are the path parameters
    handler: Handler
    # The query parameters the hot parser reads. Any other name, even one the route declares (a filter
    # added later to the route), is Deferred: the hot path can never ignore a parameter. None: the route
    # function reads its query string itself (OGC) and answers every name as the full path would.
    parameters: frozenset[str] | None


def parse_query(query_string: bytes) -> Query:
    """Query parameters as Starlette reads them (latin-1 bytes, then percent-decoding as UTF-8), grouped."""
    query: Query = {}
    for name, value in parse_qsl(query_string.decode("latin-1"), keep_blank_values=True):
        query.setdefault(name, []).append(value)
    return query


def one(query: Query, name: str) -> str | None:
    """A single-valued parameter: absent, or given once and not empty (anything else: the framework's say)."""
    values = query.get(name)
    if values is None:
        return None
    if len(values) != 1 or not values[0]:
        raise Defer
    return values[0]


_DIGITS = re.compile(r"[0-9]{1,7}")


def integer(value: str | None, low: int, high: int) -> int | None:
    """Plain decimal digits within [low, high]; other spellings Pydantic may accept are deferred."""
    if value is None:
        return None
    if not _DIGITS.fullmatch(value) or (len(value) > 1 and value[0] == "0"):
        raise Defer
    number = int(value)
    if not low <= number <= high:
        raise Defer
    return number


def boolean(value: str | None) -> bool | None:
    if value is None:
        return None
    if value == "true":
        return True
    if value == "false":
        return False
    raise Defer


class HotReads:
    """ASGI layer: serves the hot routes on the read pool, hands everything else to `app` untouched."""

    def __init__(self, app: ASGIApp, *, routes: list[HotRoute], fastapi_app: Any) -> None:
        self.app = app
        self.routes = routes
        self.fastapi_app = fastapi_app
        self.route_objects: dict[str, Any] | None = None
        prefixes = sorted({r.path.pattern.split("(")[0].split("[")[0] for r in routes})
        self.prefixes = tuple(prefixes)

    def _route_object(self, name: str) -> Any:
        if self.route_objects is None:  # the app's routes, resolved once (after every router is included)
            objects: dict[str, Any] = {}
            for route in self.fastapi_app.router.routes:
                for context in getattr(route, "effective_route_contexts", lambda: ())():
                    original = getattr(context, "original_route", None)
                    if original is not None:
                        objects.setdefault(original.name, original)
            self.route_objects = objects
        return self.route_objects[name]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "GET" or not scope["path"].startswith(self.prefixes):
            await self.app(scope, receive, send)
            return
        response = None
        for route in self.routes:
            match = route.path.fullmatch(scope["path"])
            if match is None:
                continue
            try:
                response = await self._serve(route, match.groupdict(), scope)
            except Defer:
                pass
            except Exception as exc:  # the full path answers (and logs) whatever this was
                log.debug("hot path deferred %s: %r", scope["path"], exc)
            break
        if response is None:
            await self.app(scope, receive, send)
            return
        await response(scope, receive, send)

    async def _serve(self, route: HotRoute, path_params: dict[str, str], scope: Scope) -> Response:
        query = parse_query(scope["query_string"])
        route_object = self._route_object(route.name)
        if route.parameters is not None and any(name not in route.parameters for name in query):
            raise Defer
        scope["route"] = route_object  # metrics and logs label the request as the framework would
        request = Request(scope)
        overrides = self.fastapi_app.dependency_overrides
        if overrides:  # tests: the session of the test's transaction, as the route's dependency would give
            override = overrides.get(db.get_read_session if db.read_engine is not db.engine else db.get_session)
            if override is None:
                raise Defer
            return await route.handler(request, override(), path_params, query)
        pool = await read_pool()
        # While a connection is free (the pool serves only this layer), it is taken at once: no timeout
        # to arm (asyncpg's costs a task per acquire). When every connection is busy for the pool
        # timeout, the full path waits its own, then answers 503.
        global _pool_busy
        timeout = None if _pool_busy < pool.get_max_size() else get_settings().db_pool_timeout_s
        _pool_busy += 1
        try:
            async with pool.acquire(timeout=timeout) as connection:
                return await route.handler(request, db.DirectConnection(connection), path_params, query)
        finally:
            _pool_busy -= 1


_pool: Any = None
_pool_busy = 0  # requests holding or waiting for one of its connections (every app of the process)
_pool_loop: asyncio.AbstractEventLoop | None = None
_pool_lock: asyncio.Lock | None = None


async def read_pool() -> Any:
    """The asyncpg pool of the hot reads, on the read database (the replica when one is set), created on
    first use with the API's session settings (per event loop: a pool belongs to the loop it runs on)."""
    global _pool, _pool_loop, _pool_lock
    loop = asyncio.get_running_loop()
    if _pool is None or _pool_loop is not loop:
        if _pool_lock is None or _pool_loop is not loop:
            _pool_lock, _pool_loop, _pool = asyncio.Lock(), loop, None
        async with _pool_lock:
            if _pool is None:
                _pool = await db.create_read_pool()
    return _pool


async def close_read_pool() -> None:
    global _pool
    pool, _pool = _pool, None
    if pool is not None and _pool_loop is asyncio.get_running_loop():
        await pool.close()
