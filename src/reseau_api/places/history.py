"""The history of a place: every change, who made it, old -> new values, and a restorable snapshot.

One `place_revision` row per stored version. Places loaded before this history existed (the census
import) get a baseline revision the first time they change, so that their original state can be
restored too.
"""

import uuid
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.members.models import ApiKey
from reseau_api.places.models import Place, PlaceRevision
from reseau_api.places.schemas import FieldChange, PlaceRevisionRead, RevisionAuthor
from reseau_api.places.service import representation


def _flat(data: dict[str, Any]) -> dict[str, Any]:
    """`teletravail` fields become `teletravail.<field>`; `position` stays one value."""
    flat = {k: v for k, v in data.items() if k != "teletravail"}
    flat.update({f"teletravail.{k}": v for k, v in (data.get("teletravail") or {}).items()})
    return flat


def diff(old: dict[str, Any], new: dict[str, Any]) -> dict[str, list[Any]]:
    """{field: [old, new]} for every field whose value differs."""
    before, after = _flat(old), _flat(new)
    return {k: [before.get(k), after.get(k)] for k in sorted(before.keys() | after.keys())
            if before.get(k) != after.get(k)}


async def has_revisions(session: AsyncSession, place_id: uuid.UUID) -> bool:
    return (await session.execute(
        select(PlaceRevision.id).where(PlaceRevision.place_id == place_id).limit(1)
    )).first() is not None


async def ensure_baseline(session: AsyncSession, place: Place) -> None:
    """Record the current state as a revision when the place has none yet (imported places)."""
    if await has_revisions(session, place.id):
        return
    session.add(PlaceRevision(
        place_id=place.id, version=place.version, action="creation", moderation=place.moderation,
        reason=f"initial state ({place.source})" if place.source else "initial state",
        changes={}, snapshot=representation(place),
    ))
    await session.flush()


async def record(
    session: AsyncSession, place: Place, *, action: str, actor: Member | None,
    changes: dict[str, list[Any]], reason: str | None = None,
) -> PlaceRevision:
    """Record the place's current (just flushed and refreshed) state as a new revision. Flushes."""
    revision = PlaceRevision(
        place_id=place.id, version=place.version, action=action, moderation=place.moderation, reason=reason,
        actor_key_id=actor.key_id if actor else None,
        actor_organisation_id=actor.organisation_id if actor else None,
        actor_role=actor.role if actor else None,
        changes=changes, snapshot=representation(place),
    )
    session.add(revision)
    await session.flush()
    return revision


async def get_revision(session: AsyncSession, place_id: uuid.UUID, version: int) -> PlaceRevision | None:
    return (await session.execute(
        select(PlaceRevision).where(PlaceRevision.place_id == place_id, PlaceRevision.version == version)
    )).scalar_one_or_none()


async def list_revisions(
    session: AsyncSession, place_id: uuid.UUID, *, limit: int, before: int | None,
) -> list[PlaceRevisionRead]:
    """Newest first; `before` (a version) continues a previous page."""
    query = (
        select(PlaceRevision, ApiKey.prefix).outerjoin(ApiKey, ApiKey.id == PlaceRevision.actor_key_id)
        .where(PlaceRevision.place_id == place_id).order_by(PlaceRevision.version.desc()).limit(limit)
    )
    if before is not None:
        query = query.where(PlaceRevision.version < before)
    return [
        PlaceRevisionRead(
            version=rev.version, date=rev.changed_at, action=rev.action, moderation=rev.moderation,
            motif=rev.reason,
            auteur=RevisionAuthor(cle=prefix, role=rev.actor_role, organisation=rev.actor_organisation_id),
            changements=[FieldChange(champ=field, avant=old, apres=new)
                         for field, (old, new) in sorted(rev.changes.items())],
        )
        for rev, prefix in (await session.execute(query)).all()
    ]
