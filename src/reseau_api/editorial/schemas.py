"""Wire models every editable resource shares: patches, moderation decisions, history, the queue."""

from datetime import datetime
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, Field, create_model, model_validator

from reseau_api.core.validation import WriteModel

RevisionAction = Literal["creation", "modification", "moderation", "archivage", "restauration", "confirmation"]


def all_optional(model: type[BaseModel], name: str, doc: str, **overrides: Any) -> type[BaseModel]:
    """A copy of `model` where every field may be omitted or null: the shape of an RFC 7396 patch.

    Field types and constraints are kept, so type errors point at the field; the merged result is then
    validated by the full model, which applies every rule (required fields, cross-field checks).
    """
    fields: dict[str, Any] = {}
    for field_name, info in model.model_fields.items():
        annotation: Any = overrides.get(field_name) or info.annotation
        if field_name not in overrides and info.metadata:
            annotation = Annotated[(annotation, *info.metadata)]
        fields[field_name] = (annotation | None, Field(default=None, description=info.description))
    patch = create_model(name, __base__=WriteModel, **fields)
    patch.__doc__ = doc
    return patch


ModerationDecisionCode = Literal["publier", "rejeter"]


class ModerationDecision(WriteModel):
    """An animator's decision on the current version of a record (the one `If-Match` names)."""

    decision: ModerationDecisionCode = Field(description="`publier` makes it public; `rejeter` hides it")
    motif: str | None = Field(default=None, min_length=3, max_length=2000,
                              description="Reason, shown to the owner in the history; required to reject")

    @model_validator(mode="after")
    def rejection_has_a_reason(self) -> "ModerationDecision":
        if self.decision == "rejeter" and not self.motif:
            raise ValueError("a rejection needs a `motif`")
        return self


class FieldProvenance(BaseModel):
    """Who set a field's current value last, and when."""

    role: Literal["membre", "admin", "import"] = Field(
        description="`membre` (the owner), `admin` (the network's animators) or `import` (a file)")
    source: str | None = Field(default=None, description="For an import: its source (e.g. `recensement CGET 2019`)")
    le: datetime


class RevisionAuthor(BaseModel):
    cle: str | None = Field(description="Prefix of the API key used; null for the command line or an import")
    role: str | None
    organisation: UUID | None


class FieldChange(BaseModel):
    champ: str = Field(description="Field name; nested telework fields read `teletravail.<field>`")
    avant: Any
    apres: Any


# --- The admins' moderation queue and the members' own listings (GET /v1/moderation, /v1/moi/…) ---


class DuplicateRef(BaseModel):
    """Another listing this record may duplicate, found when it was created."""

    id: UUID
    slug: str
    titre: str
    etat: str = Field(description="The other listing's moderation state")
    motifs: list[str] = Field(description="Why: a shared identifier (`siret`, `osm`…) or `proximite` (a close "
                                          "position and a similar name)")
    distance_m: int | None = Field(description="Geodesic metres between the two positions, when both are known")
    similarite: float | None = Field(description="pg_trgm similarity of the two names (0 to 1), for `proximite`")
    lien: str


class QueueItem(BaseModel):
    """A record that needs a decision (`nouveau`; `doublon`: awaiting publication and possibly a duplicate of
    another listing) or a look (`modifie`: member edits since its last review)."""

    objet: str = Field(description="`lieu` or `bonne_pratique`")
    id: UUID
    slug: str
    titre: str = Field(description="The place's `nom` or the practice's `titre`")
    etat: str = Field(description="Its moderation state, in its own vocabulary (`a_valider`, `publie`, `brouillon`…)")
    raison: Literal["nouveau", "modifie", "doublon"]
    organisation: UUID | None
    departements: list[str]
    auteur: RevisionAuthor = Field(description="Author of the latest unreviewed change")
    depuis: datetime = Field(description="Date of the oldest unreviewed change")
    age_secondes: int
    version: int
    version_revue: int | None = Field(description="Last reviewed version (null: never reviewed)")
    etag: str = Field(description="For `If-Match` on the moderation routes")
    changements: dict[str, list[Any]] = Field(
        description="{field: [old, new]} from the reviewed version (or from nothing) to the current one")
    lien: str
    historique: str
    doublons_possibles: list[DuplicateRef] = Field(
        default_factory=list, description="Listings it may duplicate (places: same identifier, or within 50 m "
                                          "with a similar name); decide with `publier` or `rejeter`")


class QueuePage(BaseModel):
    items: list[QueueItem]
    total: int = Field(description="Matching items (counted up to 10,000, see total_estime)")
    total_estime: bool = Field(description="True when there are more than 10,000 and `total` says 10000")
    next: str | None


class OwnItem(BaseModel):
    """One of the caller's organisation's records, whatever its state."""

    objet: str
    id: UUID
    slug: str
    titre: str
    etat: str
    motif: str | None = Field(description="Reason of the rejection while it is rejected")
    organisation: UUID | None
    departements: list[str]
    version: int
    etag: str
    cree_le: datetime
    maj_le: datetime
    en_moderation: bool = Field(description="True while it is in the admins' moderation queue")
    lien: str
    historique: str


class OwnPage(BaseModel):
    items: list[OwnItem]
    total: int = Field(description="Matching records (counted up to 10,000, see total_estime)")
    total_estime: bool
    next: str | None


# --- The admins' chase list (GET /v1/moderation/a-relancer) ---


class ChaseOrganisation(BaseModel):
    id: UUID
    nom: str
    email: str | None
    telephone: str | None


class ChaseContact(BaseModel):
    email: str | None = Field(description="The record's own email (places), else null")
    telephone: str | None


class ChaseItem(BaseModel):
    """A published record to confirm: never verified, or verified longer ago than the threshold."""

    objet: str = Field(description="`lieu` or `bonne_pratique`")
    id: UUID
    slug: str
    titre: str
    fraicheur: Literal["a_verifier", "obsolete", "a_jour"]
    verifie_le: datetime | None = Field(description="Last confirmation or edit (null: never verified)")
    maj_le: datetime
    organisation: ChaseOrganisation | None = Field(description="The owner and its contact points (null: no owner)")
    contact: ChaseContact
    lien: str
    confirmation: str = Field(description="Where the owner confirms it (POST with If-Match)")


class ChasePage(BaseModel):
    items: list[ChaseItem]
    total: int = Field(description="Matching records (counted up to 10,000, see total_estime)")
    total_estime: bool
    next: str | None
