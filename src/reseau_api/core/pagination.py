"""Keyset pagination with opaque cursors, and page links.

A cursor carries the sort it was made for and the sort key of the last row served, so the next page
starts strictly after it: walking every page returns each match exactly once, even when rows are added
meanwhile (they land on one side of the cursor or the other, never on both).
"""

import base64
import binascii
import json
from typing import Any

from starlette.requests import Request

from reseau_api.core.errors import InvalidParameter
from reseau_api.core.urls import public_url

MAX_LIMIT = 200
DEFAULT_LIMIT = 20


def encode_cursor(sort: str, key: list[Any]) -> str:
    raw = json.dumps([sort, *key], separators=(",", ":"), default=str).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str, sort: str, arity: int) -> list[Any]:
    """The key values of a cursor, or 400 if it is malformed or was made for another sort."""
    if len(cursor) > 512:
        raise InvalidParameter("curseur", "cursor too long; use the `next` link as given")
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        decoded = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (binascii.Error, ValueError, UnicodeDecodeError):
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given") from None
    if not isinstance(decoded, list) or len(decoded) != arity + 1 or decoded[0] != sort:
        raise InvalidParameter("curseur", f"this cursor was not made for tri={sort}; start again without it")
    return decoded[1:]


def cursor_offset(value: Any) -> int:
    """A cursor key that is a row offset: an integer from 0 to 2^31 - 1, else 400 (never a 500 from int()
    or a driver overflow)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value < 2**31:
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given")
    return value


def next_url(request: Request, cursor: str) -> str:
    """This request's public URL with `curseur` set (core.urls: never from a forged Host)."""
    return str(public_url(request).include_query_params(curseur=cursor))


def link_header(next_link: str | None) -> dict[str, str]:
    return {"Link": f'<{next_link}>; rel="next"'} if next_link else {}
