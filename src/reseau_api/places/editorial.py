"""Places as an editable resource: what differs from the editorial kernel's defaults, declared."""

from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.editorial import history
from reseau_api.editorial.kernel import Editable
from reseau_api.places import duplicates, service
from reseau_api.places.exceptions import PlaceNotFound
from reseau_api.places.models import Place, PlaceRevision
from reseau_api.places.schemas import PlacePatch, PlaceRead, PlaceRevisionPage, PlaceRevisionRead, PlaceWrite
from reseau_api.places.states import WORKFLOW


class Places(Editable[Place]):
    kind, noun, name, path, tag = "lieu", "place", "place", "/lieux", "lieux"
    model, revision, workflow, state_field = Place, PlaceRevision, WORKFLOW, "moderation"
    write_schema, patch_schema, read_schema = PlaceWrite, PlacePatch, PlaceRead
    revision_read_schema, revision_page_schema = PlaceRevisionRead, PlaceRevisionPage
    not_found, slug_fallback = PlaceNotFound, "lieu"
    baseline = True  # places loaded before history existed (the census) get one before their first change
    table, revision_table, revision_fk = "place", "place_revision", "place_id"
    title_column, state_column, revision_state_column = "name", "moderation", "moderation"
    departments_sql = "ARRAY[r.department_code::text]"
    contact_sql = ("r.email::text", "r.phone::text")
    flags_sql = duplicates.FLAGS_SQL

    async def representation(self, session: AsyncSession, obj: Place) -> dict[str, Any]:
        return service.representation(obj)

    async def apply(self, session: AsyncSession, obj: Place, data: PlaceWrite, *, actor: Member | None) -> None:
        await service.check_position(session, data.departement, data.position)
        for column, value in service.to_columns(data).items():
            setattr(obj, column, value)

    async def check(self, session: AsyncSession, obj: Place, data: PlaceWrite | None, *, state: str,
                    new: bool) -> None:
        if WORKFLOW.is_public(state):
            candidate = duplicates.candidate(data, obj.id) if data is not None else duplicates.stored(obj)
            await duplicates.check(session, candidate, new=new)

    async def after_insert(self, session: AsyncSession, obj: Place, data: PlaceWrite) -> None:
        if not WORKFLOW.is_public(obj.moderation):
            found = await duplicates.find(session, duplicates.candidate(data, obj.id))
            await duplicates.record(session, obj.id, found)

    async def possible_duplicates(self, session: AsyncSession, ids: list[Any]) -> dict[Any, list[Any]]:
        return await duplicates.of(session, ids)

    def slug_parts(self, data: PlaceWrite) -> list[str | None]:
        return [data.nom, data.commune]

    async def to_read(self, session: AsyncSession, obj: Place) -> PlaceRead:
        return service.to_read(obj)


PLACES = Places()


async def record_owner(
    session: AsyncSession, locked: Place, organisation_id: Any, *, actor: Member, reason: str,
) -> Place:
    """Give a locked place an owner (an accepted claim): new version and a `revendication` revision.
    Flushes only: the claim's use case commits it together with the claim's decision."""
    await history.ensure_baseline(session, PLACES, locked)
    old = locked.organisation_id
    locked.organisation_id = organisation_id
    locked.version = locked.version + 1
    locked.updated_at = func.now()
    await session.flush()
    await session.refresh(locked)
    await history.record(session, PLACES, locked, service.representation(locked), action="revendication",
                         actor=actor, reason=reason,
                         changes={"organisation": [str(old) if old else None, str(organisation_id)]})
    return locked
