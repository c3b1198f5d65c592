"""Good practices as an editable resource: what differs from the editorial kernel's defaults, declared."""

from typing import Any

from sqlalchemy import func
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.editorial.kernel import Editable
from reseau_api.practices import service
from reseau_api.practices.exceptions import PracticeNotFound
from reseau_api.practices.models import Practice, PracticeRevision
from reseau_api.practices.schemas import (
    PracticePatch,
    PracticeRead,
    PracticeRevisionPage,
    PracticeRevisionRead,
    PracticeWrite,
)
from reseau_api.practices.states import WORKFLOW


class Practices(Editable[Practice]):
    kind, noun, name, path, tag = "bonne_pratique", "good practice", "practice", "/bonnes-pratiques", "bonnes-pratiques"
    model, revision, workflow, state_field = Practice, PracticeRevision, WORKFLOW, "statut"
    write_schema, patch_schema, read_schema = PracticeWrite, PracticePatch, PracticeRead
    revision_read_schema, revision_page_schema = PracticeRevisionRead, PracticeRevisionPage
    not_found, slug_fallback = PracticeNotFound, "bonne-pratique"
    table, revision_table, revision_fk = "practice", "practice_revision", "practice_id"
    title_column, state_column, revision_state_column = "title", "status", "status"
    departments_sql = ("ARRAY(SELECT DISTINCT p.department_code::text FROM practice_place pp "
                       "JOIN place p ON p.id = pp.place_id WHERE pp.practice_id = r.id ORDER BY 1)")

    async def representation(self, session: AsyncSession, obj: Practice) -> dict[str, Any]:
        return service.representation(obj, await service.place_ids(session, obj.id) if obj.id else [])

    async def apply(self, session: AsyncSession, obj: Practice, data: PracticeWrite, *,
                    actor: Member | None) -> None:
        await service.apply(obj, data)  # renders only when the Markdown changed, bounded, off the loop
        session.add(obj)
        await session.flush()  # a new practice needs its row before its places
        await service.set_places(session, obj, data.lieux, actor=actor)

    def slug_parts(self, data: PracticeWrite) -> list[str | None]:
        return [data.titre]

    def on_state(self, obj: Practice, state: str, reason: str | None) -> None:
        obj.moderation_reason = reason  # shown to the owner while rejected; cleared by the next decision
        if self.workflow.is_public(state) and obj.published_at is None:
            obj.published_at = func.now()

    def extra_changes(self, before: Practice | None, obj: Practice) -> dict[str, list[Any]]:
        old = before.moderation_reason if before is not None else None
        return {"motif_moderation": [old, obj.moderation_reason]} if old != obj.moderation_reason else {}

    async def to_read(self, session: AsyncSession, obj: Practice) -> PracticeRead:
        return service.to_read(obj, await service.places_of(session, obj.id))


PRACTICES = Practices()
