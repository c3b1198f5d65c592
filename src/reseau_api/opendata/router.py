"""Open data exports: the whole published directory as files, cacheable by their content hash."""

from fastapi import APIRouter, Request, Response

from reseau_api.core.db import SessionDep
from reseau_api.core.openapi import problem_responses
from reseau_api.opendata import datainclusion, exports
from reseau_api.opendata.schemas import MediationPlace
from reseau_api.places.queries import CSV_COLUMNS

router = APIRouter(prefix="/export", tags=["open data"])

_HASHED = {
    "headers": {
        "ETag": {"description": "Strong ETag: the SHA-256 of the body, in hex", "schema": {"type": "string"}},
        "Repr-Digest": {"description": "RFC 9530: `sha-256=:<base64 SHA-256 of the body>:`",
                        "schema": {"type": "string"}},
    },
}
_NOT_MODIFIED = {304: {"description": "Not modified (If-None-Match matched the ETag)"}}


def _ok(media_type: str, schema: dict[str, object], description: str) -> dict[int | str, dict[str, object]]:
    return {200: {"description": description, "content": {media_type: {"schema": schema}}, **_HASHED},
            **_NOT_MODIFIED, **problem_responses()}


@router.get(
    "/lieux.csv", summary="Export every published place as CSV", response_class=Response,
    responses=_ok("text/csv", {"type": "string"}, "CSV, UTF-8 with BOM, comma-separated"),
    description=(
        "Every published place (all statuses), ordered by name, with the columns of `/v1/lieux?f=csv` in this "
        f"order: {', '.join(f'`{c}`' for c in CSV_COLUMNS)}. Lists (`types`, `services`, `publics`, `images`) "
        "are `|`-separated; booleans are `true`/`false`. The file re-imports as is "
        "(`reseau-api lieux import lieux.csv`). `ETag` is the SHA-256 of the body; send it back in "
        "`If-None-Match` for a 304."),
)
async def export_places_csv(request: Request, session: SessionDep) -> Response:
    built = await exports.current(session, "lieux.csv")
    return exports.hashed_response(request, built, media_type=exports.CSV, filename="lieux.csv")


@router.get(
    "/lieux.geojson", summary="Export every published place as GeoJSON", response_class=Response,
    responses=_ok(exports.GEOJSON, {"type": "object", "description": "GeoJSON FeatureCollection"},
                  "GeoJSON FeatureCollection (RFC 7946)"),
)
async def export_places_geojson(request: Request, session: SessionDep) -> Response:
    """Every published place as one FeatureCollection (RFC 7946, WGS 84, 6 decimals), in the CSV's order.
    Properties are the CSV's columns, typed (lists as arrays, numbers as numbers); the position is the Point
    geometry (null when unknown). Re-imports as is. `ETag` is the SHA-256 of the body."""
    built = await exports.current(session, "lieux.geojson")
    return exports.hashed_response(request, built, media_type=exports.GEOJSON, filename="lieux.geojson")


_MEDIATION = (
    "The open, published places whose types include `mediation_numerique`, in the national data standard of "
    "digital-inclusion places (\"Lieux de médiation numérique\", LaMednum/standard-mediation-num 1.0.x, on "
    "schema.data.gouv.fr), so that they can appear on the national map. Places that lack a field the schema "
    "requires (address, commune, postcode, a service that maps to the schema's) are left out. "
    "`ETag` is the SHA-256 of the body."
)


@router.get(
    "/mediation-numerique.csv", summary="Export digital-mediation places (national schema, CSV)",
    response_class=Response, description=_MEDIATION,
    responses=_ok("text/csv", {"type": "string"}, "CSV in the schema's columns, UTF-8, comma-separated"),
)
async def export_mediation_csv(request: Request, session: SessionDep) -> Response:
    built = await exports.current(session, "mediation-numerique.csv")
    return exports.hashed_response(request, built, media_type=exports.CSV, filename="mediation-numerique.csv")


@router.get(
    "/mediation-numerique.json", summary="Export digital-mediation places (national schema, JSON)",
    response_model=list[MediationPlace], description=_MEDIATION + " Empty fields are left out.",
    responses={200: _HASHED, **_NOT_MODIFIED, **problem_responses()},
)
async def export_mediation_json(request: Request, session: SessionDep) -> Response:
    built = await exports.current(session, "mediation-numerique.json")
    return exports.hashed_response(request, built, media_type=exports.JSON, filename="mediation-numerique.json")


_DATA_INCLUSION = (
    "The open, published places in the data·inclusion schema (v1, as the `data-inclusion-schema` package "
    f"{datainclusion.SCHEMA_VERSION} publishes it), so that they can flow into the national base of the inclusion "
    "offer: a JSON array, fields without a value left out. Places whose name the schema refuses (3 to 150 "
    "characters) are left out. `ETag` is the SHA-256 of the body."
)


@router.get(
    "/data-inclusion/structures.json", summary="Export open places as data·inclusion structures",
    response_class=Response, description=_DATA_INCLUSION + " One structure per place: `id` is "
    f"`{datainclusion.SOURCE}--<place id>`, with its SIRET, address, position, contact, hours and acceslibre sheet.",
    responses=_ok(exports.JSON, {"type": "array", "items": {"type": "object"}}, "data·inclusion structures"),
)
async def export_data_inclusion_structures(request: Request, session: SessionDep) -> Response:
    built = await exports.current(session, "data-inclusion-structures.json")
    return exports.hashed_response(request, built, media_type=exports.JSON, filename="structures.json")


@router.get(
    "/data-inclusion/services.json", summary="Export what open places offer as data·inclusion services",
    response_class=Response, description=_DATA_INCLUSION + " One service per offer a place's services and types "
    "state (internet access, digital mediation, France Services, business creation support, childcare), linked "
    "to its structure by `structure_id`.",
    responses=_ok(exports.JSON, {"type": "array", "items": {"type": "object"}}, "data·inclusion services"),
)
async def export_data_inclusion_services(request: Request, session: SessionDep) -> Response:
    built = await exports.current(session, "data-inclusion-services.json")
    return exports.hashed_response(request, built, media_type=exports.JSON, filename="services.json")
