"""Place lookups with visibility and ownership, and the preconditions of edits; reused by routes.

Visibility: the public sees published places only; a member also sees its organisation's drafts,
rejected and archived places; admins see everything. A place you may not see is a 404, exactly as
if it did not exist, so that drafts do not leak. Ownership (editing, history): admins, or members of
the owning organisation; a visible place you do not own is a 403.
"""

from typing import Annotated

from fastapi import Depends, Header, Path, Request

from reseau_api.core.auth import CurrentMember, Member, OptionalMember
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import Forbidden
from reseau_api.places import service as places_service
from reseau_api.places.editing import IfMatch, UnsupportedMediaType
from reseau_api.places.exceptions import PlaceNotFound
from reseau_api.places.models import Place

MERGE_PATCH_TYPES = ("application/merge-patch+json", "application/json")


def can_see(member: Member | None, place: Place) -> bool:
    return place.moderation == "publie" or (member is not None and member.owns(place.organisation_id))


async def visible_place(
    id_or_slug: Annotated[str, Path(max_length=120, description="UUID or slug")],
    session: SessionDep, member: OptionalMember,
) -> Place:
    place = await places_service.get(session, id_or_slug, published_only=False)
    if place is None or not can_see(member, place):
        raise PlaceNotFound(id_or_slug)
    return place


VisiblePlace = Annotated[Place, Depends(visible_place)]


async def owned_place(member: CurrentMember, place: VisiblePlace) -> Place:
    if not member.owns(place.organisation_id):
        raise Forbidden("This place belongs to another organisation.")
    return place


OwnedPlace = Annotated[Place, Depends(owned_place)]


async def if_match(
    header: Annotated[str | None, Header(
        alias="If-Match", description='The ETag of the version you edit, e.g. `"v3"` (from GET or your last write)',
    )] = None,
) -> IfMatch:
    return IfMatch.parse(header)


IfMatchDep = Annotated[IfMatch, Depends(if_match)]


async def merge_patch_body(request: Request) -> None:
    media_type = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if media_type not in MERGE_PATCH_TYPES:
        raise UnsupportedMediaType(
            f"Send the patch as {' or '.join(MERGE_PATCH_TYPES)} (RFC 7396 JSON Merge Patch), "
            f"not {media_type or 'without Content-Type'}."
        )
