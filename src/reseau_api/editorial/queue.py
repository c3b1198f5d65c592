"""The admins' moderation queue and the members' own listings, over every editable resource.

A revision is *reviewed* when an admin key or the command line/import wrote it; a record is in the queue
when it has member revisions newer than its last reviewed one and it is pending (`nouveau`: awaits
publication) or public (`modifie`: member edits published directly, to look at after the fact). The
queue is driven by the member revisions (partial index `ix_<rev>_member`), so its cost follows what
members did, not the directory's size.
"""

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import RowMapping, text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.errors import InvalidParameter
from reseau_api.core.pagination import decode_cursor, encode_cursor
from reseau_api.editorial.history import creation_changes, diff

if TYPE_CHECKING:
    from reseau_api.editorial.kernel import Editable

REVIEWED = "(a.actor_role = 'admin' OR a.actor_key_id IS NULL)"
# A member's confirmation changes no field: nothing to review.
CHANGED = "{a}.action <> 'confirmation'"
COUNT_LIMIT = 10_000


def _reviewed_version(res: "Editable[Any]", subject: str) -> str:
    return (f"(SELECT max(a.version) FROM {res.revision_table} a "
            f"WHERE a.{res.revision_fk} = {subject} AND {REVIEWED})")


def _awaiting(res: "Editable[Any]", subject: str) -> str:
    """SQL: the record has member revisions newer than its last reviewed one."""
    return (f"EXISTS (SELECT 1 FROM {res.revision_table} m WHERE m.{res.revision_fk} = {subject} "
            f"AND m.actor_role = 'membre' AND {CHANGED.format(a='m')} "
            f"AND m.version > coalesce({_reviewed_version(res, subject)}, 0))")


async def awaiting_review(session: AsyncSession, res: "Editable[Any]", subject_id: uuid.UUID) -> bool:
    return bool((await session.execute(
        text(f"SELECT {_awaiting(res, 'CAST(:id AS uuid)')}"), {"id": subject_id},
    )).scalar_one())


def _candidates(res: "Editable[Any]") -> str:
    wf = res.workflow
    marked = f"""
        SELECT {res.revision_fk} AS subject_id, max(version) AS last_member, NULL::timestamptz AS flagged_at
        FROM {res.revision_table} WHERE actor_role = 'membre' AND {CHANGED.format(a=res.revision_table)}
        GROUP BY {res.revision_fk}"""
    if res.flags_sql:  # records flagged for a look (possible duplicates) join those members changed
        marked = f"""
        SELECT subject_id, max(last_member) AS last_member, max(flagged_at) AS flagged_at
        FROM ({marked} UNION ALL SELECT subject_id, 0, flagged_at FROM ({res.flags_sql}) f) x GROUP BY subject_id"""
    flagged = f"(m.flagged_at IS NOT NULL AND r.{res.state_column} = '{wf.pending.value}')"
    return f"""
        SELECT '{res.kind}'::text AS objet, r.id, r.slug, r.{res.title_column}::text AS titre,
               r.{res.state_column}::text AS etat, r.organisation_id, {res.departments_sql} AS departements,
               r.version, rv.version AS version_revue, coalesce(u.depuis, m.flagged_at) AS depuis,
               CASE WHEN {flagged} THEN 'doublon'
                    WHEN r.{res.state_column} = '{wf.public.value}' THEN 'modifie' ELSE 'nouveau' END AS raison
        FROM ({marked}) m
        JOIN {res.table} r ON r.id = m.subject_id
        LEFT JOIN LATERAL (SELECT max(a.version) AS version FROM {res.revision_table} a
                           WHERE a.{res.revision_fk} = r.id AND {REVIEWED}) rv ON true
        JOIN LATERAL (SELECT min(x.changed_at) AS depuis FROM {res.revision_table} x
                      WHERE x.{res.revision_fk} = r.id AND x.version > coalesce(rv.version, 0)) u ON true
        WHERE (m.last_member > coalesce(rv.version, 0) OR {flagged})
          AND r.{res.state_column} IN ('{wf.pending.value}', '{wf.public.value}')"""


@dataclass(frozen=True)
class QueueFilters:
    kinds: list[str]
    reasons: list[str]
    departments: list[str]


def _where(filters: QueueFilters) -> tuple[str, dict[str, Any]]:
    clauses, params = ["true"], {}
    if filters.reasons:
        clauses.append("raison = ANY(CAST(:reasons AS text[]))")
        params["reasons"] = filters.reasons
    if filters.departments:
        clauses.append("departements && CAST(:departments AS text[])")
        params["departments"] = filters.departments
    return " AND ".join(clauses), params


