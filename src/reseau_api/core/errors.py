"""RFC 9457 problem details: errors carry their status, one place turns them into responses.

Every error the API sends is `application/problem+json` with `type`, `title`, `status`, `detail`,
`instance` and, for invalid input, `errors` (one entry per offending parameter or field).
"""

import asyncio
import logging
import re
from collections.abc import Iterable, Mapping
from typing import Any

import asyncpg
from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy import exc as sa_exc
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

log = logging.getLogger("reseau_api.errors")

PROBLEM_MEDIA_TYPE = "application/problem+json"
PROBLEM_BASE = "/problemes/"

# slug -> (title, explanation): served at /problemes/{slug} so each `type` URI resolves to prose.
PROBLEM_TYPES: dict[str, tuple[str, str]] = {
    "parametre-invalide": (
        "Invalid parameter",
        "A query, path or header parameter is malformed or out of range. `errors` names each one.",
    ),
    "corps-invalide": (
        "Invalid request body",
        "The JSON body does not match the schema or breaks a rule. `errors` points at each field.",
    ),
    "introuvable": ("Not found", "No resource at this address, or it is not visible to you."),
    "methode-non-autorisee": ("Method not allowed", "The resource exists but not with this HTTP method."),
    "non-authentifie": (
        "Authentication required",
        "Send a valid API key as `Authorization: Bearer <key>`.",
    ),
    "interdit": ("Forbidden", "Your key is valid but does not allow this action on this resource."),
    "conflit": ("Conflict", "The request conflicts with the current state of the resource."),
    "precondition-echouee": (
        "Precondition failed",
        "The `If-Match` ETag is stale: someone changed the resource. Fetch it again and retry.",
    ),
    "precondition-requise": (
        "Precondition required",
        "Send `If-Match` with the current ETag so that concurrent edits cannot be lost.",
    ),
    "corps-trop-grand": ("Payload too large", "The request body exceeds the size limit."),
    "media-non-supporte": ("Unsupported media type", "Send the body with a supported Content-Type."),
    "trop-de-requetes": ("Too many requests", "Slow down; `Retry-After` says when to try again."),
    "service-indisponible": (
        "Service unavailable",
        "The database is unreachable or overloaded. Retry after the delay in `Retry-After`.",
    ),
    "changements-expires": (
        "Cursor expired",
        "The changes after this cursor are past the feed's retention. Download the export "
        "/v1/export/annuaire.json again and follow the feed from the cursor it states.",
    ),
    "erreur-interne": ("Internal error", "An unexpected error. It has been logged with the request id."),
}

_STATUS_SLUGS = {
    400: "parametre-invalide",
    401: "non-authentifie",
    403: "interdit",
    404: "introuvable",
    405: "methode-non-autorisee",
    409: "conflit",
    412: "precondition-echouee",
    413: "corps-trop-grand",
    415: "media-non-supporte",
    422: "corps-invalide",
    428: "precondition-requise",
    429: "trop-de-requetes",
    503: "service-indisponible",
}


class ReseauError(Exception):
    """Base error: subclasses set `status` and `slug`; raise them anywhere below a route."""

    status: int = 500
    slug: str = "erreur-interne"

    def __init__(
        self,
        detail: str,
        *,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
        extra: dict[str, Any] | None = None,
    ) -> None:
        super().__init__(detail)
        self.detail = detail
        self.errors = errors
        self.headers = headers or {}
        self.extra = extra or {}


class InvalidParameter(ReseauError):
    status, slug = 400, "parametre-invalide"

    def __init__(self, name: str, detail: str, *, location: str = "query") -> None:
        super().__init__(
            f"Invalid parameter '{name}': {detail}",
            errors=[{"in": location, "name": name, "detail": detail}],
        )


class InvalidBody(ReseauError):
    status, slug = 422, "corps-invalide"
    errors: list[dict[str, Any]]  # always given, unlike the base class's

    def __init__(self, errors: list[dict[str, Any]], detail: str | None = None) -> None:
        fields = ", ".join(e.get("pointer", "") or "/" for e in errors)
        super().__init__(detail or f"Invalid field(s): {fields}", errors=errors)


