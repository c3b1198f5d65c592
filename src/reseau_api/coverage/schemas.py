"""Coverage as the API speaks it (French field names). Bodies are built by PostgreSQL or the greedy;
these models document them in the OpenAPI contract and build the suggestions."""

from uuid import UUID

from pydantic import BaseModel, ConfigDict, Field


class Position(BaseModel):
    lon: float
    lat: float


class CoverageFigures(BaseModel):
    population: int = Field(description="2021 population (INSEE), each commune counted once")
    population_couverte: int = Field(description="Population of the communes whose centre is within rayon_km "
                                                 "of at least one counted place")
    part_couverte: float | None = Field(description="population_couverte / population (4 decimals)")
    communes: int
    communes_couvertes: int
    communes_non_couvertes: int


class DepartmentCoverage(CoverageFigures):
    code: str = Field(examples=["46"])
    nom: str = Field(examples=["Lot"])


class CoverageTable(BaseModel):
    """Coverage per department and in total (the region unless `departement` narrows it)."""

    model_config = ConfigDict(json_schema_extra={"examples": [{
        "rayon_km": 15, "lieux": 165, "departements": [{
            "code": "46", "nom": "Lot", "population": 174942, "population_couverte": 67822,
            "part_couverte": 0.3877, "communes": 313, "communes_couvertes": 149, "communes_non_couvertes": 164}],
        "total": {"population": 6022176, "population_couverte": 4698266, "part_couverte": 0.7802,
                  "communes": 4453, "communes_couvertes": 2413, "communes_non_couvertes": 2040}}]})

    rayon_km: float
    lieux: int = Field(description="Number of counted places (matching the place filters, with a position)")
    departements: list[DepartmentCoverage]
    total: CoverageFigures


class NearestPlace(BaseModel):
    id: UUID
    nom: str


class CommuneCoverage(BaseModel):
    code_insee: str = Field(examples=["46042"])
    nom: str = Field(examples=["Cahors"])
    departement: str
    population: int
    couverte: bool = Field(description="A counted place lies within rayon_km of the commune's centre")
    distance_km: float | None = Field(description="Geodesic distance from the commune's centre to the nearest "
                                                  "counted place (metre precision); null when no place counts")
    lieu_proche: NearestPlace | None = Field(description="The nearest counted place")
    position: Position = Field(description="The commune's centre (WGS 84)")


class CommuneCoveragePage(BaseModel):
    items: list[CommuneCoverage]
    total: int = Field(description="Number of communes in the selection")
    next: str | None = Field(description="URL of the next page, or null on the last page")


class Suggestion(BaseModel):
    rang: int = Field(description="1 for the first pick")
    code_insee: str
    nom: str
    departement: str
    population: int = Field(description="Population of the commune itself")
    position: Position = Field(description="The suggested site: the commune's centre")
    population_gagnee: int = Field(description="Still-uncovered population this site covers")
    communes_gagnees: int = Field(description="Still-uncovered communes this site covers")
    population_couverte_cumulee: int = Field(description="Covered population after this pick and the previous ones")
    part_couverte_cumulee: float | None


class SuggestionList(BaseModel):
    rayon_km: float
    lieux: int = Field(description="Number of counted places today")
    population: int = Field(description="Population of the territory (the region unless `departement` narrows it)")
    population_couverte: int = Field(description="Covered population today, before any suggestion")
    part_couverte: float | None
    suggestions: list[Suggestion] = Field(description="In pick order; fewer than n when nothing is left to cover")
