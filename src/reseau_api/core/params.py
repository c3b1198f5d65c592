"""Query parameters: declared once, read by the framework (the contract) and by the hot path; unknown ones refused.

A route's filters are declared once as `Param`s (name, type, bounds or vocabulary, multiplicity,
description). From that one declaration `Parameters` derives:

- the FastAPI dependency (`dependency`): its signature is the parameters with their Pydantic types and
  `Query(...)` constraints, so the OpenAPI document and the 400 problems are the framework's;
- the hot reader (`read`, core/hot.py): the same values from a raw query string, for the plain spellings
  only. It accepts a value only when Pydantic would accept it and give the same value; anything else
  (a repeated single value, `05`, `1e3`, `yes`, a value out of bounds, a validator's refusal) is `Defer`red
  to the framework, which answers it. The reader is compiled from the type at import: a type it cannot
  read exactly is an error there, unless the parameter is declared `hot=False` (then it always defers).

The values of the parameters given, by name (absent ones left out), go to one `build` function shared
by both paths, which maps them into the domain's structure and checks the rules between parameters.

An ignored parameter has no effect but a cost: `?x=1`, `?x=2`… are distinct URLs to every cache, so
anyone can mint uncached variants of one answer at full price. Routers of public reads depend on
`reject_unknown_parameters`; the set of names a route declares is computed once per route.
"""

import inspect
import re
import typing
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal, TypeVar
from uuid import UUID

import annotated_types as at
from fastapi import Query
from pydantic import AfterValidator, AllowInfNan, BaseModel, BeforeValidator, Field
from pydantic.fields import FieldInfo
from pydantic_core import TzInfo
from starlette.requests import Request

from reseau_api.core.errors import InvalidParameter
from reseau_api.core.hot import Defer, boolean, integer
from reseau_api.core.hot import Query as RawQuery

T = TypeVar("T")
Reader = Callable[[str], Any]  # one raw value -> the value Pydantic would give, or Defer
Values = dict[str, Any]


@dataclass(frozen=True)
class Param:
    """One query parameter. `type`: str, int (with ge and le), bool, Decimal, datetime, UUID, a Literal of
    strings, or an `Annotated` one of these with plain validators and length limits (`shared/identifiers`).
    `constraints` are `Query`/`Field` keywords (ge, le, min_length, max_length, pattern, allow_inf_nan);
    for a repeatable parameter (`many`: at most that many values) they bound each value."""

    name: str
    type: Any
    description: str
    many: int = 0
    examples: list[str] | None = None
    constraints: dict[str, Any] = field(default_factory=dict)
    hot: bool = True
    default: Any = None  # what the framework passes when absent (the hot reader leaves it out)

    def annotation(self) -> Any:
        extra: dict[str, Any] = {"examples": self.examples} if self.examples else {}
        if not self.many:
            kind = self.type | None if self.default is None else self.type
            return Annotated[kind, Query(description=self.description, **self.constraints, **extra)]
        item = Annotated[self.type, Field(**self.constraints)] if self.constraints else self.type
        return Annotated[list[item] | None,  # type: ignore[valid-type]
                         Query(description=self.description, max_length=self.many, **extra)]


def param(name: str, type: Any, description: str, *, many: int = 0, examples: list[str] | None = None,
          hot: bool = True, default: Any = None, **constraints: Any) -> Param:
    return Param(name, type, description, many, examples, constraints, hot, default)


