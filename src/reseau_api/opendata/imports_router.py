"""`POST /v1/imports`: the bulk import for administrators, over HTTP (multipart upload).

Admin keys only. Its bodies may reach RESEAU_IMPORT_MAX_BYTES (the request guard lets this path
through beyond the general body cap).
"""

from typing import Any

from fastapi import APIRouter, Request
from pydantic import Field, ValidationError
from starlette.datastructures import UploadFile

from reseau_api.core.auth import AdminMember
from reseau_api.core.config import get_settings
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import InvalidBody
from reseau_api.core.openapi import problem_responses
from reseau_api.core.validation import WriteModel
from reseau_api.opendata import importer
from reseau_api.opendata import mapping as mappings
from reseau_api.opendata.exceptions import ImportFileError, ImportFileRejected, ImportRowsRejected, ImportTooLarge
from reseau_api.opendata.schemas import ImportReportRead

router = APIRouter(prefix="/imports", tags=["open data"])

FILES = ("fichier", "fichier_mapping")


class ImportForm(WriteModel):
    """The text fields of the upload (the files are `fichier` and `fichier_mapping`)."""

    mapping: str | None = Field(default=None, max_length=100, description="Name of a shipped mapping (cget-2019)")
    partiel: bool = Field(default=False, description="Keep the valid rows when some are rejected")
    simulation: bool = Field(default=False, description="Report what would change; store nothing")
    source: str | None = Field(default=None, max_length=200, description="`source` of rows that give none")


def _upload_schema() -> dict[str, Any]:
    schema = ImportForm.model_json_schema()
    file = {"type": "string", "contentMediaType": "application/octet-stream"}
    schema["properties"] = {
        "fichier": {**file, "description": "CSV or GeoJSON, with the documented columns or a mapping"},
        **schema["properties"],
        "fichier_mapping": {**file, "description": "A mapping file (.json or .toml)"},
    }
    schema.pop("additionalProperties", None)
    return {**schema, "required": ["fichier"], "title": "ImportUpload"}


@router.post(
    "", summary="Import places from a CSV or GeoJSON file", response_model=ImportReportRead,
    responses=problem_responses(401, 403, 413, 422),
    openapi_extra={"requestBody": {"required": True,
                                   "content": {"multipart/form-data": {"schema": _upload_schema()}}}},
)
async def create_import(request: Request, session: SessionDep, admin: AdminMember) -> ImportReportRead:
    """Validate every row with the API's rules and store them all, or none when one is rejected (unless
    `partiel`); rows already imported (same `source` + `source_id`) are updated, not duplicated.
    Answers the report: per row `accepte`, `mis_a_jour`, `inchange` or `rejete` with its reasons.
    When rows are rejected in all-or-nothing mode: 422, nothing stored, the report in `rapport`.
    A row about a stored place changes only the columns the file has; each change is a revision in the
    place's history (author: your key; reason: the file name and its SHA-256), restorable by an admin.
    Administrators only: the key is checked before the body is read (the form is parsed here, not by the
    framework, which would spool a 10 MB upload before any dependency runs)."""
    fichier, fichier_mapping, form = await _read_upload(request)
    limit = get_settings().import_max_bytes
    content = await fichier.read(limit + 1)
    if len(content) > limit:
        raise ImportTooLarge(f"the file exceeds {limit} bytes (RESEAU_IMPORT_MAX_BYTES)")
    chosen = await _mapping(form.mapping, fichier_mapping)
    options = importer.ImportOptions(partial=form.partiel, dry_run=form.simulation, source=form.source)
    try:
        report = await importer.run_import(
            session, content, filename=fichier.filename or "import", mapping=chosen, options=options,
            actor=admin)
    except ImportFileError as exc:
        raise ImportFileRejected(str(exc)) from None
    body = report.as_json()
    if report.rejected and not form.partiel:
        raise ImportRowsRejected(body, report.rejected)
    return ImportReportRead.model_validate(body)


async def _read_upload(request: Request) -> tuple[UploadFile, UploadFile | None, ImportForm]:
    """The multipart form: the file, the optional mapping file and the validated text fields (422 naming
    each bad field, as for any body)."""
    form = await request.form(max_files=len(FILES), max_fields=len(ImportForm.model_fields))
    errors: list[dict[str, Any]] = []
    files: dict[str, UploadFile | None] = {}
    for name in FILES:
        value = form.get(name)
        if value is not None and not isinstance(value, UploadFile):
            errors.append({"in": "body", "pointer": f"/{name}", "detail": "expected a file"})
        files[name] = value if isinstance(value, UploadFile) else None
    if files["fichier"] is None and not errors:
        errors.append({"in": "body", "pointer": "/fichier", "detail": "Field required"})
    fields: dict[str, Any] = {}
    for name, value in form.multi_items():
        if name in FILES:
            continue
        if isinstance(value, UploadFile) or name in fields:
            errors.append({"in": "body", "pointer": f"/{name}", "detail": "expected one text value"})
        fields[name] = value
    try:
        options = ImportForm.model_validate(fields)
    except ValidationError as exc:
        errors += [{"in": "body", "pointer": "/" + "/".join(str(p) for p in e["loc"]), "detail": e["msg"]}
                   for e in exc.errors()]
    if errors:
        raise InvalidBody(errors)
    assert files["fichier"] is not None
    return files["fichier"], files["fichier_mapping"], options


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
