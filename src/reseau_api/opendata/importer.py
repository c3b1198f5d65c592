"""Bulk import of places from CSV or GeoJSON: validate every row with the API's rules, then store
all of them or none (unless `partial`), updating rows already imported instead of duplicating them.

Identity of a row: (`source`, `source_id`). A row from one of our own exports also carries `id`: when
a place with that id exists, it is the one updated (re-importing an export changes nothing).

Per-row writes go through `upsert()`, the one place where an imported row becomes a stored place.
"""

from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from sqlalchemy import func, select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.opendata import native, reader
from reseau_api.opendata.exceptions import ImportFileError, ImportFileTooLarge
from reseau_api.opendata.mapping import Mapping
from reseau_api.opendata.native import PlaceInput, Reason
from reseau_api.opendata.report import ImportReport, RowResult, Status
from reseau_api.places import service
from reseau_api.places.exceptions import PositionOutsideDepartment
from reseau_api.places.models import Place
from reseau_api.places.schemas import PlaceWrite, Position
from reseau_api.territories.models import Departement

# Column of `place` (as service.to_columns names them) -> native import column, for the report.
COLUMN_FIELDS: dict[str, str] = {
    "name": "nom", "description": "description", "status": "statut", "opening_planned_date": "ouverture_prevue",
    "project_kind": "projet", "networking": "mise_en_reseau", "types": "types", "services": "services",
    "address": "adresse", "postcode": "code_postal", "commune": "commune", "insee_code": "code_insee",
    "department_code": "departement", "geom": "longitude/latitude", "desks": "postes",
    "private_offices": "bureaux_prives", "meeting_rooms": "salles_reunion", "price_half_day": "prix_demi_journee",
    "price_day": "prix_journee", "price_month": "prix_mois", "booking_url": "reservation_url",
    "access_24_7": "acces_24_7", "audiences": "publics", "bandwidth_mbps": "debit_internet_mbps",
    "opening_hours": "horaires", "email": "email", "phone": "telephone", "website": "site_web",
    "accessibility": "accessibilite", "images": "images",
}


@dataclass
class UpsertResult:
    status: Status  # "accepted" (created), "updated" or "unchanged"
    place: Place
    changed: list[str] = field(default_factory=list)  # native columns that changed


async def upsert(
    session: AsyncSession, data: PlaceWrite, source: str, source_id: str, *,
    place_id: UUID | None = None, moderation: str = "publie", current: Place | Literal["lookup"] | None = "lookup",
) -> UpsertResult:
    """Create the place of (source, source_id), or bring the stored one in line with `data`.

    A stored place is compared column by column with `service.to_columns(data)`; when something
    differs, the changed columns are written, `version` is bumped and `updated_at` set. Moderation,
    slug, organisation and identity are left alone. Flushes; the caller's use case commits.
    Raises PositionOutsideDepartment like `service.create`, before writing anything.
    `current`: the place of (source, source_id) (or None) when the caller already looked it up.
    """
    place = await session.get(Place, place_id) if place_id is not None else None
    if place is None and isinstance(current, Place):
        place = current
    elif place is None and current == "lookup":
        place = (await session.execute(
            select(Place).where(Place.source == source, Place.source_id == source_id)
        )).scalar_one_or_none()
    if place is None:
        created = await service.create(session, data, moderation=moderation, source=source, source_id=source_id)
        return UpsertResult("accepted", created)
    await service.check_position(session, data.departement, data.position)
    columns = service.to_columns(data)
    changed = [c for c, value in columns.items() if not _same(place, c, value, data.position)]
    if not changed:
        return UpsertResult("unchanged", place)
    for column in changed:
        setattr(place, column, columns[column])
    place.version = place.version + 1
    place.updated_at = func.now()
    await session.flush()
    await session.refresh(place)
    return UpsertResult("updated", place, [COLUMN_FIELDS.get(c, c) for c in changed])


# Positions are compared at the precision of the exports (6 decimals, ~10 cm): re-importing an export of a
# place positioned more precisely than that is not a change. Half a unit of the 6th decimal, plus float noise
# (PostgreSQL rounds the decimal text, Python the binary double: they may differ on a trailing 5).
POSITION_TOLERANCE = 0.5e-6 + 1e-9


def _same(place: Place, column: str, value: Any, position: Position | None) -> bool:
    if column == "geom":
        if position is None or place.lon is None or place.lat is None:
            return position is None and place.lon is None
        return (abs(place.lon - float(position.lon)) <= POSITION_TOLERANCE
                and abs(place.lat - float(position.lat)) <= POSITION_TOLERANCE)
    stored = getattr(place, column)
    if isinstance(stored, list):
        return list(stored) == list(value or [])
    return stored == value


@dataclass
class ImportOptions:
    partial: bool = False  # keep the valid rows when some are rejected
    dry_run: bool = False  # report what would change, store nothing
    source: str | None = None  # default `source` of the rows (else the mapping's)
    moderation: str = "publie"  # moderation state of created places


