"""A tiny builder for hand-written SQL with numbered asyncpg parameters.

Values always travel as parameters ($1, $2…); only constant SQL fragments are concatenated.
"""

from typing import Any


class Params:
    def __init__(self) -> None:
        self.values: list[Any] = []

    def __call__(self, value: Any, cast: str | None = None) -> str:
        """Register a value and return its placeholder, with an explicit type when given."""
        self.values.append(value)
        placeholder = f"${len(self.values)}"
        return f"{placeholder}::{cast}" if cast else placeholder
