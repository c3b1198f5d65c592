"""Good practices: public reads (list, detail, Atom feed) and members' edits, moderation and history.

HTTP only: rules live in `editing.py` (use cases) and `dependencies.py` (visibility, ownership).
"""

import json
import uuid
from email.utils import format_datetime
from typing import Annotated, Any

from fastapi import APIRouter, Body, Depends, Path, Query, Request, Response, status

from reseau_api.core.auth import AdminMember, WriteMember
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import Forbidden, InvalidParameter
from reseau_api.core.http import not_modified
from reseau_api.core.openapi import problem_responses
from reseau_api.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, link_header, next_url
from reseau_api.core.urls import absolute_url, public_url
from reseau_api.members import service as members_service
from reseau_api.places.dependencies import IfMatchDep, merge_patch_body
from reseau_api.places.schemas import DepartmentCode
from reseau_api.practices import editing, feed, history, queries
from reseau_api.practices import service as practices_service
from reseau_api.practices.dependencies import OwnedPractice, VisiblePractice
from reseau_api.practices.models import Practice
from reseau_api.practices.queries import PracticeFilters
from reseau_api.practices.schemas import (
    ModerationDecision,
    PracticePage,
    PracticePatch,
    PracticeRead,
    PracticeRevisionPage,
    PracticeWrite,
    Theme,
)

router = APIRouter(tags=["bonnes-pratiques"])

BASE = "/bonnes-pratiques"
PUBLIC_CACHE = "public, max-age=60, stale-while-revalidate=300"
PRIVATE_CACHE = "private, no-store"
_ETAG_HEADER = {"ETag": {"description": 'The new version\'s ETag (`"<id>-v<version>"`), for the next `If-Match`',
                         "schema": {"type": "string"}}}
_NOT_MODIFIED = {304: {"description": "Not modified (If-None-Match matched the ETag)"}}


def practice_filters(
    q: Annotated[str | None, Query(min_length=1, max_length=200, description=(
        "French full text over title, summary, themes and content; accent-insensitive, plurals folded, "
        "each word as a prefix; ranked (title first)"))] = None,
    thematique: Annotated[list[Theme] | None, Query(description="Theme (repeatable: any of)")] = None,
    departement: Annotated[list[DepartmentCode] | None,
                           Query(description="Department of one of its places (repeatable: any of)")] = None,
    lieu: Annotated[str | None, Query(min_length=1, max_length=120, description="UUID or slug of one of its places")]
    = None,
    organisation: Annotated[uuid.UUID | None, Query(description="The author organisation's id")] = None,
) -> PracticeFilters:
    return PracticeFilters(q=q.strip() or None if q else None, themes=list(thematique or []),
                           departements=list(departement or []), place=lieu, organisation=organisation)


@router.get(
    BASE, summary="Search good practices", response_model=PracticePage,
    responses=problem_responses(400),
)
async def list_practices(
    request: Request, session: SessionDep, filters: Annotated[PracticeFilters, Depends(practice_filters)],
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    curseur: Annotated[str | None, Query(description="Opaque cursor from a `next` link", max_length=512)] = None,
) -> Response:
    """Published good practices matching every filter given (a repeated filter is OR within itself).

    Order: by relevance when `q` is given (a match in the title ranks above one in the summary, above
    one in the content), else newest published first. Pages: `limit` (default 20, max 200) and the
    `next` link (also in the `Link` header), as for `/v1/lieux`; `total` is exact."""
    result = await queries.page(session, filters, limit=limit, cursor=curseur)
    link = next_url(request, result.next_cursor) if result.next_cursor else None
    body = (f'{{"items":[{",".join(result.items)}],"total":{result.total},"total_estime":false,'
            f'"next":{json.dumps(link)}}}')
    return Response(body, media_type="application/json",
                    headers={"Cache-Control": PUBLIC_CACHE, **link_header(link)})


