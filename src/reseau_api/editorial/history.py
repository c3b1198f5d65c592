"""History of an editable record: one revision row per stored version, listed newest first.

`changes` is `{field: [old, new]}` (nested objects flattened as `<object>.<field>`, e.g.
`teletravail.postes`, `identifiants.siret`); `snapshot` is the editable representation after the change, which restore
re-validates and brings back.
"""

import uuid
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.core.keys import ApiKey
from reseau_api.editorial.schemas import FieldChange, RevisionAuthor

if TYPE_CHECKING:
    from reseau_api.editorial.kernel import Editable

FLATTENED = ("teletravail", "identifiants")  # nested objects whose fields are diffed one by one


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    flat = {k: v for k, v in data.items() if k not in FLATTENED}
    for name in FLATTENED:
        flat.update({f"{name}.{k}": v for k, v in (data.get(name) or {}).items()})
    return flat


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    before, after = _flat(old), _flat(new)
    return {k: [before.get(k), after.get(k)] for k in sorted(before.keys() | after.keys())
            if before.get(k) != after.get(k)}


def creation_changes(snapshot: dict[str, Any]) -> dict[str, list[Any]]:
    """What a creation sets: every non-empty field, as [null, value]."""
    return {k: v for k, v in diff({}, snapshot).items() if v[1] not in (None, [], {})}


async def record(
    session: AsyncSession, res: "Editable[Any]", obj: Any, snapshot: dict[str, Any], *, action: str,
    actor: Member | None, changes: dict[str, list[Any]], reason: str | None = None,
) -> None:
    """Record the record's current (flushed, refreshed) state as a new revision. Flushes."""
    session.add(res.revision(
        subject_id=obj.id, version=obj.version, action=action, state=obj.state, reason=reason,
        actor_key_id=actor.key_id if actor else None,
        actor_organisation_id=actor.organisation_id if actor else None,
        actor_role=actor.role if actor else None, changes=changes, snapshot=snapshot,
        provenance=obj.provenance,
    ))
    await session.flush()


async def has_revisions(session: AsyncSession, res: "Editable[Any]", subject_id: uuid.UUID) -> bool:
    rev = res.revision
    return (await session.execute(
        select(rev.id).where(rev.subject_id == subject_id).limit(1)
    )).first() is not None


async def ensure_baseline(session: AsyncSession, res: "Editable[Any]", obj: Any) -> None:
    """Record the current state as a revision when the record has none yet (loaded before history
    existed, e.g. the census), so that its original state can be restored too."""
    if await has_revisions(session, res, obj.id):
        return
    source = getattr(obj, "source", None)
    session.add(res.revision(
        subject_id=obj.id, version=obj.version, action="creation", state=obj.state,
        reason=f"initial state ({source})" if source else "initial state",
        changes={}, snapshot=await res.representation(session, obj), provenance=obj.provenance,
    ))
    await session.flush()


async def get_revision(session: AsyncSession, res: "Editable[Any]", subject_id: uuid.UUID, version: int) -> Any:
    rev = res.revision
    return (await session.execute(
        select(rev).where(rev.subject_id == subject_id, rev.version == version)
    )).scalar_one_or_none()


async def list_revisions(
    session: AsyncSession, res: "Editable[Any]", subject_id: uuid.UUID, *, limit: int, before: int | None,
) -> list[Any]:
    """Newest first; `before` (a version) continues a previous page."""
    rev = res.revision
    query = (
        select(rev, ApiKey.prefix).outerjoin(ApiKey, ApiKey.id == rev.actor_key_id)
        .where(rev.subject_id == subject_id).order_by(rev.version.desc()).limit(limit)
    )
    if before is not None:
        query = query.where(rev.version < before)
    return [
        res.revision_read_schema(
            version=row.version, date=row.changed_at, action=row.action, motif=row.reason,
            auteur=RevisionAuthor(cle=prefix, role=row.actor_role, organisation=row.actor_organisation_id),
            changements=[FieldChange(champ=field, avant=old, apres=new)
                         for field, (old, new) in sorted(row.changes.items())],
            **{res.state_field: row.state},
        )
        for row, prefix in (await session.execute(query)).all()
    ]
