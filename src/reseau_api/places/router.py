"""Public read API of places: lists (JSON, GeoJSON, CSV) and details, cacheable."""

import json
from datetime import datetime
from email.utils import format_datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member, OptionalMember
from reseau_api.core.db import ReadSessionDep, SessionDep
from reseau_api.core.errors import InvalidParameter
from reseau_api.core.geo import GeoJSONResponse
from reseau_api.core.http import not_modified
from reseau_api.core.openapi import problem_responses
from reseau_api.core.pagination import DEFAULT_LIMIT, MAX_LIMIT, link_header, next_url
from reseau_api.core.params import reject_unknown_parameters
from reseau_api.places import jsonld, queries, service
from reseau_api.places.dependencies import can_see
from reseau_api.places.exceptions import PlaceNotFound
from reseau_api.places.filters import PlaceFiltersDep, resolve_open_at
from reseau_api.places.schemas import PlacePage, PlaceRead
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW

router = APIRouter(prefix="/lieux", tags=["lieux"], dependencies=[Depends(reject_unknown_parameters)])

LIST_CACHE = "public, max-age=60, stale-while-revalidate=300"
DETAIL_CACHE = "public, max-age=60, stale-while-revalidate=300"
PRIVATE_CACHE = "private, no-store"
GEOJSON = "application/geo+json"
# `f=csv` builds the filtered set in memory (then releases the database): a regional directory's filtered
# set fits; the whole directory is the export file, built once per data version.
MAX_CSV_ROWS = 20_000

_LIST_DESCRIPTION = """\
Published places matching every filter given (filters combine with AND; a repeated filter is OR within
itself, except `services`, where every listed service is required).

**Order** (`tri`): `distance` when `pres_de` is given, else `pertinence` when `q` is given, else
`distance` from the centre of `bbox` when given (a map view fills from its middle, and a page reads only
its own rows however dense the box), else `nom`. `tri=distance` measures from `pres_de`, else the `bbox` centre.
**Pages**: `limit` items (default 20, max 200); follow `next` (or the `Link: rel="next"` header) to walk
every match exactly once. `total` is exact when the first page holds every match, or when PostgreSQL's
planner expects at most 1,000 matches (then counted, up to 1,000); otherwise it is the planner's estimate,
flagged `total_estime: true` (around `pres_de`, that of the circle's box times π/4). Counting a dense map
box or a 20 km radius exactly would read every match. **Relevance** (`tri=pertinence`) ranks at most
1,000 matching places (the first found): with more matches, refine `q` or walk them all with `tri=nom`.

**Formats**: JSON by default; GeoJSON (RFC 7946, lon/lat, 6 decimals) with `f=geojson` or
`Accept: application/geo+json`; CSV of the whole filtered set (no paging, UTF-8 with BOM) with `f=csv`,
up to 20,000 places (more is a 400: narrow the filters or use `/v1/export/lieux.csv`); `tri`, `limit` and
`curseur` have no effect on CSV and are refused there.
"""


def _wants(request: Request, f: str | None) -> str:
    if f is not None:
        return f
    accept = request.headers.get("accept", "")
    if GEOJSON in accept:
        return "geojson"
    if "text/csv" in accept:
        return "csv"
    return "json"


@router.get(
    "", summary="Search places", description=_LIST_DESCRIPTION, response_model=PlacePage,
    responses={
        200: {"content": {GEOJSON: {"schema": {"type": "object", "description": "GeoJSON FeatureCollection"}},
                          "text/csv": {"schema": {"type": "string"}}}},
        **problem_responses(400),
    },
)
async def list_places(
    request: Request,
    session: ReadSessionDep,
    filters: PlaceFiltersDep,
    tri: Annotated[Literal["nom", "-maj_le", "distance", "pertinence"] | None,
                   Query(description="Order of results")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Items per page")] = DEFAULT_LIMIT,
    curseur: Annotated[str | None, Query(description="Opaque cursor from a `next` link", max_length=512)] = None,
    f: Annotated[Literal["json", "geojson", "csv"] | None, Query(description="Output format")] = None,
) -> Response:
    output = _wants(request, f)
    if output == "csv":  # the whole filtered set, in name order: paging and order would have no effect
        for name, value in (("tri", tri), ("limit", request.query_params.get("limit")), ("curseur", curseur)):
            if value is not None:
                raise InvalidParameter(name, "has no effect on CSV (the whole filtered set, by name)")
    filters = await resolve_open_at(session, filters)
    if output == "csv":
        body = await queries.csv_body(session, filters, max_rows=MAX_CSV_ROWS)
        if body is None:
            raise InvalidParameter("f", f"more than {MAX_CSV_ROWS:,} places match: narrow the filters, or "
                                        "download the whole directory from /v1/export/lieux.csv")
        return Response(body, media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": 'attachment; filename="lieux.csv"',
                                 "Cache-Control": LIST_CACHE, "Vary": "Accept"})
    sort = tri or queries.default_sort(filters)
    result = await queries.page(session, filters, sort=sort, limit=limit, cursor=curseur,
                                geojson=output == "geojson")
    link = next_url(request, result.next_cursor) if result.next_cursor else None
    headers = {"Cache-Control": LIST_CACHE, "Vary": "Accept", **link_header(link)}  # format from Accept
    next_json = json.dumps(link)
    if output == "geojson":
        links = f',"links":[{{"href":{next_json},"rel":"next","type":"{GEOJSON}"}}]' if link else ',"links":[]'
        body = (f'{{"type":"FeatureCollection","features":[{",".join(result.items)}],'
                f'"numberMatched":{result.total},"numberReturned":{len(result.items)}{links}}}')
        return GeoJSONResponse(body, headers=headers)
    body = (f'{{"items":[{",".join(result.items)}],"total":{result.total},'
            f'"total_estime":{"true" if result.total_estimated else "false"},"next":{next_json}}}')
    return Response(body, media_type="application/json", headers=headers)


