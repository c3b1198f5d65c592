"""Field tables: each public field of a resource declared once, every output's columns derived from it.

A resource's `fields.py` lists its `Field`s in its flat (CSV) order, each with its SQL expression over the
resource's table alias, its `Kind` (JSON Schema, and how the value is written in CSV, tiles and the feed)
and the outputs it appears in. The builders below turn a table into SQL text (`json_build_object`
arguments, CSV select lists, tile attributes), once at import: per request, nothing is rebuilt.
New fields go at the end of the table, so that CSV columns keep their positions.
"""

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Out(StrEnum):
    """Where a field appears."""

    SUMMARY = "summary"  # list items (JSON) and the properties of the list's GeoJSON features
    DETAIL = "detail"  # the full record (GET one) and, minus FEED_EXCLUDED, the feed's representation
    FEED = "feed"  # the change feed's representation (place_public_json / practice_public_json)
    WRITE = "write"  # set by members (the write schema) and read back by imports
    CSV = "csv"  # CSV column (lists `|`-separated); also a native import column
    EXPORT = "export"  # property of the open data GeoJSON export
    OGC = "ogc"  # property of the OGC API - Features items (nulls left out)
    QUERYABLE = "queryable"  # OGC queryable (a filter of the items)
    TILE = "tile"  # attribute of the vector tiles


# The outputs that nest fields by `path` (the record's representation); the others are flat, by `name`.
NESTED = frozenset({Out.DETAIL, Out.FEED, Out.WRITE})


def _same(expr: str) -> str:
    return expr


# The value's JSON text as Pydantic writes it (compact, `model_dump_json`): how a record's JSON built by
# PostgreSQL is the very body its Pydantic model would give (places' detail, tests/places/test_detail_sql.py).
def json_text(expr: str) -> str:
    return f"to_json({expr})::text"


def datetime_text(expr: str) -> str:
    """A timestamptz as Pydantic writes the UTC datetime asyncpg returns: `2026-12-01T15:10:39.120000Z`,
    no fraction when its microseconds are 0 (PostgreSQL's own JSON gives the session's offset, trimmed)."""
    utc = f"({expr}) AT TIME ZONE 'UTC'"
    return (f"""('"' || to_char({utc}, 'YYYY-MM-DD"T"HH24:MI:SS') || CASE WHEN date_trunc('second', {expr}) = """
            f"""{expr} THEN '' ELSE to_char({utc}, '.US') END || 'Z"')""")


def datetime_text_of_json(expr: str) -> str:
    """The same, for a timestamptz stored as JSON text (`"2026-12-01T15:10:39.12+00:00"`, to_jsonb's): Pydantic
    keeps its offset, writes a zero offset `Z` and the fraction in 6 digits (none when it is 0)."""
    parts = rf"regexp_match({expr}, '^(\d{{4}}-\d\d-\d\dT\d\d:\d\d:\d\d)(\.\d+)?(.*)$')"
    return (rf"""(SELECT '"' || m[1] || CASE WHEN m[2] IS NULL OR m[2] ~ '^\.0+$' THEN '' """
            rf"""ELSE rpad(m[2], 7, '0') END """
            f"""|| CASE WHEN m[3] IN ('+00:00', '-00:00') THEN 'Z' ELSE m[3] END || '"' FROM {parts} AS m)""")


def float_text(expr: str) -> str:
    """A float8 as Pydantic writes a float, for |x| < 1e15 (degrees, not astronomy): `3.0` for an integral
    value; the shortest digits, as PostgreSQL's; exponents from 1e-6 down, written `1e-6` (PostgreSQL: from
    1e-5, `1e-05`)."""
    text = f"({expr})::float8::text"
    return (rf"CASE WHEN {text} ~ '^-?[0-9]+$' THEN {text} || '.0' "
            rf"WHEN {text} ~ 'e-05$' THEN regexp_replace({text}, '^(-?)([0-9])\.?([0-9]*)e-05$', '\10.0000\2\3') "
            rf"ELSE replace({text}, 'e-0', 'e-') END")


