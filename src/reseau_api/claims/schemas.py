"""Claims as the API speaks them (French field names)."""

from datetime import datetime
from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field, model_validator

from reseau_api.core.validation import WriteModel

ClaimState = Literal["en_attente", "acceptee", "refusee"]


class ClaimCreate(WriteModel):
    """Why your organisation should take over this listing (shown to the animators)."""

    message: str = Field(min_length=10, max_length=2000,
                         examples=["Nous animons ce lieu depuis 2021 : contact@fabrique.example."])


class ClaimDecision(WriteModel):
    """An animator's decision on a pending claim."""

    decision: Literal["accepter", "refuser"]
    motif: str | None = Field(default=None, min_length=3, max_length=2000,
                              description="Reason, shown to the claimant; required to refuse")

    @model_validator(mode="after")
    def refusal_has_a_reason(self) -> "ClaimDecision":
        if self.decision == "refuser" and not self.motif:
            raise ValueError("a refusal needs a `motif`")
        return self


class ClaimPlace(BaseModel):
    id: UUID
    slug: str
    nom: str
    commune: str | None
    departement: str


class ClaimOrganisation(BaseModel):
    id: UUID
    nom: str


class ClaimRead(BaseModel):
    """A claim on a place and its outcome."""

    id: UUID
    lieu: ClaimPlace
    organisation: ClaimOrganisation
    message: str
    etat: ClaimState
    motif: str | None = Field(description="The animators' reason, once decided")
    cree_le: datetime
    decidee_le: datetime | None


class ClaimPage(BaseModel):
    """A page of claims. Follow `next` until it is null."""

    items: list[ClaimRead]
    total: int
    next: str | None
