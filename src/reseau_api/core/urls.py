"""Absolute URLs, one rule for every link that leaves a response (TileJSON `tiles`, OGC `links`, Atom,
JSON-LD `@id`, `next` and `Link`): RESEAU_PUBLIC_BASE_URL when set, else the scheme and host the client
used, which `core.middleware` has already checked against RESEAU_ALLOWED_HOSTS (any other Host is a 400).
So a forged Host header can never poison a link that shared caches keep."""

from starlette.datastructures import URL
from starlette.requests import Request

from reseau_api.core.config import get_settings


def base_url(request: Request) -> str:
    """The public root of the API, without a trailing slash (`https://api.example.org`)."""
    return (get_settings().public_base_url or str(request.base_url)).rstrip("/")


def absolute_url(request: Request, path: str, query: str = "") -> str:
    """`base_url` + `path` (which starts with `/`) + `?query` when there is one."""
    return base_url(request) + path + (f"?{query}" if query else "")


def public_url(request: Request) -> URL:
    """This request's URL as the public sees it (the base for `next` links)."""
    if not get_settings().public_base_url:
        return request.url
    return URL(absolute_url(request, request.url.path, request.url.query))
