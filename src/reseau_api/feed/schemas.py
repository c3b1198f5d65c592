"""Wire shapes of the change feed and of the directory snapshot (documentation: the bodies are built
by PostgreSQL, see queries.py)."""

from datetime import datetime
from typing import Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field

Action = Literal["publication", "modification", "retrait"]
Resource = Literal["lieu", "bonne_pratique"]


class Change(BaseModel):
    """One change of public data."""

    curseur: int = Field(description="Position of this change; resume after it with `depuis`")
    action: Action = Field(description="publication: became public; modification: changed while public; "
                                       "retrait: no longer public (archived, rejected, unpublished, deleted)")
    ressource: Resource
    id: UUID
    date: datetime = Field(description="When the change was written")
    champs: list[str] = Field(description="Top-level fields that changed (every field for a publication, "
                                          "none for a retrait)")
    donnees: dict[str, Any] | None = Field(
        description="The public representation after the change (as in the export); null for a retrait")


class ChangePage(BaseModel):
    """Changes after `depuis`, oldest first. Apply them in order, store `curseur`, follow `next`
    until it is null, then poll again later with `depuis=<curseur>`."""

    items: list[Change]
    curseur: int = Field(description="Cursor to resume from (the last item's, or `depuis` when empty)")
    a_jour: bool = Field(description="True when no change after `curseur` exists yet")
    next: str | None = Field(description="The next page, while there are more")


class DirectorySnapshot(BaseModel):
    """Every public place and good practice, consistent with the feed at `curseur`."""

    curseur: int = Field(description="Follow /v1/changements?depuis=<curseur> to stay in sync")
    lieux: list[dict[str, Any]]
    bonnes_pratiques: list[dict[str, Any]]
