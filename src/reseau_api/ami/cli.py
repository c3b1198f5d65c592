"""`reseau-api ami import FILE.csv`: replace the AMI data set with a file, all or nothing."""

import asyncio
from pathlib import Path
from typing import Annotated

import typer

from reseau_api.ami.service import ImportReport, import_csv

app = typer.Typer(help="AMI Tiers-Lieux 2017: the applications data set.", no_args_is_help=True)


async def run_import(content: bytes, *, source: str | None, reconstructed: bool, dry_run: bool) -> ImportReport:
    from reseau_api import models  # noqa: F401  (every mapper configured)
    from reseau_api.core.db import SessionLocal, engine

    try:
        async with SessionLocal() as session:
            report = await import_csv(session, content, source=source, reconstructed=reconstructed,
                                      dry_run=dry_run)
            if report.applied:
                await session.commit()
    finally:
        await engine.dispose()
    return report


@app.command("import")
def import_file(
    file: Annotated[Path, typer.Argument(exists=True, dir_okay=False, readable=True, help="CSV file (UTF-8)")],
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Validate and report; change nothing")] = False,
    source: Annotated[str | None, typer.Option(help="Provenance served with the statistics")] = None,
    reconstruit: Annotated[bool, typer.Option(
        "--reconstruit", help="The file is synthetic (its statistics are labelled reconstruit: true)")] = False,
) -> None:
    """Replace the stored applications with FILE, only if every row is valid.

    Columns: id, intitule, type_projet, mise_en_reseau, departement, nature, forme_juridique,
    plan_financement_5ans_eur, defis, besoins, lieu (optional). Separator `,` or `;` (detected),
    UTF-8 with or without BOM. Rejected rows are listed with their line number and reasons; exit status 1.
    """
    label = source or f"Région Occitanie, AMI Tiers-Lieux 2017 : fichier des candidatures ({file.name})"
    report = asyncio.run(run_import(file.read_bytes(), source=label, reconstructed=reconstruit, dry_run=dry_run))
    for line in report.lines():
        typer.echo(line, err=not report.ok)
    if not report.ok:
        raise typer.Exit(1)
