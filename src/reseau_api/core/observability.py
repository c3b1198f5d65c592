"""Request id, access log and Prometheus metrics, as one pure ASGI middleware (cheap on hot paths)."""

import json
import logging
import os
import re
import secrets
import sys
import time
from typing import Any

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest, multiprocess
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

access_log = logging.getLogger("reseau_api.access")

REQUESTS = Counter(
    "reseau_http_requests_total", "HTTP requests by route template, method and status",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "reseau_http_request_duration_seconds", "HTTP request latency by route template",
    ["method", "route"],
    buckets=(0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)

# A client-supplied id is echoed only when it is short and harmless (it ends up in logs).
_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,128}$")


# Control characters (C0, DEL, C1) and the backslash, as they would forge a log line (%0A in a URL)
# or drive the terminal that displays it (%1B, U+009B).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\\]")


def escape_control(text: str) -> str:
    """`text` on one harmless line: each control character as `\\xNN`, a backslash doubled."""
    return _CONTROL.sub(lambda m: "\\\\" if m.group() == "\\" else f"\\x{ord(m.group()):02x}", text)


class PlainFormatter(logging.Formatter):
    """One line per record: what the message interpolates (paths, client values) is escaped."""

    def formatMessage(self, record: logging.LogRecord) -> str:
        record.message = escape_control(record.message)
        return super().formatMessage(record)


class JsonLineFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "msg": escape_control(record.getMessage()),
        }
        # JSON escapes C0 itself, not DEL and C1: string fields get the same escaping as the message.
        entry.update({k: escape_control(v) if isinstance(v, str) else v
                      for k, v in getattr(record, "fields", {}).items()})
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def configure_logging(log_format: str, level: str) -> None:
    handler = logging.StreamHandler(sys.stderr)
    if log_format == "json":
        handler.setFormatter(JsonLineFormatter())
    else:
        handler.setFormatter(PlainFormatter("%(asctime)s %(levelname)s %(name)s %(message)s"))
    root = logging.getLogger("reseau_api")
    root.handlers[:] = [handler]
    root.setLevel(level.upper())
    root.propagate = False


class ObservabilityMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope.setdefault("state", {})["request_id"] = request_id
        status = 500
        started = time.perf_counter()

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [*message["headers"], (b"x-request-id", request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            elapsed = time.perf_counter() - started
            route = getattr(scope.get("route"), "path", None) or "unmatched"
            requests, latency = _series(scope["method"], route, status)
            requests.inc()
            latency.observe(elapsed)
            if access_log.isEnabledFor(logging.INFO):  # the record and its fields cost even when dropped
                access_log.info(
                    '%s %s %s %.1fms id=%s', scope["method"], scope["path"], status, elapsed * 1000,
                    request_id,
                    extra={"fields": {
                        "method": scope["method"], "path": scope["path"], "route": route,
                        "status": status, "duration_ms": round(elapsed * 1000, 2), "request_id": request_id,
                    }},
                )


_SERIES: dict[tuple[str, str, int], tuple[Any, Any]] = {}


def _series(method: str, route: str, status: int) -> tuple[Any, Any]:
    """The request counter and latency histogram of (method, route, status), looked up once each: the
    client's `labels()` call validates and locks every time. Bounded: route templates, the HTTP parser's
    methods, status codes."""
    series = _SERIES.get((method, route, status))
    if series is None:
        series = _SERIES[(method, route, status)] = (REQUESTS.labels(method, route, str(status)),
                                                     LATENCY.labels(method, route))
    return series


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", ()):
        if name == b"x-request-id":
            candidate: str = value.decode("latin-1")
            if _SAFE_REQUEST_ID.match(candidate):
                return candidate
            break
    return secrets.token_hex(16)


async def metrics_endpoint(_: Request) -> Response:
    """This process's metrics, or with several workers (PROMETHEUS_MULTIPROC_DIR set) every worker's, summed."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
