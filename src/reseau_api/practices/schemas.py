"""A good practice as the API speaks it (French field names), with its write rules."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, Field

from reseau_api.core.validation import WriteModel
from reseau_api.editorial.freshness import Freshness
from reseau_api.editorial.schemas import (
    FieldChange,
    FieldProvenance,
    ModerationDecision,
    RevisionAction,
    RevisionAuthor,
    all_optional,
)
from reseau_api.practices import vocabulary as vocab
from reseau_api.shared.types import WebUrl, unique_items

Theme = Literal[tuple(vocab.THEMES)]  # type: ignore[valid-type]
PracticeStatus = Literal[tuple(vocab.STATUSES)]  # type: ignore[valid-type]
MAX_PLACES = 20
MAX_URLS = 20

__all__ = ["ModerationDecision"]


class PracticeWrite(WriteModel):
    """Fields a member may set. `id`, `slug`, `statut`, `organisation`, dates, `version` and
    `contenu_html` are managed by the server (sending one is a 422 naming it)."""

    titre: str = Field(min_length=3, max_length=200)
    resume: str = Field(min_length=10, max_length=500, description="Short summary, plain text")
    contenu: str = Field(min_length=1, max_length=50_000, description="The practice, in Markdown (CommonMark); "
                         "raw HTML is shown as text, not interpreted")
    thematiques: Annotated[list[Theme], AfterValidator(unique_items)] = Field(
        min_length=1, max_length=len(vocab.THEMES), description="Themes (codes of /v1/vocabulaires)")
    lieux: Annotated[list[UUID], AfterValidator(unique_items)] = Field(
        default_factory=list, max_length=MAX_PLACES, description="Ids of the places it comes from")
    liens: Annotated[list[WebUrl], AfterValidator(unique_items)] = Field(
        default_factory=list, max_length=MAX_URLS, description="Related web pages (http/https)")
    pieces_jointes: Annotated[list[WebUrl], AfterValidator(unique_items)] = Field(
        default_factory=list, max_length=MAX_URLS, description="Attachments (documents, images) as http/https URLs")


PracticePatch = all_optional(
    PracticeWrite, "PracticePatch",
    "A JSON Merge Patch (RFC 7396) of a good practice: send only the fields to change; `null` resets a "
    "list field to empty (required fields cannot be removed). Lists are replaced, not merged.",
)


class PlaceRef(BaseModel):
    id: UUID
    slug: str
    nom: str
    departement: str


class PracticeRef(BaseModel):
    """A good practice as listed in a place's detail."""

    id: UUID
    slug: str
    titre: str


class PracticeSummary(BaseModel):
    """A good practice in a list."""

    id: UUID
    slug: str
    titre: str
    resume: str
    thematiques: list[Theme]
    lieux: list[PlaceRef]
    organisation: UUID | None
    publiee_le: datetime | None
    maj_le: datetime
    verifie_le: datetime | None = Field(description="Last confirmation or edit by its owner or an admin")
    fraicheur: Freshness = Field(description="a_jour, a_verifier or obsolete, from verifie_le")


class PracticeRead(BaseModel):
    """The full record of a good practice."""

    id: UUID
    slug: str
    titre: str
    resume: str
    contenu: str = Field(description="Markdown, as written")
    contenu_html: str = Field(description="Sanitised HTML rendering of `contenu` (no script, event handler "
                              "or non-http(s)/mailto URL)")
    thematiques: list[Theme]
    lieux: list[PlaceRef]
    organisation: UUID | None
    liens: list[str]
    pieces_jointes: list[str]
    statut: PracticeStatus
    motif_moderation: str | None = Field(description="Reason of the last rejection (owner and admins only)")
    publiee_le: datetime | None
    cree_le: datetime
    maj_le: datetime
    verifie_le: datetime | None = Field(description="Last confirmation (POST …/confirmation) or edit by its "
                                                    "owner or an admin")
    fraicheur: Freshness = Field(description="a_jour, a_verifier or obsolete, from verifie_le")
    provenance: dict[str, FieldProvenance] = Field(
        description="Per field: who set its current value last (membre, admin or import) and when")
    version: int


class PracticePage(BaseModel):
    """A page of good practices. Follow `next` (or the `Link: rel="next"` header) until it is null."""

    items: list[PracticeSummary]
    total: int
    total_estime: bool = Field(description="Always false: good practices are counted exactly")
    next: str | None


class PracticeRevisionRead(BaseModel):
    """One recorded change of a good practice."""

    version: int
    date: datetime
    action: RevisionAction
    statut: PracticeStatus = Field(description="Status after the change")
    motif: str | None
    auteur: RevisionAuthor
    changements: list[FieldChange]


class PracticeRevisionPage(BaseModel):
    items: list[PracticeRevisionRead]
    next: str | None


