"""Conditional requests, shared by every cacheable read: ETags of bodies and If-None-Match."""

import hashlib

from starlette.requests import Request


def body_etag(body: bytes) -> str:
    """A strong ETag from the bytes served (SHA-256, 128 bits are plenty)."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def etag_matches(if_none_match: str, etag: str) -> bool:
    """If-None-Match against `etag`: weak comparison (RFC 9110 §13.1.2, as GET asks), or `*`."""
    for tag in if_none_match.split(",")[:50]:
        tag = tag.strip().removeprefix("W/")
        if tag == "*" or tag == etag:
            return True
    return False


def not_modified(request: Request, etag: str) -> bool:
    """True when If-None-Match names `etag` or is `*`."""
    header = request.headers.get("if-none-match")
    return bool(header and etag_matches(header, etag))
