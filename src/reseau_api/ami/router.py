"""AMI Tiers-Lieux 2017: the applications and the published tables, computed from them.

Public and cacheable: every answer carries `Cache-Control: public, max-age=300` and an ETag
(`If-None-Match` gives 304). `f=csv` gives the same figures as a spreadsheet-ready table.
"""

from collections.abc import Callable
from typing import Annotated, Any

import orjson
from fastapi import APIRouter, Path, Query, Request
from starlette.responses import Response

from reseau_api.ami import queries, service, stats
from reseau_api.ami.exceptions import AmiApplicationNotFound
from reseau_api.ami.http import GeoJSONBody, cached, csv_bytes, csv_response, provenance_footer
from reseau_api.ami.schemas import (
    REGION,
    AmiFilters,
    BesoinsStats,
    CandidaturePage,
    CandidatureRead,
    CrossTable,
    DefisStats,
    DepartementsFeatureCollection,
    DepartementsStats,
    Dimension,
    FinancementStats,
    Format,
    ProjetsStats,
    Provenance,
    StructuresStats,
)
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import InvalidParameter
from reseau_api.core.openapi import problem_responses
from reseau_api.core.urls import public_url

router = APIRouter(prefix="/ami", tags=["ami"])

FiltersDep = Annotated[AmiFilters, Query()]
FormatParam = Annotated[Format, Query(
    description="`json` (default) or `csv`: UTF-8 with BOM, `;` between fields, `,` as decimal mark; "
                "statistics end with the source lines")]

NOT_MODIFIED: dict[int | str, dict[str, Any]] = {304: {"description": "Not modified (`If-None-Match` matched)"}}
CSV_CONTENT = {"text/csv": {"schema": {"type": "string"}}}
READ_RESPONSES = {200: {"content": CSV_CONTENT}, **NOT_MODIFIED, **problem_responses(400)}


def _render(request: Request, model: Provenance, f: str, table: Callable[[Any], Any], name: str) -> Response:
    if f == "csv":
        header, rows = table(model)
        body = csv_bytes(header, rows, provenance_footer(model.source, model.reconstruit))
        return csv_response(request, body, f"ami-tiers-lieux-2017-{name}.csv")
    return cached(request, model.model_dump_json().encode(), "application/json")


@router.get(
    "/candidatures", response_model=CandidaturePage, summary="List the applications",
    responses=READ_RESPONSES,
)
async def list_ami_applications(
    request: Request, session: SessionDep, filters: FiltersDep, f: FormatParam = "json",
    limit: Annotated[int, Query(ge=1, le=500, description="Page size")] = 100,
    curseur: Annotated[str, Query(max_length=40, description="Cursor from a `next` link")] = "",
) -> Response:
    """The applications to the 2017 call, in id order, filtered like the statistics.

    With `f=csv`, every matching application in one file (no paging), with the columns of the
    import file (`reseau-api ami import` reads it back).
    """
    if f == "csv":
        rows = await queries.all_rows(session, filters)
        body = csv_bytes(service.COLUMNS, rows)
        return csv_response(request, body, "ami-tiers-lieux-2017-candidatures.csv")
    page = await queries.page(session, filters, after=curseur, limit=limit)
    provenance = await stats.provenance(session)
    next_url = str(public_url(request).include_query_params(curseur=page.next_after)) if page.next_after else None
    rest = orjson.dumps({"total": page.total, "next": next_url, **provenance})
    return cached(request, b'{"items":' + page.items_json.encode() + b"," + rest[1:], "application/json")


@router.get(
    "/candidatures/{candidature_id}", response_model=CandidatureRead, summary="Get one application",
    responses={**NOT_MODIFIED, **problem_responses(400, 404)},
)
async def get_ami_application(
    request: Request, session: SessionDep, candidature_id: Annotated[str, Path(max_length=40)],
) -> Response:
    """One application by its id (e.g. `AMI2017-001`)."""
    body = await queries.one(session, candidature_id)
    if body is None:
        raise AmiApplicationNotFound(candidature_id)
    return cached(request, body.encode(), "application/json")


