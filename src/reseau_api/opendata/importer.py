"""Bulk import of places from CSV or GeoJSON: validate every row with the API's rules, then store
all of them or none (unless `partial`), updating rows already imported instead of duplicating them.

Identity of a row: (`source`, `source_id`). A row from one of our own exports also carries `id`: when
a place with that id exists, it is the one updated (re-importing an export changes nothing).

Per-row writes go through the editorial kernel (`create()` / `update()`), like the API's: a revision per
change, with the import's author and file hash.
"""

import hashlib
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, tuple_
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.core.config import get_settings
from reseau_api.editorial import history, kernel
from reseau_api.opendata import native, reader
from reseau_api.opendata.exceptions import ImportFileError, ImportFileTooLarge
from reseau_api.opendata.mapping import Mapping
from reseau_api.opendata.native import PlaceInput, Reason
from reseau_api.opendata.report import ImportReport, RowResult, Status
from reseau_api.places import duplicates, service
from reseau_api.places.editorial import PLACES
from reseau_api.places.exceptions import PositionOutsideDepartment
from reseau_api.places.models import Place
from reseau_api.places.schemas import PlaceWrite, Position
from reseau_api.places.states import PlaceState
from reseau_api.territories.models import Departement


@dataclass
class UpsertResult:
    status: Status  # "accepted" (created), "updated" or "unchanged"
    place: Place
    changed: list[str] = field(default_factory=list)  # native columns that changed
    warnings: list[Reason] = field(default_factory=list)


@dataclass(frozen=True)
class Provenance:
    """Who imports what: recorded on every revision the import writes (restorable like any other)."""

    actor: Member | None  # the admin key over HTTP, None for the command line
    reason: str  # "import <file> (sha256 <hex>)"
    label: str | None = None  # the source in the fields' provenance (the mapping's `provenance`)
    filename: str = ""

    def source(self, row: PlaceInput) -> str:
        """What the provenance of the fields a row sets names: the mapping's label, else the row's
        `source`, else the file."""
        return self.label or row.source or f"import {self.filename}"


async def _lookup(session: AsyncSession, row: PlaceInput, known: dict[tuple[str, str], Place]) -> Place | None:
    """The stored place a row is about: by `id` (our own exports), else by (source, source_id)."""
    place = await session.get(Place, row.place_id) if row.place_id is not None else None
    return place or known.get((row.source or "", row.source_id or ""))


async def create(session: AsyncSession, data: PlaceWrite, row: PlaceInput, *, moderation: str,
                 provenance: Provenance) -> UpsertResult:
    """A new place; a possible duplicate of another listing waits for an admin (`a_valider`, in the queue as
    `doublon`) instead of becoming a second published listing."""
    warnings = []
    if moderation == PlaceState.PUBLIE:
        found = await duplicates.find(session, duplicates.candidate(data), published_only=True)
        if found:
            moderation = PlaceState.A_VALIDER
            names = ", ".join(f"{d.name!r} ({duplicates.link(d.id)}: {', '.join(d.reasons)})" for d in found)
            warnings.append(Reason(None, f"possible duplicate of {names}: created as a_valider, listed in the "
                                         "moderation queue for an admin's decision"))
    place = await kernel.insert(session, PLACES, data, actor=provenance.actor, state=moderation,
                                organisation_id=None, reason=provenance.reason,
                                imported_from=provenance.source(row), source=row.source, source_id=row.source_id)
    return UpsertResult("accepted", place, warnings=warnings)


async def update(session: AsyncSession, place: Place, data: PlaceWrite, row: PlaceInput, *,
                 provenance: Provenance) -> UpsertResult:
    """Bring a stored place in line with `data` through the editorial kernel: row lock, new version and
    a revision naming the import, or nothing when nothing changed. Flushes; the import commits."""
    locked = await kernel.lock(session, PLACES, place, None, archived_ok=True)
    before, version = service.representation(locked), locked.version
    if _same_position(before.get("position"), data.position):
        data = data.model_copy(update={"position": Position.model_validate(before["position"])
                                       if before.get("position") else None})
    stored = await kernel.store(session, PLACES, locked, actor=provenance.actor, action="modification", data=data,
                                reason=provenance.reason, imported_from=provenance.source(row))
    if stored.version == version:
        return UpsertResult("unchanged", stored)
    changes = history.diff(before, service.representation(stored))
    return UpsertResult("updated", stored, sorted({_native(f) for f in changes}))


