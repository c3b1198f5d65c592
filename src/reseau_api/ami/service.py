"""The AMI import: validate a whole CSV file, then replace the stored data set in one go, or touch nothing.

Used by `reseau-api ami import FILE.csv` and by the demo loader (the shipped reconstructed file), so
both go through the same checks. Helpers flush; the caller's use case commits.
"""

import csv
import hashlib
import io
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import ValidationError
from sqlalchemy import delete, insert, or_, select, text
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami.models import AmiApplication, AmiDataset
from reseau_api.ami.schemas import CandidatureRow
from reseau_api.core.spreadsheet import unescape_cell
from reseau_api.places.models import Place

SHIPPED_FILE = Path(__file__).resolve().parent / "data" / "candidatures_2017.csv"
RECONSTRUCTED_SOURCE = (
    "Jeu de données reconstruit (synthétique) : les résultats de l'AMI Tiers-Lieux 2017 de la Région "
    "Occitanie n'ont été publiés que sous forme de tableaux ; ces 154 candidatures sont inventées de "
    "façon que leurs agrégats égalent chacun des chiffres publiés. Aucune ligne ne décrit une "
    "candidature réelle (généré par scripts/reconstruct_ami.py)."
)

COLUMNS = ["id", "intitule", "type_projet", "mise_en_reseau", "departement", "nature", "forme_juridique",
           "plan_financement_5ans_eur", "defis", "besoins", "lieu"]
OPTIONAL_COLUMNS = {"lieu"}
MAX_BYTES = 5 * 1024 * 1024
MAX_ROWS = 5000
DELIMITERS = ",;\t"


@dataclass
class RejectedRow:
    line: int
    id: str | None
    reasons: list[str]


@dataclass
class ImportReport:
    source: str
    reconstructed: bool
    dry_run: bool = False
    rows_read: int = 0
    rejected: list[RejectedRow] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.file_errors and not self.rejected and self.rows_read > 0

    @property
    def valid(self) -> int:
        return self.rows_read - len(self.rejected)

    def lines(self) -> list[str]:
        if self.applied:
            outcome = "The stored data set was replaced."
        elif self.ok:
            outcome = "Dry run: the file is valid; nothing was changed."
        else:
            outcome = "Nothing was changed."
        out = [f"{self.rows_read} rows read, {self.valid} valid, {len(self.rejected)} rejected. {outcome}"]
        out += [f"file: {error}" for error in self.file_errors]
        for row in self.rejected:
            who = f" (id {row.id})" if row.id else ""
            out += [f"line {row.line}{who}: {reason}" for reason in row.reasons]
        return out


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def _reasons(exc: ValidationError) -> list[str]:
    reasons = []
    for error in exc.errors():
        message = error["msg"].removeprefix("Value error, ")
        column = str(error["loc"][0]) if error["loc"] else None
        reasons.append(f"{column}: {message}" if column else message)
    return reasons


def _decode(content: bytes, report: ImportReport) -> str | None:
    if len(content) > MAX_BYTES:
        report.file_errors.append(f"the file is larger than {MAX_BYTES // (1024 * 1024)} MB")
        return None
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        report.file_errors.append(f"line {line} is not UTF-8 text (save the file as 'CSV UTF-8')")
        return None


def _check_header(header: list[str], report: ImportReport) -> bool:
    seen = [h.strip().lower() for h in header]
    duplicates = sorted({h for h in seen if seen.count(h) > 1})
    unknown = [h for h in seen if h not in COLUMNS]
    missing = [c for c in COLUMNS if c not in seen and c not in OPTIONAL_COLUMNS]
    if duplicates:
        report.file_errors.append(f"duplicate column(s): {', '.join(duplicates)}")
    if unknown:
        report.file_errors.append(f"unknown column(s): {', '.join(unknown)}; expected: {', '.join(COLUMNS)}")
    if missing:
        report.file_errors.append(f"missing column(s): {', '.join(missing)}")
    return not (duplicates or unknown or missing)


