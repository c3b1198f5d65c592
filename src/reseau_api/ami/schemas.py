"""The AMI as the API speaks it: the import row, the record, the query filters and the statistics.

`CandidatureRow` is the one schema every loaded row goes through (demo loader and CLI import alike).
It reads CSV cells (strings) and accepts a label wherever a code is expected.
"""

import re
from typing import Annotated, Any, Literal
from uuid import UUID

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

from reseau_api.ami import vocabulary as vocab
from reseau_api.core.config import get_settings
from reseau_api.core.validation import WriteModel

REGION = get_settings().region_departements
DepartmentCode = Literal[tuple(REGION)]  # type: ignore[valid-type]
ProjectKind = Literal[tuple(vocab.TYPES_PROJET)]  # type: ignore[valid-type]
Nature = Literal[tuple(vocab.NATURES)]  # type: ignore[valid-type]
LegalForm = Literal[tuple(vocab.FORMES_JURIDIQUES)]  # type: ignore[valid-type]
Need = Literal[tuple(vocab.BESOINS)]  # type: ignore[valid-type]
Challenge = Annotated[int, Field(ge=1, le=5)]
Format = Literal["json", "csv"]

MAX_PLAN_EUR = 10_000_000_000
_LIST_SEPARATORS = re.compile(r"[|,]")
_TRUE, _FALSE = {"true", "vrai", "oui", "1", "o", "x"}, {"false", "faux", "non", "0", "n", ""}


def _code_of(vocabulary: dict[str, str], what: str) -> Any:
    def parse(value: Any) -> Any:
        if not isinstance(value, str):
            return value
        code = vocab.lookup(vocabulary, value)
        if code is None:
            raise ValueError(f"{value!r} is not a known {what}; expected one of: {', '.join(vocabulary)}")
        return code
    return parse


def _department(value: Any) -> Any:
    if isinstance(value, str) and value.strip().isdigit():
        value = value.strip().zfill(2)
    if value not in REGION:
        raise ValueError(f"{value!r} is not a department of the region ({', '.join(REGION)})")
    return value


def _boolean(value: Any) -> Any:
    if isinstance(value, str):
        key = value.strip().lower()
        if key in _TRUE:
            return True
        if key in _FALSE:
            return False
        raise ValueError(f"{value!r} is not a boolean; write true or false")
    return value


def _amount(value: Any) -> Any:
    """'' -> None (no plan); '45 261 €' -> 45261. Whole euros only."""
    if not isinstance(value, str):
        return value
    cleaned = re.sub(r"[\s\u00a0\u202f€]", "", value)
    if cleaned == "":
        return None
    if not cleaned.isdigit():
        raise ValueError(f"{value!r} is not a whole number of euros (leave empty when there is no plan)")
    return int(cleaned)


def _split(value: Any) -> Any:
    if isinstance(value, str):
        return [part.strip() for part in _LIST_SEPARATORS.split(value) if part.strip()]
    return value


def _challenges(value: Any) -> Any:
    items = _split(value)
    if isinstance(items, list):
        for item in items:
            if isinstance(item, str) and not (item.isdigit() and 1 <= int(item) <= 5):
                raise ValueError(f"{item!r} is not a challenge number (1 to 5)")
        items = [int(item) for item in items]
    return items


def _needs(value: Any) -> Any:
    items = _split(value)
    if isinstance(items, list):
        items = [_code_of(vocab.BESOINS, "need")(item) for item in items]
    return items


def _unique_sorted(values: list[Any], order: list[Any]) -> list[Any]:
    if len(set(values)) != len(values):
        raise ValueError("items must be unique")
    return sorted(values, key=order.index)


