"""Mapping files: how a foreign file's columns and values become our native columns.

A mapping is a JSON or TOML file (docs/import.md):

- `columns`: foreign column -> native column, in order. Several foreign columns may feed the same
  native one: the first that is not empty wins (the census gives the commune in NOMCOM, or else in
  NOMCOMMETRO).
- `null_values`: per native column, foreign values that mean "unknown" (the census writes `0`).
- `transforms`: per native column, named clean-ups applied to the foreign value: `zfill5` (pad a
  numeric code lost in a spreadsheet to 5 digits), `url` (add `http://` when the scheme is missing,
  drop a URL truncated with `…`), `upper`, `lower`.
- `values`: per native column, foreign value -> native value (case-insensitive); a list column maps
  each item. A value mapped to "" is dropped.
- `constants`: native values for what the file does not say (used when the row gives nothing).
- `copies`: native column -> other native columns that take the same value when the row gives them
  nothing (the census row id is both the import's `source_id` and the place's `recensement_2019`).
- `drop_invalid`: native columns whose invalid values are dropped with a warning instead of
  rejecting the row (a broken website should not keep a place out).
- `source`: the default `source` of every row; `ignore`: foreign columns deliberately never read
  (documentation, and a guard: they may not appear in `columns`).

Mappings shipped with reseau-api live in `opendata/mappings/` and can be named without a path
(`--mapping cget-2019`).
"""

import json
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from reseau_api.opendata import native
from reseau_api.opendata.exceptions import ImportFileError
from reseau_api.opendata.native import Reason

SHIPPED = Path(__file__).resolve().parent / "mappings"
TRANSFORMS = ("zfill5", "url", "upper", "lower")
_KEYS = {"description", "source", "provenance", "columns", "null_values", "transforms", "values", "constants", "copies",
         "drop_invalid", "ignore"}


class MappingError(ValueError):
    """The mapping file itself is wrong (unknown key, unknown column, bad shape)."""


@dataclass
class Mapping:
    name: str
    columns: dict[str, str]
    description: str = ""
    source: str | None = None
    provenance: str | None = None  # short label of the source in the fields' provenance (default: `source`)
    null_values: dict[str, set[str]] = field(default_factory=dict)
    transforms: dict[str, list[str]] = field(default_factory=dict)
    values: dict[str, dict[str, str]] = field(default_factory=dict)
    constants: dict[str, Any] = field(default_factory=dict)
    copies: dict[str, list[str]] = field(default_factory=dict)
    drop_invalid: set[str] = field(default_factory=set)
    ignore: list[str] = field(default_factory=list)

    def check_file(self, file_columns: list[str]) -> list[str]:
        """Fail when a mapped column is missing from the file; return the file's unread columns."""
        present = {c.casefold() for c in file_columns}
        missing = [c for c in self.columns if c.casefold() not in present]
        if missing:
            raise ImportFileError(f"column(s) {', '.join(missing)} of mapping {self.name!r} not in the file")
        mapped = {c.casefold() for c in self.columns}
        return [c for c in file_columns if c.casefold() not in mapped]

    def apply(self, raw: dict[str, Any]) -> tuple[dict[str, Any], list[Reason]]:
        """A foreign row -> native columns, and warnings about values cleaned away."""
        by_key = {k.casefold(): v for k, v in raw.items()}
        result: dict[str, Any] = {}
        warnings: list[Reason] = []
        for foreign, target in self.columns.items():
            if not native.is_empty(result.get(target)):
                continue  # an earlier column already gave this field
            value = by_key.get(foreign.casefold())
            if isinstance(value, str):
                value = value.strip()
                if value in self.null_values.get(target, ()):
                    value = ""
                for transform in self.transforms.get(target, ()):
                    value = _transform(transform, value, target, warnings)
            result[target] = value
        for target, table in self.values.items():
            if target in result and not native.is_empty(result[target]):
                result[target] = self._map_values(target, result[target], table)
        for target, value in self.constants.items():
            if native.is_empty(result.get(target)):
                result[target] = value
        for origin, targets in self.copies.items():
            for target in targets:
                if native.is_empty(result.get(target)) and not native.is_empty(result.get(origin)):
                    result[target] = result[origin]
        return result, warnings

    def _map_values(self, target: str, value: Any, table: dict[str, str]) -> Any:
        if native.WRITE_COLUMNS.get(target) in (native.CODE_LIST, native.URL_LIST):
            items = value if isinstance(value, list) else str(value).split("|")
            mapped = [table.get(str(i).strip().casefold(), str(i).strip()) for i in items]
            return [m for m in mapped if m]
        return table.get(str(value).strip().casefold(), value)


def _transform(name: str, value: str, target: str, warnings: list[Reason]) -> str:
    if not value:
        return value
    if name == "zfill5":
        return value.zfill(5) if value.isdigit() and len(value) < 5 else value
    if name == "upper":
        return value.upper()
    if name == "lower":
        return value.lower()
    if name == "url":
        if "…" in value or value.endswith("..."):
            warnings.append(Reason(target, "URL truncated in the source (ends with …): dropped"))
            return ""
        if "://" not in value and not value.lower().startswith(("mailto:", "javascript:", "data:")):
            return "http://" + value
        return value
    raise AssertionError(name)