@router.get(
    BASE + ".atom", summary="Atom feed of the latest good practices", response_class=Response,
    responses={200: {"content": {"application/atom+xml": {"schema": {"type": "string"}}},
                     "description": "An Atom 1.0 feed (RFC 4287)"}, **_NOT_MODIFIED},
)
async def get_practices_feed(request: Request, session: SessionDep) -> Response:
    """The 50 latest published good practices as an Atom 1.0 feed (RFC 4287), for websites and feed
    readers: each entry has its summary, its sanitised HTML content, its themes (`category`) and a link to
    its JSON record. `ETag` (304 on `If-None-Match`) and `Cache-Control: public`."""
    entries = await queries.feed_entries(session)
    tag = feed.etag(entries)
    headers = {"ETag": tag, "Cache-Control": PUBLIC_CACHE}
    if not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    base = absolute_url(request, f"/v1{BASE}")  # RESEAU_PUBLIC_BASE_URL behind a proxy
    document = feed.build(entries, self_url=base + ".atom", alternate_url=base, entry_base_url=base)
    return Response(document, media_type=feed.MEDIA_TYPE, headers=headers)


async def _read(session: SessionDep, practice: Practice) -> PracticeRead:
    return practices_service.to_read(practice, await practices_service.places_of(session, practice.id))


@router.get(
    BASE + "/{id_or_slug}", summary="Get a good practice", response_model=PracticeRead,
    responses={**_NOT_MODIFIED, **problem_responses(400, 401, 404)},
    openapi_extra={"security": [{}, {"cle_api": []}]},  # a key is optional: it only reveals drafts
)
async def get_practice(
    practice: VisiblePractice, request: Request, session: SessionDep,
) -> Response:
    """A published good practice by UUID or slug: the Markdown (`contenu`) and its sanitised HTML rendering
    (`contenu_html`), with `ETag` (`"<id>-v<version>"`, the one `If-Match` expects) and `Last-Modified`;
    `If-None-Match` → 304. With an API key, the owning organisation's members and admins also see drafts
    and archived practices; anyone else gets 404 for those."""
    tag = practices_service.etag(practice)
    headers = {"ETag": tag, "Last-Modified": format_datetime(practice.updated_at, usegmt=True),
               "Cache-Control": PUBLIC_CACHE if practice.status == "publiee" else PRIVATE_CACHE}
    if not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    return Response((await _read(session, practice)).model_dump_json(), media_type="application/json",
                    headers=headers)


async def _answer(session: SessionDep, response: Response, practice: Practice) -> PracticeRead:
    response.headers["ETag"] = practices_service.etag(practice)
    response.headers["Cache-Control"] = PRIVATE_CACHE
    return await _read(session, practice)


@router.post(
    BASE, response_model=PracticeRead, status_code=status.HTTP_201_CREATED, summary="Create a good practice",
    responses={201: {"headers": {**_ETAG_HEADER, "Location": {"schema": {"type": "string"}}}},
               **problem_responses(400, 401, 403, 429)},
)
async def create_practice(
    member: WriteMember, data: PracticeWrite, session: SessionDep, response: Response,
    publier: Annotated[bool, Query(description="Admins only: publish at once instead of `brouillon`")] = False,
    organisation: Annotated[uuid.UUID | None, Query(description="Admins only: the author organisation")] = None,
) -> PracticeRead:
    """Create a good practice. A member's practice belongs to its organisation and is a `brouillon` until
    an admin publishes it; an admin may name the organisation and publish at once (`publier=true`).
    `lieux` must be published places. Server-managed fields (`id`, `slug`, `statut`, `organisation`,
    dates, `version`, `contenu_html`) cannot be sent: 422 naming the field."""
    if not member.is_admin and (publier or organisation is not None):
        name = "publier" if publier else "organisation"
        raise Forbidden(f"Only admins may set `{name}`: a member's good practice belongs to its organisation "
                        "and is published after moderation.")
    owner = organisation if member.is_admin else member.organisation_id
    if organisation is not None and await members_service.get(session, organisation) is None:
        raise InvalidParameter("organisation", f"no organisation with id {organisation}")
    practice = await editing.create(session, data, actor=member, organisation_id=owner, publish=publier)
    response.headers["Location"] = f"/v1{BASE}/{practice.id}"
    return await _answer(session, response, practice)


