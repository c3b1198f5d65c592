"""Good-practice lookups with visibility and ownership (the rules of places, see places/dependencies.py).

The public sees published practices only; the owning organisation's members and admins see drafts and
archived ones too. A practice you may not see is a 404 (drafts do not leak); a visible practice you do not
own is a 403 for edits and history.
"""

from typing import Annotated

from fastapi import Depends, Path

from reseau_api.core.auth import CurrentMember, Member, OptionalMember
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import Forbidden
from reseau_api.practices import service as practices_service
from reseau_api.practices.exceptions import PracticeNotFound
from reseau_api.practices.models import Practice

IdOrSlug = Annotated[str, Path(min_length=1, max_length=120, description="UUID or slug")]


def can_see(member: Member | None, practice: Practice) -> bool:
    return practice.status == "publiee" or (member is not None and member.owns(practice.organisation_id))


async def visible_practice(id_or_slug: IdOrSlug, session: SessionDep, member: OptionalMember) -> Practice:
    practice = await practices_service.get(session, id_or_slug)
    if practice is None or not can_see(member, practice):
        raise PracticeNotFound(id_or_slug)
    return practice


VisiblePractice = Annotated[Practice, Depends(visible_practice)]


async def owned_practice(member: CurrentMember, practice: VisiblePractice) -> Practice:
    if not member.owns(practice.organisation_id):
        raise Forbidden("This good practice belongs to another organisation.")
    return practice


OwnedPractice = Annotated[Practice, Depends(owned_practice)]
