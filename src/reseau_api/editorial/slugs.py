"""Slugs: readable, unique, at most 120 characters, always allocated, and revealing nothing.

A record the public sees takes the plain slug (`la-fabrique`, then `la-fabrique-albi` with its
commune) when it is free, else the plain slug plus a random suffix. A record created hidden (a member's
draft) always gets a random suffix: whether `la-fabrique` is taken by someone else's hidden draft must
not show in the slug a member is given. When a draft is published it takes the plain slug if free.
"""

import re
import secrets
import string
import unicodedata
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

MAX_LENGTH = 120  # slug VARCHAR(120)
_SUFFIX_ALPHABET = string.ascii_lowercase + string.digits
_SUFFIX_LENGTH = 6
_BASE_MAX = 80
_PART_MAX = MAX_LENGTH - _BASE_MAX - 2 - _SUFFIX_LENGTH  # room for "-<part>" and "-<suffix>"
# Literal path segments where a slug would stand (`POST /v1/bonnes-pratiques/apercu`): a record with
# that slug could not be reached by it, so they are never plain slugs (tests/editorial checks the contract).
RESERVED = frozenset({"apercu", "moi", "nouveau", "export", "recherche"})


def slugify(value: str | None, limit: int = _BASE_MAX) -> str:
    ascii_text = unicodedata.normalize("NFKD", value or "").encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:limit].strip("-")


def candidates(parts: list[str | None], fallback: str) -> list[str]:
    """The plain slugs, preferred first: the first part, then with each further part appended."""
    base = slugify(parts[0]) or fallback
    found = [base]
    for part in parts[1:]:
        extra = slugify(part, _PART_MAX)
        if extra and extra not in found[-1]:
            found.append(f"{found[-1][:MAX_LENGTH - _SUFFIX_LENGTH - 2 - len(extra)]}-{extra}")
    return found


def _suffixed(plain: str) -> str:
    suffix = "".join(secrets.choice(_SUFFIX_ALPHABET) for _ in range(_SUFFIX_LENGTH))
    return f"{plain[:MAX_LENGTH - _SUFFIX_LENGTH - 1]}-{suffix}"


async def _taken(session: AsyncSession, model: type[Any], slugs: list[str]) -> set[str]:
    taken = set((await session.execute(select(model.slug).where(model.slug.in_(slugs)))).scalars())
    return taken | (RESERVED & set(slugs))


async def _random(session: AsyncSession, model: type[Any], plain: str) -> str:
    while True:  # 36^6 suffixes: a collision is rare, an endless one impossible in practice
        slug = _suffixed(plain)
        if not await _taken(session, model, [slug]):
            return slug


async def allocate(session: AsyncSession, model: type[Any], parts: list[str | None], *, public: bool,
                   fallback: str) -> str:
    plain = candidates(parts, fallback)
    if public:
        taken = await _taken(session, model, plain)
        free = next((c for c in plain if c not in taken), None)
        if free:
            return free
    return await _random(session, model, plain[0])


async def on_publish(session: AsyncSession, model: type[Any], obj: Any, parts: list[str | None],
                     fallback: str) -> str:
    """The slug a record keeps when it becomes public: a plain one if free, else the one it has."""
    plain = candidates(parts, fallback)
    if obj.slug in plain:
        return str(obj.slug)
    taken = await _taken(session, model, plain)
    return next((c for c in plain if c not in taken), obj.slug)
