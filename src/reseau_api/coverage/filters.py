"""Query parameters of the coverage endpoints: which places count, which territory, which radius.

Two kinds of filters meet here and must not be confused:

- **Place filters** say which places count as "a telework space nearby". They are exactly those of
  `/v1/lieux` (the `place_filters` dependency is reused, not copied), with one rename: the place-side
  department filter is `departement_lieu`, because coverage crosses borders (a commune of the Gers
  may be covered by a place in the Haute-Garonne) and by default every place of the region counts.
  Status: only `ouvert` places count unless `statut` is given; `inclure_projets=true` adds
  `en_projet` places (planned places, to show the coverage once they open). Places without a
  position never count.
- **Territory**: `departement` restricts the *communes* looked at (rows of the table, communes
  listed, candidate sites and population of the suggestions).
"""

import inspect
from dataclasses import dataclass
from typing import Annotated, Any

from fastapi import Depends, Query

from reseau_api.places.filters import PlaceFilters, place_filters
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

_PLACE_DEPARTMENT = Annotated[list[DepartmentCode] | None, Query(
    description="Department of the places that count (repeatable: any of). Default: every department, "
                "since a place covers communes across department borders")]
_INCLUDE_PROJECTS = Annotated[bool, Query(
    description="true: planned places (`en_projet`, with a position) count too, to show the coverage once "
                "they open")]


@dataclass(frozen=True)
class CoverageParams:
    radius_km: float
    departements: list[str]

    @property
    def radius_m(self) -> float:
        return self.radius_km * 1000.0


def coverage_params(rayon_km: RadiusKm = DEFAULT_RADIUS_KM, departement: Territory = None) -> CoverageParams:
    return CoverageParams(radius_km=rayon_km, departements=sorted(set(departement or [])))


def _counted_places(**params: Any) -> PlaceFilters:
    include_projects = params.pop("inclure_projets")
    params["departement"] = params.pop("departement_lieu")
    filters = place_filters(**params)
    statuses = filters.statuses or list(DEFAULT_STATUSES)
    if include_projects and PLANNED not in statuses:
        statuses.append(PLANNED)
    filters.statuses = statuses
    return filters


def _counted_places_signature() -> inspect.Signature:
    """`place_filters`' own parameters, with `departement` renamed `departement_lieu`, plus inclure_projets."""
    parameters = []
    for parameter in inspect.signature(place_filters).parameters.values():
        if parameter.name == "departement":
            parameter = parameter.replace(name="departement_lieu", annotation=_PLACE_DEPARTMENT)
        parameters.append(parameter)
    parameters.append(inspect.Parameter(
        "inclure_projets", inspect.Parameter.KEYWORD_ONLY, default=False, annotation=_INCLUDE_PROJECTS))
    return inspect.Signature(parameters, return_annotation=PlaceFilters)


_counted_places.__signature__ = _counted_places_signature()  # type: ignore[attr-defined]

CountedPlacesDep = Annotated[PlaceFilters, Depends(_counted_places)]
CoverageParamsDep = Annotated[CoverageParams, Depends(coverage_params)]
SuggestionCount = Annotated[int, Query(ge=1, le=50, description="How many sites to suggest")]
