"""Moderation states of an editable resource: an enum per resource, one workflow declaration.

Each resource names its states in its own French vocabulary (a place is `publie`, a good practice
`publiee`), but they play the same roles: the one public state, the state a member's creation waits in,
the state a rejection leads to, the archived (read-only) state. The workflow says which is which, and
`is_public` answers "may the public see it?" for Python values and, as `public_sql`, inside SQL.
"""

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy import ColumnElement


@dataclass(frozen=True)
class Workflow:
    states: type[StrEnum]
    public: StrEnum
    pending: StrEnum  # where a member's creation waits for an admin
    rejected: StrEnum  # where `rejeter` sends a record
    archived: StrEnum  # `DELETE`: hidden and read-only until published again
    rejectable: frozenset[StrEnum]  # states `rejeter` applies to
    resubmit_from: frozenset[StrEnum] = frozenset()  # a member's edit in one of these goes back to `pending`

    def is_public(self, state: str) -> bool:
        return state == self.public

    def public_sql(self, column: str | ColumnElement[str]) -> str | ColumnElement[bool]:
        """The same predicate in SQL: for a column of a model, or a qualified column name in SQL text."""
        if isinstance(column, str):
            return f"{column} = '{self.public.value}'"
        return column == self.public.value

    def check_constraint(self, column: str) -> str:
        return f"{column} IN ({', '.join(repr(s.value) for s in self.states)})"
