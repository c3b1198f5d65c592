"""schema.org JSON-LD of a place: content negotiation on the detail route, and validation against the
schema.org vocabulary it uses (types, property domains and ranges, enumerations; shipped, offline)."""

import json
import re
from typing import Any

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places import jsonld
from tests.factories import make_place
from tests.opendata.conftest import DATA

VOCABULARY = json.loads((DATA / "schemaorg-subset.json").read_text(encoding="utf-8"))
SCHEMA = "https://schema.org/"
LD = "application/ld+json"


def ancestors(type_name: str) -> set[str]:
    found = {type_name}
    for parent in VOCABULARY["types"].get(type_name, []):
        found |= ancestors(parent)
    return found


def value_matches(value: Any, expected: list[str]) -> bool:
    if isinstance(value, dict):
        types = value["@type"] if isinstance(value["@type"], list) else [value["@type"]]
        return any(ancestors(t) & set(expected) for t in types)
    if isinstance(value, bool):
        return "Boolean" in expected
    if isinstance(value, int | float):
        return "Number" in expected
    if isinstance(value, str):
        for enumeration, members in VOCABULARY["enumerations"].items():
            if enumeration in expected:
                return value.removeprefix(SCHEMA) in members and value.startswith(SCHEMA)
        if "Time" in expected:
            return re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d(:[0-5]\d)?", value) is not None
        if expected == ["URL"]:
            return value.startswith(("http://", "https://"))
        return bool({"Text", "URL"} & set(expected))
    return False


def validate(node: dict[str, Any], where: str = "$") -> list[str]:
    """Problems of a JSON-LD node against the shipped vocabulary (empty when valid)."""
    problems = []
    types = node["@type"] if isinstance(node["@type"], list) else [node["@type"]]
    unknown = [t for t in types if t not in VOCABULARY["types"]]
    if unknown:
        return [f"{where}: unknown type(s) {unknown}"]
    own = set().union(*(ancestors(t) for t in types))
    for key, value in node.items():
        if key.startswith("@"):
            continue
        spec = VOCABULARY["properties"].get(key)
        if spec is None:
            problems.append(f"{where}.{key}: not in the vocabulary")
            continue
        if not own & set(spec["domain"]):
            problems.append(f"{where}.{key}: not a property of {types}")
        for index, item in enumerate(value if isinstance(value, list) else [value]):
            if not value_matches(item, spec["range"]):
                problems.append(f"{where}.{key}[{index}]: {item!r} is not one of {spec['range']}")
            if isinstance(item, dict):
                problems += validate(item, f"{where}.{key}[{index}]")
    return problems


FULL = {
    "nom": "La Mêlée", "description": "Coworking et médiation numérique", "types": ["coworking", "fablab"],
    "services": ["wifi", "accessibilite_pmr"], "adresse": "27 rue d'Aubuisson", "horaires": "Mo-Fr 09:00-18:00; PH off",
    "telephone": "05 61 00 00 00", "email": "contact@la-melee.example", "site_web": "https://la-melee.example",
    "images": ["https://img.example/1.jpg"],
}