def _decode_queue_cursor(cursor: str, kinds: list[str]) -> tuple[datetime, str, uuid.UUID]:
    depuis, objet, key = decode_cursor(cursor, "moderation", 3)
    try:
        moment, subject = datetime.fromisoformat(str(depuis)), uuid.UUID(str(key))
    except ValueError:
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given") from None
    if objet not in kinds or moment.tzinfo is None:
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given")
    return moment, str(objet), subject


async def moderation_page(
    session: AsyncSession, resources: list["Editable[Any]"], filters: QueueFilters, *, limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], int, bool, str | None]:
    """(items, total, total capped, next cursor), oldest first."""
    chosen = [r for r in resources if not filters.kinds or r.kind in filters.kinds]
    union = " UNION ALL ".join(_candidates(r) for r in chosen)
    where, params = _where(filters)
    page_where = where
    if cursor:
        moment, objet, subject = _decode_queue_cursor(cursor, [r.kind for r in resources])
        page_where += " AND (depuis, objet, id) > (CAST(:c_depuis AS timestamptz), :c_objet, CAST(:c_id AS uuid))"
        params.update(c_depuis=moment, c_objet=objet, c_id=subject)
    rows = (await session.execute(text(f"""
        WITH q AS ({union})
        SELECT *, now() AS maintenant FROM q WHERE {page_where} ORDER BY depuis, objet, id LIMIT :limit
    """), {**params, "limit": limit + 1})).mappings().all()
    total = (await session.execute(text(f"""
        WITH q AS ({union}) SELECT count(*) FROM (SELECT 1 FROM q WHERE {where} LIMIT {COUNT_LIMIT + 1}) c
    """), _where(filters)[1])).scalar_one()
    more = len(rows) > limit
    rows = rows[:limit]
    by_kind = {r.kind: r for r in resources}
    details = await _details(session, by_kind, rows)
    items = [_queue_item(by_kind[row["objet"]], row, details) for row in rows]
    for kind, res in by_kind.items():
        mine = [item for item in items if item["objet"] == kind]
        if mine:
            found = await res.possible_duplicates(session, [item["id"] for item in mine])
            for item in mine:
                item["doublons_possibles"] = found.get(item["id"], [])
    next_cursor = (encode_cursor("moderation", [rows[-1]["depuis"].isoformat(), rows[-1]["objet"],
                                                str(rows[-1]["id"])]) if more else None)
    return items, min(total, COUNT_LIMIT), total > COUNT_LIMIT, next_cursor


async def _details(session: AsyncSession, by_kind: dict[str, "Editable[Any]"], rows: Sequence[RowMapping]
                   ) -> dict[tuple[str, uuid.UUID], dict[str, Any]]:
    """Per queued record: its latest revision (author, snapshot, state) and the reviewed one's."""
    found: dict[tuple[str, uuid.UUID], dict[str, Any]] = {}
    for kind, res in by_kind.items():
        mine = [row for row in rows if row["objet"] == kind]
        if not mine:
            continue
        ids = [row["id"] for row in mine]
        for latest in (await session.execute(text(f"""
            SELECT DISTINCT ON (r.{res.revision_fk}) r.{res.revision_fk} AS subject_id, r.snapshot,
                   r.{res.revision_state_column} AS state, k.prefix, r.actor_role, r.actor_organisation_id
            FROM {res.revision_table} r LEFT JOIN api_key k ON k.id = r.actor_key_id
            WHERE r.{res.revision_fk} = ANY(CAST(:ids AS uuid[])) ORDER BY r.{res.revision_fk}, r.version DESC
        """), {"ids": ids})).mappings():
            found[(kind, latest["subject_id"])] = {"latest": latest}
        reviewed = [(row["id"], row["version_revue"]) for row in mine if row["version_revue"] is not None]
        if reviewed:
            for old in (await session.execute(text(f"""
                SELECT r.{res.revision_fk} AS subject_id, r.snapshot, r.{res.revision_state_column} AS state
                FROM {res.revision_table} r
                JOIN unnest(CAST(:ids AS uuid[]), CAST(:versions AS int[])) AS w(id, version)
                  ON r.{res.revision_fk} = w.id AND r.version = w.version
            """), {"ids": [i for i, _ in reviewed], "versions": [v for _, v in reviewed]})).mappings():
                found.setdefault((kind, old["subject_id"]), {})["reviewed"] = old
    return found


def _links(res: "Editable[Any]", subject_id: uuid.UUID) -> dict[str, str]:
    return {"lien": f"/v1{res.path}/{subject_id}", "historique": f"/v1{res.path}/{subject_id}/historique"}


