"""Coverage use cases: one exact snapshot of the territory, read three ways (table, communes, suggestions).

A snapshot is each commune of the territory with its nearest counted place and the exact geodesic
distance (`ST_Distance`) to it: up to IN_MEMORY_PLACES places, candidates sorted out in memory by chord
bounds (`geometry.nearest_candidates`); beyond, found by the geography index (`queries.nearest_places`:
work and memory grow with the communes, not the places). So "covered" means exactly
what PostGIS says: `ST_DWithin(place, commune centre, radius)` on geography for at least one counted
place, and the nearest place and its distance are PostGIS's `ST_Distance` minimum.
"""

from dataclasses import dataclass
from typing import Any

import numpy as np
import orjson
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from reseau_api.core.errors import InvalidParameter
from reseau_api.core.pagination import decode_cursor, encode_cursor
from reseau_api.coverage import geometry, greedy, queries
from reseau_api.coverage.filters import CoverageParams
from reseau_api.coverage.schemas import (
    CoverageFigures,
    CoverageTable,
    DepartmentCoverage,
    Position,
    Suggestion,
    SuggestionList,
)
from reseau_api.places.filters import PlaceFilters

EXACT_BAND_M = 1e-6
# Up to this many counted places, each commune's nearest is sorted out in memory (fast for a regional
# network); beyond, PostgreSQL finds it by index walks (bounded by the communes, not by the places).
IN_MEMORY_PLACES = 2_000


@dataclass
class Snapshot:
    radius_km: float
    communes: list[Any]  # records: insee_code, name, department_code, population, lon, lat (INSEE order)
    places: list[Any]  # the nearest places of the communes: id, name (id order)
    place_count: int  # how many places count
    population: np.ndarray
    lon: np.ndarray
    lat: np.ndarray
    nearest: np.ndarray  # index into places, -1 when no place counts
    distance: np.ndarray  # metres to the nearest place, inf when no place counts
    covered: np.ndarray

    @property
    def insee(self) -> np.ndarray:
        return np.array([c["insee_code"] for c in self.communes])


async def snapshot(session: AsyncSession, filters: PlaceFilters, params: CoverageParams) -> Snapshot:
    place_count = await queries.counted_place_count(session, filters)
    if place_count <= IN_MEMORY_PLACES:
        communes, places, nearest, distance = await _nearest_in_memory(session, filters, params)
    else:
        communes, places, nearest, distance = await _nearest_in_database(session, filters, params)
    lon = np.array([c["lon"] for c in communes], dtype=np.float64)
    lat = np.array([c["lat"] for c in communes], dtype=np.float64)
    # ST_Distance rounds to 1e-8 m: beyond a micrometre from the radius it agrees with ST_DWithin,
    # which settles the (rare) communes closer than that.
    covered = distance <= params.radius_m
    close = np.flatnonzero(np.abs(distance - params.radius_m) <= EXACT_BAND_M)
    if len(close):
        place_lon, place_lat = await queries.positions(session, [places[nearest[i]]["id"] for i in close])
        settled = await queries.within(session, lon[close].tolist(), lat[close].tolist(), place_lon, place_lat,
                                       params.radius_m)
        covered[close] = False
        covered[close[settled]] = True
    population = np.array([c["population"] for c in communes], dtype=np.int64)
    return Snapshot(params.radius_km, communes, places, place_count, population, lon, lat, nearest, distance,
                    covered)


Nearest = tuple[list[Any], list[Any], np.ndarray, np.ndarray]  # communes, places, nearest index, distance


async def _nearest_in_memory(session: AsyncSession, filters: PlaceFilters, params: CoverageParams) -> Nearest:
    """Few places (a regional network): every counted place read once, the candidates for each commune's
    nearest sorted out in memory by chord bounds, their exact distances from PostGIS (~30 ms in all)."""
    communes = await queries.communes(session, params.departements)
    places = await queries.counted_places(session, filters)
    lon = np.array([c["lon"] for c in communes], dtype=np.float64)
    lat = np.array([c["lat"] for c in communes], dtype=np.float64)
    place_lon = np.array([p["lon"] for p in places], dtype=np.float64)
    place_lat = np.array([p["lat"] for p in places], dtype=np.float64)
    commune_of, place_of = await run_in_threadpool(
        geometry.nearest_candidates, geometry.ecef(lon, lat), geometry.ecef(place_lon, place_lat))
    distance_of = np.array(await queries.distances(
        session, lon[commune_of].tolist(), lat[commune_of].tolist(),
        place_lon[place_of].tolist(), place_lat[place_of].tolist()), dtype=np.float64)
    nearest = np.full(len(communes), -1, dtype=np.int64)
    distance = np.full(len(communes), np.inf)
    if len(distance_of):
        # Per commune, the smallest distance; ties go to the smallest place id (places are in id order).
        order = np.lexsort((place_of, distance_of, commune_of))
        first = order[np.r_[True, commune_of[order][1:] != commune_of[order][:-1]]]
        nearest[commune_of[first]] = place_of[first]
        distance[commune_of[first]] = distance_of[first]
    return communes, places, nearest, distance


