"""Shared rules for client input."""

from typing import Any

from pydantic import BaseModel, ConfigDict, model_validator


def _find_nul(value: Any, path: str = "") -> str | None:
    if isinstance(value, str):
        return path or "/" if "\x00" in value else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = _find_nul(key, path) or _find_nul(item, f"{path}/{key}")
            if found:
                return found
    if isinstance(value, list):
        for index, item in enumerate(value):
            found = _find_nul(item, f"{path}/{index}")
            if found:
                return found
    return None


class WriteModel(BaseModel):
    """Base of every request body: unknown fields are errors (no silent ignore, no mass assignment),
    strings are stripped, and NUL bytes (which PostgreSQL text cannot store) are refused."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def no_nul_bytes(cls, data: Any) -> Any:
        where = _find_nul(data)
        if where:
            raise ValueError(f"NUL bytes are not allowed (at {where})")
        return data
