"""Staying in sync: the change feed and the directory snapshot it continues."""

import json
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response

from reseau_api.core.db import SessionDep
from reseau_api.core.http import body_etag, not_modified
from reseau_api.core.openapi import problem_responses
from reseau_api.core.urls import public_url
from reseau_api.feed import queries
from reseau_api.feed.schemas import ChangePage, DirectorySnapshot

router = APIRouter(tags=["synchronisation"])

MAX_LIMIT = 1000
# An empty tail is what pollers see most: cheap to revalidate, short-lived in caches. A full page
# never changes (until retention drops it).
TAIL_CACHE = "public, max-age=5"
FULL_PAGE_CACHE = "public, max-age=86400"
SNAPSHOT_CACHE = "public, max-age=60"
CURSOR_HEADER = "Changements-Curseur"

@router.get(
    "/changements", summary="Changes of public data since a cursor", response_model=ChangePage,
    responses={304: {"description": "Not modified (If-None-Match matched the ETag)"},
               **problem_responses(400, 410)},
)
async def list_changes(
    request: Request, session: SessionDep,
    depuis: Annotated[int, Query(ge=0, le=2**62, description=(
        "Cursor of the last change applied: the export's `curseur`, or an item's. 0: from the start "
        "(410 once the retention has dropped changes)"))] = 0,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Changes per page")] = 100,
) -> Response:
    """Every change to public places and good practices, in the order to apply them: a record
    becoming public (`publication`, with its representation), changing while public (`modification`,
    with its new representation and the fields that changed), or ceasing to be public (`retrait`, a
    tombstone: archived, rejected, unpublished). Drafts and owners-only fields never appear.

    Following the cursors never misses or repeats a change, whatever order writers commit in. Start
    from `/v1/export/annuaire.json` and its `curseur`. Changes are kept at least 90 days
    (`RESEAU_FEED_RETENTION_DAYS`); an older cursor gets 410: download the export again.
    Poll with `If-None-Match`: an empty tail answers 304."""
    result = await queries.page(session, depuis, limit)
    link = (str(public_url(request).include_query_params(depuis=result.cursor, limit=limit))
            if not result.up_to_date else None)
    body = (f'{{"items":[{",".join(result.items)}],"curseur":{result.cursor},'
            f'"a_jour":{json.dumps(result.up_to_date)},"next":{json.dumps(link)}}}').encode()
    # A hash of the bytes: the middleware caches compressed bodies by ETag, so a tag must name one body.
    etag = body_etag(body)
    full = len(result.items) == limit
    headers = {"ETag": etag, "Cache-Control": FULL_PAGE_CACHE if full else TAIL_CACHE}
    if link:
        headers["Link"] = f'<{link}>; rel="next"'
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)


@router.get(
    "/export/annuaire.json", summary="Every public record, with the feed cursor it is consistent with",
    response_model=DirectorySnapshot, tags=["open data"],
    responses={304: {"description": "Not modified (If-None-Match matched the ETag)"}},
)
async def get_directory_snapshot(request: Request, session: SessionDep) -> Response:
    """Every public place and good practice in the feed's representation, read in one snapshot, and
    `curseur`: the state after exactly the changes up to it (also in the `Changements-Curseur` header).
    Load it, then follow `/v1/changements?depuis=<curseur>`: you hold an exact copy."""
    cursor, text = await queries.snapshot(session)
    body = text.encode()
    etag = body_etag(body)
    headers = {"ETag": etag, "Cache-Control": SNAPSHOT_CACHE, CURSOR_HEADER: str(cursor)}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/json", headers=headers)