async def _nearest_in_database(session: AsyncSession, filters: PlaceFilters, params: CoverageParams) -> Nearest:
    """Many places: each commune's nearest found by PostgreSQL with two index walks, so memory and time
    grow with the communes, not with the directory."""
    communes = await queries.nearest_places(session, filters, params.departements)
    # The nearest places, each once, in id order; `nearest` indexes them.
    places = sorted({c["place_id"]: {"id": c["place_id"], "name": c["place_name"]}
                     for c in communes if c["place_id"] is not None}.values(), key=lambda p: p["id"])
    index = {p["id"]: i for i, p in enumerate(places)}
    nearest = np.array([-1 if c["place_id"] is None else index[c["place_id"]] for c in communes], dtype=np.int64)
    distance = np.array([np.inf if c["distance"] is None else c["distance"] for c in communes], dtype=np.float64)
    return communes, places, nearest, distance


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 4) if whole else None


def _figures(total: int, reached: int, communes: int, covered_communes: int) -> dict[str, Any]:
    return {"population": total, "population_couverte": reached, "part_couverte": _share(reached, total),
            "communes": communes, "communes_couvertes": covered_communes,
            "communes_non_couvertes": communes - covered_communes}


_COUNTS = ("population", "population_covered", "communes", "communes_covered")


async def coverage_table(session: AsyncSession, filters: PlaceFilters, params: CoverageParams) -> CoverageTable:
    """The figures per department, summed by PostgreSQL (`queries.covered_by_department`): no snapshot,
    nothing per commune comes back to Python (it cost ~30 ms of CPU per request)."""
    rows = await queries.covered_by_department(session, filters, params.departements, params.radius_m)
    place_count = await queries.counted_place_count(session, filters)
    departments = [DepartmentCoverage(code=r["code"], nom=r["name"], **_figures(*(r[k] for k in _COUNTS)))
                   for r in rows]
    totals = [sum(r[k] for r in rows) for k in _COUNTS]
    return CoverageTable(rayon_km=params.radius_km, lieux=place_count, departements=departments,
                         total=CoverageFigures(**_figures(*totals)))


# --- communes ---------------------------------------------------------------------------------------

COMMUNE_SORTS = {"-population": True, "population": False, "distance": False, "-distance": True}  # descending?


