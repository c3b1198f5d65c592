"""Query parameters of the coverage endpoints: which places count, which territory, which radius.

Two kinds of filters meet here and must not be confused:

- **Place filters** say which places count as "a telework space nearby". They are exactly those of
  `/v1/lieux` (their declaration, `PLACE_FILTERS`, is reused, not copied), with one rename: the place-side
  department filter is `departement_lieu`, because coverage crosses borders (a commune of the Gers
  may be covered by a place in the Haute-Garonne) and by default every place of the region counts.
  Status: only `ouvert` places count unless `statut` is given; `inclure_projets=true` adds
  `en_projet` places (planned places, to show the coverage once they open). Places without a
  position never count.
- **Territory**: `departement` restricts the *communes* looked at (rows of the table, communes
  listed, candidate sites and population of the suggestions).
"""

from dataclasses import dataclass, replace
from typing import Annotated

from fastapi import Depends, Query

from reseau_api.core.params import Parameters, Values, param
from reseau_api.places.filters import MAX_VALUES, PLACE_FILTERS, PlaceFilters, to_filters
from reseau_api.shared.types import DepartmentCode

DEFAULT_RADIUS_KM = 15.0
MIN_RADIUS_KM = 1.0
MAX_RADIUS_KM = 100.0
PLANNED = "en_projet"
DEFAULT_STATUSES = ["ouvert"]

RadiusKm = Annotated[float, Query(
    ge=MIN_RADIUS_KM, le=MAX_RADIUS_KM, allow_inf_nan=False,
    description="Radius in kilometres: a commune is covered when its centre lies within this straight-line "
                "(geodesic, WGS 84) distance of at least one counted place")]
Territory = Annotated[list[DepartmentCode] | None, Query(
    description="Department of the communes looked at (repeatable: any of). Default: the whole region. "
                "Does not restrict which places count: see `departement_lieu`")]

@dataclass(frozen=True)
class CoverageParams:
    radius_km: float
    departements: list[str]

    @property
    def radius_m(self) -> float:
        return self.radius_km * 1000.0


def coverage_params(rayon_km: RadiusKm = DEFAULT_RADIUS_KM, departement: Territory = None) -> CoverageParams:
    return CoverageParams(radius_km=rayon_km, departements=sorted(set(departement or [])))


# The place filters of /v1/lieux (their declaration, reused), with `departement` renamed, plus inclure_projets.
COUNTED_PLACES = Parameters(
    *(replace(p, name="departement_lieu", description=(
        f"Department of the places that count (repeatable: any of; at most {MAX_VALUES}). Default: every "
        "department, since a place covers communes across department borders"))
      if p.name == "departement" else p for p in PLACE_FILTERS.params.values()),
    param("inclure_projets", bool, "true: planned places (`en_projet`, with a position) count too, to show the "
                                   "coverage once they open", default=False),
)


def _counted_places(v: Values) -> PlaceFilters:
    v = dict(v)
    include_projects = v.pop("inclure_projets", False)
    if "departement_lieu" in v:
        v["departement"] = v.pop("departement_lieu")
    filters = to_filters(v)
    statuses = filters.statuses or list(DEFAULT_STATUSES)
    if include_projects and PLANNED not in statuses:
        statuses.append(PLANNED)
    filters.statuses = statuses
    return filters


CountedPlacesDep = Annotated[PlaceFilters, Depends(COUNTED_PLACES.dependency(_counted_places))]
CoverageParamsDep = Annotated[CoverageParams, Depends(coverage_params)]
SuggestionCount = Annotated[int, Query(ge=1, le=50, description="How many sites to suggest")]
