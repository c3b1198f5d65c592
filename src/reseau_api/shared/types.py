"""Value types used by several domains: web URLs, French phone numbers, the region's department codes.

Each is an `Annotated` type carrying its validation and its JSON Schema, so that a schema field declares
what it holds in one word (`site_web: WebUrl | None`).
"""

import re
from typing import Annotated, Any
from urllib.parse import urlsplit

from pydantic import AfterValidator, Field, GetJsonSchemaHandler

from reseau_api.core.config import get_settings

_PHONE = re.compile(r"^(?:\+33\s?|0)[1-9](?:[\s.-]?\d{2}){4}$")


def web_url(value: str) -> str:
    """Only absolute http(s) URLs: `javascript:`, `data:`, `file:` and the like are refused."""
    parts = urlsplit(value)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in value):
        raise ValueError("must be an absolute http:// or https:// URL")
    return value


def french_phone(value: str) -> str:
    if not _PHONE.match(value.strip()):
        raise ValueError("must be a French phone number, e.g. 05 61 00 00 00 or +33 5 61 00 00 00")
    digits = re.sub(r"\D", "", value)
    national = "0" + digits[2:] if digits.startswith("33") else digits
    return " ".join(national[i:i + 2] for i in range(0, 10, 2))


def unique_items(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("items must be unique")
    return values


def in_region(value: str) -> str:
    """The department must be one of the region's, read from the settings at validation time."""
    codes = get_settings().region_departements
    if value not in codes:
        raise ValueError(f"department {value} is outside the configured region ({', '.join(codes)})")
    return value


class _RegionEnum:
    """Documents the region's departments as an enum, from the settings when the schema is generated."""

    def __get_pydantic_json_schema__(self, core_schema: Any, handler: GetJsonSchemaHandler) -> dict[str, Any]:
        schema = handler(core_schema)
        schema["enum"] = list(get_settings().region_departements)
        return schema

    def __hash__(self) -> int:
        return hash(type(self))

    def __eq__(self, other: object) -> bool:
        return isinstance(other, _RegionEnum)


DepartmentCode = Annotated[str, AfterValidator(in_region), _RegionEnum()]
WebUrl = Annotated[str, Field(max_length=500), AfterValidator(web_url)]
Phone = Annotated[str, Field(max_length=20), AfterValidator(french_phone)]
