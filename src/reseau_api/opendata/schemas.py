"""Documented shapes of the open data outputs: the import report and the national-schema records."""

from typing import Literal
from uuid import UUID

from pydantic import BaseModel, Field


class ReportReason(BaseModel):
    champ: str | None = Field(description="The native column at fault, or null for the row as a whole")
    message: str


class ReportRow(BaseModel):
    ligne: int = Field(description="Line of the file where the row starts (CSV) or feature number (GeoJSON)")
    source_id: str | None
    statut: Literal["accepte", "mis_a_jour", "inchange", "rejete"] = Field(
        description="accepte: created; mis_a_jour: updated; inchange: already up to date; rejete: see raisons")
    lieu: UUID | None = Field(description="The place created, updated or found (null when rejected or simulated)")
    raisons: list[ReportReason] = Field(description="Why the row was rejected")
    avertissements: list[ReportReason] = Field(description="Values cleaned or dropped on the way")
    champs_modifies: list[str] = Field(description="Columns that changed (mis_a_jour)")


class ReportTotals(BaseModel):
    lignes: int
    accepte: int
    mis_a_jour: int
    inchange: int
    rejete: int


class ImportReportRead(BaseModel):
    """What an import did (or, in simulation, would do) with every row of the file."""

    fichier: str
    format: Literal["csv", "geojson"]
    encodage: str = Field(description="Encoding the file was read with (utf-8, utf-8-sig, cp1252, latin-1…)")
    separateur: str | None = Field(description="CSV separator detected")
    mapping: str | None
    mode: Literal["tout_ou_rien", "partiel"]
    simulation: bool
    applique: bool = Field(description="True when the changes were stored")
    totaux: ReportTotals
    colonnes_ignorees: list[str]
    avertissements: list[str]
    lignes: list[ReportRow]


class MediationPlace(BaseModel):
    """A place in the national "lieux de médiation numérique" schema (1.0.x): strings, `|` between items;
    empty fields are left out of the JSON export."""

    id: str
    pivot: str = Field(description="The place's SIRET (`identifiants.siret`), or 00000000000000 when unknown")
    nom: str
    commune: str
    code_postal: str
    code_insee: str | None = None
    adresse: str
    latitude: float | None = None
    longitude: float | None = None
    typologie: str | None = Field(default=None, description="data.inclusion typologies: TIERS_LIEUX, RFS")
    telephone: str | None = Field(default=None, description="+33XXXXXXXXX")
    courriels: str | None = None
    site_web: str | None = None
    horaires: str | None = Field(default=None, description="OpenStreetMap opening_hours")
    presentation_resume: str | None = Field(default=None, max_length=280)
    presentation_detail: str | None = None
    source: str
    itinerance: str | None = None
    date_maj: str = Field(description="YYYY-MM-DD")
    services: str = Field(description="The schema's services, `|`-separated")
    dispositif_programmes_nationaux: str | None = None
    modalites_acces: str | None = None