def decimal_text(expr: str) -> str:
    """A numeric as Pydantic writes a Decimal: a string (`"15.00"`)."""
    return f"to_json(({expr})::text)::text"


@dataclass(frozen=True)
class Kind:
    """A value type: its JSON Schema and how it is written where JSON is not the medium."""

    schema: dict[str, Any]
    importer: str  # native import conversion (opendata.native): text, int, code_list…
    csv: Callable[[str], str] = _same  # SQL of the CSV cell (Python then writes scalars as text)
    tile: Callable[[str], str] = _same  # SQL of the MVT attribute (text, int or bool)
    feed: Callable[[str], str] = _same  # SQL of the jsonb value in the feed (as the detail writes it)
    # SQL of the value's JSON text as Pydantic writes it (the detail); None: the field says its own.
    text: Callable[[str], str] | None = json_text


def text_kind(**schema: Any) -> Kind:
    return Kind({"type": "string", **schema}, "text", tile=lambda e: f"{e}::text")


def code_kind(codes: Iterable[str]) -> Kind:
    return Kind({"type": "string", "enum": list(codes)}, "code", tile=lambda e: f"{e}::text")


def codes_kind(codes: Iterable[str] | None = None, *, importer: str = "code_list", **item: Any) -> Kind:
    items = {"type": "string", **({"enum": list(codes)} if codes is not None else {}), **item}
    return Kind({"type": "array", "items": items}, importer,
                csv=lambda e: f"array_to_string({e}, '|')", tile=lambda e: f"array_to_string({e}, ',')")


UUID = Kind({"type": "string", "format": "uuid"}, "text", tile=lambda e: f"{e}::text")
TEXT = text_kind()
URL = text_kind(format="uri")
DATE = Kind({"type": "string", "format": "date"}, "date")
DATETIME = Kind({"type": "string", "format": "date-time"}, "text", text=datetime_text)
COUNT = Kind({"type": "integer", "minimum": 0}, "int")
INTEGER = Kind({"type": "integer"}, "int")
BOOL = Kind({"type": "boolean"}, "bool")
# Decimal euros: numbers in SQL-built JSON, strings ("15.00") where Pydantic writes them (detail, feed).
EUROS = Kind({"type": "number", "minimum": 0}, "decimal", feed=lambda e: f"{e}::text", text=decimal_text)
DEGREES = Kind({"type": "number"}, "float", text=float_text)
OBJECT = Kind({"type": "object"}, "json", text=None)
ARRAY = Kind({"type": "array"}, "json", text=None)


@dataclass(frozen=True)
class Field:
    name: str  # public (French) name: JSON member, CSV column, tile attribute
    kind: Kind
    description: str
    outputs: frozenset[Out]
    column: str | None = None  # the table's column (= ORM attribute), when the field is one
    sql: str | None = None  # the JSON value's SQL over the table alias; default `<alias>.<column>`
    # Where it sits in the nested representation (detail, write schema, feed): ("teletravail", "postes").
    path: tuple[str, ...] = ()
    alias: str = "p"
    # A field computed from other columns (`reads`), as SQL over any alias: what the tiles' position scan
    # needs (its rows are aliased `r`). `clock`: its value changes with the clock alone (freshness, the
    # closure of today), so it is never in the feed, whose representation is captured at commit.
    template: Callable[[str], str] | None = None
    reads: tuple[str, ...] = ()
    clock: bool = False

    @property
    def expr(self) -> str:
        return self.over(self.alias)

    def over(self, alias: str) -> str:
        """The value's SQL over the table aliased `alias`."""
        if self.template is not None:
            return self.template(alias)
        if self.sql is not None:
            assert alias == self.alias, self.name
            return self.sql
        assert self.column is not None, self.name
        return f"{alias}.{self.column}"

    @property
    def key(self) -> tuple[str, ...]:
        return self.path or (self.name,)

    def schema(self) -> dict[str, Any]:
        return {**self.kind.schema, "description": self.description}


def fields(table: Iterable[Field], output: Out) -> list[Field]:
    return [f for f in table if output in f.outputs]


def names(table: Iterable[Field], output: Out) -> list[str]:
    return [f.name for f in fields(table, output)]


