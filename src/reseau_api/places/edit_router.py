"""Writing places: members edit their organisation's listings, admins moderate and restore.

HTTP only: the rules live in `editing.py` (use cases) and `dependencies.py` (visibility, ownership,
preconditions).
"""

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, status

from reseau_api.core.auth import AdminMember, WriteMember
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import Forbidden, InvalidParameter
from reseau_api.core.openapi import problem_responses
from reseau_api.core.urls import public_url
from reseau_api.members import service as members_service
from reseau_api.places import editing, history
from reseau_api.places import service as places_service
from reseau_api.places.dependencies import IfMatchDep, OwnedPlace, VisiblePlace, merge_patch_body
from reseau_api.places.models import Place
from reseau_api.places.schemas import (
    ModerationDecision,
    PlacePatch,
    PlaceRead,
    PlaceRevisionPage,
    PlaceWrite,
)

router = APIRouter(prefix="/lieux", tags=["lieux"])

_ETAG_HEADER = {"ETag": {"description": 'The new version\'s ETag (`"<id>-v<version>"`), for the next `If-Match`',
                         "schema": {"type": "string"}}}


def _answer(response: Response, place: Place) -> PlaceRead:
    response.headers["ETag"] = places_service.etag(place)
    response.headers["Cache-Control"] = "private, no-store"
    return places_service.to_read(place)


@router.post(
    "", response_model=PlaceRead, status_code=status.HTTP_201_CREATED, summary="Create a place",
    responses={201: {"headers": {**_ETAG_HEADER, "Location": {"schema": {"type": "string"}}}},
               **problem_responses(400, 401, 403, 429)},
)
async def create_place(
    member: WriteMember, data: PlaceWrite, session: SessionDep, response: Response,
    publier: Annotated[bool, Query(description="Admins only: publish at once instead of `a_valider`")] = False,
    organisation: Annotated[uuid.UUID | None, Query(description="Admins only: the owning organisation")] = None,
) -> PlaceRead:
    """Create a place. A member's place belongs to its organisation and waits for moderation
    (`a_valider`); an admin may name the owner (`organisation`) and publish at once (`publier=true`).

    Server-managed fields (`id`, `organisation`, `moderation`, `version`, dates, `source`) cannot be sent:
    422 naming the field.
    """
    if not member.is_admin and (publier or organisation is not None):
        name = "publier" if publier else "organisation"
        raise Forbidden(f"Only admins may set `{name}`: a member's place belongs to its organisation "
                        "and is published after moderation.")
    owner = organisation if member.is_admin else member.organisation_id
    if organisation is not None and await members_service.get(session, organisation) is None:
        raise InvalidParameter("organisation", f"no organisation with id {organisation}")
    place = await editing.create(session, data, actor=member, organisation_id=owner, publish=publier)
    response.headers["Location"] = f"/v1/lieux/{place.id}"
    return _answer(response, place)


@router.patch(
    "/{id_or_slug}", response_model=PlaceRead, summary="Edit a place (JSON Merge Patch)",
    dependencies=[Depends(merge_patch_body)],
    responses={200: {"headers": _ETAG_HEADER}, **problem_responses(400, 401, 403, 404, 409, 412, 415, 428, 429)},
)
async def update_place(
    member: WriteMember, place: OwnedPlace, precondition: IfMatchDep, session: SessionDep, response: Response,
    patch: Annotated[PlacePatch, Body(media_type="application/merge-patch+json")],  # type: ignore[valid-type]
) -> PlaceRead:
    """Change some fields of a place (RFC 7396: `application/merge-patch+json` or `application/json`).

    Send `If-Match` with the ETag of the version you edit: missing → 428, stale → 412 (with the current
    version). The patch is merged onto the current version and the result is validated with every rule
    of a creation. A member's change of a published place is published at once and recorded in the
    history (admins can restore an earlier version); a rejected place goes back to `a_valider`.
    """
    changes: dict[str, Any] = patch.model_dump(exclude_unset=True, mode="json")
    return _answer(response, await editing.update(session, place, changes, actor=member, if_match=precondition))


@router.delete(
    "/{id_or_slug}", response_model=PlaceRead, summary="Archive a place",
    responses={200: {"headers": _ETAG_HEADER}, **problem_responses(400, 401, 403, 404, 409, 412, 428, 429)},
)
async def archive_place(
    member: WriteMember, place: OwnedPlace, precondition: IfMatchDep, session: SessionDep, response: Response,
) -> PlaceRead:
    """Archive a place (soft delete, `If-Match` required): it leaves every public view, while the record
    and its history are kept; its owner and admins still see it. An admin can publish it again."""
    return _answer(response, await editing.archive(session, place, actor=member, if_match=precondition))


@router.post(
    "/{id_or_slug}/moderation", response_model=PlaceRead, summary="Publish or reject a place",
    responses={200: {"headers": _ETAG_HEADER}, **problem_responses(400, 401, 403, 404, 409, 412, 428, 429)},
)
async def moderate_place(
    member: AdminMember, place: VisiblePlace, decision: ModerationDecision, precondition: IfMatchDep,
    session: SessionDep, response: Response,
) -> PlaceRead:
    """Admins only. `publier` makes the version named by `If-Match` public (also un-archives);
    `rejeter` (with a `motif`, shown to the owner in the history) hides a draft or a published place."""
    return _answer(response, await editing.moderate(session, place, decision, actor=member, if_match=precondition))


@router.get(
    "/{id_or_slug}/historique", response_model=PlaceRevisionPage, summary="History of a place",
    responses=problem_responses(400, 401, 403, 404),
)
async def list_place_revisions(
    place: OwnedPlace, session: SessionDep, request: Request, response: Response,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 50,
    avant: Annotated[int | None, Query(ge=1, le=1_000_000_000, description="Only versions older than this one")] = None,
) -> PlaceRevisionPage:
    """Every recorded change, newest first: version, date, author (key prefix, role, organisation),
    action, moderation state, reason, and each changed field with its old and new value.
    For the owning organisation's members and admins."""
    items = await history.list_revisions(session, place.id, limit=limit, before=avant)
    next_url = (str(public_url(request).include_query_params(limit=limit, avant=items[-1].version))
                if len(items) == limit and items[-1].version > 1 else None)
    response.headers["Cache-Control"] = "private, no-store"
    return PlaceRevisionPage(items=items, next=next_url)


@router.post(
    "/{id_or_slug}/historique/{version}/restauration", response_model=PlaceRead,
    summary="Restore an earlier version", status_code=status.HTTP_200_OK,
    responses={200: {"headers": _ETAG_HEADER}, **problem_responses(400, 401, 403, 404, 409, 412, 428, 429)},
)
async def restore_place_revision(
    member: AdminMember, place: VisiblePlace, precondition: IfMatchDep, session: SessionDep, response: Response,
    version: Annotated[int, Path(ge=1, le=1_000_000_000, description="The version to bring back")],
) -> PlaceRead:
    """Admins only. The content of `version` becomes current again, as a new version (recorded as a
    `restauration`); the moderation state is unchanged. `If-Match` names the version it replaces."""
    return _answer(
        response, await editing.restore(session, place, version, actor=member, if_match=precondition)
    )
