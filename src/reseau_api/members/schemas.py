"""Organisations and API keys as the API speaks them (French field names)."""

from datetime import date, datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, BeforeValidator, EmailStr, Field

from reseau_api.core.validation import WriteModel
from reseau_api.members import vocabulary as vocab
from reseau_api.shared.identifiers import luhn as luhn_valid
from reseau_api.shared.types import Phone, WebUrl

LegalForm = Literal[tuple(vocab.LEGAL_FORMS)]  # type: ignore[valid-type]
Nature = Literal[tuple(vocab.NATURES)]  # type: ignore[valid-type]
Role = Literal[tuple(vocab.ROLES)]  # type: ignore[valid-type]

def siren_number(value: str) -> str:
    if len(value) != 9 or not value.isdigit():
        raise ValueError("a SIREN is 9 digits")
    if not luhn_valid(value):
        raise ValueError("not a valid SIREN (Luhn check digit)")
    return value


def _without_spaces(value: object) -> object:
    return value.replace(" ", "").replace("\u00a0", "") if isinstance(value, str) else value


Siren = Annotated[str, BeforeValidator(_without_spaces), Field(examples=["732829320"]),
                  AfterValidator(siren_number)]


class Contact(WriteModel):
    """How to reach the organisation. Organisation-level details only (published): no private person."""

    email: EmailStr | None = Field(default=None, max_length=254)
    telephone: Phone | None = None
    site_web: WebUrl | None = None


class OrganisationWrite(WriteModel):
    """An organisation, as the network's animators register it."""

    nom: str = Field(min_length=2, max_length=200)
    siren: Siren | None = Field(default=None, description="9-digit SIREN, checked with the Luhn algorithm")
    forme_juridique: LegalForm = Field(description="Legal form, from the AMI Tiers-Lieux list (or `autre`)")
    nature: Nature
    contact: Contact = Field(default_factory=Contact)
    membre_depuis: date | None = Field(default=None, description="Date the organisation joined the network")


class OrganisationSummary(BaseModel):
    id: UUID
    nom: str
    forme_juridique: LegalForm
    nature: Nature
    membre_depuis: date | None


class OrganisationPlace(BaseModel):
    """A published place of the organisation."""

    id: UUID
    slug: str
    nom: str
    statut: str
    commune: str | None
    departement: str


class OrganisationRead(OrganisationSummary):
    siren: str | None
    contact: Contact
    lieux: list[OrganisationPlace] = Field(description="Its published places, by name")
    cree_le: datetime


class OrganisationPage(BaseModel):
    """A page of organisations, by name. Follow `next` until it is null."""

    items: list[OrganisationSummary]
    total: int
    next: str | None = Field(description="URL of the next page, or null on the last page")


class ApiKeyCreate(WriteModel):

    libelle: str = Field(min_length=1, max_length=120, description="What the key is for, e.g. who holds it",
                         examples=["Site web de La Fabrique"])


class ApiKeyRead(BaseModel):
    """An API key as listed: never the secret, only its public prefix."""

    id: UUID
    prefixe: str = Field(description="Public part of the key (`rsx_<prefixe>_…`), to quote to support")
    role: Role
    organisation: UUID | None
    libelle: str
    cree_le: datetime
    revoquee_le: datetime | None
    derniere_utilisation: datetime | None = Field(description="Last authenticated request (minute precision)")


class ApiKeyCreated(ApiKeyRead):
    cle: str = Field(description="The key itself. Shown this once: only its hash is stored.")