async def test_detail_answers_json_ld_when_asked(client: httpx.AsyncClient, session: AsyncSession) -> None:
    place = await make_place(session, **FULL)
    response = await client.get(f"/v1/lieux/{place.slug}", headers={"Accept": LD})
    assert response.status_code == 200 and response.headers["content-type"] == LD
    assert "Accept" in response.headers["vary"].split(", ")
    document = response.json()
    assert validate(document) == []
    assert document == {
        "@context": "https://schema.org", "@type": ["Place", "LocalBusiness"],
        "@id": f"http://test/v1/lieux/{place.id}", "identifier": str(place.id), "name": "La Mêlée",
        "description": "Coworking et médiation numérique", "url": "https://la-melee.example",
        "telephone": "+33561000000", "email": "contact@la-melee.example", "image": ["https://img.example/1.jpg"],
        "address": {"@type": "PostalAddress", "streetAddress": "27 rue d'Aubuisson", "postalCode": "31000",
                    "addressLocality": "Toulouse", "addressRegion": "Haute-Garonne", "addressCountry": "FR"},
        "geo": {"@type": "GeoCoordinates", "latitude": 43.604652, "longitude": 1.444209},
        "openingHoursSpecification": [{
            "@type": "OpeningHoursSpecification", "opens": "09:00", "closes": "18:00",
            "dayOfWeek": [f"{SCHEMA}{d}" for d in ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")]}],
        "amenityFeature": [
            {"@type": "LocationFeatureSpecification", "name": "Wi-Fi", "value": True},
            {"@type": "LocationFeatureSpecification", "name": "Accessibilité PMR", "value": True}],
        "keywords": ["Coworking", "Fablab"],
    }


async def test_json_stays_the_default_and_etags_differ(client: httpx.AsyncClient, session: AsyncSession) -> None:
    place = await make_place(session)
    plain = await client.get(f"/v1/lieux/{place.id}")
    assert plain.headers["content-type"] == "application/json" and plain.json()["nom"] == place.name
    assert "Accept" in plain.headers["vary"].split(", ")
    linked = await client.get(f"/v1/lieux/{place.id}", headers={"Accept": f"{LD}, application/json;q=0.5"})
    assert linked.headers["content-type"] == LD
    assert linked.headers["etag"] == f'"{place.id}-v1-ld"' != plain.headers["etag"]
    cached = await client.get(f"/v1/lieux/{place.id}", headers={"Accept": LD, "If-None-Match": linked.headers["etag"]})
    assert cached.status_code == 304 and cached.headers["etag"] == linked.headers["etag"]
    crossed = await client.get(f"/v1/lieux/{place.id}", headers={"Accept": LD, "If-None-Match": plain.headers["etag"]})
    assert crossed.status_code == 200 and crossed.headers["content-type"] == LD
    refused = await client.get(f"/v1/lieux/{place.id}", headers={"Accept": f"{LD};q=0, application/json"})
    assert refused.headers["content-type"] == "application/json"


async def test_minimal_place_is_valid_too(client: httpx.AsyncClient, session: AsyncSession) -> None:
    place = await make_place(session, nom="Projet", statut="en_projet", position=None, types=[], commune=None,
                             code_postal=None, code_insee=None, departement="48")
    document = (await client.get(f"/v1/lieux/{place.id}", headers={"Accept": LD})).json()
    assert validate(document) == []
    assert "geo" not in document and document["address"] == {
        "@type": "PostalAddress", "addressRegion": "Lozère", "addressCountry": "FR"}


def test_the_validator_catches_mistakes() -> None:
    """The validator is not a rubber stamp."""
    assert validate({"@type": "CoworkingSpace"}) == ["$: unknown type(s) ['CoworkingSpace']"]
    assert validate({"@type": "GeoCoordinates", "email": "a@b.c"}) == [
        "$.email: not a property of ['GeoCoordinates']"]
    assert validate({"@type": "OpeningHoursSpecification", "dayOfWeek": "Monday", "opens": "9h"}) == [
        "$.dayOfWeek[0]: 'Monday' is not one of ['DayOfWeek']", "$.opens[0]: '9h' is not one of ['Time']"]
    assert validate({"@type": "Place", "geo": {"@type": "PostalAddress"}}) == [
        "$.geo[0]: {'@type': 'PostalAddress'} is not one of ['GeoCoordinates', 'GeoShape']"]


def week(*days: str) -> list[str]:
    return [f"{SCHEMA}{d}" for d in days]


WEEKDAYS = week("Monday", "Tuesday", "Wednesday", "Thursday", "Friday")


@pytest.mark.parametrize(("expression", "expected"), [
    ("Mo-Fr 09:00-12:00,14:00-18:00; Sa 10:00-12:00", [
        (WEEKDAYS, "09:00", "12:00"), (WEEKDAYS, "14:00", "18:00"), (week("Saturday"), "10:00", "12:00")]),
    ("24/7", [(week("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"), "00:00", "23:59")]),
    ("Fr-Sa 22:00-02:00", [(week("Friday", "Saturday"), "22:00", "02:00")]),  # overnight: closes next morning
    ("Mo-Fr 18:00-24:00", [(WEEKDAYS, "18:00", "23:59")]),
    ("Tu,Th 08:30-12:30; PH off", [(week("Tuesday", "Thursday"), "08:30", "12:30")]),
    ("Mo-Fr 09:00-18:00; Aug off", None),  # seasonal: not the same every week
    ("week 1-53/2 Mo 10:00-12:00", None),  # every other week
    ('Tu 10:00-12:00 || "sur rendez-vous"', None),  # open at times one cannot tell
    ("off", None),
    (None, None),
])
def test_opening_hours_specification(expression: str | None, expected: list | None) -> None:
    result = jsonld.opening_hours_specification(expression)
    if expected is None:
        assert result is None
        return
    assert result == [{"@type": "OpeningHoursSpecification", "dayOfWeek": d, "opens": o, "closes": c}
                      for d, o, c in expected]
    for spec in result:
        assert validate(spec) == []


def test_reference_weeks_are_mondays_one_per_month() -> None:
    assert [m.month for m in jsonld.REFERENCE_MONDAYS] == list(range(1, 13))
    assert all(m.weekday() == 0 for m in jsonld.REFERENCE_MONDAYS)


HOSTILE = "</script><script>alert(1)</script> & <!--"


async def test_json_ld_is_safe_to_paste_into_a_script_element(client: httpx.AsyncClient, session: AsyncSession) -> None:
    place = await make_place(session, nom=HOSTILE, description="a > b & c")
    response = await client.get(f"/v1/lieux/{place.id}", headers={"Accept": LD})
    assert response.status_code == 200
    for raw in "<>&":
        assert raw not in response.text
    assert '"name":"\\u003c/script\\u003e\\u003cscript\\u003ealert(1)\\u003c/script\\u003e \\u0026 \\u003c!--"' \
        in response.text.replace(", ", ",").replace(": ", ":")
    assert response.json()["name"] == HOSTILE and response.json()["description"] == "a > b & c"


async def test_identifiers_in_other_registries_are_identifier_and_same_as(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    """Issue #19: SIRET… as PropertyValues, the OpenStreetMap object and the acceslibre sheet as sameAs."""
    place = await make_place(session, **FULL, identifiants={
        "siret": "73282932000074", "osm": "node/42", "acceslibre": "la-melee", "recensement_2019": "14"})
    document = (await client.get(f"/v1/lieux/{place.slug}", headers={"Accept": LD})).json()
    assert validate(document) == []
    assert document["identifier"] == [
        str(place.id),
        {"@type": "PropertyValue", "propertyID": "SIRET", "value": "73282932000074"},
        {"@type": "PropertyValue", "propertyID": "OpenStreetMap", "value": "node/42"},
        {"@type": "PropertyValue", "propertyID": "acceslibre", "value": "la-melee"},
        {"@type": "PropertyValue", "propertyID": "recensement-tiers-lieux-2019", "value": "14"},
    ]
    assert document["sameAs"] == ["https://www.openstreetmap.org/node/42",
                                  "https://acceslibre.beta.gouv.fr/app/31-toulouse/erp/la-melee/"]
    uuid_sheet = await make_place(session, nom="Autre",
                                  identifiants={"acceslibre": "0F1E2D3C-4B5A-6978-8796-A5B4C3D2E1F0"})
    other = (await client.get(f"/v1/lieux/{uuid_sheet.slug}", headers={"Accept": LD})).json()
    assert other["sameAs"] == ["https://acceslibre.beta.gouv.fr/uuid/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0/"]
