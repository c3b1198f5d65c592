"""The native import columns (the API's field names, flattened) and their conversion to a PlaceWrite input.

A file with native columns needs no mapping; a foreign file is first mapped onto them (mapping.py).
Values arrive as text (CSV) or JSON values (GeoJSON); here they become the types PlaceWrite expects,
accepting what spreadsheets produce: decimal commas, `oui`/`non`, `31/12/2026`, French labels instead
of codes, a postcode whose leading zero was eaten. Whatever cannot be read is a reason to reject the row,
named by its column.
"""

import json
import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any
from uuid import UUID

from pydantic import ValidationError

from reseau_api.core.fields import Out, fields
from reseau_api.places import fields as place_fields
from reseau_api.places import vocabulary as vocab
from reseau_api.places.schemas import PlaceWrite

# Column -> what it holds: the write fields of the field table (places.fields), in CSV order.
TEXT, CODE, LIST, CODE_LIST, URL_LIST, INT, DECIMAL, FLOAT, BOOL, DATE, CLOSURES = (
    "text", "code", "list", "code_list", "url_list", "int", "decimal", "float", "bool", "date", "closures")
WRITE_COLUMNS: dict[str, str] = {f.name: f.kind.importer for f in fields(place_fields.FIELDS, Out.WRITE)}
IDENTITY_COLUMNS = ("source", "source_id", "id")
# The native columns are the CSV export's: the write fields, the identity, and (ignored) server-managed ones.
NATIVE_COLUMNS = tuple(place_fields.CSV_COLUMNS)
EXPORT_ONLY_COLUMNS = tuple(c for c in NATIVE_COLUMNS if c not in WRITE_COLUMNS and c not in IDENTITY_COLUMNS)

# Nested write objects (teletravail, identifiants) -> their flat columns
GROUPS = {group: tuple(columns) for group, columns in place_fields.GROUPS.items()}
GROUP_OF = {column: group for group, columns in GROUPS.items() for column in columns}

VOCABULARIES: dict[str, dict[str, str]] = {
    "statut": vocab.STATUSES, "projet": vocab.PROJECT_KINDS, "types": vocab.PLACE_TYPES,
    "services": vocab.SERVICES, "publics": vocab.AUDIENCES,
}
# code or French label (any case) -> code
_SYNONYMS = {
    column: {**{label.casefold(): code for code, label in terms.items()},
             **{code.casefold(): code for code in terms}}
    for column, terms in VOCABULARIES.items()
}
_TRUE = {"true", "vrai", "oui", "yes", "1", "x"}
_FALSE = {"false", "faux", "non", "no", "0"}
_SPACES = re.compile(r"[\s\u00a0\u202f]")
_FR_DATE = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
MAX_SOURCE_ID = 100
MAX_SOURCE = 200


@dataclass
class Reason:
    field: str | None  # the native column at fault, or None for the row as a whole
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"champ": self.field, "message": self.message}


@dataclass
class PlaceInput:
    """A row made ready for PlaceWrite, with its identity and what went wrong on the way."""

    line: int
    fields: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    source_id: str | None = None
    place_id: UUID | None = None
    reasons: list[Reason] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)
    data: PlaceWrite | None = None
    # Those of `reasons` that come from PlaceWrite on the row alone: a row about a stored place is
    # validated again with the stored values of the columns the file lacks.
    invalid: list[Reason] = field(default_factory=list)
    present: set[str] = field(default_factory=set)  # the write columns the row has: the only ones it changes


def native_header(columns: list[str]) -> tuple[dict[str, str], list[str]]:
    """File column -> native column (case-insensitive), and the file's columns that are not native."""
    known = {c.casefold(): c for c in NATIVE_COLUMNS}
    renames, unknown = {}, []
    for column in columns:
        if column.casefold() in known:
            renames[column] = known[column.casefold()]
        else:
            unknown.append(column)
    return renames, unknown


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or value == []


def to_place_input(line: int, values: dict[str, Any], *, default_source: str | None) -> PlaceInput:
    """Native columns -> PlaceWrite input fields + identity; conversion problems become reasons."""
    row = PlaceInput(line, present={c for c in WRITE_COLUMNS if c in values})
    for column, kind in WRITE_COLUMNS.items():
        value = values.get(column)
        if is_empty(value):
            continue
        try:
            row.fields[column] = _convert(column, kind, value, row)
        except ValueError as exc:
            row.reasons.append(Reason(column, str(exc)))
    _identity(row, values, default_source)
    _nest(row)
    return row


def _identity(row: PlaceInput, values: dict[str, Any], default_source: str | None) -> None:
    source = _text(values.get("source")) or default_source
    source_id = _text(values.get("source_id"))
    raw_id = _text(values.get("id"))
    if raw_id:
        try:
            row.place_id = UUID(raw_id)
        except ValueError:
            row.reasons.append(Reason("id", "must be the UUID of a place exported by reseau-api; "
                                            "put your own identifiers in source_id"))
    source_id = source_id or raw_id
    if not source:
        row.reasons.append(Reason("source", "no source: give a source column, the mapping's source, or --source"))
    elif len(source) > MAX_SOURCE:
        row.reasons.append(Reason("source", f"at most {MAX_SOURCE} characters"))
    if not source_id:
        row.reasons.append(Reason("source_id", "required: the row's identifier in its source "
                                               "(so that a re-run updates instead of duplicating)"))
    elif len(source_id) > MAX_SOURCE_ID:
        row.reasons.append(Reason("source_id", f"at most {MAX_SOURCE_ID} characters"))
    row.source, row.source_id = source, source_id