async def run_import(
    session: AsyncSession, content: bytes, *, filename: str, mapping: Mapping | None = None,
    options: ImportOptions | None = None,
) -> ImportReport:
    """Read, validate and (unless told otherwise) store a file; commit once at the end, or not at all.

    Raises ImportFileError when the file as a whole cannot be read (no row is stored then).
    """
    options = options or ImportOptions()
    limits = get_settings()
    if len(content) > limits.import_max_bytes:
        raise ImportFileTooLarge(
            f"the file has {len(content)} bytes, more than {limits.import_max_bytes} (RESEAU_IMPORT_MAX_BYTES)")
    parsed = reader.read(content, filename, max_rows=limits.import_max_rows)
    report = ImportReport(
        file=filename, format=parsed.format, encoding=parsed.encoding, delimiter=parsed.delimiter,
        mapping=mapping.name if mapping else None, partial=options.partial, dry_run=options.dry_run,
        warnings=list(parsed.warnings),
    )
    rows = _prepare(parsed, mapping, options, report)
    _reject_duplicates(rows)
    departments = set((await session.execute(select(Departement.code))).scalars())
    known = await _known_places(session, rows)
    savepoint = await session.begin_nested()
    try:
        for row in rows:
            report.rows.append(await _store(session, row, departments, known, options))
    except BaseException:
        await savepoint.rollback()
        raise
    report.applied = not options.dry_run and (options.partial or report.rejected == 0)
    if report.applied:
        await savepoint.commit()
        await session.commit()
    else:
        await savepoint.rollback()
        for result in report.rows:
            if result.status == "accepted":
                result.place_id = None  # its creation was rolled back
    return report


def _prepare(parsed: reader.ParsedFile, mapping: Mapping | None, options: ImportOptions,
             report: ImportReport) -> list[PlaceInput]:
    """Every row through the mapping (or the native header), the conversions and PlaceWrite."""
    if mapping is not None:
        report.ignored_columns = mapping.check_file(parsed.columns)
        renames: dict[str, str] = {}
    else:
        renames, unknown = native.native_header(parsed.columns)
        if unknown:
            raise ImportFileError(
                f"unknown column(s) {', '.join(unknown)}: use the documented columns "
                f"({', '.join(native.NATIVE_COLUMNS)}) or a mapping file (--mapping)")
    default_source = options.source or (mapping.source if mapping else None)
    rows = []
    for raw in parsed.rows:
        if mapping is not None:
            values, warnings = mapping.apply(raw.values)
        else:
            values, warnings = {renames[k]: v for k, v in raw.values.items()}, []
        row = _validated(raw, values, default_source)
        droppable = mapping.drop_invalid if mapping is not None else set()
        dropped = [r for r in row.reasons if r.field in droppable]
        if dropped:  # invalid values the mapping allows to drop: without them, does the row pass?
            for reason in dropped:
                values.pop(reason.field or "", None)
                warnings.append(Reason(reason.field, f"invalid value dropped ({reason.message})"))
            row = _validated(raw, values, default_source)
        row.warnings[:0] = warnings
        rows.append(row)
    return rows


def _validated(raw: reader.RawRow, values: dict[str, Any], default_source: str | None) -> PlaceInput:
    row = native.to_place_input(raw.line, values, default_source=default_source)
    row.reasons[:0] = [Reason(None, error) for error in raw.errors]
    native.validate(row)
    return row


async def _known_places(session: AsyncSession, rows: list[PlaceInput]) -> dict[tuple[str, str], Place]:
    """The stored places of the file's (source, source_id) pairs, in a few queries instead of one per row."""
    pairs = sorted({(r.source, r.source_id) for r in rows if r.source and r.source_id and not r.reasons})
    ids = sorted({r.place_id for r in rows if r.place_id and not r.reasons})
    known: dict[tuple[str, str], Place] = {}
    for start in range(0, len(pairs), 1000):
        chunk = pairs[start:start + 1000]
        for place in (await session.execute(
            select(Place).where(tuple_(Place.source, Place.source_id).in_(chunk))
        )).scalars():
            known[(place.source, place.source_id)] = place  # type: ignore[index]
    for start in range(0, len(ids), 1000):  # loaded into the identity map: session.get() is then free
        await session.execute(select(Place).where(Place.id.in_(ids[start:start + 1000])))
    return known


def _reject_duplicates(rows: list[PlaceInput]) -> None:
    """Two rows for the same place would make the result depend on their order: both are suspicious,
    the later one is rejected."""
    first_line: dict[Any, int] = {}
    for row in rows:
        keys = []
        if row.source and row.source_id:
            keys.append(("source", row.source, row.source_id))
        if row.place_id:
            keys.append(("id", row.place_id))
        for key in keys:
            if key in first_line:
                what = "id" if key[0] == "id" else "source_id"
                row.reasons.append(Reason(what, f"same {what} as line {first_line[key]}: one row per place"))
                break
        for key in keys:
            first_line.setdefault(key, row.line)


async def _store(session: AsyncSession, row: PlaceInput, departments: set[str], known: dict[tuple[str, str], Place],
                 options: ImportOptions) -> RowResult:
    result = RowResult(row.line, row.source_id, "rejected", reasons=row.reasons, warnings=row.warnings)
    if row.reasons or row.data is None:
        return result
    if row.data.departement not in departments:
        result.reasons = [Reason("departement", f"department {row.data.departement} is not in the department "
                                                "reference table (metropolitan France only)")]
        return result
    assert row.source is not None and row.source_id is not None
    try:  # upsert checks the position before it writes anything: a refusal leaves nothing to undo
        outcome = await upsert(session, row.data, row.source, row.source_id, place_id=row.place_id,
                               moderation=options.moderation, current=known.get((row.source, row.source_id)))
    except PositionOutsideDepartment as exc:
        result.reasons = [Reason("longitude", exc.detail)]
        return result
    result.status, result.place_id, result.changed = outcome.status, outcome.place.id, outcome.changed
    return result
