"""Editing places: create, merge-patch, archive, moderate, restore. Each use case commits once.

Rules (docs/architecture.md, "Editing places"):
- Every change of an existing place names the version it applies to (`If-Match`). The row is locked
  (`SELECT … FOR UPDATE`) and its version compared inside the transaction, so of two concurrent writes
  with the same ETag exactly one wins; the other gets 412.
- A member's place starts `a_valider`. A member's edit of a published place is published directly
  (recorded in the history, which admins can restore from); editing a rejected place resubmits it
  (`a_valider`). Archived places are read-only until an admin publishes them again.
- Every stored change bumps `version` and writes a `place_revision`; a change that changes nothing
  stores nothing.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.core.errors import (
    Conflict,
    InvalidBody,
    NotFound,
    PreconditionFailed,
    PreconditionRequired,
    ReseauError,
)
from reseau_api.places import history
from reseau_api.places import service as places_service
from reseau_api.places.models import Place
from reseau_api.places.schemas import ModerationDecision, PlaceWrite


class IfMatchMissing(PreconditionRequired):
    def __init__(self, detail: str | None = None) -> None:
        super().__init__(detail or "Send `If-Match` with the place's current ETag (from GET or your last write).")


class StalePlace(PreconditionFailed):
    def __init__(self, place: Place) -> None:
        super().__init__(
            f"The place changed since your copy: it is at version {place.version} (ETag {places_service.etag(place)})."
            " Fetch it, reapply your change, and send the new ETag.",
            headers={"ETag": places_service.etag(place)}, extra={"version_actuelle": place.version},
        )


class UnsupportedMediaType(ReseauError):
    status, slug = 415, "media-non-supporte"


class PlaceArchived(Conflict):
    def __init__(self) -> None:
        super().__init__("This place is archived and read-only; an admin can publish it again.")


class ModerationConflict(Conflict):
    pass


class RevisionNotFound(NotFound):
    def __init__(self, version: int) -> None:
        super().__init__(f"This place has no recorded version {version}.")


def _edit_tag(tag: str) -> str:
    """A place detail's ETag may carry a digest of its good practices (`"<id>-v3.bp-<hash>"`): the edit
    precondition is about the place's own version, so the digest is dropped before comparing."""
    head, separator, _digest = tag.partition(places_service.PRACTICES_TAG_SEPARATOR)
    return head + '"' if separator and tag.startswith('"') and tag.endswith('"') else tag


@dataclass(frozen=True)
class IfMatch:
    """The entity tags an `If-Match` header lists. A weak form (`W/"…"`) of the current tag is accepted
    too: a compressing proxy may weaken ETags, and the version it names is what matters."""

    tags: frozenset[str]

    @classmethod
    def parse(cls, header: str | None) -> "IfMatch":
        if header is None or not header.strip():
            raise IfMatchMissing()
        if header.strip() == "*":
            raise IfMatchMissing("`If-Match: *` does not protect against lost updates: send the place's ETag.")
        return cls(frozenset(_edit_tag(tag.strip().removeprefix("W/")) for tag in header.split(",")[:20]))

    def matches(self, place: Place) -> bool:
        return places_service.etag(place) in self.tags


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7396 JSON Merge Patch: objects merge recursively, `null` removes, anything else replaces."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def validate_write(data: dict[str, Any]) -> PlaceWrite:
    """Validate a full representation with every rule of PlaceWrite; 422 naming each bad field."""
    try:
        return PlaceWrite.model_validate(data)
    except ValidationError as exc:
        raise InvalidBody([
            {"in": "body", "pointer": "/" + "/".join(str(p) for p in err["loc"]), "detail": err["msg"]}
            for err in exc.errors()
        ]) from exc


def _creation_changes(snapshot: dict[str, Any]) -> dict[str, list[Any]]:
    return {k: v for k, v in history.diff({}, snapshot).items() if v[1] not in (None, [], {})}


async def create(
    session: AsyncSession, data: PlaceWrite, *, actor: Member, organisation_id: uuid.UUID | None, publish: bool,
) -> Place:
    place = await places_service.create(
        session, data, moderation="publie" if publish else "a_valider", organisation_id=organisation_id,
    )
    await history.record(session, place, action="creation", actor=actor,
                         changes=_creation_changes(places_service.representation(place)))
    await session.commit()
    return place