class CandidatureRow(WriteModel):
    """One row of the import file (see the README for the columns)."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    id: str = Field(min_length=1, max_length=40, pattern=r"^[A-Za-z0-9][A-Za-z0-9._/-]*$")
    intitule: str = Field(min_length=2, max_length=300)
    type_projet: Annotated[ProjectKind, BeforeValidator(_code_of(vocab.TYPES_PROJET, "project type"))]
    mise_en_reseau: Annotated[bool, BeforeValidator(_boolean)] = False
    departement: Annotated[DepartmentCode, BeforeValidator(_department)]
    nature: Annotated[Nature, BeforeValidator(_code_of(vocab.NATURES, "holder nature"))]
    forme_juridique: Annotated[LegalForm, BeforeValidator(_code_of(vocab.FORMES_JURIDIQUES, "legal form"))]
    plan_financement_5ans_eur: Annotated[
        Annotated[int, Field(gt=0, le=MAX_PLAN_EUR)] | None, BeforeValidator(_amount)
    ] = None
    defis: Annotated[list[Challenge], BeforeValidator(_challenges), Field(max_length=5)] = Field(
        default_factory=list)
    besoins: Annotated[list[Need], BeforeValidator(_needs), Field(max_length=len(vocab.BESOINS))] = Field(
        default_factory=list)
    lieu: str | None = Field(default=None, max_length=120, description="Slug or id of the directory place")

    @model_validator(mode="after")
    def check(self) -> "CandidatureRow":
        if self.mise_en_reseau and self.type_projet != "extension":
            raise ValueError("mise_en_reseau: only an extension can be networked "
                             "(the publication counts networking projects among the extensions)")
        self.defis = _unique_sorted(self.defis, list(vocab.DEFIS))
        self.besoins = _unique_sorted(self.besoins, list(vocab.BESOINS))
        self.lieu = self.lieu or None
        return self


# --- reads -------------------------------------------------------------------------------------------

class Provenance(BaseModel):
    """Where the served figures come from. Present in every statistics response."""

    source: str | None = Field(description="The data set currently loaded; null when none is")
    reconstruit: bool | None = Field(
        description="True when the records are a reconstruction that only matches the published "
                    "aggregates (not the real applications); null when no data set is loaded")


class LieuRef(BaseModel):
    id: UUID
    slug: str


class CandidatureRead(BaseModel):
    """One application to the 2017 call."""

    id: str
    intitule: str
    type_projet: ProjectKind
    mise_en_reseau: bool
    departement: str
    nature: Nature
    forme_juridique: str
    plan_financement_5ans_eur: int | None = Field(description="Null when the holder had no 5-year plan")
    defis: list[int] = Field(description="Challenges taken up, 1 to 5 (see /v1/ami/stats/defis)")
    besoins: list[str]
    lieu: LieuRef | None = Field(description="The published directory place it became, if any")


class CandidaturePage(Provenance):
    """A page of applications, in id order. Follow `next` until it is null."""

    items: list[CandidatureRead]
    total: int = Field(description="Number of matching applications")
    next: str | None


class AmiFilters(BaseModel):
    """Re-cut any figure: values of one parameter are alternatives (OR), parameters combine (AND)."""

    departement: list[DepartmentCode] = Field(default=[], max_length=len(REGION))
    type_projet: list[ProjectKind] = Field(default=[], max_length=len(vocab.TYPES_PROJET))
    mise_en_reseau: bool | None = None
    nature: list[Nature] = Field(default=[], max_length=len(vocab.NATURES))
    forme_juridique: list[LegalForm] = Field(default=[], max_length=len(vocab.FORMES_JURIDIQUES))
    defi: list[Challenge] = Field(default=[], max_length=len(vocab.DEFIS),
                                  description="Projects taking up any of these challenges")
    besoin: list[Need] = Field(default=[], max_length=len(vocab.BESOINS),
                               description="Projects expressing any of these needs")
    plan_financement: Literal["avec", "sans"] | None = Field(
        default=None, description="With or without a 5-year financing plan")


# --- statistics --------------------------------------------------------------------------------------

class CodeLibelle(BaseModel):
    code: str
    libelle: str


PCT = "Share of the projects, in %, rounded to the nearest integer (null when there is no project)"


class Comptage(BaseModel):
    nombre: int
    pourcentage: int | None = Field(description=PCT)


class ProjetsStats(Provenance):
    """Projects by type, as published: creations, extensions, of which with networking."""

    creation: int
    extension: int
    mise_en_reseau: int = Field(description="Extensions with networking (counted among the extensions)")
    total: int


class DepartementCount(BaseModel):
    code: str
    nom: str
    nombre: int
    part: float | None = Field(description="Share of the projects, as a fraction (4 decimals)")
    pourcentage: int | None = Field(description=PCT)


class DepartementsStats(Provenance):
    """Projects per department of the region (every department listed, zeros included)."""

    departements: list[DepartementCount]
    total: int


class LibelleCount(BaseModel):
    code: str
    libelle: str
    nombre: int
    pourcentage: int | None = Field(description=PCT)


class StructuresStats(Provenance):
    """Project holders by nature (public, private, associative) and by legal form."""

    natures: list[LibelleCount]
    formes_juridiques: list[LibelleCount]
    total: int


class FinancementStats(Provenance):
    """Five-year financing plans: how many projects had one, and the spread of the amounts (euros).

    Quartiles and median interpolate linearly between amounts (PostgreSQL `percentile_cont`,
    like a spreadsheet's QUARTILE.INC); they are computed over the projects that have a plan.
    """

    avec_plan: Comptage
    sans_plan: Comptage
    minimum: int | None
    premier_quartile: float | None
    mediane: float | None
    troisieme_quartile: float | None
    maximum: int | None
    moyenne: float | None
    montant_total: int | None
    total: int


class DefiCount(BaseModel):
    code: int
    libelle: str
    nombre: int
    pourcentage: int | None = Field(description=PCT)


class NombreDefisCount(BaseModel):
    nombre_defis: int
    nombre: int
    pourcentage: int | None = Field(description=PCT)


class DefisStats(Provenance):
    """Projects per regional challenge (a project counts once for each challenge it takes up),
    the distribution of the number of challenges per project, and the share with 2 or more."""

    defis: list[DefiCount]
    repartition: list[NombreDefisCount]
    deux_ou_plus: Comptage
    total: int


class BesoinsStats(Provenance):
    """Projects per need expressed, most frequent first (a project counts once for each need)."""

    besoins: list[LibelleCount]
    total: int


Dimension = Literal[
    "departement", "type_projet", "mise_en_reseau", "nature", "forme_juridique", "defi", "besoin",
    "plan_financement",
]


class DimensionValues(BaseModel):
    nom: Dimension
    modalites: list[CodeLibelle]


class Cellule(BaseModel):
    valeurs: list[CodeLibelle] = Field(description="One value per dimension, in the order of `par`")
    nombre: int
    pourcentage: int | None = Field(description=PCT)


class CrossTable(Provenance):
    """Counts of projects for every combination of the values of one or two dimensions (zeros included).

    With `defi` or `besoin`, a project counts once in each of its challenges or needs, so the cells
    add up to more than `total`.
    """

    par: list[Dimension]
    dimensions: list[DimensionValues]
    cellules: list[Cellule]
    total: int


class DepartementProperties(BaseModel):
    code: str
    nom: str
    nombre: int
    part: float | None
    pourcentage: int | None


class DepartementFeature(BaseModel):
    type: Literal["Feature"]
    geometry: dict[str, Any] = Field(description="GeoJSON MultiPolygon, WGS 84")
    properties: DepartementProperties


class DepartementsFeatureCollection(Provenance):
    """The departments of the region with their project counts, for a choropleth."""

    type: Literal["FeatureCollection"]
    attribution: str
    total: int
    features: list[DepartementFeature]
