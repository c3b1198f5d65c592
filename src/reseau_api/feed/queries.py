"""Reads of the change feed and the snapshot export, on the primary (the sequencer writes).

Positions are given by the SQL function `feed_sequence()` (migration 0400): a read first numbers the
committed changes nobody numbered yet, commits, then reads `position > depuis`. The export numbers and
reads in one statement instead (see `snapshot`).
"""

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.core.errors import InvalidParameter
from reseau_api.feed.exceptions import CursorExpired

# One feed entry of `feed_change c`, as JSON text (the feed and the webhook payloads).
# One feed entry of `feed_change c`, as JSON text (the feed pages and the webhook payloads).
ENTRY_JSON = """json_build_object('curseur', c.position, 'action', c.action, 'ressource', c.resource,
    'id', c.resource_id, 'date', c.changed_at, 'champs', c.fields, 'donnees', c.data)::text"""


@dataclass(frozen=True)
class Page:
    items: list[str]  # JSON texts, in order
    cursor: int
    up_to_date: bool


async def sequence(session: AsyncSession) -> int:
    """Number the committed changes (in their own transaction) and return the last position."""
    last = (await session.execute(text("SELECT feed_sequence()"))).scalar_one()
    await session.commit()
    return last


async def page(session: AsyncSession, after: int, limit: int) -> Page:
    last = await sequence(session)
    raw = await raw_connection(session)
    purged = await raw.fetchval("SELECT purged_through FROM feed_sequencer")
    if after < purged:
        raise CursorExpired(
            f"changes up to {purged} are past the retention; download /v1/export/annuaire.json again "
            "and follow the feed from its curseur", extra={"curseur_minimal": purged})
    if after > last:
        raise InvalidParameter("depuis", f"no change has this cursor yet (the last one is {last})")
    rows = await raw.fetch(
        f"SELECT {ENTRY_JSON} AS entry, c.position FROM feed_change c WHERE c.position > $1 "
        "ORDER BY c.position LIMIT $2", after, limit)
    cursor = rows[-1]["position"] if rows else after
    return Page([r["entry"] for r in rows], cursor, cursor >= last)


# Numbering and reading in one statement share one snapshot, at any isolation level (the lock comes
# in the statement before, so no other sequencer can number rows in between).
_SNAPSHOT = """
WITH last AS (SELECT last_position FROM feed_sequencer),
numbered AS (
    UPDATE feed_change c SET position = last.last_position + n.rank
    FROM last, (SELECT id, row_number() OVER (ORDER BY id) AS rank FROM feed_change WHERE position IS NULL) n
    WHERE c.id = n.id RETURNING c.position),
bumped AS (
    UPDATE feed_sequencer SET last_position = coalesce((SELECT max(position) FROM numbered), last_position)
    RETURNING last_position)
SELECT (SELECT last_position FROM bumped) AS cursor, json_build_object(
    'curseur', (SELECT last_position FROM bumped),
    'lieux', coalesce((SELECT json_agg(s.data ORDER BY s.resource_id) FROM feed_state s
                       WHERE s.resource = 'lieu' AND s.data IS NOT NULL), '[]'),
    'bonnes_pratiques', coalesce((SELECT json_agg(s.data ORDER BY s.resource_id) FROM feed_state s
                                  WHERE s.resource = 'bonne_pratique' AND s.data IS NOT NULL), '[]'))::text AS body
"""


async def snapshot(session: AsyncSession) -> tuple[int, str]:
    """The public directory and the cursor it is consistent with, as one JSON text.

    Under the sequencer's lock, one statement numbers every change committed in its snapshot and reads
    the public representations (feed_state, what the feed published last) in that same snapshot: the
    data is exactly the result of the changes up to `curseur`, and every later change is numbered after.
    """
    await session.execute(text("LOCK TABLE feed_sequencer IN EXCLUSIVE MODE"))
    row = (await session.execute(text(_SNAPSHOT))).one()
    await session.commit()
    return row.cursor, row.body
