"""HTTP by the book, as one pure ASGI layer around the app (cheap: one pass over the request headers, one
over the response headers, nothing else on a plain GET).

Before the app:
- a Host outside RESEAU_ALLOWED_HOSTS is a 400 when RESEAU_PUBLIC_BASE_URL is unset (links are built from
  it: see `core.urls`); a key-looking query parameter is a 400 on every route (keys in URLs end up in logs);
- CORS preflights are answered here: reads (GET, HEAD) with the conditional headers are open to any site;
- HEAD runs the GET route, and the body is dropped (same status and headers, RFC 9110 §9.3.2).

After the app, on the response:
- `X-Content-Type-Options: nosniff` and `Referrer-Policy` on every response; on HTML, the default CSP
  unless the route set its own (`/carte` sets one that lets any site frame it);
- CORS headers, so that scripts on other sites can read the ETag, Link, Location, Retry-After, X-Request-ID;
- conditional GET: a publicly cacheable 200 without a validator gets a strong ETag of its bytes, and any
  200 whose ETag matches If-None-Match becomes a 304;
- gzip or brotli for compressible types above a size threshold when the client asks, with `Vary:
  Accept-Encoding`. The ETag stays the same under every coding: it names the data, so that If-Match on an
  edit works with the tag of any response, and a route's own 304 needs no knowledge of codings (no Range
  requests are served, where a strong tag would also have to name the bytes). Compressed bodies that carry
  an ETag are kept in a small LRU: what is built once is compressed once.
"""

import hashlib
import re
import zlib
from collections import OrderedDict
from collections.abc import Iterable
from typing import Any
from urllib.parse import unquote_plus

import brotli
import orjson
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from reseau_api.core.errors import problem_body
from reseau_api.core.http import etag_matches

DEFAULT_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
REFERRER_POLICY = b"same-origin"  # full referrer inside the site, none to others (Origin stays on POSTs)
CORS_METHODS = b"GET, HEAD, OPTIONS"
CORS_REQUEST_HEADERS = frozenset({
    "accept", "accept-language", "content-language", "if-none-match", "if-modified-since", "x-request-id",
})
CORS_EXPOSE = (b"ETag, Link, Location, Retry-After, X-Request-ID, Last-Modified, Repr-Digest, Content-Crs, "
               b"Changements-Curseur")
# Query parameters that look like someone passing a key in the URL; values that look like one of ours.
KEY_QUERY_NAMES = frozenset({"api_key", "apikey", "key", "cle", "token", "access_token", "authorization"})
_KEY_VALUE = re.compile(r"rsx_[a-z0-9]{8}_[A-Za-z0-9_-]{20,}")

COMPRESS_MIN_BYTES = 1024
COMPRESSIBLE = (
    b"application/json", b"application/geo+json", b"application/ld+json", b"application/problem+json",
    b"application/schema+json", b"application/vnd.oai.openapi+json", b"application/atom+xml",
    b"application/xml", b"application/vnd.mapbox-vector-tile", b"text/", b"image/svg+xml",
)
GZIP_LEVEL = 5  # measured: most of level 9's ratio at a third of its CPU
BROTLI_QUALITY = 4
CACHE_MAX_BYTES = 32 * 1024 * 1024

_SECURITY_HEADERS = [(b"x-content-type-options", b"nosniff"), (b"referrer-policy", REFERRER_POLICY)]
_HTML_HEADERS = [(b"content-security-policy", DEFAULT_CSP.encode()), (b"x-frame-options", b"DENY")]


def _accepted_coding(header: bytes) -> bytes | None:
    """`br` or `gzip` when the Accept-Encoding header takes it (q=0 refuses), br first."""
    accepted = set()
    for part in header.split(b","):
        coding, _, params = part.partition(b";")
        if b"q=0" in params.replace(b" ", b"") and not re.search(rb"q=0\.0*[1-9]", params):
            continue
        accepted.add(coding.strip().lower())
    if b"br" in accepted:
        return b"br"
    if b"gzip" in accepted or b"*" in accepted:
        return b"gzip"
    return None