def _queue_item(res: "Editable[Any]", row: Any, details: dict[tuple[str, uuid.UUID], dict[str, Any]]
                ) -> dict[str, Any]:
    found = details.get((row["objet"], row["id"]), {})
    latest, reviewed = found.get("latest"), found.get("reviewed")
    current = latest["snapshot"] if latest else {}
    if reviewed is not None:
        changes = diff(reviewed["snapshot"], current)
        if reviewed["state"] != row["etat"]:
            changes[res.state_field] = [reviewed["state"], row["etat"]]
    else:
        changes = creation_changes(current)
        changes[res.state_field] = [None, row["etat"]]
    return {
        "objet": row["objet"], "id": row["id"], "slug": row["slug"], "titre": row["titre"], "etat": row["etat"],
        "raison": row["raison"], "organisation": row["organisation_id"], "departements": row["departements"],
        "auteur": {"cle": latest["prefix"] if latest else None, "role": latest["actor_role"] if latest else None,
                   "organisation": latest["actor_organisation_id"] if latest else None},
        "depuis": row["depuis"], "age_secondes": max(0, int((row["maintenant"] - row["depuis"]).total_seconds())),
        "version": row["version"], "version_revue": row["version_revue"],
        "etag": f'"{row["id"]}-v{row["version"]}"', "changements": changes, **_links(res, row["id"]),
    }


# --- members' own listings ---


async def own_page(
    session: AsyncSession, res: "Editable[Any]", *, organisation: uuid.UUID | None, states: list[str], limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], int, bool, str | None]:
    """Records of one organisation (or all, for admins: organisation None), newest change first."""
    clauses: list[str] = ["true"]
    params: dict[str, Any] = {}
    if organisation is not None:
        clauses.append("r.organisation_id = CAST(:organisation AS uuid)")
        params["organisation"] = organisation
    if states:
        clauses.append(f"r.{res.state_column} = ANY(CAST(:states AS text[]))")
        params["states"] = states
    where = " AND ".join(clauses)
    page_where = where
    if cursor:
        moment, key = decode_cursor(cursor, "-maj_le", 2)
        try:
            moment, key = datetime.fromisoformat(str(moment)), uuid.UUID(str(key))
        except ValueError:
            raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given") from None
        if moment.tzinfo is None:
            raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given")
        page_where += " AND (r.updated_at, r.id) < (CAST(:c_maj AS timestamptz), CAST(:c_id AS uuid))"
        params.update(c_maj=moment, c_id=key)
    wf = res.workflow
    rows = (await session.execute(text(f"""
        WITH page AS (
            SELECT r.* FROM {res.table} r WHERE {page_where} ORDER BY r.updated_at DESC, r.id DESC LIMIT :limit)
        SELECT r.id, r.slug, r.{res.title_column}::text AS titre, r.{res.state_column}::text AS etat,
               r.organisation_id, {res.departments_sql} AS departements, r.version, r.created_at, r.updated_at,
               (r.{res.state_column} IN ('{wf.pending.value}', '{wf.public.value}')
                AND {_awaiting(res, 'r.id')}) AS en_moderation,
               (SELECT CASE WHEN m.{res.revision_state_column} = '{wf.rejected.value}'
                             AND r.{res.state_column} = '{wf.rejected.value}' THEN m.reason END
                FROM {res.revision_table} m WHERE m.{res.revision_fk} = r.id AND m.action = 'moderation'
                ORDER BY m.version DESC LIMIT 1) AS motif
        FROM page r ORDER BY r.updated_at DESC, r.id DESC
    """), {**params, "limit": limit + 1})).mappings().all()
    total = (await session.execute(text(
        f"SELECT count(*) FROM (SELECT 1 FROM {res.table} r WHERE {where} LIMIT {COUNT_LIMIT + 1}) c"
    ), {k: v for k, v in params.items() if not k.startswith("c_")})).scalar_one()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [{
        "objet": res.kind, "id": row["id"], "slug": row["slug"], "titre": row["titre"], "etat": row["etat"],
        "motif": row["motif"], "organisation": row["organisation_id"], "departements": row["departements"],
        "version": row["version"], "etag": f'"{row["id"]}-v{row["version"]}"', "cree_le": row["created_at"],
        "maj_le": row["updated_at"], "en_moderation": row["en_moderation"], **_links(res, row["id"]),
    } for row in rows]
    next_cursor = (encode_cursor("-maj_le", [rows[-1]["updated_at"].isoformat(), str(rows[-1]["id"])])
                   if more else None)
    return items, min(total, COUNT_LIMIT), total > COUNT_LIMIT, next_cursor
