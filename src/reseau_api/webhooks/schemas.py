"""Wire models of webhook subscriptions and their delivery log (French field names)."""

from datetime import datetime
from typing import Annotated, Literal
from uuid import UUID

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from reseau_api.webhooks.targets import MAX_URL_LENGTH

EVENTS = tuple(f"{resource}.{action}" for resource in ("lieu", "bonne_pratique")
               for action in ("publication", "modification", "retrait"))
Event = Literal[EVENTS]  # type: ignore[valid-type]
DeliveryState = Literal["en_attente", "livree", "echouee"]


def _unique(values: list[str]) -> list[str]:
    if len(set(values)) != len(values):
        raise ValueError("each event at most once")
    return values


Events = Annotated[list[Event], AfterValidator(_unique), Field(min_length=1, max_length=len(EVENTS))]


class WebhookCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str = Field(max_length=MAX_URL_LENGTH, description="https:// URL resolving to public addresses only")
    evenements: Events = Field(default_factory=lambda: list(EVENTS), description="Events wanted (default: all)")
    description: str | None = Field(default=None, max_length=200)


class WebhookPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    url: str | None = Field(default=None, max_length=MAX_URL_LENGTH)
    evenements: Events | None = None
    description: str | None = Field(default=None, max_length=200)
    actif: bool | None = Field(default=None, description="true re-enables a disabled subscription")


class WebhookRead(BaseModel):
    id: UUID
    url: str
    evenements: list[Event]
    description: str | None
    actif: bool
    echecs_consecutifs: int = Field(description="Failed attempts in a row; disabled when it reaches the limit")
    motif_desactivation: str | None
    cree_le: datetime
    maj_le: datetime


class WebhookCreated(WebhookRead):
    secret: str = Field(description="Signing secret (Standard Webhooks `whsec_…`): shown only in this answer")


class WebhookList(BaseModel):
    items: list[WebhookRead]


class DeliveryRead(BaseModel):
    id: int
    evenement: Event
    curseur: int | None = Field(description="The change's feed position")
    etat: DeliveryState
    tentatives: int
    prochaine_tentative: datetime | None
    derniere_tentative: datetime | None
    code_reponse: int | None
    latence_ms: int | None
    erreur: str | None
    cree_le: datetime
    livree_le: datetime | None


class DeliveryPage(BaseModel):
    items: list[DeliveryRead]
    next: str | None
