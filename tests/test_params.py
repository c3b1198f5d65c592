"""The hot readers derived from a declaration (core/params.py) accept a value only when Pydantic (the
FastAPI dependency, the contract) accepts it, and read it as the same value; the rest they defer."""

from typing import Any

import pytest
from pydantic import TypeAdapter, ValidationError

from reseau_api.core.hot import Defer
from reseau_api.core.params import Parameters, param
from reseau_api.places.filters import PLACE_FILTERS
from reseau_api.practices.router import PRACTICE_FILTERS

# Plain spellings, odd ones Pydantic accepts, and refusals, for every kind of declared filter.
RAW = [
    "", " ", "0", "1", "05", "+1", "-1", "1_0", " 5", "5 ", "1e3", "1.0", "10000", "10001", "200000", "200001",
    "18.50", "18.505", "100000", "100000.00", "100000.01", ".5", "5.", "nan", "inf", "Infinity", "٣",
    "true", "false", "True", "yes", "no", "on", "t", "TRUE",
    "coworking", "fablab", "gare", "ouvert", "wifi", "visio", "teletravail", "numerique", "a_jour", "a_verifier",
    "obsolete", "vieux",
    "31", "34", "75", "2A", "34172", "2A004", "2a004", "1234", "123456", "٣٤١٧٢",
    "cowork gare", "a" * 200, "a" * 201, "1,2,3,4", "1,2,3", "1,2,3,4\n", "a,b,c,d", "," * 3, "x" * 121,
    "43.61,3.87", "9" * 61,
    "2026-12-01T10:00", "2026-12-01T10:00:00", "2026-12-01T10:00:00Z", "2026-12-01T10:00:00+01:00",
    "2026-12-01T10:00:00-00:00", "2026-12-01T10:00:00+19:59", "2026-12-01 10:00", "2026-12-01t10:00",
    "2026-12-01T10:00:00.5", "2026-02-30T10:00", "2026-12-01T24:00", "1899-12-31T23:59", "2300-01-01T00:00",
    "0.5", "1733000000", "2026-12-01",
    "73282932000074", "732 829 320 00074", "732.829.320.00074", "73282932000075", "35600000010014", "7" * 21,
    "W313012345", "w313012345", " W313012345", "W31301234", "node/42", "way/0", "relation/1", " node/42",
    "la-cantine", "La-Cantine", "la--cantine", "8D1B2C3A-0000-4000-8000-00000000000A",
    "8d1b2c3a-0000-4000-8000-00000000000a", "8d1b2c3a00004000800000000000000a",
    "{8d1b2c3a-0000-4000-8000-00000000000a}", "urn:uuid:8d1b2c3a-0000-4000-8000-00000000000a",
    "8d1b2c3a-0000-4000-8000-00000000000", "dora--4b9c3ad0", "dora-4b9c3ad0", "14", "014", "1234567890",
]


def _hot(params: Parameters, name: str, raw: str) -> Any:
    p = params.params[name]
    return params.read({name: [raw, raw] if p.many else [raw]})[name]


def _pydantic(params: Parameters, name: str, raw: str) -> Any:
    p = params.params[name]
    return TypeAdapter(p.annotation()).validate_python([raw, raw] if p.many else raw)


@pytest.mark.parametrize(("params", "name"), [(PLACE_FILTERS, n) for n in sorted(PLACE_FILTERS.names)]
                         + [(PRACTICE_FILTERS, n) for n in sorted(PRACTICE_FILTERS.names)])
def test_a_hot_reader_reads_what_pydantic_reads_or_defers(params: Parameters, name: str) -> None:
    accepted = 0
    for raw in RAW:
        try:
            expected: Any = _pydantic(params, name, raw)
        except ValidationError:
            expected = ValidationError
        try:
            got: Any = _hot(params, name, raw)
        except Defer:
            continue
        assert repr(got) == repr(expected), (name, raw)  # same value, same type (Decimal places, tzinfo)
        accepted += 1
    assert accepted >= 1, name  # every declared filter is judged on the hot path


def test_repeated_single_values_and_too_many_values_defer() -> None:
    with pytest.raises(Defer):
        PLACE_FILTERS.read({"q": ["gare", "gare"]})  # Pydantic would keep the last one: its say
    with pytest.raises(Defer):
        PLACE_FILTERS.read({"fraicheur": ["a_jour"] * 4})
    assert PLACE_FILTERS.read({"fraicheur": ["a_jour"] * 3, "limit": ["5"]}) == {"fraicheur": ["a_jour"] * 3}


def test_a_type_without_an_exact_hot_reader_is_refused_at_declaration() -> None:
    from datetime import date

    with pytest.raises(TypeError, match="hot=False"):
        Parameters(param("jour", date, "A day"))
    never = Parameters(param("jour", date, "A day", hot=False))
    with pytest.raises(Defer):
        never.read({"jour": ["2026-12-01"]})