def parse(content: bytes, report: ImportReport) -> list[tuple[int, CandidatureRow]]:
    """Every row validated with `CandidatureRow`; problems go to `report`, with file line numbers."""
    decoded = _decode(content, report)
    if decoded is None:
        return []
    first_line = decoded.split("\n", 1)[0]
    delimiter = max(DELIMITERS, key=first_line.count)
    reader = csv.reader(io.StringIO(decoded, newline=""), delimiter=delimiter)
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        report.file_errors.append("the file is empty")
        return []
    if not _check_header(header, report):
        return []
    columns = [h.strip().lower() for h in header]
    rows: list[tuple[int, CandidatureRow]] = []
    first_line_of: dict[str, int] = {}
    line = reader.line_num + 1
    for record in reader:
        start, line = line, reader.line_num + 1
        if not any(cell.strip() for cell in record):  # spreadsheets leave empty rows behind
            continue
        report.rows_read += 1
        if report.rows_read > MAX_ROWS:
            report.file_errors.append(f"more than {MAX_ROWS} rows")
            return []
        if len(record) != len(columns):
            report.rejected.append(RejectedRow(start, None, [
                f"{len(record)} fields where the header has {len(columns)} (a stray '{delimiter}'?)"]))
            continue
        cells = dict(zip(columns, (unescape_cell(c.strip()) for c in record), strict=True))
        try:
            row = CandidatureRow.model_validate(cells)
        except ValidationError as exc:
            report.rejected.append(RejectedRow(start, cells["id"].strip() or None, _reasons(exc)))
            continue
        if row.id in first_line_of:
            report.rejected.append(RejectedRow(start, row.id, [
                f"id: {row.id!r} is already used on line {first_line_of[row.id]}"]))
            continue
        first_line_of[row.id] = start
        rows.append((start, row))
    if report.rows_read == 0 and not report.file_errors:
        report.file_errors.append("the file has a header but no rows")
    return rows


async def resolve_places(
    session: AsyncSession, rows: list[tuple[int, CandidatureRow]], report: ImportReport,
) -> dict[str, uuid.UUID]:
    """`lieu` (slug or id) -> place id; rows naming an unknown place are rejected."""
    wanted = {row.lieu for _, row in rows if row.lieu}
    if not wanted:
        return {}
    ids = []
    for key in wanted:
        try:
            ids.append(uuid.UUID(key))
        except ValueError:
            pass
    found = (await session.execute(
        select(Place.id, Place.slug).where(or_(Place.slug.in_(wanted), Place.id.in_(ids)))
    )).all()
    resolved = {slug: place_id for place_id, slug in found} | {str(place_id): place_id for place_id, _ in found}
    for line, row in rows:
        if row.lieu and row.lieu not in resolved:
            report.rejected.append(RejectedRow(line, row.id, [f"lieu: no place with slug or id {row.lieu!r}"]))
    report.rejected.sort(key=lambda r: r.line)
    return resolved


async def replace(
    session: AsyncSession, rows: list[CandidatureRow], places: dict[str, uuid.UUID], report: ImportReport,
    file_sha256: str,
) -> None:
    """Swap the whole data set. Concurrent imports queue on the lock; readers keep the old rows until commit."""
    await session.execute(text("LOCK TABLE ami_application IN EXCLUSIVE MODE"))
    await session.execute(delete(AmiApplication))
    await session.execute(insert(AmiApplication), [
        {
            "id": r.id, "title": r.intitule, "project_kind": r.type_projet, "networking": r.mise_en_reseau,
            "department_code": r.departement, "holder_nature": r.nature, "legal_form": r.forme_juridique,
            "financing_plan_eur": r.plan_financement_5ans_eur, "challenges": r.defis, "needs": r.besoins,
            "place_id": places[r.lieu] if r.lieu else None,
        }
        for r in rows
    ])
    values = {"source": report.source, "reconstructed": report.reconstructed, "file_sha256": file_sha256,
              "row_count": len(rows)}
    await session.execute(
        pg_insert(AmiDataset).values(id=1, **values)
        .on_conflict_do_update(index_elements=["id"], set_={**values, "loaded_at": text("now()")})
    )
    await session.flush()


async def import_csv(
    session: AsyncSession, content: bytes, *, source: str | None = None, reconstructed: bool = False,
    dry_run: bool = False,
) -> ImportReport:
    """Validate every row; replace the stored data set only when all are valid (and not a dry run).

    The shipped reconstructed file is recognised by its hash and always labelled as reconstructed.
    """
    digest = sha256(content)
    if SHIPPED_FILE.exists() and digest == sha256(SHIPPED_FILE.read_bytes()):
        source, reconstructed = RECONSTRUCTED_SOURCE, True
    report = ImportReport(
        source=source or "Région Occitanie, AMI Tiers-Lieux 2017 : fichier des candidatures",
        reconstructed=reconstructed, dry_run=dry_run,
    )
    parsed = parse(content, report)
    places = await resolve_places(session, parsed, report) if report.ok else {}
    if report.ok and not dry_run:
        await replace(session, [row for _, row in parsed], places, report, digest)
        report.applied = True
    return report


async def count(session: AsyncSession) -> int:
    return (await session.execute(text("SELECT count(*) FROM ami_application"))).scalar_one()