@router.get(
    "/stats/projets", response_model=ProjetsStats, summary="Projects by type", responses=READ_RESPONSES,
)
async def get_ami_project_stats(
    request: Request, session: SessionDep, filters: FiltersDep, f: FormatParam = "json",
) -> Response:
    """Creations, extensions, extensions with networking (counted among the extensions), total."""
    return _render(request, await stats.projets(session, filters), f, stats.projets_table, "projets")


@router.get(
    "/stats/departements", response_model=DepartementsStats, summary="Projects per department",
    responses=READ_RESPONSES,
)
async def get_ami_department_stats(
    request: Request, session: SessionDep, filters: FiltersDep, f: FormatParam = "json",
) -> Response:
    """Per department of the region: code, name, count and share; plus the total."""
    return _render(request, await stats.departements(session, filters), f, stats.departements_table,
                   "departements")


@router.get(
    "/stats/structures", response_model=StructuresStats, summary="Project holders by nature and legal form",
    responses=READ_RESPONSES,
)
async def get_ami_structure_stats(
    request: Request, session: SessionDep, filters: FiltersDep, f: FormatParam = "json",
) -> Response:
    """Counts by nature of the holder (public, private, associative) and by legal form."""
    return _render(request, await stats.structures(session, filters), f, stats.structures_table, "structures")


@router.get(
    "/stats/financement", response_model=FinancementStats, summary="Five-year financing plans",
    responses=READ_RESPONSES,
)
async def get_ami_financing_stats(
    request: Request, session: SessionDep, filters: FiltersDep, f: FormatParam = "json",
) -> Response:
    """With / without a plan (count and %), minimum, quartiles, median, maximum, mean and total amount."""
    return _render(request, await stats.financement(session, filters), f, stats.financement_table,
                   "financement")


@router.get(
    "/stats/defis", response_model=DefisStats, summary="Regional challenges taken up",
    responses=READ_RESPONSES,
)
async def get_ami_challenge_stats(
    request: Request, session: SessionDep, filters: FiltersDep, f: FormatParam = "json",
) -> Response:
    """Projects per challenge, distribution of the number of challenges per project, share with 2 or more."""
    return _render(request, await stats.defis(session, filters), f, stats.defis_table, "defis")


@router.get(
    "/stats/besoins", response_model=BesoinsStats, summary="Needs expressed", responses=READ_RESPONSES,
)
async def get_ami_need_stats(
    request: Request, session: SessionDep, filters: FiltersDep, f: FormatParam = "json",
) -> Response:
    """Projects per need, most frequent first."""
    return _render(request, await stats.besoins(session, filters), f, stats.besoins_table, "besoins")


@router.get(
    "/stats", response_model=CrossTable, summary="Cross-table of one or two dimensions",
    responses=READ_RESPONSES,
)
async def get_ami_cross_table(
    request: Request, session: SessionDep, filters: FiltersDep,
    par: Annotated[list[Dimension], Query(min_length=1, max_length=2, description="One or two dimensions")],
    f: FormatParam = "json",
) -> Response:
    """Counts for every combination of values, e.g. `?par=departement&par=type_projet`.

    In CSV, two dimensions give a pivot table (rows: the first dimension; columns: the second).
    """
    if len(set(par)) != len(par):
        raise InvalidParameter("par", "give two different dimensions")
    return _render(request, await stats.cross_table(session, filters, par), f, stats.cross_table_table,
                   "-".join(["croisement", *par]))


@router.get(
    "/departements.geojson", response_model=DepartementsFeatureCollection, response_class=GeoJSONBody,
    summary="Departments with their project counts (choropleth)",
    responses={**NOT_MODIFIED, **problem_responses(400)},
)
async def get_ami_departments_geojson(request: Request, session: SessionDep, filters: FiltersDep) -> Response:
    """The 13 departments of the region as GeoJSON polygons (WGS 84) with count, share and percentage."""
    provenance = await stats.provenance(session)
    body = await queries.departments_geojson(
        session, filters, REGION, source=provenance["source"], reconstructed=provenance["reconstruit"],
        attribution=stats.BOUNDARIES_ATTRIBUTION,
    )
    return cached(request, body.encode(), GeoJSONBody.media_type, response_class=GeoJSONBody)
