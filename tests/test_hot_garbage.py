"""The hot reads leave no cyclic garbage: the cyclic collector has nothing to find after them.

Reference cycles made per request (a closure that refers to itself, an exception kept with its frames)
are what the collector's passes walk; with the start-up heap frozen (main.lifespan), a request path that
makes none keeps those passes short and rare. Called as the server calls the app: a plain ASGI call on the
app's own read pool (no test session in between), with the gzip, ETag and HEAD paths taken.
"""

import gc

from reseau_api.main import create_app

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


async def test_hot_reads_make_no_reference_cycles() -> None:
    app = create_app()
    served = [await _call(app, *request) for request in PATHS]  # warm: pool, route objects, caches
    assert all(status in (200, 204) for status in served), served
    gc.collect()
    gc.disable()
    gc.set_debug(gc.DEBUG_SAVEALL)  # what the collector would free is kept in gc.garbage, to be seen
    try:
        again = [await _call(app, *request) for _ in range(10) for request in PATHS]
        gc.collect()
        garbage = [type(thing).__qualname__ for thing in gc.garbage]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert again == served * 10
    assert garbage == []
