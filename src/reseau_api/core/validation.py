"""Shared rules for client input: the one text rule, and the base of every request body.

Text that the API stores may hold tab, line feed and carriage return, but no other C0 control character
(U+0000-U+001F) nor DEL: NUL cannot be stored by PostgreSQL, and the others break what the text lands in
(an Atom feed with U+0001 is not XML, a CSV or a terminal misreads them). The rule is checked once, on the
raw body, walking it iteratively (a body nested 900 deep is a 422, not a recursion error), and the error
names the offending field as a JSON pointer. Imports validate their rows with the same models.
"""

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import InitErrorDetails, PydanticCustomError

# C0 controls except \t \n \r, and DEL.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Deeper than any body the API declares (places nest 3 levels): refused before any recursive code runs.
MAX_DEPTH = 32


def control_character(text: str) -> str | None:
    """The first forbidden control character of `text`, as `U+XXXX`, or None."""
    found = CONTROL_CHARACTERS.search(text)
    return f"U+{ord(found.group()):04X}" if found else None


def check_text(text: str) -> str:
    """The text rule for one value (as an AfterValidator or from code): ValueError naming the character."""
    bad = control_character(text)
    if bad:
        raise ValueError(f"control character {bad} is not allowed (tab, line feed and carriage return are)")
    return text


def _first_violation(data: Any) -> tuple[tuple[str | int, ...], PydanticCustomError, Any] | None:
    """Where the raw body breaks the text rule or the depth bound, without recursion."""
    stack: list[tuple[tuple[str | int, ...], Any]] = [((), data)]
    while stack:
        loc, value = stack.pop()
        if len(loc) > MAX_DEPTH:
            return loc[:1], PydanticCustomError(
                "too_deep", "nested deeper than {max_depth} levels", {"max_depth": MAX_DEPTH}), None
        if isinstance(value, str):
            bad = control_character(value)
            if bad:
                return loc, PydanticCustomError(
                    "control_character",
                    "control character {character} is not allowed (tab, line feed and carriage return are)",
                    {"character": bad}), value
        elif isinstance(value, dict):
            for key, item in reversed(list(value.items())):
                if isinstance(key, str) and control_character(key):
                    return (*loc, key), PydanticCustomError(
                        "control_character", "control character {character} is not allowed in a field name",
                        {"character": control_character(key)}), key
                stack.append(((*loc, key), item))
        elif isinstance(value, list):
            stack.extend(((*loc, index), item) for index, item in reversed(list(enumerate(value))))
    return None


class WriteModel(BaseModel):
    """Base of every request body: unknown fields are errors (no silent ignore, no mass assignment),
    strings are stripped, and text follows the control-character rule (422 naming the field)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    @model_validator(mode="before")
    @classmethod
    def text_rule(cls, data: Any) -> Any:
        violation = _first_violation(data)
        if violation:
            loc, error, value = violation
            # Raised as a ValidationError so that the error's location is the field, not the model.
            raise ValidationError.from_exception_data(
                cls.__name__, [InitErrorDetails(type=error, loc=loc, input=value)])
        return data
