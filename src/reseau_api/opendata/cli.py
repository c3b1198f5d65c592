"""`reseau-api lieux import FILE` and `reseau-api export [FOLDER]`.

Exit codes of the import: 0 done (or dry run that would succeed), 1 rows rejected in all-or-nothing
mode (nothing stored), 2 the file or the mapping cannot be used at all.
"""

import json
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.commands import fail, run_in_session
from reseau_api.core.config import get_settings
from reseau_api.opendata import datainclusion, exports, importer, mednum
from reseau_api.opendata import mapping as mappings
from reseau_api.opendata.exceptions import ImportFileError
from reseau_api.opendata.report import ImportReport
from reseau_api.places.states import PlaceState

lieux_app = typer.Typer(help="Places: bulk import from CSV or GeoJSON.", no_args_is_help=True)
T = TypeVar("T")


def _with_session(work: Callable[[AsyncSession], Awaitable[T]]) -> T:
    """Bulk work: no statement timeout."""
    from reseau_api import models  # noqa: F401  (every mapper configured)

    return run_in_session(work, statement_timeout_ms=0)


def _fail(message: str, code: int = 2) -> NoReturn:
    fail(message, code)


@lieux_app.command("import")
def import_places(
    file: Annotated[Path, typer.Argument(help="CSV or GeoJSON file (see docs/import.md)", exists=True,
                                         dir_okay=False, readable=True)],
    mapping: Annotated[str | None, typer.Option(
        "--mapping", help="Mapping file (.json/.toml) for a foreign file, or the name of a shipped one: "
                          "cget-2019")] = None,
    partiel: Annotated[bool, typer.Option("--partiel", help="Keep the valid rows when some are rejected")] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report what would change; store nothing")] = False,
    report: Annotated[Path | None, typer.Option("--report", help="Also write the JSON report there")] = None,
    source: Annotated[str | None, typer.Option(
        "--source", help="`source` of rows that do not give one (else the mapping's)")] = None,
    moderation: Annotated[str, typer.Option(
        "--moderation", help="Moderation state of created places: publie or a_valider")] = "publie",
) -> None:
    """Import places: every row validated like the API; all or nothing unless --partiel; re-runs update."""
    if moderation not in (PlaceState.PUBLIE, PlaceState.A_VALIDER):
        _fail("--moderation must be publie or a_valider")
    limit = get_settings().import_max_bytes
    if file.stat().st_size > limit:
        _fail(f"{file} has {file.stat().st_size} bytes, more than {limit} (RESEAU_IMPORT_MAX_BYTES)")
    try:
        chosen = mappings.load(mapping) if mapping else None
    except mappings.MappingError as exc:
        _fail(f"mapping: {exc}")
    options = importer.ImportOptions(partial=partiel, dry_run=dry_run, source=source, moderation=moderation)
    content = file.read_bytes()

    async def work(session: AsyncSession) -> ImportReport:
        return await importer.run_import(session, content, filename=file.name, mapping=chosen, options=options)

    try:
        result = _with_session(work)
    except ImportFileError as exc:
        _fail(f"{file.name}: {exc}")
    if report is not None:
        report.write_text(json.dumps(result.as_json(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    typer.echo(result.summary())
    if result.rejected and not partiel:
        raise typer.Exit(1)


def export(
    folder: Annotated[Path, typer.Argument(help="Where to write the files")] = Path("export"),
) -> None:
    """Write the open data files (lieux.csv, lieux.geojson, mediation-numerique.csv/.json,
    data-inclusion-structures.json/-services.json, SHA256SUMS): the same bytes as /v1/export/…"""

    async def work(session: AsyncSession) -> tuple[list[tuple[str, bytes]], list[Any], list[Any]]:
        files = await exports.build_all(session)
        _, excluded = await mednum.records(session)
        _, left_out = await datainclusion.places(session)
        return files, excluded, left_out

    files, excluded, left_out = _with_session(work)
    for name, size, digest in exports.write_folder(folder, files):
        typer.echo(f"{folder / name}  {size} bytes  sha256 {digest}")
    for place in excluded:
        typer.echo(f"not in the national digital-mediation export: {place.nom} ({place.place_id}): {place.reason}")
    for place in left_out:
        typer.echo(f"not in the data·inclusion export: {place.nom} ({place.place_id}): {place.reason}")
