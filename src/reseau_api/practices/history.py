"""The history of a good practice: every change, who made it, old -> new values, a restorable snapshot."""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.members.models import ApiKey
from reseau_api.places.history import diff
from reseau_api.places.schemas import FieldChange, RevisionAuthor
from reseau_api.practices.models import Practice, PracticeRevision
from reseau_api.practices.schemas import PracticeRevisionRead

__all__ = ["diff", "get_revision", "list_revisions", "record"]


async def record(
    session: AsyncSession, practice: Practice, snapshot: dict[str, Any], *, action: str, actor: Member | None,
    changes: dict[str, list[Any]], reason: str | None = None,
) -> None:
    """Record the practice's current (flushed) state as a new revision. Flushes."""
    session.add(PracticeRevision(
        practice_id=practice.id, version=practice.version, action=action, status=practice.status, reason=reason,
        actor_key_id=actor.key_id if actor else None,
        actor_organisation_id=actor.organisation_id if actor else None,
        actor_role=actor.role if actor else None, changes=changes, snapshot=snapshot,
    ))
    await session.flush()


async def get_revision(session: AsyncSession, practice_id: uuid.UUID, version: int) -> PracticeRevision | None:
    return (await session.execute(
        select(PracticeRevision).where(PracticeRevision.practice_id == practice_id,
                                       PracticeRevision.version == version)
    )).scalar_one_or_none()


async def list_revisions(
    session: AsyncSession, practice_id: uuid.UUID, *, limit: int, before: int | None,
) -> list[PracticeRevisionRead]:
    """Newest first; `before` (a version) continues a previous page."""
    query = (
        select(PracticeRevision, ApiKey.prefix).outerjoin(ApiKey, ApiKey.id == PracticeRevision.actor_key_id)
        .where(PracticeRevision.practice_id == practice_id)
        .order_by(PracticeRevision.version.desc()).limit(limit)
    )
    if before is not None:
        query = query.where(PracticeRevision.version < before)
    return [
        PracticeRevisionRead(
            version=rev.version, date=rev.changed_at, action=rev.action, statut=rev.status, motif=rev.reason,
            auteur=RevisionAuthor(cle=prefix, role=rev.actor_role, organisation=rev.actor_organisation_id),
            changements=[FieldChange(champ=field, avant=old, apres=new)
                         for field, (old, new) in sorted(rev.changes.items())],
        )
        for rev, prefix in (await session.execute(query)).all()
    ]
