"""The place as the API speaks it (French field names), with the write rules of the model.

Write schemas forbid unknown fields, so that a server-managed field sent by a client (`id`,
`version`, `organisation`…) is a 422 naming it rather than a silent ignore.
"""

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Literal
from uuid import UUID

from opening_hours import OpeningHours, ParserError
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    EmailStr,
    Field,
    model_validator,
)

from reseau_api.core.validation import WriteModel
from reseau_api.editorial.freshness import Freshness
from reseau_api.editorial.schemas import FieldChange, FieldProvenance, RevisionAction, RevisionAuthor, all_optional
from reseau_api.places import vocabulary as vocab
from reseau_api.shared.identifiers import Acceslibre, Census, DataInclusion, Osm, Rna, Siret
from reseau_api.shared.types import DepartmentCode, Phone, WebUrl, unique_items

PlaceType = Literal[tuple(vocab.PLACE_TYPES)]  # type: ignore[valid-type]
Service = Literal[tuple(vocab.SERVICES)]  # type: ignore[valid-type]
Status = Literal[tuple(vocab.STATUSES)]  # type: ignore[valid-type]
ProjectKind = Literal[tuple(vocab.PROJECT_KINDS)]  # type: ignore[valid-type]
Audience = Literal[tuple(vocab.AUDIENCES)]  # type: ignore[valid-type]
Moderation = Literal[tuple(vocab.MODERATION_STATES)]  # type: ignore[valid-type]

_POSTCODE = re.compile(r"^\d{5}$")
_INSEE = re.compile(r"^(?:\d{5}|2[AB]\d{3})$")


def opening_hours_expression(value: str) -> str:
    try:
        OpeningHours(value)
    except (SyntaxError, ParserError) as exc:  # opening-hours-py 2 raises ParserError
        raise ValueError(f"not a valid OpenStreetMap opening_hours expression ({exc})") from exc
    return value


OpeningHoursText = Annotated[str, Field(max_length=500, examples=["Mo-Fr 09:00-18:00; PH off"]),
                             AfterValidator(opening_hours_expression)]
Euros = Annotated[Decimal, Field(ge=0, le=100000, decimal_places=2, allow_inf_nan=False)]
Count = Annotated[int, Field(ge=0, le=10000, strict=True)]


class Position(BaseModel):
    """WGS 84 longitude and latitude, in decimal degrees."""

    model_config = ConfigDict(extra="forbid")

    lon: float = Field(ge=-180, le=180, allow_inf_nan=False, examples=[1.444209])
    lat: float = Field(ge=-90, le=90, allow_inf_nan=False, examples=[43.604652])


class Telework(BaseModel):
    """The telework offer: desks, rooms, prices in euros, audiences, booking."""

    model_config = ConfigDict(extra="forbid")

    postes: Count | None = Field(default=None, description="Shared desks")
    bureaux_prives: Count | None = None
    salles_reunion: Count | None = None
    prix_demi_journee: Euros | None = None
    prix_journee: Euros | None = None
    prix_mois: Euros | None = None
    reservation_url: WebUrl | None = None
    acces_24_7: bool | None = None
    publics: Annotated[list[Audience], AfterValidator(unique_items)] = Field(
        default_factory=list, max_length=len(vocab.AUDIENCES),
        description="Audiences welcomed: independents, employees, civil servants…",
    )
    debit_internet_mbps: Annotated[int, Field(ge=0, le=100000, strict=True)] | None = None


MAX_CLOSURES = 20
CLOSURE_YEARS = (2000, 2199)


class Closure(BaseModel):
    """A dated closure or notice ("fermé pour travaux"): closed from `du` to `au`, both days included
    (Europe/Paris dates), whatever the opening hours say. Past closures no longer count nor show."""

    model_config = ConfigDict(extra="forbid")

    du: date = Field(description="First closed day")
    au: date = Field(description="Last closed day (on or after `du`)")
    motif: str = Field(min_length=3, max_length=200, description="Reason shown to visitors",
                       examples=["Fermé pour travaux"])

    @model_validator(mode="after")
    def dates_in_order(self) -> "Closure":
        first, last = CLOSURE_YEARS
        for name in ("du", "au"):
            if not first <= getattr(self, name).year <= last:
                raise ValueError(f"`{name}` must be within the years {first} to {last}")
        if self.au < self.du:
            raise ValueError("`au` must be on or after `du`")
        return self