def _compress(body: bytes, coding: bytes) -> bytes:
    if coding == b"br":
        compressed: bytes = brotli.compress(body, quality=BROTLI_QUALITY)  # brotli ships no types
        return compressed
    return zlib.compress(body, GZIP_LEVEL, wbits=31)  # wbits 31: the gzip container


class _StreamCompressor:
    def __init__(self, coding: bytes) -> None:
        if coding == b"br":
            brotli_stream = brotli.Compressor(quality=BROTLI_QUALITY)
            self.compress, self.flush = brotli_stream.process, brotli_stream.finish
        else:
            zlib_stream = zlib.compressobj(GZIP_LEVEL, wbits=31)
            self.compress, self.flush = zlib_stream.compress, zlib_stream.flush


class _CompressedCache:
    """Compressed bodies by (path, query, ETag, coding), bounded in bytes, least recently used out."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes, self.size = max_bytes, 0
        self.items: OrderedDict[tuple[object, ...], bytes] = OrderedDict()

    def get(self, key: tuple[object, ...]) -> bytes | None:
        value = self.items.get(key)
        if value is not None:
            self.items.move_to_end(key)
        return value

    def put(self, key: tuple[object, ...], value: bytes) -> None:
        if len(value) > self.max_bytes // 8:
            return
        previous = self.items.pop(key, None)  # two requests may have compressed the same body
        if previous is not None:
            self.size -= len(previous)
        self.items[key] = value
        self.size += len(value)
        while self.size > self.max_bytes:
            self.size -= len(self.items.popitem(last=False)[1])


def _problem(
    status: int, detail: str, path: str, errors: list[dict[str, str]],
) -> tuple[list[tuple[bytes, bytes]], bytes]:
    body = orjson.dumps(problem_body(status, detail, instance=path, errors=errors))
    headers = [(b"content-type", b"application/problem+json"), (b"content-length", str(len(body)).encode()),
               (b"cache-control", b"no-store"), *_SECURITY_HEADERS, (b"access-control-allow-origin", b"*")]
    return headers, body


def _host_name(host: bytes) -> str:
    text = host.decode("latin-1").strip().lower()
    if text.startswith("["):
        return text[1:].partition("]")[0]
    return text.rpartition(":")[0] if text.count(":") == 1 else text


_KEY_HINTS = (b"%", b"key", b"cle", b"token", b"auth", b"rsx")  # every name and value below holds one


def _key_in_query(query: bytes) -> str | None:
    """The name of a query parameter that carries (or looks like it carries) an API key."""
    lower = query.lower()
    if not any(hint in lower for hint in _KEY_HINTS):  # most query strings: no parsing
        return None
    look_at_values = b"rsx" in lower
    for part in query.split(b"&"):
        raw_name, _, raw_value = part.partition(b"=")
        name = unquote_plus(raw_name.decode("latin-1"))
        if name.lower() in KEY_QUERY_NAMES:
            return name
        if look_at_values and _KEY_VALUE.search(unquote_plus(raw_value.decode("latin-1"))):
            return name
    return None


class HttpMiddleware:
    def __init__(
        self, app: ASGIApp, *, public_base_url: str, allowed_hosts: Iterable[str], cors_origins: Iterable[str],
    ) -> None:
        self.app = app
        self.check_host = not public_base_url
        self.allowed_hosts = frozenset(h.strip().strip("[]").lower() for h in allowed_hosts)
        origins = list(cors_origins)
        self.any_origin = "*" in origins
        self.origins = frozenset(o.encode() for o in origins)
        self.cache = _CompressedCache(CACHE_MAX_BYTES)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        host = origin = accept_encoding = if_none_match = preflight = None
        for name, value in scope["headers"]:
            if name == b"host":
                host = value
            elif name == b"origin":
                origin = value
            elif name == b"accept-encoding":
                accept_encoding = value
            elif name == b"if-none-match":
                if_none_match = value
            elif name == b"access-control-request-method":
                preflight = value
        method = scope["method"]
        if self.check_host and host is not None and _host_name(host) not in self.allowed_hosts:
            await self._refuse(send, scope, 400, (
                "This Host is not served here: set RESEAU_PUBLIC_BASE_URL, or add the name to "
                "RESEAU_ALLOWED_HOSTS."), "header", "Host")
            return
        query = scope["query_string"]
        if query and (name := _key_in_query(query)) is not None:
            await self._refuse(send, scope, 400, (
                f"Query parameter `{name}` looks like an API key. API keys are accepted only in the "
                "`Authorization: Bearer` header. A key sent in a URL "
                "ends up in logs and browser history: have it revoked and use a new one."), "query", name)
            return
        cors = self._cors_origin(origin)
        if method == "OPTIONS" and preflight is not None and origin is not None:
            await self._preflight(scope, send, cors, preflight)
            return
        head = method == "HEAD"
        if head:
            scope = {**scope, "method": "GET"}
        elif method != "GET":
            accept_encoding = if_none_match = None  # no conditional or compressed writes
        await self.app(scope, receive, self._sender(scope, send, head, cors, accept_encoding, if_none_match))

    def _cors_origin(self, origin: bytes | None) -> bytes | None:
        if self.any_origin:
            return b"*"
        return origin if origin in self.origins else None

    def _sender(
        self, scope: Scope, send: Send, head: bool, cors: bytes | None,
        accept_encoding: bytes | None, if_none_match: bytes | None,
    ) -> Send:
        held: Message | None = None  # the response start, while we wait for the body
        coding: bytes | None = None
        streaming_compressor = None
        state: dict[str, Any] = {"etag": None, "wants_etag": False, "drop": head, "type": None}
        cache = self.cache

        async def pass_through(message: Message) -> None:  # a body after the headers were sent
            if streaming_compressor is not None:
                chunk = streaming_compressor.compress(message.get("body", b""))
                if not message.get("more_body", False):
                    chunk += streaming_compressor.flush()
                message = {**message, "body": chunk}
            if state["drop"]:
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b"", "more_body": False}
            await send(message)

        # `sender` does not call itself (nor does anything it calls): a closure that refers to itself is a
        # reference cycle, garbage for the cyclic collector on every request.
        async def sender(message: Message) -> None:
            nonlocal held, coding, streaming_compressor
            kind = message["type"]
            if kind == "http.response.start":
                status = message["status"]
                headers = list(message.get("headers", ()))
                content_type = etag = csp = cache_control = vary = encoding = None
                for name, value in headers:
                    if name == b"content-type":
                        content_type = value
                    elif name == b"etag":
                        etag = value
                    elif name == b"content-security-policy":
                        csp = value
                    elif name == b"cache-control":
                        cache_control = value
                    elif name == b"vary":
                        vary = value
                    elif name == b"content-encoding":
                        encoding = value
                headers += _SECURITY_HEADERS
                if content_type is not None and content_type.startswith(b"text/html"):
                    if csp is None:
                        headers += _HTML_HEADERS
                    elif b"frame-ancestors 'none'" in csp:
                        headers.append((b"x-frame-options", b"DENY"))  # for browsers without CSP level 2
                if cors is not None:
                    headers.append((b"access-control-allow-origin", cors))
                    headers.append((b"access-control-expose-headers", CORS_EXPOSE))
                    if cors != b"*":
                        vary = _add_vary(headers, vary, b"Origin")
                compressible = (encoding is None and content_type is not None
                                and content_type.lower().startswith(COMPRESSIBLE) and status == 200)
                if compressible:
                    _add_vary(headers, vary, b"Accept-Encoding")
                    coding = _accepted_coding(accept_encoding) if accept_encoding else None
                wants_etag = (status == 200 and etag is None and cache_control is not None
                              and cache_control.startswith(b"public") and scope["method"] == "GET")
                state["etag"] = etag.decode("latin-1") if etag is not None else None
                state["wants_etag"] = wants_etag
                state["type"] = content_type
                message["headers"] = headers
                if status == 200 and (coding is not None or wants_etag or (etag and if_none_match)):
                    held = message  # decided once the body is known
                    return
                await send(message)
                return
            if kind != "http.response.body":
                await send(message)
                return
            if held is None:  # headers already sent: pass through (compressing a stream if asked)
                await pass_through(message)
                return
            start, held = held, None
            body = message.get("body", b"")
            headers = start["headers"]
            if message.get("more_body", False):  # a stream: no ETag of its bytes; compress on the fly
                if coding is not None:
                    streaming_compressor = _StreamCompressor(coding)
                    start["headers"] = [(n, v) for n, v in headers if n != b"content-length"]
                    start["headers"].append((b"content-encoding", coding))
                await send(start)
                await pass_through(message)
                return
            etag = state["etag"]
            if state["wants_etag"]:
                etag = '"' + hashlib.sha256(body).hexdigest()[:32] + '"'
                headers.append((b"etag", etag.encode()))
            if if_none_match is not None and etag is not None and etag_matches(if_none_match.decode("latin-1"), etag):
                start["status"] = 304
                start["headers"] = [(n, v) for n, v in headers if n not in (b"content-length", b"content-type")]
                await send(start)
                await send({"type": "http.response.body", "body": b"", "more_body": False})
                return
            if coding is not None and len(body) >= COMPRESS_MIN_BYTES:
                key = ((scope["path"], scope["query_string"], state["type"], etag, coding)
                       if etag is not None else None)
                compressed = cache.get(key) if key is not None else None
                if compressed is None:
                    compressed = _compress(body, coding)
                    if key is not None:
                        cache.put(key, compressed)
                body = compressed
                headers = [(n, v) for n, v in headers if n != b"content-length"]
                headers += [(b"content-length", str(len(body)).encode()), (b"content-encoding", coding)]
                start["headers"] = headers
            await send(start)
            await send({"type": "http.response.body", "body": b"" if state["drop"] else body, "more_body": False})

        return sender

    async def _preflight(self, scope: Scope, send: Send, cors: bytes | None, method: bytes) -> None:
        requested = b""
        for name, value in scope["headers"]:
            if name == b"access-control-request-headers":
                requested = value
        asked = {h.strip() for h in requested.decode("latin-1").lower().split(",") if h.strip()}
        refused = sorted(asked - CORS_REQUEST_HEADERS)
        if cors is None:
            what, name = "this origin", "Origin"
        elif method not in (b"GET", b"HEAD"):
            what, name = f"method {method.decode('latin-1')}", "Access-Control-Request-Method"
        elif refused:
            what, name = f"header(s) {', '.join(refused)}", "Access-Control-Request-Headers"
        else:
            what = name = ""
        if name:
            await self._refuse(send, scope, 400, (
                f"Cross-origin requests from browsers may only read (GET, HEAD); {what} is not allowed."),
                "header", name)
            return
        headers = [
            (b"access-control-allow-origin", cors), (b"access-control-allow-methods", CORS_METHODS),
            (b"access-control-allow-headers", ", ".join(sorted(CORS_REQUEST_HEADERS)).encode()),
            (b"access-control-max-age", b"86400"), *_SECURITY_HEADERS,
        ]
        if cors != b"*":
            headers.append((b"vary", b"Origin"))
        await send({"type": "http.response.start", "status": 204, "headers": headers})
        await send({"type": "http.response.body", "body": b""})

    async def _refuse(self, send: Send, scope: Scope, status: int, detail: str, where: str, name: str) -> None:
        headers, body = _problem(status, detail, scope["path"], [{"in": where, "name": name, "detail": detail}])
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": b"" if scope["method"] == "HEAD" else body})


def _add_vary(headers: list[tuple[bytes, bytes]], vary: bytes | None, field: bytes) -> bytes:
    """Add `field` to the response's Vary (one header, fields comma-separated); returns the new value."""
    if vary is None:
        headers.append((b"vary", field))
        return field
    if field.lower() in vary.lower():
        return vary
    new = vary + b", " + field
    for i, (name, _) in enumerate(headers):
        if name == b"vary":
            headers[i] = (b"vary", new)
    return new