# PostgreSQL functions take at most 100 arguments: a json_build_object holds at most 50 pairs.
MAX_PAIRS = 50


def pairs(table: Iterable[Field], output: Out,
          value: Callable[[Field], str] = lambda f: f.expr) -> list[tuple[str, str]]:
    """(name, SQL value) of the output's fields, in table order."""
    return [(f.name, value(f)) for f in fields(table, output)]


def json_object(members: list[tuple[str, str]], *, builder: str = "json_build_object") -> str:
    """SQL building one JSON object of `members`, in order. Beyond MAX_PAIRS members, objects of 50 are
    joined: as text for json (which keeps the order), with `||` for jsonb (which has none)."""
    chunks = [members[i:i + MAX_PAIRS] for i in range(0, len(members), MAX_PAIRS)] or [[]]
    built = [builder + "(" + ", ".join(f"'{name}', {value}" for name, value in chunk) + ")" for chunk in chunks]
    if len(built) == 1:
        return built[0]
    if builder == "jsonb_build_object":
        return "(" + " || ".join(built) + ")"
    # `{"a" : 1}` + `{"b" : 2}` -> `{"a" : 1, "b" : 2}`: the text json_build_object writes, one object.
    texts = []
    for i, b in enumerate(built):
        text = f"{b}::text"
        if i > 0:
            text = f"right({text}, -1)"  # drop its `{`
        if i < len(built) - 1:
            text = f"left({text}, -1)"  # drop its `}`
        texts.append(text)
    return "(" + " || ', ' || ".join(texts) + ")::json"


def sql_literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def compact_json(members: list[tuple[str, str]]) -> str:
    """SQL of one JSON object's text, written compactly and in order (`{"a":1,"b":null}`, as Pydantic
    writes it), from (name, SQL of the value's JSON text) pairs; a NULL value is written `null`."""
    if not members:
        return "'{}'"
    parts = []
    for i, (name, value) in enumerate(members):
        parts += [sql_literal(("{" if i == 0 else ",") + json.dumps(name, ensure_ascii=False) + ":"),
                  f"coalesce({value}, 'null')"]
    return "(" + " || ".join(parts) + " || '}')"


def split_last(sql: str, sentinel: str = "__LAST_VALUE__") -> tuple[str, str]:
    """A template's SQL before and after its sentinel value (a value chosen per request, given last)."""
    head, tail = sql.split(sentinel)
    return head, tail


def csv_select(table: Iterable[Field]) -> str:
    """The select list of the CSV columns, in order."""
    return ", ".join(f.kind.csv(f.expr) for f in fields(table, Out.CSV))


@dataclass
class _Node:
    children: dict[str, "_Node | Field"] = field(default_factory=dict)


def nested_json(table: Iterable[Field], output: Out, *, builder: str = "jsonb_build_object",
                value: Callable[[Field], str] = lambda f: f.kind.feed(f.expr),
                groups: dict[str, str] | None = None) -> str:
    """The nested representation (detail, feed) as one `jsonb_build_object(…)`: fields with a `path`
    are grouped under its first part; `groups` may give a group its own SQL (a position that is NULL
    when the geometry is)."""
    root = _Node()
    for f in fields(table, output):
        node = root
        for part in f.key[:-1]:
            child = node.children.setdefault(part, _Node())
            assert isinstance(child, _Node)
            node = child
        node.children[f.key[-1]] = f

    def render(node: _Node, name: str | None) -> str:
        if name is not None and groups and name in groups:
            return groups[name]
        members = [(k, value(c) if isinstance(c, Field) else render(c, k)) for k, c in node.children.items()]
        return json_object(members, builder=builder)

    return render(root, None)


def representation_keys(table: Iterable[Field], output: Out) -> dict[str, Any]:
    """The nested key structure of an output: {name: None | {sub: None}} (for tests and models)."""
    tree: dict[str, Any] = {}
    for f in fields(table, output):
        node = tree
        for part in f.key[:-1]:
            node = node.setdefault(part, {})
        node[f.key[-1]] = None
    return tree