def _cursor_key(sort: str, value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given")
    if sort.endswith("population") and not isinstance(value, int):
        raise InvalidParameter("curseur", "malformed cursor; use the `next` link as given")
    return float(value)


@dataclass
class CommunePage:
    body: bytes
    total: int
    next_cursor: str | None


def _commune_properties(snap: Snapshot, i: int) -> dict[str, Any]:
    commune, place = snap.communes[i], snap.nearest[i]
    return {
        "code_insee": commune["insee_code"], "nom": commune["name"], "departement": commune["department_code"],
        "population": commune["population"], "couverte": bool(snap.covered[i]),
        "distance_km": None if place < 0 else round(float(snap.distance[i]) / 1000, 3),
        "lieu_proche": None if place < 0 else {"id": str(snap.places[place]["id"]),
                                                "nom": snap.places[place]["name"]},
    }


def commune_page(
    snap: Snapshot, *, covered: bool | None, sort: str, limit: int, cursor: str | None,
) -> tuple[list[int], int, str | None]:
    """The commune indices of one page, the size of the selection and the next cursor.

    Keyset pagination on (sort key, INSEE code): the next page starts strictly after the last row.
    """
    descending = COMMUNE_SORTS[sort]
    key = snap.population.astype(np.float64) if sort.endswith("population") else snap.distance
    insee = snap.insee
    selected = np.arange(len(snap.communes))
    if covered is not None:
        selected = selected[snap.covered == covered]
    total = len(selected)
    if cursor is not None:
        last_key, last_code = decode_cursor(cursor, sort, 2)
        last = _cursor_key(sort, last_key)
        code = str(last_code)
        k, c = key[selected], insee[selected]
        after = ((k < last) | ((k == last) & (c < code))) if descending else ((k > last) | ((k == last) & (c > code)))
        selected = selected[after]
    order = np.lexsort((insee[selected], key[selected]))
    if descending:
        order = order[::-1]
    page = selected[order[:limit + 1]].tolist()
    next_cursor = None
    if len(page) > limit:
        last_row = page[limit - 1]
        value = int(snap.population[last_row]) if sort.endswith("population") else float(snap.distance[last_row])
        next_cursor = encode_cursor(sort, [value, str(insee[last_row])])
    return page[:limit], total, next_cursor


def communes_json(snap: Snapshot, rows: list[int], total: int, next_link: str | None) -> bytes:
    items = []
    for i in rows:
        item = _commune_properties(snap, i)
        item["position"] = {"lon": round(float(snap.lon[i]), 6), "lat": round(float(snap.lat[i]), 6)}
        items.append(item)
    return orjson.dumps({"items": items, "total": total, "next": next_link})


def communes_geojson(snap: Snapshot, rows: list[int], total: int, next_link: str | None) -> bytes:
    features = [{
        "type": "Feature", "id": snap.communes[i]["insee_code"],
        "geometry": {"type": "Point", "coordinates": [round(float(snap.lon[i]), 6), round(float(snap.lat[i]), 6)]},
        "properties": _commune_properties(snap, i),
    } for i in rows]
    links = [{"href": next_link, "rel": "next", "type": "application/geo+json"}] if next_link else []
    return orjson.dumps({"type": "FeatureCollection", "features": features, "numberMatched": total,
                         "numberReturned": len(features), "links": links})


# --- suggestions ------------------------------------------------------------------------------------

async def suggestions(
    session: AsyncSession, filters: PlaceFilters, params: CoverageParams, n: int,
) -> SuggestionList:
    """Greedy maximum coverage: the `n` commune centres where a new place covers the most people.

    Pairs of candidate sites (the territory's commune centres) and uncovered communes come from
    `geometry.coverage_matrix`; the few too close to the radius to call are settled by PostGIS.
    """
    snap = await snapshot(session, filters, params)
    total = int(snap.population.sum())
    covered_population = int(snap.population[snap.covered].sum())
    xyz = geometry.ecef(snap.lon, snap.lat)
    uncovered = np.flatnonzero(~snap.covered & (snap.population > 0))
    # CPU-bound (tens to a couple hundred ms at 100 km): off the event loop; numpy releases the GIL.
    coverage = await run_in_threadpool(geometry.coverage_matrix, xyz[uncovered], xyz, params.radius_m)
    if len(coverage.band_target):  # pairs within a metre of the radius: PostGIS decides
        t, c = uncovered[coverage.band_target], coverage.band_candidate
        kept = np.array(await queries.within(session, snap.lon[t].tolist(), snap.lat[t].tolist(),
                                             snap.lon[c].tolist(), snap.lat[c].tolist(), params.radius_m),
                        dtype=np.int64)
        coverage.add(coverage.band_target[kept], coverage.band_candidate[kept])
    picks = await run_in_threadpool(greedy.greedy, snap.population[uncovered], coverage, n)
    result, cumulative = [], covered_population
    for rank, pick in enumerate(picks, start=1):
        commune = snap.communes[pick.candidate]
        cumulative += pick.population
        result.append(Suggestion(
            rang=rank, code_insee=commune["insee_code"], nom=commune["name"],
            departement=commune["department_code"], population=commune["population"],
            position=Position(lon=commune["lon"], lat=commune["lat"]),
            population_gagnee=pick.population, communes_gagnees=pick.targets,
            population_couverte_cumulee=cumulative, part_couverte_cumulee=_share(cumulative, total)))
    return SuggestionList(rayon_km=params.radius_km, lieux=snap.place_count, population=total,
                          population_couverte=covered_population,
                          part_couverte=_share(covered_population, total), suggestions=result)