def _nest(row: PlaceInput) -> None:
    """Flat columns -> the nested shape of PlaceWrite (position, teletravail, identifiants)."""
    fields = row.fields
    lon, lat = fields.pop("longitude", None), fields.pop("latitude", None)
    if (lon is None) != (lat is None):
        if not any(r.field in ("longitude", "latitude") for r in row.reasons):
            missing = "latitude" if lat is None else "longitude"
            row.reasons.append(Reason(missing, "longitude and latitude go together: give both or neither"))
    elif lon is not None:
        fields["position"] = {"lon": lon, "lat": lat}
    for group, columns in GROUPS.items():
        values = {c: fields.pop(c) for c in columns if c in fields}
        if values:
            fields[group] = values


def overlay(current: dict[str, Any], row: PlaceInput) -> dict[str, Any]:
    """The stored representation with the row's columns written over it; columns the file does not
    have keep their stored value, an empty cell clears its field."""
    merged = {**current, **{group: dict(current.get(group) or {}) for group in GROUPS}}
    for column in row.present:
        if column in ("longitude", "latitude"):
            merged["position"] = row.fields.get("position")
        elif column in GROUP_OF:
            group = GROUP_OF[column]
            empty = [] if isinstance(merged[group].get(column), list) else None
            merged[group][column] = (row.fields.get(group) or {}).get(column, empty)
        else:
            merged[column] = row.fields.get(column, [] if isinstance(current.get(column), list) else None)
    return merged


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return str(value).strip() or None


def _convert(column: str, kind: str, value: Any, row: PlaceInput) -> Any:
    if kind == TEXT:
        if isinstance(value, dict | list):
            raise ValueError("expected text")
        text = str(value).strip() if not isinstance(value, bool) else str(value).lower()
        if column in ("code_postal", "code_insee") and text.isdigit() and len(text) == 4:
            row.warnings.append(Reason(column, f"{text!r} read as {text.zfill(5)!r} (a spreadsheet ate the "
                                               "leading zero)"))
            text = text.zfill(5)
        if column == "departement" and text.isdigit() and len(text) == 1:
            text = text.zfill(2)
        return text
    if kind == CODE:
        return _code(column, value)
    if kind == CODE_LIST:
        items = value if isinstance(value, list) else re.split(r"[|,]", str(value))
        return [_code(column, item) for item in items if not is_empty(item)]
    if kind == URL_LIST:
        items = value if isinstance(value, list) else str(value).split("|")
        return [str(item).strip() for item in items if not is_empty(item)]
    if kind == INT:
        number = _decimal(value)
        if number != number.to_integral_value():
            raise ValueError(f"must be a whole number (got {value!r})")
        return int(number)
    if kind == DECIMAL:
        return _decimal(value)
    if kind == FLOAT:
        return float(_decimal(value))
    if kind == BOOL:
        return _bool(value)
    if kind == DATE:
        return _date(value)
    if kind == CLOSURES:  # `fermetures`: the JSON the CSV export writes (a list in GeoJSON)
        try:
            items = value if isinstance(value, list) else json.loads(str(value))
        except ValueError:
            raise ValueError('expected a JSON list of {"du", "au", "motif"} (as the export writes it)') from None
        if not isinstance(items, list):
            raise ValueError('expected a JSON list of {"du", "au", "motif"} (as the export writes it)')
        return items
    raise AssertionError(kind)


def _code(column: str, value: Any) -> str:
    text = str(value).strip()
    return _SYNONYMS[column].get(text.casefold(), text)


def _decimal(value: Any) -> Decimal:
    if isinstance(value, bool):
        raise ValueError(f"expected a number (got {value!r})")
    if isinstance(value, int | float):
        text = repr(value)
    else:
        text = _SPACES.sub("", str(value))
        if "," in text and "." in text:
            raise ValueError(f"ambiguous number {value!r}: use one decimal separator and no thousands separator")
        text = text.replace(",", ".")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise ValueError(f"expected a number (got {value!r})") from None
    if not number.is_finite():
        raise ValueError(f"expected a finite number (got {value!r})")
    return number


def _bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    text = str(value).strip().casefold()
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    raise ValueError(f"expected true/false or oui/non (got {value!r})")


def _date(value: Any) -> date:
    text = str(value).strip()
    french = _FR_DATE.match(text)
    try:
        if french:
            day, month, year = (int(g) for g in french.groups())
            return date(year, month, day)
        return date.fromisoformat(text[:10]) if len(text) >= 10 else date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"expected a date, YYYY-MM-DD or DD/MM/YYYY (got {value!r})") from None


# PlaceWrite location -> native column, for the report.
_LOCATIONS = {"position": "longitude", "lon": "longitude", "lat": "latitude"}


def validate(row: PlaceInput) -> None:
    """Run the API's write rules; each failure becomes a reason naming the native column."""
    row.data, row.invalid = None, []
    if row.reasons:
        return
    row.data, row.invalid = check(row.fields)
    row.reasons.extend(row.invalid)


def check(fields: dict[str, Any]) -> tuple[PlaceWrite | None, list[Reason]]:
    """PlaceWrite of `fields`, or the reasons (named by native column) why not."""
    try:
        return PlaceWrite.model_validate(fields), []
    except ValidationError as exc:
        return None, [Reason(_column(error["loc"]), _message(error)) for error in exc.errors()]


def _column(loc: tuple[Any, ...]) -> str | None:
    names = [part for part in loc if isinstance(part, str)]
    if not names:
        return None
    return _LOCATIONS.get(names[-1], names[-1])


def _message(error: dict[str, Any]) -> str:
    message = str(error["msg"]).removeprefix("Value error, ")
    value = error.get("input")
    if error["type"] in ("literal_error", "enum") and isinstance(value, str):
        message = f"{value!r} is not allowed: {message}"
    return message

