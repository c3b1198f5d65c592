"""`POST /v1/imports`: the bulk import for administrators, over HTTP (multipart upload).

Admin keys only. Its bodies may reach RESEAU_IMPORT_MAX_BYTES (the request guard lets this path
through beyond the general body cap).
"""

from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile

from reseau_api.core.auth import AdminMember
from reseau_api.core.config import get_settings
from reseau_api.core.db import SessionDep
from reseau_api.core.openapi import problem_responses
from reseau_api.opendata import importer
from reseau_api.opendata import mapping as mappings
from reseau_api.opendata.exceptions import ImportFileError, ImportFileRejected, ImportRowsRejected, ImportTooLarge
from reseau_api.opendata.schemas import ImportReportRead

router = APIRouter(prefix="/imports", tags=["open data"])


@router.post(
    "", summary="Import places from a CSV or GeoJSON file", response_model=ImportReportRead,
    responses=problem_responses(401, 403, 413, 422),
)
async def create_import(
    session: SessionDep,
    admin: AdminMember,
    fichier: Annotated[UploadFile, File(description="CSV or GeoJSON, with the documented columns or a mapping")],
    mapping: Annotated[str | None, Form(max_length=100, description="Name of a shipped mapping (cget-2019)")] = None,
    fichier_mapping: Annotated[UploadFile | None, File(description="A mapping file (.json or .toml)")] = None,
    partiel: Annotated[bool, Form(description="Keep the valid rows when some are rejected")] = False,
    simulation: Annotated[bool, Form(description="Report what would change; store nothing")] = False,
    source: Annotated[str | None, Form(max_length=200, description="`source` of rows that give none")] = None,
) -> ImportReportRead:
    """Validate every row with the API's rules and store them all, or none when one is rejected (unless
    `partiel`); rows already imported (same `source` + `source_id`) are updated, not duplicated.
    Answers the report: per row `accepte`, `mis_a_jour`, `inchange` or `rejete` with its reasons.
    When rows are rejected in all-or-nothing mode: 422, nothing stored, the report in `rapport`.
    A row about a stored place changes only the columns the file has; each change is a revision in the
    place's history (author: your key; reason: the file name and its SHA-256), restorable by an admin.
    Administrators only."""
    limit = get_settings().import_max_bytes
    content = await fichier.read(limit + 1)
    if len(content) > limit:
        raise ImportTooLarge(f"the file exceeds {limit} bytes (RESEAU_IMPORT_MAX_BYTES)")
    chosen = await _mapping(mapping, fichier_mapping)
    options = importer.ImportOptions(partial=partiel, dry_run=simulation, source=source)
    try:
        report = await importer.run_import(
            session, content, filename=fichier.filename or "import", mapping=chosen, options=options,
            actor=admin)
    except ImportFileError as exc:
        raise ImportFileRejected(str(exc)) from None
    body = report.as_json()
    if report.rejected and not partiel:
        raise ImportRowsRejected(body, report.rejected)
    return ImportReportRead.model_validate(body)


async def _mapping(name: str | None, upload: UploadFile | None) -> mappings.Mapping | None:
    if name and upload is not None:
        raise ImportFileRejected("give either mapping (a shipped mapping's name) or fichier_mapping, not both")
    try:
        if upload is not None:
            text = (await upload.read(256 * 1024)).decode("utf-8-sig")
            return mappings.parse_text(text, name=upload.filename or "mapping")
        return mappings.load_shipped(name) if name else None
    except (mappings.MappingError, UnicodeDecodeError) as exc:
        raise ImportFileRejected(f"mapping: {exc}") from None