def sorted_closures(value: list[Closure]) -> list[Closure]:
    """Stored in date order, so that the same closures in another order are not a change."""
    return sorted(value, key=lambda c: (c.du, c.au, c.motif))
class Identifiers(BaseModel):
    """The place's ids in other registries. Each is unique among published places: a partner finds its
    record with `GET /v1/lieux?siret=…` (or `osm`, `rna`, `acceslibre`, `data_inclusion`, `recensement_2019`)."""

    model_config = ConfigDict(extra="forbid")

    siret: Siret | None = Field(default=None, description="INSEE establishment number: 14 digits, Luhn-checked "
                                                           "(La Poste's: sum of the digits a multiple of 5)")
    rna: Rna | None = Field(default=None, description="Répertoire national des associations: W and 9 digits")
    osm: Osm | None = Field(default=None, description="OpenStreetMap object: node/<id>, way/<id> or relation/<id>")
    acceslibre: Acceslibre | None = Field(default=None, description="acceslibre accessibility sheet: its slug or UUID")
    data_inclusion: DataInclusion | None = Field(default=None, description="data·inclusion structure id")
    recensement_2019: Census | None = Field(default=None, description="Row id in the 2019 national census of "
                                                                      "tiers-lieux (CGET)")


class PlaceWrite(WriteModel):
    """Fields a member may set. Everything else is managed by the server."""

    nom: str = Field(min_length=2, max_length=200)
    description: str | None = Field(default=None, max_length=10000)
    statut: Status
    ouverture_prevue: date | None = Field(default=None, description="Planned opening date (en_projet)")
    projet: ProjectKind | None = Field(default=None, description="creation or extension, for planned work")
    mise_en_reseau: bool = False
    types: Annotated[list[PlaceType], AfterValidator(unique_items)] = Field(
        default_factory=list, max_length=len(vocab.PLACE_TYPES))
    services: Annotated[list[Service], AfterValidator(unique_items)] = Field(
        default_factory=list, max_length=len(vocab.SERVICES))
    adresse: str | None = Field(default=None, max_length=300)
    code_postal: Annotated[str, Field(pattern=_POSTCODE.pattern)] | None = None
    commune: str | None = Field(default=None, max_length=120)
    code_insee: Annotated[str, Field(pattern=_INSEE.pattern)] | None = None
    departement: DepartmentCode
    position: Position | None = Field(default=None, description="Required when statut is ouvert")
    teletravail: Telework = Field(default_factory=Telework)
    horaires: OpeningHoursText | None = Field(
        default=None, description="OpenStreetMap opening_hours syntax, evaluated in Europe/Paris time")
    email: EmailStr | None = Field(default=None, max_length=254)
    telephone: Phone | None = None
    site_web: WebUrl | None = None
    accessibilite: str | None = Field(default=None, max_length=2000)
    images: Annotated[list[WebUrl], AfterValidator(unique_items)] = Field(default_factory=list, max_length=10)
    fermetures: Annotated[list[Closure], AfterValidator(sorted_closures)] = Field(
        default_factory=list, max_length=MAX_CLOSURES,
        description=f"Dated closures (at most {MAX_CLOSURES}): closed from `du` to `au` whatever `horaires` says")
    identifiants: Identifiers = Field(default_factory=Identifiers)

    @model_validator(mode="after")
    def open_places_have_a_position(self) -> "PlaceWrite":
        if self.statut == "ouvert" and self.position is None:
            raise ValueError("an open place (statut=ouvert) needs a position")
        return self


