"""Editing good practices: create, merge-patch, archive, moderate, restore. Each use case commits once.

The rules are those of places (places/editing.py), with the practice's `statut` as its moderation state:
- A member's practice starts `brouillon`; an admin publishes it (`publier` → `publiee`) or rejects it
  (`rejeter` + `motif` → back to `brouillon`, the reason shown to the owner as `motif_moderation`).
  Admins may create a practice published at once.
- A member's edit of a published practice stays published (recorded in the history, which admins can
  restore from). An archived practice is read-only until an admin publishes it again.
- Every change names the version it applies to (`If-Match`); the row is locked (`SELECT … FOR UPDATE`)
  and its version compared inside the transaction: of two writes with the same ETag, one wins, the other
  gets 412. Every stored change bumps `version` and writes a `practice_revision`; a no-op stores nothing.
"""

import uuid
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.core.errors import Conflict, InvalidBody, NotFound, PreconditionFailed
from reseau_api.places.editing import IfMatch, merge_patch
from reseau_api.practices import history
from reseau_api.practices import service as practices_service
from reseau_api.practices.exceptions import PracticeArchived, UnknownPlaces
from reseau_api.practices.models import Practice
from reseau_api.practices.schemas import ModerationDecision, PracticeWrite


class StalePractice(PreconditionFailed):
    def __init__(self, practice: Practice) -> None:
        tag = practices_service.etag(practice)
        super().__init__(
            f"The good practice changed since your copy: it is at version {practice.version} (ETag {tag})."
            " Fetch it, reapply your change, and send the new ETag.",
            headers={"ETag": tag}, extra={"version_actuelle": practice.version},
        )


class RevisionNotFound(NotFound):
    def __init__(self, version: int) -> None:
        super().__init__(f"This good practice has no recorded version {version}.")


def validate_write(data: dict[str, Any]) -> PracticeWrite:
    """Validate a full representation with every rule of PracticeWrite; 422 naming each bad field."""
    try:
        return PracticeWrite.model_validate(data)
    except ValidationError as exc:
        raise InvalidBody([
            {"in": "body", "pointer": "/" + "/".join(str(p) for p in err["loc"]), "detail": err["msg"]}
            for err in exc.errors()
        ]) from exc


async def create(
    session: AsyncSession, data: PracticeWrite, *, actor: Member, organisation_id: uuid.UUID | None,
    publish: bool,
) -> Practice:
    practice = await practices_service.create(session, data, organisation_id=organisation_id, publish=publish)
    snapshot = practices_service.representation(practice, data.lieux)
    changes = {k: v for k, v in history.diff({}, snapshot).items() if v[1] not in (None, [], {})}
    changes["statut"] = [None, practice.status]
    await history.record(session, practice, snapshot, action="creation", actor=actor, changes=changes)
    await session.commit()
    return practice


async def _lock(session: AsyncSession, practice: Practice, if_match: IfMatch, *, archived_ok: bool = False
                ) -> Practice:
    """The practice, row-locked until commit, at the version the client named (else 412)."""
    locked = (await session.execute(
        select(Practice).where(Practice.id == practice.id).with_for_update()
        .execution_options(populate_existing=True)
    )).scalar_one()
    if practices_service.etag(locked) not in if_match.tags:
        raise StalePractice(locked)
    if locked.status == "archivee" and not archived_ok:
        raise PracticeArchived()
    return locked


async def _store(
    session: AsyncSession, practice: Practice, *, actor: Member, action: str, data: PracticeWrite | None = None,
    status: str | None = None, moderation_reason: str | None = None, reason: str | None = None,
) -> Practice:
    """Apply validated content and/or a status to a locked practice; new version + revision if it changed."""
    old = practices_service.representation(practice, await practices_service.place_ids(session, practice.id))
    old_status, old_reason = practice.status, practice.moderation_reason
    if data is not None:
        await practices_service.apply(practice, data)
        await practices_service.set_places(session, practice, data.lieux)
    if status is not None:
        practice.status = status
        practice.moderation_reason = moderation_reason
        if status == "publiee" and practice.published_at is None:
            practice.published_at = func.now()
    await session.flush()
    await session.refresh(practice)
    new = practices_service.representation(practice, await practices_service.place_ids(session, practice.id))
    changes = history.diff(old, new)
    if practice.status != old_status:
        changes["statut"] = [old_status, practice.status]
    if practice.moderation_reason != old_reason:
        changes["motif_moderation"] = [old_reason, practice.moderation_reason]
    if changes:
        practice.version = practice.version + 1
        practice.updated_at = func.now()
        await session.flush()
        await session.refresh(practice)
        await history.record(session, practice, new, action=action, actor=actor, changes=changes, reason=reason)
    await session.commit()
    return practice


async def update(
    session: AsyncSession, practice: Practice, patch: dict[str, Any], *, actor: Member, if_match: IfMatch,
) -> Practice:
    """Merge `patch` onto the current version, validate the result as a whole, store it."""
    locked = await _lock(session, practice, if_match)
    current = practices_service.representation(locked, await practices_service.place_ids(session, locked.id))
    data = validate_write(merge_patch(current, patch))
    return await _store(session, locked, actor=actor, action="modification", data=data)


async def archive(session: AsyncSession, practice: Practice, *, actor: Member, if_match: IfMatch) -> Practice:
    """Soft delete: the practice leaves every public view; the record and its history stay."""
    locked = await _lock(session, practice, if_match)
    return await _store(session, locked, actor=actor, action="archivage", status="archivee")


async def moderate(
    session: AsyncSession, practice: Practice, decision: ModerationDecision, *, actor: Member, if_match: IfMatch,
) -> Practice:
    """`publier`: a draft or an archived practice becomes public. `rejeter`: a draft or a published practice
    goes (back) to `brouillon`, with the reason recorded and shown to its owner."""
    locked = await _lock(session, practice, if_match, archived_ok=True)
    if decision.decision == "publier":
        if locked.status == "publiee":
            raise Conflict("This good practice is already published.")
        return await _store(session, locked, actor=actor, action="moderation", status="publiee",
                            reason=decision.motif)
    if locked.status == "archivee":
        raise Conflict("An archived good practice cannot be rejected; publish it or leave it archived.")
    return await _store(session, locked, actor=actor, action="moderation", status="brouillon",
                        moderation_reason=decision.motif, reason=decision.motif)


async def restore(
    session: AsyncSession, practice: Practice, version: int, *, actor: Member, if_match: IfMatch,
) -> Practice:
    """Make an earlier version's content current again, as a new version (status unchanged)."""
    revision = await history.get_revision(session, practice.id, version)
    if revision is None:
        raise RevisionNotFound(version)
    locked = await _lock(session, practice, if_match)
    try:
        data = PracticeWrite.model_validate(revision.snapshot)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "/" for e in exc.errors())
        raise Conflict(f"Version {version} no longer passes today's rules ({fields}).") from exc
    try:
        return await _store(session, locked, actor=actor, action="restauration", data=data,
                            reason=f"restauration de la version {version}")
    except UnknownPlaces as exc:
        raise Conflict(f"Version {version} names places that are no longer published.") from exc