@router.patch(
    BASE + "/{id_or_slug}", response_model=PracticeRead, summary="Edit a good practice (JSON Merge Patch)",
    dependencies=[Depends(merge_patch_body)],
    responses={200: {"headers": _ETAG_HEADER}, **problem_responses(400, 401, 403, 404, 409, 412, 415, 428, 429)},
)
async def update_practice(
    member: WriteMember, practice: OwnedPractice, precondition: IfMatchDep, session: SessionDep,
    response: Response,
    patch: Annotated[PracticePatch, Body(media_type="application/merge-patch+json")],  # type: ignore[valid-type]
) -> PracticeRead:
    """Change some fields (RFC 7396, `application/merge-patch+json` or `application/json`), with `If-Match`
    (missing → 428, stale → 412 with the current version). The merged result is validated as a whole and
    its HTML re-rendered. A member's edit of a published practice stays published and is recorded in the
    history (admins can restore an earlier version)."""
    changes: dict[str, Any] = patch.model_dump(exclude_unset=True, mode="json")
    practice = await editing.update(session, practice, changes, actor=member, if_match=precondition)
    return await _answer(session, response, practice)


@router.delete(
    BASE + "/{id_or_slug}", response_model=PracticeRead, summary="Archive a good practice",
    responses={200: {"headers": _ETAG_HEADER}, **problem_responses(400, 401, 403, 404, 409, 412, 428, 429)},
)
async def archive_practice(
    member: WriteMember, practice: OwnedPractice, precondition: IfMatchDep, session: SessionDep,
    response: Response,
) -> PracticeRead:
    """Archive (soft delete, `If-Match` required): it leaves the list, the feed and places' details; the
    record and its history are kept. An admin can publish it again."""
    practice = await editing.archive(session, practice, actor=member, if_match=precondition)
    return await _answer(session, response, practice)


@router.post(
    BASE + "/{id_or_slug}/moderation", response_model=PracticeRead, summary="Publish or reject a good practice",
    responses={200: {"headers": _ETAG_HEADER}, **problem_responses(400, 401, 403, 404, 409, 412, 428, 429)},
)
async def moderate_practice(
    member: AdminMember, practice: VisiblePractice, decision: ModerationDecision, precondition: IfMatchDep,
    session: SessionDep, response: Response,
) -> PracticeRead:
    """Admins only. `publier` makes the version named by `If-Match` public (`publiee`, also un-archives);
    `rejeter` (with a `motif`, shown to the owner as `motif_moderation` and in the history) sends a draft or
    a published practice back to `brouillon`."""
    practice = await editing.moderate(session, practice, decision, actor=member, if_match=precondition)
    return await _answer(session, response, practice)


@router.get(
    BASE + "/{id_or_slug}/historique", response_model=PracticeRevisionPage, summary="History of a good practice",
    responses=problem_responses(400, 401, 403, 404),
)
async def list_practice_revisions(
    practice: OwnedPractice, session: SessionDep, request: Request, response: Response,
    limit: Annotated[int, Query(ge=1, le=100, description="Page size")] = 50,
    avant: Annotated[int | None, Query(ge=1, le=1_000_000_000, description="Only versions older than this one")]
    = None,
) -> PracticeRevisionPage:
    """Every recorded change, newest first: version, date, author (key prefix, role, organisation),
    action, status, reason, and each changed field with its old and new value. Owner and admins."""
    items = await history.list_revisions(session, practice.id, limit=limit, before=avant)
    next_link = (str(public_url(request).include_query_params(limit=limit, avant=items[-1].version))
                 if len(items) == limit and items[-1].version > 1 else None)
    response.headers["Cache-Control"] = PRIVATE_CACHE
    return PracticeRevisionPage(items=items, next=next_link)


@router.post(
    BASE + "/{id_or_slug}/historique/{version}/restauration", response_model=PracticeRead,
    summary="Restore an earlier version of a good practice",
    responses={200: {"headers": _ETAG_HEADER}, **problem_responses(400, 401, 403, 404, 409, 412, 428, 429)},
)
async def restore_practice_revision(
    member: AdminMember, practice: VisiblePractice, precondition: IfMatchDep, session: SessionDep,
    response: Response,
    version: Annotated[int, Path(ge=1, le=1_000_000_000, description="The version to bring back")],
) -> PracticeRead:
    """Admins only. The content of `version` becomes current again, as a new version (recorded as a
    `restauration`); the status is unchanged. `If-Match` names the version it replaces."""
    practice = await editing.restore(session, practice, version, actor=member, if_match=precondition)
    return await _answer(session, response, practice)