@router.get(
    "/{id_or_slug}", summary="Get a place", response_model=PlaceRead,
    responses={200: {"content": {jsonld.MEDIA_TYPE: {"schema": {
                   "type": "object", "description": "schema.org Place / LocalBusiness (JSON-LD)"}}}},
               304: {"description": "Not modified (If-None-Match matched the ETag)"},
               **problem_responses(400, 401, 404)},
    openapi_extra={"security": [{}, {"cle_api": []}]},  # a key is optional: it only reveals drafts
)
async def get_place(
    id_or_slug: Annotated[str, Path(max_length=120, description="UUID or slug")],
    request: Request,
    session: SessionDep,
    read_session: ReadSessionDep,
    member: OptionalMember,
) -> Response:
    """The full record of a published place, by UUID or slug, with `ETag` and `Last-Modified`.
    Send `If-None-Match` with the ETag to get `304 Not Modified` when it has not changed.

    With `Accept: application/ld+json`: its schema.org JSON-LD (Place / LocalBusiness), to embed in a page.

    With an API key, the owning organisation's members and admins also see its drafts, rejected and
    archived versions (`moderation`); anyone else gets 404 for those.

    `bonnes_pratiques` lists its published good practices. The ETag is `"<id>-v<version>"`, followed by
    `.bp-<hash>` when the place has good practices (so that it changes when they do); `If-Match` accepts it
    as is when editing (only the `<id>-v<version>` part is compared: practices are not edited here)."""
    # Anonymous reads may come from a replica; a member reads its own writes on the primary.
    session = session if member else read_session
    if jsonld.wanted(request.headers.get("accept")):
        return await _linked_data(id_or_slug, request, session, member)
    # The record's JSON as PostgreSQL built it, in one statement (queries.detail): no ORM entity, no
    # re-serialisation; the hot path (places/hot.py) serves anonymous reads with this same function.
    place = await queries.detail(session, id_or_slug)
    if place is None or not can_see(member, place):
        raise PlaceNotFound(id_or_slug)
    headers = _detail_headers(place.etag, place.updated_at, place.state)
    if not_modified(request, place.etag):
        return Response(status_code=304, headers=headers)
    return Response(place.body, media_type="application/json", headers=headers)


def _detail_headers(etag: str, updated_at: datetime, state: str) -> dict[str, str]:
    # Only published records may sit in shared caches; the others are for their owners' eyes.
    return {"ETag": etag, "Last-Modified": format_datetime(updated_at, usegmt=True),
            "Cache-Control": DETAIL_CACHE if PLACE_WORKFLOW.is_public(state) else PRIVATE_CACHE, "Vary": "Accept"}


async def _linked_data(id_or_slug: str, request: Request, session: AsyncSession, member: Member | None) -> Response:
    """The schema.org JSON-LD of the place (built in Python from the ORM record: opening hours evaluated)."""
    place = await service.get(session, id_or_slug, published_only=False)
    if place is None or not can_see(member, place):
        raise PlaceNotFound(id_or_slug)
    etag = jsonld.etag(place)
    headers = _detail_headers(etag, place.updated_at, place.moderation)
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    document = await jsonld.place_json_ld_text(session, request, place)
    return Response(document, media_type=jsonld.MEDIA_TYPE, headers=headers)
