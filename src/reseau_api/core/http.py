"""Conditional requests, shared by every cacheable read: ETags of bodies and If-None-Match."""

import hashlib

from starlette.requests import Request


def body_etag(body: bytes) -> str:
    """A strong ETag from the bytes served (SHA-256, 128 bits are plenty)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def not_modified(request: Request, etag: str) -> bool:
    """True when If-None-Match names `etag` (weak comparison, as RFC 9110 asks for GET) or is `*`."""
    header = request.headers.get("if-none-match")
    if not header:
        return False
    tags = {tag.strip().removeprefix("W/") for tag in header.split(",")[:50]}
    return etag in tags or "*" in tags
