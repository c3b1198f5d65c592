"""Reading an import file as it comes from real life: CSV or GeoJSON, any usual encoding and separator.

- Encoding: a BOM decides (UTF-8 or UTF-16); otherwise strict UTF-8, then Windows-1252, then Latin-1.
- CSV separator: the one of `;`, `,` or tab that occurs most in the header line (outside quotes).
- Cells are stripped (non-breaking spaces too); empty lines and lines of empty cells are skipped.
- GeoJSON: a FeatureCollection whose properties are the columns and whose Point geometry gives
  `longitude` and `latitude`.

Everything here is about the file's shape; what the values mean is decided later (native.py).
"""

import codecs
import csv
import io
import json
from dataclasses import dataclass, field
from typing import Any

from reseau_api.core.spreadsheet import unescape_cell
from reseau_api.opendata.exceptions import ImportFileError

DELIMITERS = (";", ",", "\t")
DELIMITER_NAMES = {";": "semicolon", ",": "comma", "\t": "tab"}


@dataclass
class RawRow:
    line: int  # line of the file where the row starts (CSV), or feature number from 1 (GeoJSON)
    values: dict[str, Any]  # column name as in the file -> value (str for CSV; JSON values for GeoJSON)
    errors: list[str] = field(default_factory=list)  # shape problems of this row (too many cells…)


@dataclass
class ParsedFile:
    format: str  # "csv" or "geojson"
    encoding: str
    delimiter: str | None
    columns: list[str]
    rows: list[RawRow]
    warnings: list[str] = field(default_factory=list)


def decode(data: bytes) -> tuple[str, str]:
    """The text of the file and the name of the encoding it was read with."""
    if data.startswith(b"PK\x03\x04"):
        raise ImportFileError("this is a zip or spreadsheet file (.xlsx/.ods): save it as CSV (UTF-8) first")
    if data.startswith(codecs.BOM_UTF8):
        try:
            return data[len(codecs.BOM_UTF8):].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ImportFileError(f"the file starts with a UTF-8 BOM but is not UTF-8 (byte {exc.start})") from None
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-16"), "utf-16"
        except UnicodeDecodeError:
            raise ImportFileError("the file starts with a UTF-16 BOM but is not UTF-16") from None
    if b"\x00" in data:
        raise ImportFileError("the file contains NUL bytes: it is not a text (CSV or GeoJSON) file")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def detect_format(text: str, filename: str | None) -> str:
    name = (filename or "").lower()
    if name.endswith((".geojson", ".json")):
        return "geojson"
    if name.endswith((".csv", ".txt", ".tsv")):
        return "csv"
    return "geojson" if text.lstrip().startswith("{") else "csv"


def detect_delimiter(header_line: str) -> str:
    """The candidate separator found most often in the header line, outside quoted names."""
    counts = dict.fromkeys(DELIMITERS, 0)
    quoted = False
    for char in header_line:
        if char == '"':
            quoted = not quoted
        elif not quoted and char in counts:
            counts[char] += 1
    best = max(DELIMITERS, key=lambda d: counts[d])
    return best if counts[best] else ","


def read(data: bytes, filename: str | None, *, max_rows: int) -> ParsedFile:
    text, encoding = decode(data)
    if not text.strip():
        raise ImportFileError("the file is empty")
    if detect_format(text, filename) == "geojson":
        return _read_geojson(text, encoding, max_rows=max_rows)
    return _read_csv(text, encoding, max_rows=max_rows)


def _clean(cell: str) -> str:
    # str.strip() also removes non-breaking and other Unicode spaces; then the exporter's own escaping
    # of formula-like cells is undone (core/spreadsheet.py), so that export -> import is lossless.
    return unescape_cell(cell.strip())


def _read_csv(text: str, encoding: str, *, max_rows: int) -> ParsedFile:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = detect_delimiter(first_line)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    header: list[str] | None = None
    keep: list[int] = []
    rows: list[RawRow] = []
    warnings: list[str] = []
    last_line = 0
    try:
        for record in reader:
            start, last_line = last_line + 1, reader.line_num
            cells = [_clean(c) for c in record]
            if not any(cells):
                continue  # empty line, or a line of empty cells
            if header is None:
                header, keep = _header(cells, warnings)
                continue
            if len(rows) >= max_rows:
                raise ImportFileError(f"more than {max_rows} rows: split the file (RESEAU_IMPORT_MAX_ROWS)")
            row = RawRow(start, {header[i]: (cells[i] if i < len(cells) else "") for i in keep})
            extra = [c for c in cells[len(header):] if c]
            if extra:
                row.errors.append(f"{len(cells)} cells but the header has {len(header)} columns "
                                  "(a separator inside an unquoted value?)")
            rows.append(row)
    except csv.Error as exc:
        raise ImportFileError(f"line {reader.line_num}: malformed CSV ({exc})") from None
    if header is None:
        raise ImportFileError("the file has no header line")
    return ParsedFile("csv", encoding, delimiter, [header[i] for i in keep], rows, warnings)


def _header(cells: list[str], warnings: list[str]) -> tuple[list[str], list[int]]:
    names = [c.lstrip("\ufeff").strip() for c in cells]
    seen: dict[str, str] = {}
    keep = []
    for index, name in enumerate(names):
        if not name:
            continue
        key = name.casefold()
        if key in seen:
            raise ImportFileError(f"column {name!r} appears twice in the header")
        seen[key] = name
        keep.append(index)
    if len(keep) < len(names):
        warnings.append("columns without a name in the header were ignored")
    return names, keep


def _read_geojson(text: str, encoding: str, *, max_rows: int) -> ParsedFile:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFileError(f"not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})") from None
    if not isinstance(document, dict) or document.get("type") != "FeatureCollection" \
            or not isinstance(document.get("features"), list):
        raise ImportFileError('a GeoJSON import must be a FeatureCollection ({"type": "FeatureCollection", '
                              '"features": [...]})')
    features = document["features"]
    if len(features) > max_rows:
        raise ImportFileError(f"more than {max_rows} features: split the file (RESEAU_IMPORT_MAX_ROWS)")
    columns: dict[str, None] = {}
    rows = []
    for number, feature in enumerate(features, start=1):
        row = RawRow(number, {})
        if not isinstance(feature, dict) or feature.get("type") != "Feature":
            row.errors.append("not a GeoJSON Feature")
            rows.append(row)
            continue
        properties = feature.get("properties") or {}
        if not isinstance(properties, dict):
            row.errors.append("properties must be an object")
            properties = {}
        row.values = {str(k).strip(): (v.strip() if isinstance(v, str) else v) for k, v in properties.items()}
        _point(feature.get("geometry"), row)
        columns.update(dict.fromkeys(row.values))
        rows.append(row)
    return ParsedFile("geojson", encoding, None, list(columns), rows)


def _point(geometry: Any, row: RawRow) -> None:
    """A Point geometry sets longitude and latitude; a null geometry leaves the place without position."""
    if geometry is None:
        return
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        kind = geometry.get("type") if isinstance(geometry, dict) else type(geometry).__name__
        row.errors.append(f"geometry must be a Point (got {kind})")
        return
    coordinates = geometry.get("coordinates")
    if not isinstance(coordinates, list) or len(coordinates) < 2 \
            or not all(isinstance(c, int | float) and not isinstance(c, bool) for c in coordinates[:2]):
        row.errors.append("Point coordinates must be [longitude, latitude] numbers")
        return
    row.values["longitude"], row.values["latitude"] = coordinates[0], coordinates[1]