class Parameters:
    """A route's declared query parameters (see the module docstring)."""

    def __init__(self, *params: Param) -> None:
        self.params = {p.name: p for p in params}
        self.names = frozenset(self.params)
        # name -> (the reader of its value, or of its list of values when repeatable; at most how many)
        self._readers: dict[str, tuple[Callable[[Any], Any], int]] = {
            p.name: (_many(_reader(p)) if p.many else _reader(p), p.many) for p in params}

    def signature(self, returns: Any = inspect.Signature.empty) -> inspect.Signature:
        return inspect.Signature([
            inspect.Parameter(p.name, inspect.Parameter.KEYWORD_ONLY, default=p.default, annotation=p.annotation())
            for p in self.params.values()], return_annotation=returns)

    def read(self, query: RawQuery) -> Values:
        """The declared parameters present in `query` (others are the caller's) and their values, or Defer."""
        values: Values = {}
        readers = self._readers
        for name, raw in query.items():
            entry = readers.get(name)
            if entry is None:
                continue
            read, many = entry
            if not many:
                if len(raw) != 1 or not raw[0]:  # repeated or empty: the framework's say
                    raise Defer
                values[name] = read(raw[0])
            elif len(raw) > many:
                raise Defer
            else:
                values[name] = read(raw)  # the list's reader
        return values

    def function(self, build: Callable[[Values], T]) -> Callable[..., T]:
        """`build` called by keyword (`place_filters(q="gare")`), with the declared signature."""
        def call(**values: Any) -> T:
            unknown = values.keys() - self.names
            if unknown:
                raise TypeError(f"unknown parameters {sorted(unknown)}")
            return build({k: x for k, x in values.items() if x is not None})

        call.__signature__ = self.signature(inspect.signature(build).return_annotation)  # type: ignore[attr-defined]
        return call

    def dependency(self, build: Callable[[Values], T]) -> Callable[..., Awaitable[T]]:
        """The FastAPI dependency: the framework validates the declared parameters, then `build`. Async:
        a plain `def` dependency runs in the thread pool, a hand-off that cost ~15 % of a list request."""
        async def dependency(**values: Any) -> T:
            return build({k: x for k, x in values.items() if x is not None})

        dependency.__signature__ = self.signature(  # type: ignore[attr-defined]
            inspect.signature(build).return_annotation)
        return dependency


# --------------------------------------------------------------------------------------------------
# Hot readers, compiled from the declared type


def _never(_: str) -> Any:
    raise Defer


def _many(read: Reader) -> Callable[[list[str]], list[Any]]:
    many = getattr(read, "many", None)  # a faster reader of the whole list
    return many if many is not None else lambda raw: [read(v) for v in raw]


def _reader(p: Param) -> Reader:
    """What reads one raw value of `p` as Pydantic would (same value), deferring what it is unsure of."""
    if not p.hot:
        return _never
    base, before, after, limits = _unwrap(p.type)
    limits = {**limits, **_limits(Field(**p.constraints).metadata)}
    parse = _base_reader(base, limits)
    if not before and not after:
        return parse
    steps = [*before, *([] if parse is _same else [parse]), *after]
    if len(steps) == 1:  # one validator of the raw string (DepartmentCode): one call
        (step,) = steps

        def read(raw: str) -> Any:
            try:
                return step(raw)
            except ValueError:  # a validator's refusal: the framework words the 400
                raise Defer from None
        return read

    def read_steps(raw: str) -> Any:
        value: Any = raw
        try:
            for step in steps:
                value = step(value)
        except ValueError:
            raise Defer from None
        return value
    return read_steps


def _unwrap(type_: Any) -> tuple[Any, list[Reader], list[Callable[[Any], Any]], dict[str, Any]]:
    """An `Annotated` type's base, its before / after validators (in Pydantic's order) and its limits."""
    if typing.get_origin(type_) is not Annotated:
        return type_, [], [], {}
    base, *metadata = typing.get_args(type_)
    before: list[Reader] = []
    after: list[Callable[[Any], Any]] = []
    limits: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, BeforeValidator):
            before.insert(0, _still_text(_plain(item.func)))  # before validators run last-declared first
        elif isinstance(item, AfterValidator):
            after.append(_plain(item.func))
        elif isinstance(item, FieldInfo):
            limits.update(_limits(item.metadata))
        elif hasattr(item, "__get_pydantic_json_schema__") and not hasattr(item, "__get_pydantic_core_schema__"):
            continue  # documents the schema, validates nothing
        else:
            raise TypeError(f"no hot reader for {type_!r}: declare the parameter hot=False")
    return base, before, after, limits


def _still_text(func: Callable[[Any], Any]) -> Callable[[Any], Any]:
    def step(value: Any) -> Any:
        value = func(value)
        if not isinstance(value, str):  # turned into something else: the framework's say
            raise Defer
        return value
    return step


def _plain(func: Any) -> Callable[[Any], Any]:
    if len(inspect.signature(func).parameters) != 1:
        raise TypeError(f"no hot reader for validator {func!r} (it takes more than the value)")
    return typing.cast(Callable[[Any], Any], func)


def _limits(metadata: list[Any]) -> dict[str, Any]:
    limits: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, at.Ge):
            limits["ge"] = item.ge
        elif isinstance(item, at.Le):
            limits["le"] = item.le
        elif isinstance(item, at.MinLen):
            limits["min_length"] = item.min_length
        elif isinstance(item, at.MaxLen):
            limits["max_length"] = item.max_length
        elif isinstance(item, AllowInfNan) and not item.allow_inf_nan:
            continue  # the hot spellings of numbers are finite anyway
        elif getattr(item, "pattern", None) is not None and len(vars(item)) == 1:
            limits["pattern"] = item.pattern
        else:
            raise TypeError(f"no hot reader for the constraint {item!r}: declare the parameter hot=False")
    return limits


_UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
_DECIMAL = re.compile(r"(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,6})?")
# ISO 8601 as the API documents it: date, T, hours and minutes, optional seconds, optional Z or offset.
_DATETIME = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(?::[0-9]{2})?(?:Z|[+-][01][0-9]:[0-5][0-9])?")


def _base_reader(base: Any, limits: dict[str, Any]) -> Reader:
    ge, le = limits.pop("ge", None), limits.pop("le", None)
    if base is str:
        return _text_reader(**limits)
    if limits:
        raise TypeError(f"no hot reader for {limits} on {base!r}")
    if typing.get_origin(base) is Literal and all(isinstance(v, str) for v in typing.get_args(base)):
        allowed = frozenset(typing.get_args(base))

        def choice(raw: str) -> str:
            if raw not in allowed:
                raise Defer
            return raw

        def choices(raw: list[str]) -> list[str]:  # a repeated choice: one set operation
            if not allowed.issuperset(raw):
                raise Defer
            return raw
        choice.many = choices  # type: ignore[attr-defined]
        return choice
    if base is bool and ge is None and le is None:
        return boolean
    if base is int and ge is not None and le is not None:
        return lambda raw: integer(raw, ge, le)
    if base is Decimal:
        return _decimal_reader(ge, le)
    if base is datetime and ge is None and le is None:
        return _datetime
    if base is UUID and ge is None and le is None:
        return _uuid
    raise TypeError(f"no hot reader for {base!r}: declare the parameter hot=False")


def _same(raw: str) -> str:
    return raw


def _text_reader(min_length: int | None = None, max_length: int | None = None,
                 pattern: str | None = None) -> Reader:
    if min_length is None and max_length is None and pattern is None:
        return _same
    low, high = min_length or 0, max_length
    # Pydantic's regex engine has no `$` before a final newline, Python's has: leave newlines to it.
    search = re.compile(pattern).search if pattern is not None else None

    def text(raw: str) -> str:
        if len(raw) < low or (high is not None and len(raw) > high):
            raise Defer
        if search is not None and ("\n" in raw or search(raw) is None):
            raise Defer
        return raw
    return text


def _decimal_reader(ge: Any, le: Any) -> Reader:
    ge, le = (None if bound is None else Decimal(bound) for bound in (ge, le))

    def number(raw: str) -> Decimal:
        if not _DECIMAL.fullmatch(raw):
            raise Defer
        value = Decimal(raw)
        if (ge is not None and value < ge) or (le is not None and value > le):
            raise Defer
        return value
    return number


def _uuid(raw: str) -> UUID:
    if not _UUID.fullmatch(raw):  # the hyphenated form only (Pydantic also reads others)
        raise Defer
    return UUID(raw)


def _datetime(raw: str) -> datetime:
    if not _DATETIME.fullmatch(raw):
        raise Defer
    try:
        value = datetime.fromisoformat(raw)
    except ValueError:  # 2026-02-30, 25:00…
        raise Defer from None
    offset = value.utcoffset()
    if offset is not None:  # the tzinfo Pydantic gives
        value = value.replace(tzinfo=TzInfo(int(offset.total_seconds())))
    return value


# --------------------------------------------------------------------------------------------------
# Unknown parameters

_KNOWN: dict[int, frozenset[str]] = {}


def declared(route: Any) -> frozenset[str]:
    known = _KNOWN.get(id(route))
    if known is None:
        names: set[str] = set()
        pending = [route.dependant]
        while pending:  # the route's own parameters and every (sub-)dependency's
            dependant = pending.pop()
            for param in dependant.query_params:
                model = getattr(param, "type_", None)
                if isinstance(model, type) and issubclass(model, BaseModel):  # a parameter model
                    names.update(f.alias or n for n, f in model.model_fields.items())
                else:
                    names.add(param.alias)
            pending.extend(dependant.dependencies)
        known = _KNOWN[id(route)] = frozenset(names)
    return known


async def reject_unknown_parameters(request: Request) -> None:
    route = request.scope.get("route")
    if route is None or not request.query_params:
        return
    known = declared(route)
    for name in request.query_params:
        if name not in known:
            raise InvalidParameter(name, "unknown parameter for this route (see the OpenAPI document)")