class Unauthorized(ReseauError):
    status, slug = 401, "non-authentifie"

    def __init__(self, detail: str, *, error: str = "invalid_token") -> None:
        super().__init__(
            detail, headers={"WWW-Authenticate": f'Bearer realm="reseau-api", error="{error}"'}
        )


class Forbidden(ReseauError):
    status, slug = 403, "interdit"


class NotFound(ReseauError):
    status, slug = 404, "introuvable"


class Conflict(ReseauError):
    status, slug = 409, "conflit"


class PreconditionFailed(ReseauError):
    status, slug = 412, "precondition-echouee"


class PreconditionRequired(ReseauError):
    status, slug = 428, "precondition-requise"


class PayloadTooLarge(ReseauError):
    status, slug = 413, "corps-trop-grand"


class TooManyRequests(ReseauError):
    status, slug = 429, "trop-de-requetes"

    def __init__(self, detail: str, *, retry_after_s: int) -> None:
        super().__init__(detail, headers={"Retry-After": str(max(1, retry_after_s))})


class ServiceUnavailable(ReseauError):
    status, slug = 503, "service-indisponible"

    def __init__(self, detail: str, *, retry_after_s: int = 2) -> None:
        super().__init__(detail, headers={"Retry-After": str(retry_after_s)})


def problem_body(
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    instance: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    slug = slug or _STATUS_SLUGS.get(status, "erreur-interne")
    body: dict[str, Any] = {
        "type": PROBLEM_BASE + slug,
        "title": PROBLEM_TYPES[slug][0],
        "status": status,
        "detail": detail,
    }
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    if extra:
        body.update(extra)
    return body


def problem_response(
    request: Request | None,
    status: int,
    detail: str,
    *,
    slug: str | None = None,
    errors: list[dict[str, Any]] | None = None,
    headers: Mapping[str, str] | None = None,
    extra: dict[str, Any] | None = None,
) -> JSONResponse:
    instance = request.url.path if request is not None else None
    return JSONResponse(
        problem_body(status, detail, slug=slug, instance=instance, errors=errors, extra=extra),
        status_code=status,
        headers=headers,
        media_type=PROBLEM_MEDIA_TYPE,
    )


def _validation_entries(raw: Iterable[Any]) -> tuple[list[dict[str, Any]], bool]:
    """FastAPI's validation errors -> our `errors` list, and whether the body was at fault."""
    entries, body_error = [], False
    for err in raw:
        loc = [str(p) for p in err.get("loc", ())]
        where = loc[0] if loc else "body"
        message = err.get("msg", "invalid value")
        if where == "body":
            body_error = True
            entries.append({"in": "body", "pointer": "/" + "/".join(loc[1:]), "detail": message})
        else:
            name = loc[1] if len(loc) > 1 else where
            entries.append({"in": where, "name": name, "detail": message})
    return entries, body_error


def is_database_unavailable(exc: BaseException) -> bool:
    """True when the error means "PostgreSQL cannot be reached right now", not a bug."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(
            current,
            OSError
            | TimeoutError
            | asyncio.TimeoutError
            | sa_exc.TimeoutError
            | asyncpg.CannotConnectNowError
            | asyncpg.ConnectionDoesNotExistError
            | asyncpg.AdminShutdownError
            | asyncpg.CrashShutdownError
            | asyncpg.TooManyConnectionsError
            | asyncpg.QueryCanceledError
            | asyncpg.InterfaceError
            | asyncpg.InternalClientError,
        ):
            return True
        if isinstance(current, sa_exc.DBAPIError) and current.connection_invalidated:
            return True
        current = getattr(current, "orig", None) or current.__cause__ or current.__context__
    return False


_HTTP_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")
_PARAM = re.compile(r"\{[^}/]+\}")


def _template_regex(template: str) -> re.Pattern[str]:
    """The paths an OpenAPI path template matches (`/cles/{id}` matches `/cles/moi`)."""
    return re.compile("^" + _PARAM.sub("[^/]+", re.escape(template).replace(r"\{", "{").replace(r"\}", "}")) + "$")


def _allowed_methods(request: Request, fallback: str | None) -> str | None:
    """Every method of the path: the documented ones, and HEAD with GET. Routes are per method (GET
    /lieux/{id} and PATCH /lieux/{id} are two routes, possibly in two routers) and Starlette's 405 names
    the first one's methods only.
    The most literal matching path templates win (`/cles/moi` over `/cles/{id}`), as in the contract."""
    path = request.url.path
    matches: list[tuple[int, set[str]]] = []
    for template, item in request.app.openapi().get("paths", {}).items():
        if _template_regex(template).match(path):
            matches.append((len(_PARAM.findall(template)), {m.upper() for m in item if m in _HTTP_METHODS}))
    if not matches:
        return fallback  # an undocumented route: Starlette's own answer is right
    fewest = min(count for count, _ in matches)
    allowed = set().union(*(methods for count, methods in matches if count == fewest))
    if "GET" in allowed:
        allowed.add("HEAD")  # served for every GET (core/middleware.py), though the contract lists GET only
    return ", ".join(sorted(allowed))


def refuse_shadowed_methods(app: FastAPI) -> None:
    """A literal path answers only its own methods. Without this, `DELETE /v1/cles/moi` reaches
    `DELETE /v1/cles/{key_id}` with key_id "moi" (a 400 about a UUID) where the contract says 405.
    Call once the contract is complete: each such literal path of it gets a hidden route for the methods
    a templated path would take from it, answering 405 with the path's Allow."""
    paths = {template: {m.upper() for m in item if m in _HTTP_METHODS}
             for template, item in app.openapi().get("paths", {}).items()}
    for path, methods in paths.items():
        if "{" in path:
            continue
        taken = set().union(*(other for template, other in paths.items()
                              if "{" in template and _template_regex(template).match(path))) - methods - {"HEAD"}
        if taken:
            app.router.routes.insert(0, Route(path, _method_not_allowed, methods=sorted(taken),
                                              include_in_schema=False))


async def _method_not_allowed(request: Request) -> None:
    raise StarletteHTTPException(405)


def install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ReseauError)
    async def reseau_error(request: Request, exc: ReseauError) -> JSONResponse:
        return problem_response(
            request, exc.status, exc.detail, slug=exc.slug, errors=exc.errors,
            headers=exc.headers, extra=exc.extra,
        )

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
        entries, body_error = _validation_entries(exc.errors())
        if body_error:
            pointers = ", ".join(e.get("pointer") or e.get("name", "") for e in entries)
            return problem_response(request, 422, f"Invalid field(s): {pointers}", errors=entries)
        names = ", ".join(e["name"] for e in entries)
        return problem_response(request, 400, f"Invalid parameter(s): {names}", errors=entries)

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else str(exc.detail)
        if exc.status_code == 404 and detail == "Not Found":
            detail = f"No resource at {request.url.path}."
        headers = exc.headers
        if exc.status_code == 405:
            detail = f"Method {request.method} is not allowed on {request.url.path}."
            allow = _allowed_methods(request, (exc.headers or {}).get("Allow"))
            headers = {**(exc.headers or {}), **({"Allow": allow} if allow else {})}
        return problem_response(request, exc.status_code, detail, headers=headers)

    async def infrastructure_error(request: Request, exc: Exception) -> JSONResponse:
        if is_database_unavailable(exc):
            log.warning("database unavailable: %s: %s", type(exc).__name__, exc)
            return problem_response(
                request, 503, "The database is unavailable; retry shortly.",
                headers={"Retry-After": "2"},
            )
        return await unexpected_error(request, exc)

    for exc_class in (sa_exc.SQLAlchemyError, asyncpg.PostgresError, asyncpg.InterfaceError,
                      OSError, TimeoutError):
        app.add_exception_handler(exc_class, infrastructure_error)

    @app.exception_handler(Exception)
    async def unexpected_error(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s id=%s", request.method, request.url.path,
                      getattr(request.state, "request_id", "-"), exc_info=exc)
        return problem_response(request, 500, "An unexpected error occurred; it has been logged.")