async def _lock(session: AsyncSession, place: Place, if_match: IfMatch, *, archived_ok: bool = False) -> Place:
    """The place, row-locked until commit, at the version the client named (else 412)."""
    locked = (await session.execute(
        select(Place).where(Place.id == place.id).with_for_update().execution_options(populate_existing=True)
    )).scalar_one()
    if not if_match.matches(locked):
        raise StalePlace(locked)
    if locked.moderation == "archive" and not archived_ok:
        raise PlaceArchived()
    return locked


async def _store(
    session: AsyncSession, place: Place, *, actor: Member, action: str,
    data: PlaceWrite | None = None, moderation: str | None = None, reason: str | None = None,
) -> Place:
    """Apply validated content and/or a moderation state to a locked place; new version + revision."""
    await history.ensure_baseline(session, place)
    old, old_moderation = places_service.representation(place), place.moderation
    if data is not None:
        for column, value in places_service.to_columns(data).items():
            setattr(place, column, value)
    if moderation is not None:
        place.moderation = moderation
    await session.flush()
    await session.refresh(place)
    changes = history.diff(old, places_service.representation(place))
    if place.moderation != old_moderation:
        changes["moderation"] = [old_moderation, place.moderation]
    if changes:
        place.version = place.version + 1
        place.updated_at = func.now()
        await session.flush()
        await session.refresh(place)
        await history.record(session, place, action=action, actor=actor, changes=changes, reason=reason)
    await session.commit()
    return place


async def update(
    session: AsyncSession, place: Place, patch: dict[str, Any], *, actor: Member, if_match: IfMatch,
) -> Place:
    """Merge `patch` onto the current version, validate the result as a whole, store it."""
    locked = await _lock(session, place, if_match)
    data = validate_write(merge_patch(places_service.representation(locked), patch))
    await places_service.check_position(session, data.departement, data.position)
    resubmit = not actor.is_admin and locked.moderation == "rejete"
    return await _store(session, locked, actor=actor, action="modification", data=data,
                        moderation="a_valider" if resubmit else None)


async def archive(session: AsyncSession, place: Place, *, actor: Member, if_match: IfMatch) -> Place:
    """Soft delete: the place leaves every public view; the record and its history stay."""
    locked = await _lock(session, place, if_match)
    return await _store(session, locked, actor=actor, action="archivage", moderation="archive")


async def moderate(
    session: AsyncSession, place: Place, decision: ModerationDecision, *, actor: Member, if_match: IfMatch,
) -> Place:
    """Publish (from any other state, archived included) or reject (a draft or a published place)."""
    locked = await _lock(session, place, if_match, archived_ok=True)
    if decision.decision == "publier":
        if locked.moderation == "publie":
            raise ModerationConflict("This place is already published.")
        target = "publie"
    else:
        if locked.moderation not in ("a_valider", "publie"):
            raise ModerationConflict(f"A place in state {locked.moderation!r} cannot be rejected.")
        target = "rejete"
    return await _store(session, locked, actor=actor, action="moderation", moderation=target,
                        reason=decision.motif)


async def restore(
    session: AsyncSession, place: Place, version: int, *, actor: Member, if_match: IfMatch,
) -> Place:
    """Make an earlier version's content current again, as a new version (moderation unchanged)."""
    revision = await history.get_revision(session, place.id, version)
    if revision is None:
        raise RevisionNotFound(version)
    locked = await _lock(session, place, if_match)
    try:
        data = PlaceWrite.model_validate(revision.snapshot)
    except ValidationError as exc:
        fields = ", ".join(".".join(str(p) for p in e["loc"]) or "/" for e in exc.errors())
        raise Conflict(f"Version {version} no longer passes today's rules ({fields}).") from exc
    await places_service.check_position(session, data.departement, data.position)
    return await _store(session, locked, actor=actor, action="restauration", data=data,
                        reason=f"restauration de la version {version}")


async def record_owner(
    session: AsyncSession, locked: Place, organisation_id: uuid.UUID, *, actor: Member, reason: str,
) -> Place:
    """Give a locked place an owner (an accepted claim): new version and a `revendication` revision.
    Flushes only: the claim's use case commits it together with the claim's decision."""
    await history.ensure_baseline(session, locked)
    old = locked.organisation_id
    locked.organisation_id = organisation_id
    locked.version = locked.version + 1
    locked.updated_at = func.now()
    await session.flush()
    await session.refresh(locked)
    await history.record(session, locked, action="revendication", actor=actor, reason=reason,
                         changes={"organisation": [str(old) if old else None, str(organisation_id)]})
    return locked
