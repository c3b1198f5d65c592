"""Coverage computed independently of the application: the shipped CSV files, plain Python geodesics
(Vincenty, see geodesic.py) and a plain set-based greedy. No SQL, no numpy, no code of reseau_api.coverage.
"""

import csv
from dataclasses import dataclass
from functools import cache

from reseau_api.core.config import PROJECT_ROOT
from tests.coverage.geodesic import MM, distance_m, haversine_m

DATA = PROJECT_ROOT / "src" / "reseau_api" / "data"
# Sphere (haversine) and WGS 84 distances differ by less than 0.6 %: a safe margin to skip far pairs.
SPHERE_MARGIN = 1.01


@dataclass(frozen=True)
class Commune:
    insee: str
    name: str
    dep: str
    lon: float
    lat: float
    population: int


@dataclass(frozen=True)
class CensusPlace:
    census_id: str
    lon: float
    lat: float


@cache
def communes() -> tuple[Commune, ...]:
    with (DATA / "communes-occitanie-2021.csv").open(encoding="utf-8") as handle:
        return tuple(Commune(r["insee"], r["name"], r["dep"], float(r["lon"]), float(r["lat"]), int(r["population"]))
                     for r in csv.DictReader(handle))


@cache
def census_places() -> tuple[CensusPlace, ...]:
    with (DATA / "tiers-lieux-occitanie-2019.csv").open(encoding="utf-8") as handle:
        return tuple(CensusPlace(r["ID"], float(r["LONG"]), float(r["LAT"])) for r in csv.DictReader(handle))


@cache
def nearest() -> dict[str, tuple[float, str, float]]:
    """insee -> (geodesic metres to the nearest census place, its census id, gap to the runner-up)."""
    places = census_places()
    result = {}
    for c in communes():
        sphere = sorted((haversine_m(c.lon, c.lat, p.lon, p.lat), i) for i, p in enumerate(places))
        limit = sphere[0][0] * SPHERE_MARGIN + 1
        exact = sorted((distance_m(c.lon, c.lat, places[i].lon, places[i].lat), places[i].census_id)
                       for s, i in sphere if s <= limit)
        gap = exact[1][0] - exact[0][0] if len(exact) > 1 else float("inf")
        result[c.insee] = (exact[0][0], exact[0][1], gap)
    return result


def covered_insee(radius_m: float) -> set[str]:
    """Communes within radius_m of a census place; fails if any is too close to the radius to call."""
    ambiguous = [k for k, (d, _, _) in nearest().items() if abs(d - radius_m) <= MM]
    assert not ambiguous, f"communes within a millimetre of the radius, pick another radius: {ambiguous}"
    return {k for k, (d, _, _) in nearest().items() if d <= radius_m}


@dataclass(frozen=True)
class Pick:
    insee: str
    gained_population: int
    gained_communes: int


def greedy(territory: list[Commune], covered: set[str], radius_m: float, n: int) -> list[Pick]:
    """Set-based greedy max coverage; candidates are the territory's commune centres."""
    targets = [c for c in territory if c.insee not in covered and c.population > 0]
    reach: dict[str, set[str]] = {}
    for candidate in territory:
        reached = set()
        for t in targets:
            if haversine_m(candidate.lon, candidate.lat, t.lon, t.lat) > radius_m * SPHERE_MARGIN:
                continue
            d = distance_m(candidate.lon, candidate.lat, t.lon, t.lat)
            assert abs(d - radius_m) > MM, "a pair within a millimetre of the radius: pick another radius"
            if d <= radius_m:
                reached.add(t.insee)
        reach[candidate.insee] = reached
    population = {c.insee: c.population for c in territory}
    remaining = {t.insee for t in targets}
    picks = []
    for _ in range(n):
        scored = [(sum(population[t] for t in reach[k] & remaining), k) for k in sorted(reach)]
        best_gain = max((g for g, _ in scored), default=0)
        if best_gain <= 0:
            break
        best = min(k for g, k in scored if g == best_gain)
        gained = reach[best] & remaining
        remaining -= gained
        picks.append(Pick(best, best_gain, len(gained)))
    return picks
