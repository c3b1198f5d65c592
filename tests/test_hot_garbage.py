"""The hot reads leave no cyclic garbage: the cyclic collector has nothing to find after them.

Reference cycles made per request (a closure that refers to itself, an exception kept with its frames)
are what the collector's passes walk; with the start-up heap frozen (main.lifespan), a request path that
makes none keeps those passes short and rare. Called as the server calls the app: a plain ASGI call on the
app's own read pool (no test session in between), with the gzip, ETag and HEAD paths taken.
"""

import gc
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from reseau_api.core import hot
from reseau_api.core.config import get_settings
from reseau_api.main import create_app
from tests.factories import make_place

BOX = "3.8,43.5,3.9,43.7"
PATHS = [
    ("GET", f"/v1/lieux?bbox={BOX}&limit=100", [(b"accept-encoding", b"gzip")]),
    ("GET", "/v1/lieux?f=geojson&tri=-maj_le", [(b"if-none-match", b'"x"')]),
    ("HEAD", "/v1/lieux?pres_de=43.61,3.87&rayon=5000", []),
    ("GET", "/v1/tuiles/12/2092/1495.mvt", [(b"accept-encoding", b"br")]),
    ("GET", "/v1/tuiles/8/130/93.mvt", []),
    ("GET", f"/ogc/collections/lieux/items?bbox={BOX}&limit=10", [(b"origin", b"https://example.org")]),
]


async def _call(app: object, method: str, url: str, headers: list[tuple[bytes, bytes]]) -> int:
    path, _, query = url.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
             "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": query.encode(),
             "root_path": "", "headers": [(b"host", b"test"), *headers], "client": ("127.0.0.1", 5000),
             "server": ("test", 80), "state": {}}
    statuses = []

    async def receive() -> dict:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict) -> None:
        if message["type"] == "http.response.start":
            statuses.append(message["status"])

    await app(scope, receive, send)  # type: ignore[operator]
    return statuses[0]


@pytest.fixture(autouse=True)
async def _read_pool_on_the_test_database(test_database: str, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[None]:
    """The app's own read pool, made on first use as in production, but on the test database (a plain ASGI
    call has no test session to override it with; the default database may not be migrated)."""
    monkeypatch.setattr(get_settings(), "database_read_url", test_database)
    monkeypatch.setattr(hot, "_pool", None)
    yield
    await hot.close_read_pool()


async def test_hot_reads_make_no_reference_cycles() -> None:
    await _no_cycles(PATHS)


async def test_a_place_detail_makes_no_reference_cycles(test_database: str) -> None:
    """`/v1/lieux/{id}` needs a committed place (the app's own pool sees no test transaction): made, then deleted."""
    engine = create_async_engine(test_database, poolclass=NullPool)
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            place = await make_place(session, nom="Tiers-lieu sans cycle")
            await session.commit()
        try:
            await _no_cycles([("GET", f"/v1/lieux/{place.id}", [(b"accept-encoding", b"gzip")]),
                              ("GET", f"/v1/lieux/{place.slug}", [(b"if-none-match", f'"{place.id}-v1"'.encode())]),
                              ("HEAD", f"/v1/lieux/{place.id}", [])])
        finally:
            async with engine.begin() as conn:
                await conn.execute(text("DELETE FROM place WHERE id = :id"), {"id": place.id})
    finally:
        await engine.dispose()


async def _no_cycles(paths: list[tuple[str, str, list[tuple[bytes, bytes]]]]) -> None:
    app = create_app()
    served = [await _call(app, *request) for request in paths]  # warm: pool, route objects, caches
    assert all(status in (200, 204, 304) for status in served), served
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector would free is kept in gc.garbage, to be seen
    try:
        again = [await _call(app, *request) for _ in range(10) for request in paths]
        gc.collect()
        garbage = [type(thing).__qualname__ for thing in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert again == served * 10
    assert garbage == []