def load(reference: str | Path) -> Mapping:
    """A mapping by path (.json or .toml), or by the name of a shipped one (`cget-2019`). For the CLI."""
    path = Path(reference)
    if path.exists():
        return parse_text(path.read_text(encoding="utf-8-sig"), name=path.name)
    return load_shipped(str(reference))


def load_shipped(name: str) -> Mapping:
    """A mapping shipped with reseau-api, by name only (what the HTTP API accepts: no path)."""
    shipped = {p.stem: p for p in SHIPPED.glob("*") if p.suffix in (".json", ".toml")}
    if name not in shipped:
        raise MappingError(f"no mapping {name!r} (shipped mappings: {', '.join(sorted(shipped))})")
    return parse_text(shipped[name].read_text(encoding="utf-8"), name=shipped[name].name)


def parse_text(text: str, *, name: str) -> Mapping:
    """A mapping from its text: TOML when `name` ends with .toml, JSON otherwise."""
    is_toml = name.lower().endswith(".toml")
    try:
        content = tomllib.loads(text) if is_toml else json.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as exc:
        raise MappingError(f"{name}: not valid {'TOML' if is_toml else 'JSON'} ({exc})") from None
    return parse(content, name=name.rsplit(".", 1)[0] if name.lower().endswith((".json", ".toml")) else name)


def parse(content: Any, *, name: str) -> Mapping:
    if not isinstance(content, dict):
        raise MappingError(f"{name}: a mapping is an object")
    unknown = set(content) - _KEYS
    if unknown:
        raise MappingError(f"{name}: unknown key(s) {', '.join(sorted(unknown))} (allowed: {', '.join(sorted(_KEYS))})")
    columns = _str_dict(content.get("columns"), name, "columns")
    if not columns:
        raise MappingError(f"{name}: `columns` maps at least one foreign column to a native one")
    native_names = set(native.NATIVE_COLUMNS)
    for foreign, target in columns.items():
        if target not in native_names:
            raise MappingError(f"{name}: column {foreign!r} maps to {target!r}, which is not a native column")
    ignore = [str(c) for c in content.get("ignore", [])]
    clash = {c.casefold() for c in ignore} & {c.casefold() for c in columns}
    if clash:
        raise MappingError(f"{name}: column(s) {', '.join(sorted(clash))} are both mapped and ignored")
    transforms = {k: _str_list(v, name, f"transforms.{k}") for k, v in _dict(content, "transforms", name).items()}
    for names in transforms.values():
        bad = [t for t in names if t not in TRANSFORMS]
        if bad:
            raise MappingError(f"{name}: unknown transform(s) {', '.join(bad)} (known: {', '.join(TRANSFORMS)})")
    values = {k: {str(a).strip().casefold(): str(b) for a, b in _str_dict(v, name, f"values.{k}").items()}
              for k, v in _dict(content, "values", name).items()}
    null_values = {k: set(_str_list(v, name, f"null_values.{k}"))
                   for k, v in _dict(content, "null_values", name).items()}
    constants = _dict(content, "constants", name)
    drop_invalid = set(_str_list(content.get("drop_invalid", []), name, "drop_invalid"))
    copies = {k: _str_list(v, name, f"copies.{k}") for k, v in _dict(content, "copies", name).items()}
    copied = set(copies) | {t for targets in copies.values() for t in targets}
    for section, keys in (("transforms", transforms), ("values", values), ("null_values", null_values),
                          ("constants", constants), ("drop_invalid", drop_invalid), ("copies", copied)):
        stray = set(keys) - native_names
        if stray:
            raise MappingError(f"{name}: {section} names unknown native column(s) {', '.join(sorted(stray))}")
    source, provenance = content.get("source"), content.get("provenance")
    if provenance is not None and (not isinstance(provenance, str) or not 1 <= len(provenance) <= 200):
        raise MappingError(f"{name}: `provenance` is a label of 1 to 200 characters")
    return Mapping(
        name=name, columns=columns, description=str(content.get("description", "")),
        source=str(source) if source else None, provenance=provenance or None, null_values=null_values,
        transforms=transforms, values=values, constants=constants, copies=copies, drop_invalid=drop_invalid,
        ignore=ignore,
    )


def _dict(content: dict[str, Any], key: str, name: str) -> dict[str, Any]:
    value = content.get(key, {})
    if not isinstance(value, dict):
        raise MappingError(f"{name}: `{key}` must be an object")
    return value


def _str_dict(value: Any, name: str, where: str) -> dict[str, str]:
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise MappingError(f"{name}: `{where}` must be an object of strings")
    return {str(k): v for k, v in value.items()}


def _str_list(value: Any, name: str, where: str) -> list[str]:
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise MappingError(f"{name}: `{where}` must be a list of strings")
    return value