def _native(field_name: str) -> str:
    """History field name -> native import column, for the report."""
    if field_name == "position":
        return "longitude/latitude"
    return field_name.removeprefix("teletravail.").removeprefix("identifiants.")


# Positions are compared at the precision of the exports (6 decimals, ~10 cm): re-importing an export of a
# place positioned more precisely than that is not a change. Half a unit of the 6th decimal, plus float noise
# (PostgreSQL rounds the decimal text, Python the binary double: they may differ on a trailing 5).
POSITION_TOLERANCE = 0.5e-6 + 1e-9


def _same_position(stored: dict[str, float] | None, position: Position | None) -> bool:
    if stored is None or position is None:
        return False
    return (abs(stored["lon"] - float(position.lon)) <= POSITION_TOLERANCE
            and abs(stored["lat"] - float(position.lat)) <= POSITION_TOLERANCE)


@dataclass
class ImportOptions:
    partial: bool = False  # keep the valid rows when some are rejected
    dry_run: bool = False  # report what would change, store nothing
    source: str | None = None  # default `source` of the rows (else the mapping's)
    moderation: str = PlaceState.PUBLIE  # moderation state of created places


async def run_import(
    session: AsyncSession, content: bytes, *, filename: str, mapping: Mapping | None = None,
    options: ImportOptions | None = None, actor: Member | None = None,
) -> ImportReport:
    """Read, validate and (unless told otherwise) store a file; commit once at the end, or not at all.

    A row about a stored place changes only the columns the file has; every change is a revision whose
    author is `actor` (the admin key; None for the command line) and whose reason names the file and its
    SHA-256, so an admin can restore the version before it. Raises ImportFileError when the file as a
    whole cannot be read (no row is stored then).
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
    provenance = Provenance(actor, f"import {filename} (sha256 {hashlib.sha256(content).hexdigest()})",
                            label=mapping.provenance if mapping else None, filename=filename)
    rows = _prepare(parsed, mapping, options, report)
    _reject_duplicates(rows)
    departments = set((await session.execute(select(Departement.code))).scalars())
    known = await _known_places(session, rows)
    savepoint = await session.begin_nested()
    try:
        for row in rows:
            report.rows.append(await _store(session, row, departments, known, options, provenance))
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
    readable = [r for r in rows if len(r.reasons) == len(r.invalid)]
    pairs = sorted({(r.source, r.source_id) for r in readable if r.source and r.source_id})  # type: ignore[misc]
    ids = sorted({r.place_id for r in readable if r.place_id})
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
                 options: ImportOptions, provenance: Provenance) -> RowResult:
    result = RowResult(row.line, row.source_id, "rejected", reasons=row.reasons, warnings=row.warnings)
    if len(row.reasons) > len(row.invalid):  # unreadable values, identity or duplicate: rejected either way
        return result
    place = await _lookup(session, row, known)
    if place is None:
        data, invalid = row.data, row.invalid
    else:  # only the file's columns change: validate the stored place with them written over it
        data, invalid = native.check(native.overlay(service.representation(place), row))
    if data is None:
        result.reasons = invalid
        return result
    if data.departement not in departments:
        result.reasons = [Reason("departement", f"department {data.departement} is not in the department "
                                                "reference table (metropolitan France only)")]
        return result
    try:  # the kernel checks the position before it writes anything: a refusal leaves nothing to undo
        outcome = (await create(session, data, row, moderation=options.moderation, provenance=provenance)
                   if place is None else await update(session, place, data, row, provenance=provenance))
    except PositionOutsideDepartment as exc:
        result.reasons = [Reason("longitude", exc.detail)]
        return result
    except duplicates.IdentifierTaken as exc:  # a stored place given another published place's identifier
        result.reasons = [Reason(exc.field, exc.detail)]
        return result
    result.status, result.place_id, result.changed = outcome.status, outcome.place.id, outcome.changed
    result.warnings.extend(outcome.warnings)
    return result