class PlaceSummary(BaseModel):
    """A place in a list: what a card or a map marker needs."""

    model_config = ConfigDict(extra="forbid")

    id: UUID
    slug: str
    nom: str
    statut: Status
    types: list[PlaceType]
    services: list[Service]
    commune: str | None
    code_postal: str | None
    departement: str
    position: Position | None
    postes: int | None = Field(description="Shared desks (teletravail.postes)")
    prix_journee: Decimal | None = Field(description="Day price in euros (teletravail.prix_journee)")
    site_web: str | None
    maj_le: datetime
    verifie_le: datetime | None = Field(description="Last confirmation or edit by its owner or an admin "
                                                    "(null: never, e.g. census places)")
    fraicheur: Freshness = Field(description="a_jour, a_verifier or obsolete, from verifie_le (see README)")
    ferme_temporairement: bool = Field(description="True while one of its `fermetures` covers today")
    distance_m: int | None = Field(default=None, description="Geodesic metres from pres_de, when given")


class PlacePracticeRef(BaseModel):
    """A published good practice of the place (see /v1/bonnes-pratiques)."""

    id: UUID
    slug: str
    titre: str


class PlaceRead(BaseModel):
    """The full record of a place."""

    id: UUID
    slug: str
    nom: str
    description: str | None
    statut: Status
    ouverture_prevue: date | None
    projet: ProjectKind | None
    mise_en_reseau: bool
    types: list[PlaceType]
    services: list[Service]
    adresse: str | None
    code_postal: str | None
    commune: str | None
    code_insee: str | None
    departement: str
    position: Position | None
    teletravail: Telework
    horaires: str | None
    email: str | None
    telephone: str | None
    site_web: str | None
    accessibilite: str | None
    images: list[str]
    identifiants: Identifiers
    organisation: UUID | None
    moderation: Moderation
    source: str | None
    cree_le: datetime
    maj_le: datetime
    verifie_le: datetime | None = Field(description="Last confirmation (POST …/confirmation) or edit by its "
                                                    "owner or an admin; null: never (census places)")
    fraicheur: Freshness = Field(description="a_jour, a_verifier or obsolete, from verifie_le and the configured "
                                             "thresholds (default 180 and 365 days)")
    fermetures: list[Closure] = Field(description="Its closures that have not ended yet, in date order")
    ferme_temporairement: bool = Field(description="True while one of its closures covers today")
    fermeture_en_cours: Closure | None = Field(description="The closure covering today, if any")
    provenance: dict[str, FieldProvenance] = Field(
        description="Per field (history names: `teletravail.postes`…): who set its current value last "
                    "(membre, admin, or import with its source) and when")
    version: int
    bonnes_pratiques: list[PlacePracticeRef] | None = Field(
        default=None, description="Its published good practices, newest first (at most 100); in GET only, "
                                  "null in the answers of writes")


class PlacePage(BaseModel):
    """A page of places. Follow `next` (or the `Link: rel="next"` header) until it is null."""

    items: list[PlaceSummary]
    total: int = Field(description="Number of matching places (estimated beyond 10,000, see total_estime)")
    total_estime: bool = Field(description="True when `total` is the planner's estimate, not an exact count")
    next: str | None = Field(description="URL of the next page, or null on the last page")


# --- Editing by members (JSON Merge Patch, moderation, history) ---


PositionPatch = all_optional(Position, "PositionPatch", "Position fields to change.")
TeleworkPatch = all_optional(Telework, "TeleworkPatch", "Telework fields to change; the others are kept.")
IdentifiersPatch = all_optional(Identifiers, "IdentifiersPatch", "Identifiers to change; the others are kept.")
PlacePatch = all_optional(
    PlaceWrite, "PlacePatch",
    "A JSON Merge Patch (RFC 7396) of a place: send only the fields to change; `null` removes a field "
    "(back to its default). Nested objects (`teletravail`, `position`, `identifiants`) are merged; lists are "
    "replaced.",
    position=PositionPatch, teletravail=TeleworkPatch, identifiants=IdentifiersPatch,
)

class PlaceRevisionRead(BaseModel):
    """One recorded change of a place."""

    version: int = Field(description="Version of the place after this change (ETag `\"<id>-v<version>\"`)")
    date: datetime
    action: RevisionAction | Literal["revendication"]
    moderation: Moderation = Field(description="Moderation state after the change")
    motif: str | None
    auteur: RevisionAuthor
    changements: list[FieldChange]


class PlaceRevisionPage(BaseModel):
    """Changes of a place, newest first. Follow `next` until it is null."""

    items: list[PlaceRevisionRead]
    next: str | None
