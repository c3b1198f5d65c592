"""Hot reads of good practices: list pages (JSON built by PostgreSQL), the Atom feed rows, and the
published practices of a place (one statement each)."""

import uuid
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.core.errors import InvalidParameter
from reseau_api.core.pagination import decode_cursor, encode_cursor
from reseau_api.core.sql import Params
from reseau_api.editorial import freshness
from reseau_api.places import service as places_service
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW
from reseau_api.practices import fields
from reseau_api.practices.states import WORKFLOW

FEED_SIZE = 50
PLACE_PRACTICES_LIMIT = 100

PUBLIC = WORKFLOW.public_sql("b.status")
PLACE_PUBLIC = PLACE_WORKFLOW.public_sql("pl.moderation")


@dataclass
class PracticeFilters:
    q: str | None = None
    themes: list[str] = field(default_factory=list)
    departements: list[str] = field(default_factory=list)
    place: str | None = None  # UUID or slug
    organisation: uuid.UUID | None = None
    freshness_in: list[str] = field(default_factory=list)  # `fraicheur`: ranges on verified_at

    @property
    def tsquery_text(self) -> str:
        """Every word must match, each as a prefix (`cowork` finds `coworking`); the French stemmer of
        `french_unaccent` folds accents and plurals (`Ariège` = `ariege`, `lieux` = `lieu`)."""
        normalised = "".join(c if c.isalnum() else " " for c in (self.q or "").lower())
        return " & ".join(f"{w}:*" for w in normalised.split())

    def tsquery(self, p: Params) -> str:
        return f"to_tsquery('french_unaccent', {p(self.tsquery_text, 'text')})"

    def conditions(self, p: Params) -> list[str]:
        """SQL conditions on `practice b`; published practices only."""
        where = [PUBLIC]
        if self.q:
            where.append(f"b.search_vector @@ {self.tsquery(p)}")
        if self.themes:
            where.append(f"b.themes && {p(self.themes, 'varchar[]')}")
        if self.organisation is not None:
            where.append(f"b.organisation_id = {p(self.organisation, 'uuid')}")
        if self.freshness_in:
            where.append(freshness.condition("b.verified_at", self.freshness_in))
        place_conditions = []
        if self.departements:
            place_conditions.append(f"pl.department_code = ANY({p(self.departements, 'text[]')})")
        if self.place is not None:
            try:
                place_conditions.append(f"pl.id = {p(uuid.UUID(self.place), 'uuid')}")
            except ValueError:
                place_conditions.append(f"pl.slug = {p(self.place, 'text')}")
        if place_conditions:
            where.append(
                "EXISTS (SELECT 1 FROM practice_place pp JOIN place pl ON pl.id = pp.place_id "
                f"WHERE pp.practice_id = b.id AND {PLACE_PUBLIC} AND {' AND '.join(place_conditions)})"
            )
        return where


_ITEM_JSON = f"{fields.SUMMARY_JSON}::text"

SORT_TYPES = {"pertinence": "float8", "-publiee_le": "timestamptz"}


@dataclass
class Page:
    items: list[str]  # JSON texts, in order
    total: int
    next_cursor: str | None


def _cursor_value(sort: str, value: Any) -> Any:
    try:
        return float(value) if sort == "pertinence" else datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given") from None


async def page(session: AsyncSession, filters: PracticeFilters, *, limit: int, cursor: str | None) -> Page:
    """Newest published first, or by relevance (title > summary and themes > content) when `q` is given."""
    p = Params()
    where = " AND ".join(filters.conditions(p))
    sort = "pertinence" if filters.q else "-publiee_le"
    key = f"ts_rank_cd(b.search_vector, {filters.tsquery(p)})" if filters.q else "b.published_at"
    keyset = "TRUE"
    if cursor is not None:
        last_key, last_id = decode_cursor(cursor, sort, 2)
        try:
            last_uuid = uuid.UUID(str(last_id))
        except ValueError:
            raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given") from None
        keyset = (f"({key}, b.id) < ({p(_cursor_value(sort, last_key), SORT_TYPES[sort])}, "
                  f"{p(last_uuid, 'uuid')})")
    sql = f"""
        SELECT {_ITEM_JSON} AS body, {key} AS sort_key, b.id,
               (SELECT count(*) FROM practice b WHERE {where}) AS total
        FROM practice b
        WHERE {where} AND {keyset}
        ORDER BY {key} DESC, b.id DESC
        LIMIT {p(limit + 1, 'int')}
    """
    raw = await raw_connection(session)
    rows = await raw.fetch(sql, *p.values)
    if rows:
        total = rows[0]["total"]
    else:
        count_params = Params()
        total = await raw.fetchval(
            f"SELECT count(*) FROM practice b WHERE {' AND '.join(filters.conditions(count_params))}",
            *count_params.values)
    next_cursor = None
    if len(rows) > limit:
        last = rows[limit - 1]
        value = last["sort_key"]
        next_cursor = encode_cursor(sort, [value.isoformat() if isinstance(value, datetime) else value,
                                           str(last["id"])])
    return Page([r["body"] for r in rows[:limit]], total, next_cursor)


FEED_ENTRIES = text(f"""
    SELECT b.id, b.slug, b.title, b.summary, b.content_html, b.themes, b.published_at, b.updated_at,
           b.version, o.name AS organisation
    FROM practice b LEFT JOIN organisation o ON o.id = b.organisation_id
    WHERE {PUBLIC}
    ORDER BY b.published_at DESC, b.id DESC
    LIMIT :limit
""")


async def feed_entries(session: AsyncSession) -> list[Any]:
    """The latest published practices, newest first, for the Atom feed."""
    return list((await session.execute(FEED_ENTRIES, {"limit": FEED_SIZE})).all())


PLACE_PRACTICES = text(f"""
    SELECT b.id, b.slug, b.title, b.version
    FROM practice_place pp JOIN practice b ON b.id = pp.practice_id
    WHERE pp.place_id = :place_id AND {PUBLIC}
    ORDER BY b.published_at DESC, b.id DESC
    LIMIT :limit
""")


async def published_for_place(session: AsyncSession, place_id: uuid.UUID) -> list[Any]:
    """The published practices of a place (id, slug, title, version), newest first, at most 100."""
    return list((await session.execute(
        PLACE_PRACTICES, {"place_id": place_id, "limit": PLACE_PRACTICES_LIMIT})).all())


# The same, as SQL over the place `p`, for the place's detail statement (places.queries.detail).
PLACE_PRACTICES_SQL = f"""
    SELECT b.id, b.slug, b.title, b.version, row_number() OVER (ORDER BY b.published_at DESC, b.id DESC) AS n
    FROM practice_place pp JOIN practice b ON b.id = pp.practice_id
    WHERE pp.place_id = p.id AND {PUBLIC}
    ORDER BY n
    LIMIT {PLACE_PRACTICES_LIMIT}
"""

places_service.linked_practices = published_for_place  # a place's detail lists its published practices
places_service.linked_practices_sql = PLACE_PRACTICES_SQL
