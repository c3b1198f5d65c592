"""Territorial coverage (maillage): who lives near a counted place, and where to open the next one."""

from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request, Response

from reseau_api.core.db import SessionDep
from reseau_api.core.geo import GeoJSONResponse
from reseau_api.core.http import body_etag, not_modified
from reseau_api.core.openapi import problem_responses
from reseau_api.core.pagination import DEFAULT_LIMIT, link_header, next_url
from reseau_api.core.params import reject_unknown_parameters
from reseau_api.coverage import service
from reseau_api.coverage.filters import CountedPlacesDep, CoverageParamsDep, SuggestionCount
from reseau_api.coverage.schemas import CommuneCoveragePage, CoverageTable, SuggestionList
from reseau_api.places.filters import resolve_open_at

router = APIRouter(prefix="/maillage", tags=["maillage"], dependencies=[Depends(reject_unknown_parameters)])

# The region has 4,453 communes: one page may hold them all (a whole-region GeoJSON layer for a GIS).
MAX_COMMUNES_LIMIT = 5000

CACHE = "public, max-age=300, stale-while-revalidate=600"
GEOJSON = "application/geo+json"
_NOT_MODIFIED = {304: {"description": "Not modified (If-None-Match matched the ETag)"}}

_WHICH = """
**Which places count**: the filters of `/v1/lieux` (`teletravail`, `type`, `services`, `q`…) select them;
only `ouvert` places unless `statut` is given; `inclure_projets=true` adds planned (`en_projet`) places;
`departement_lieu` narrows them by department (by default every place of the region counts, across
department borders). Places without a position never count.

**Covered**: a commune is covered when its centre (INSEE/IGN, 2021 population) is within `rayon_km`,
in straight line on the WGS 84 spheroid, of at least one counted place. Not travel time.
"""


def _cached(request: Request, body: bytes, response_class: type[Response] = Response, **headers: str) -> Response:
    """The body with a public Cache-Control and a strong ETag (hash of the body), or 304."""
    tag = body_etag(body)
    all_headers = {"Cache-Control": CACHE, "ETag": tag, **headers}
    if not_modified(request, tag):
        return Response(status_code=304, headers=all_headers)
    if response_class is Response:
        return Response(body, media_type="application/json", headers=all_headers)
    return response_class(body, headers=all_headers)


@router.get(
    "", summary="Coverage per department", response_model=CoverageTable,
    description="For each department and in total: population, population living in a commune whose centre "
                "is within `rayon_km` of a counted place, the share, and communes covered / not covered.\n"
                + _WHICH,
    responses={**_NOT_MODIFIED, **problem_responses(400)},
)
async def get_coverage(
    request: Request, session: SessionDep, params: CoverageParamsDep, filters: CountedPlacesDep,
) -> Response:
    filters = await resolve_open_at(session, filters)
    table = await service.coverage_table(session, filters, params)
    return _cached(request, table.model_dump_json().encode())


def _wants_geojson(request: Request, f: str | None) -> bool:
    if f is not None:
        return f == "geojson"
    return GEOJSON in request.headers.get("accept", "")


@router.get(
    "/communes", summary="Communes with their coverage", response_model=CommuneCoveragePage,
    description="The communes of the region (or of `departement`) with population, whether they are covered, "
                "the geodesic distance to the nearest counted place and that place.\n\n"
                "**Order** (`tri`): `-population` (default), `population`, `distance`, `-distance` (communes "
                "no place reaches last, or first with `-distance`). **Pages**: `limit` (default 20, max 5000: the "
                "whole region fits in one page), "
                "follow `next` or `Link: rel=\"next\"`. **Formats**: JSON by default; GeoJSON points "
                "(RFC 7946) with `f=geojson` or `Accept: application/geo+json`.\n" + _WHICH,
    responses={
        200: {"content": {GEOJSON: {"schema": {"type": "object", "description": "GeoJSON FeatureCollection"}}}},
        **_NOT_MODIFIED, **problem_responses(400),
    },
)
async def list_coverage_communes(
    request: Request,
    session: SessionDep,
    params: CoverageParamsDep,
    couverte: Annotated[bool | None, Query(description="true: covered communes only; false: uncovered only")]
    = None,
    tri: Annotated[Literal["-population", "population", "distance", "-distance"],
                   Query(description="Order of results")] = "-population",
    limit: Annotated[int, Query(ge=1, le=MAX_COMMUNES_LIMIT,
                                description="Items per page (up to 5000: the whole region)")] = DEFAULT_LIMIT,
    curseur: Annotated[str | None, Query(description="Opaque cursor from a `next` link", max_length=512)] = None,
    f: Annotated[Literal["json", "geojson"] | None, Query(description="Output format")] = None,
    *,
    filters: CountedPlacesDep,
) -> Response:
    geojson = _wants_geojson(request, f)
    filters = await resolve_open_at(session, filters)
    snapshot = await service.snapshot(session, filters, params)
    rows, total, cursor = service.commune_page(snapshot, covered=couverte, sort=tri, limit=limit, cursor=curseur)
    link = next_url(request, cursor) if cursor else None
    headers = {"Vary": "Accept", **link_header(link)}
    if geojson:
        return _cached(request, service.communes_geojson(snapshot, rows, total, link), GeoJSONResponse, **headers)
    return _cached(request, service.communes_json(snapshot, rows, total, link), **headers)


@router.get(
    "/suggestions", summary="Where to open the next places", response_model=SuggestionList,
    description="The `n` commune centres where a new place would cover the most still-uncovered population, "
                "picked greedily one after another (each pick removes what it covers), with the population "
                "each one gains and the cumulative coverage. Candidate sites and counted population are the "
                "communes of the region (or of `departement`). Ties go to the smallest INSEE code; the list "
                "stops early when no site covers anyone more. Greedy maximum coverage is within (1 - 1/e) of "
                "the best possible set of n sites.\n" + _WHICH,
    responses={**_NOT_MODIFIED, **problem_responses(400)},
)
async def list_coverage_suggestions(
    request: Request, session: SessionDep, params: CoverageParamsDep, n: SuggestionCount = 5,
    *, filters: CountedPlacesDep,
) -> Response:
    filters = await resolve_open_at(session, filters)
    result = await service.suggestions(session, filters, params, n)
    return _cached(request, result.model_dump_json().encode())
