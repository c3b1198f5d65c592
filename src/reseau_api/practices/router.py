"""Good practices: public reads (list, detail, Atom feed) and members' edits, moderation and history.

HTTP only. The write and history routes are the editorial kernel's (editorial/routes.py), declared by
`editorial.py`; visibility and ownership are in `dependencies.py`.
"""

import json
import uuid
from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request, Response

from reseau_api.core.db import SessionDep
from reseau_api.core.http import not_modified
from reseau_api.core.openapi import problem_responses
from reseau_api.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, link_header, next_url
from reseau_api.core.params import Parameters, Values, param
from reseau_api.core.urls import absolute_url
from reseau_api.editorial.freshness import Freshness
from reseau_api.editorial.routes import editing_router
from reseau_api.practices import feed, queries
from reseau_api.practices import service as practices_service
from reseau_api.practices.dependencies import VisiblePractice
from reseau_api.practices.editorial import PRACTICES
from reseau_api.practices.models import Practice
from reseau_api.practices.queries import PracticeFilters
from reseau_api.practices.schemas import (
    PracticePage,
    PracticeRead,
    Theme,
)
from reseau_api.shared.types import DepartmentCode

router = APIRouter(tags=["bonnes-pratiques"])

BASE = "/bonnes-pratiques"
PUBLIC_CACHE = "public, max-age=60, stale-while-revalidate=300"
PRIVATE_CACHE = "private, no-store"
_ETAG_HEADER = {"ETag": {"description": 'The new version\'s ETag (`"<id>-v<version>"`), for the next `If-Match`',
                         "schema": {"type": "string"}}}
_NOT_MODIFIED = {304: {"description": "Not modified (If-None-Match matched the ETag)"}}


MAX_VALUES = 20  # a repeated filter takes at most this many values, as on /v1/lieux: more is a 400
# The filters of `/v1/bonnes-pratiques`, declared once (core/params.py): the FastAPI dependency is derived
# from it (and a hot reader, should the list join the hot path).
PRACTICE_FILTERS = Parameters(
    param("q", str, "French full text over title, summary, themes and content; accent-insensitive, plurals "
                    "folded, each word as a prefix; ranked (title first)", min_length=1, max_length=200),
    param("thematique", Theme, f"Theme (repeatable: any of; at most {MAX_VALUES})", many=MAX_VALUES),
    param("departement", DepartmentCode, f"Department of one of its places (repeatable: any of; at most "
                                         f"{MAX_VALUES})", many=MAX_VALUES),
    param("lieu", str, "UUID or slug of one of its places", min_length=1, max_length=120),
    param("organisation", uuid.UUID, "The author organisation's id"),
    param("fraicheur", Freshness, "Freshness from `verifie_le` (repeatable: any of): a_jour, a_verifier, obsolete",
          many=3),
)


def practice_filters(v: Values) -> PracticeFilters:
    q = v.get("q")
    return PracticeFilters(q=q.strip() or None if q else None, themes=v.get("thematique") or [],
                           departements=v.get("departement") or [], place=v.get("lieu"),
                           organisation=v.get("organisation"), freshness_in=v.get("fraicheur") or [])


PracticeFiltersDep = Annotated[PracticeFilters, Depends(PRACTICE_FILTERS.dependency(practice_filters))]


@router.get(
    BASE, summary="Search good practices", response_model=PracticePage,
    responses=problem_responses(400),
)
async def list_practices(
    request: Request, session: SessionDep, filters: PracticeFiltersDep,
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
    tag = practices_service.detail_etag(practice)
    headers = {"ETag": tag, "Last-Modified": format_datetime(practice.updated_at, usegmt=True),
               "Cache-Control": PUBLIC_CACHE if PRACTICES.workflow.is_public(practice.status) else PRIVATE_CACHE}
    if not_modified(request, tag):
        return Response(status_code=304, headers=headers)
    return Response((await _read(session, practice)).model_dump_json(), media_type="application/json",
                    headers=headers)


router.include_router(editing_router(PRACTICES))  # create, edit, archive, moderate, history, restore
