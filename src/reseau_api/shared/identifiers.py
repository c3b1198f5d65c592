"""The identifiers other registries give a place or an organisation, with their validation and links.

Each is an `Annotated` string type whose validator normalises (spaces in a SIRET are dropped, an RNA's
`w` is upper-cased) and explains a refusal in one sentence; the same functions check the `?siret=`… list
filters, the import and the API bodies.

- SIRET (INSEE establishment number): 14 digits passing the Luhn check. La Poste's establishments
  (SIREN 356 000 000) are numbered past what Luhn allows; INSEE gives them another rule: the sum of the
  14 digits is a multiple of 5.
- SIREN (INSEE company number, organisations): 9 digits passing the Luhn check.
- RNA (répertoire national des associations): `W` and 9 digits.
- OpenStreetMap: `node/<id>`, `way/<id>` or `relation/<id>`, a positive id.
- acceslibre: the slug of the establishment's sheet or its UUID.
- data·inclusion: the structure id as the national data·inclusion base publishes it (`<source>--<id>`).
- 2019 census: the row id of the national census of tiers-lieux (CGET, mission coworking, 2019).
"""

import re
import uuid
from typing import Annotated

from pydantic import AfterValidator, BeforeValidator, Field

LA_POSTE_SIREN = "356000000"
ACCESLIBRE_URL = "https://acceslibre.beta.gouv.fr"
OSM_URL = "https://www.openstreetmap.org"

_OSM = re.compile(r"^(node|way|relation)/([1-9][0-9]{0,15})$")
_RNA = re.compile(r"^W[0-9]{9}$")
_SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_DATA_INCLUSION = re.compile(r"^[a-z0-9][a-z0-9_-]*--[A-Za-z0-9][A-Za-z0-9_.:@/-]*$")
_CENSUS = re.compile(r"^[1-9][0-9]{0,8}$")


def luhn(digits: str) -> bool:
    """The Luhn check (ISO/IEC 7812-1) over a string of digits."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _digits(value: str, length: int, name: str) -> str:
    compact = re.sub(r"[\s.]", "", value)
    if not re.fullmatch(rf"[0-9]{{{length}}}", compact):
        raise ValueError(f"a {name} is {length} digits")
    return compact


def siret(value: str) -> str:
    compact = _digits(value, 14, "SIRET")
    if compact.startswith(LA_POSTE_SIREN):
        if sum(int(c) for c in compact) % 5 and not luhn(compact):
            raise ValueError("not a valid SIRET of La Poste (the sum of its digits must be a multiple of 5)")
    elif not luhn(compact):
        raise ValueError("not a valid SIRET (its Luhn check digit is wrong: a typo?)")
    return compact


def siren(value: str) -> str:
    compact = _digits(value, 9, "SIREN")
    if not luhn(compact):
        raise ValueError("not a valid SIREN (its Luhn check digit is wrong: a typo?)")
    return compact


def rna(value: str) -> str:
    compact = value.strip().upper()
    if not _RNA.match(compact):
        raise ValueError("an RNA number is W followed by 9 digits, e.g. W313012345")
    return compact


def osm(value: str) -> str:
    compact = value.strip()
    if not _OSM.match(compact):
        raise ValueError("an OpenStreetMap id is node/<id>, way/<id> or relation/<id>, e.g. node/123456")
    return compact


def acceslibre(value: str) -> str:
    compact = value.strip()
    try:
        return str(uuid.UUID(compact)) if len(compact) == 36 else _acceslibre_slug(compact)
    except ValueError:
        raise ValueError("an acceslibre id is the slug of the sheet (e.g. la-serre-toulouse) or its UUID") from None


def _acceslibre_slug(value: str) -> str:
    if not _SLUG.match(value):
        raise ValueError(value)
    return value


def data_inclusion(value: str) -> str:
    compact = value.strip()
    if not _DATA_INCLUSION.match(compact):
        raise ValueError("a data·inclusion id is <source>--<id>, e.g. dora--4b9c3ad0")
    return compact


def census(value: str) -> str:
    compact = value.strip()
    if not _CENSUS.match(compact):
        raise ValueError("a 2019 census id is a positive number, e.g. 14")
    return compact


def _text(value: object) -> object:
    """Numbers sent for a SIRET or a census id are read as their digits, not refused as a wrong type."""
    return str(value) if isinstance(value, int) and not isinstance(value, bool) else value


Siret = Annotated[str, BeforeValidator(_text), Field(max_length=20, examples=["35600000000048"]),
                  AfterValidator(siret)]
Siren = Annotated[str, BeforeValidator(_text), Field(max_length=12, examples=["356000000"]),
                  AfterValidator(siren)]
Rna = Annotated[str, Field(max_length=12, examples=["W313012345"]), AfterValidator(rna)]
Osm = Annotated[str, Field(max_length=30, examples=["node/123456"]), AfterValidator(osm)]
Acceslibre = Annotated[str, Field(max_length=120, examples=["la-serre-toulouse"]), AfterValidator(acceslibre)]
DataInclusion = Annotated[str, Field(max_length=120, examples=["dora--4b9c3ad0"]), AfterValidator(data_inclusion)]
Census = Annotated[str, BeforeValidator(_text), Field(max_length=9, examples=["14"]), AfterValidator(census)]


def osm_url(value: str) -> str:
    return f"{OSM_URL}/{value}"


def acceslibre_url(value: str, *, department: str | None = None, commune_slug: str | None = None) -> str:
    """The accessibility sheet. A UUID has a permanent address; a slug is found whatever the commune part
    of the path (acceslibre redirects to the sheet's canonical address), which we fill as best we know."""
    if len(value) == 36 and value.count("-") == 4:
        return f"{ACCESLIBRE_URL}/uuid/{value}/"
    commune = "-".join(part for part in (department, commune_slug) if part) or "commune"
    return f"{ACCESLIBRE_URL}/app/{commune}/erp/{value}/"
