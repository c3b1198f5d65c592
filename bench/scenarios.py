"""The benchmark scenarios and their deterministic request lists.

Every list is drawn from its own `random.Random` seeded from the data seed and the scenario id, so a
run asks exactly the same requests as any other run at the same size. Points and boxes are drawn
around the same city centres as the data (weighted the same way: where the places are is where
people look), ids among the places actually loaded.
"""

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import quote

from bench.cities import CITIES, spread_deg, weight
from bench.generate import SEED, place_id

PATHS_PER_SCENARIO = 2000
CITY_BOX_HALF_LON = 0.045  # ~7 x 7 km around a city point: a map view at zoom 13
CITY_BOX_HALF_LAT = 0.03
FRANCE = (-5.2, 41.3, 9.6, 51.1)
TIPG_COLLECTION = "public.place"

QUERIES = [
    "coworking", "coworking toulouse", "fablab", "atelier partagé montpellier", "cowork", "fablb albi",
    "café associatif", "la ruche", "médiation numérique rodez", "tiers-lieu rural", "pépinière",
    "campus connecté", "living lab nantes", "france services", "grange", "moulin", "saint-martin",
    "le hub lyon", "friche", "espace numérique", "la fabrique bordeaux", "incubateur", "bastide",
    "coworking perpignan", "labo",
]


@dataclass
class Scenario:
    id: str
    label: str
    paths: list[str]
    server: str = "api"  # "api" (reseau-api) or "tipg" (the peer)
    database: str = "size"  # "size": the synthetic set of each size; "demo": the demo data set
    route_prefix: str = "/v1/lieux"  # a 404 on the probe + no such route in the OpenAPI: not on this build
    compare: dict[str, str] = field(default_factory=dict)  # reference name -> scenario id
    connections: int | None = None  # wrk connections; None: BENCH_CONNECTIONS


def _rng(scenario_id: str) -> random.Random:
    return random.Random(f"{SEED}:{scenario_id}")


def _city(rng: random.Random) -> tuple[str, float, float, str, int]:
    return rng.choices(CITIES, weights=[weight(c[4]) for c in CITIES])[0]


def city_point(rng: random.Random, spread_factor: float = 0.5) -> tuple[float, float]:
    """(lat, lon) near a city centre, where the places are dense."""
    _, lat, lon, _, pop = _city(rng)
    spread = spread_deg(pop) * spread_factor
    return (lat + rng.gauss(0, spread), lon + rng.gauss(0, spread / math.cos(math.radians(lat))))


def city_bbox(rng: random.Random) -> str:
    lat, lon = city_point(rng, 0.3)
    return (f"{lon - CITY_BOX_HALF_LON:.4f},{lat - CITY_BOX_HALF_LAT:.4f},"
            f"{lon + CITY_BOX_HALF_LON:.4f},{lat + CITY_BOX_HALF_LAT:.4f}")


def tile_of(lat: float, lon: float, z: int) -> tuple[int, int]:
    n = 2 ** z
    x = int((lon + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def _many(scenario_id: str, make: Callable[[random.Random], str]) -> list[str]:
    rng = _rng(scenario_id)
    return [make(rng) for _ in range(PATHS_PER_SCENARIO)]


def size_scenarios(size: int) -> list[Scenario]:
    """The scenarios run against each synthetic size, the API's and the peer's (in run order)."""
    bboxes = _many("bbox", city_bbox)
    points = _many("near", lambda r: "{:.5f},{:.5f}".format(*city_point(r)))
    z12 = _many("z12", lambda r: "12/{}/{}".format(*tile_of(*city_point(r), 12)))
    z8 = _many("z8", lambda r: "8/{}/{}".format(*tile_of(*city_point(r, 0.2), 8)))
    ids = _many(f"ids-{size}", lambda r: str(place_id(r.randrange(size))))
    queries = _many("q", lambda r: r.choice(QUERIES))

    def france(r: random.Random) -> str:
        j = [round(r.uniform(-0.05, 0.05), 3) for _ in range(4)]
        return ",".join(f"{v + d:.3f}" for v, d in zip(FRANCE, j, strict=True))

    france_boxes = _many("france", france)
    tipg = f"/collections/{TIPG_COLLECTION}"

    return [
        Scenario("S1", "city bbox, 100 items, JSON", [f"/v1/lieux?bbox={b}&limit=100" for b in bboxes],
                 compare={"floor": "F1"}),
        Scenario("S2", "city bbox, 100 items, GeoJSON", [f"/v1/lieux?bbox={b}&limit=100&f=geojson" for b in bboxes],
                 compare={"floor": "F2", "tipg": "T2"}),
        Scenario("S3", "nearest 10 (pres_de, distance_m)", [f"/v1/lieux?pres_de={p}&limit=10" for p in points],
                 compare={"floor": "F3"}),
        Scenario("S3-c4", "nearest 10, 4 connections", [f"/v1/lieux?pres_de={p}&limit=10" for p in points],
                 connections=4),
        Scenario("S4", "detail by id", [f"/v1/lieux/{i}" for i in ids]),
        Scenario("S5", "full text q, 20 items", [f"/v1/lieux?q={quote(q)}" for q in queries]),
        Scenario("S6-z12", "tile z12 (city)", [f"/v1/tuiles/{t}.mvt" for t in z12], route_prefix="/v1/tuiles",
                 compare={"tipg": "T6-z12"}),
        Scenario("S6-z8", "tile z8 (region, clustered)", [f"/v1/tuiles/{t}.mvt" for t in z8],
                 route_prefix="/v1/tuiles"),
        Scenario("S7", "OGC items, city bbox, 100",
                 [f"/ogc/collections/lieux/items?bbox={b}&limit=100" for b in bboxes], route_prefix="/ogc",
                 compare={"tipg": "T2"}),
        Scenario("S9", "France-wide bbox, 100 items", [f"/v1/lieux?bbox={b}&limit=100" for b in france_boxes]),
        Scenario("S8", "coverage, rayon_km=15 (whole region)", ["/v1/maillage?rayon_km=15"],
                 route_prefix="/v1/maillage", connections=2),
        # The same places as S4, as public HTML pages (run.py swaps each id for its slug, the page's address).
        Scenario("S10", "place page (HTML), same places as S4", [f"/lieux/{i}" for i in ids], route_prefix="/lieux",
                 compare={"detail": "S4"}),
        Scenario("T2", "tipg: items, city bbox, 100 (GeoJSON)",
                 [f"{tipg}/items?bbox={b}&limit=100&f=geojson" for b in bboxes], server="tipg",
                 route_prefix="/collections"),
        Scenario("T6-z12", "tipg: tile z12 (city)", [f"{tipg}/tiles/WebMercatorQuad/{t}" for t in z12],
                 server="tipg", route_prefix="/collections"),
    ]


# The floor: the SQL of S1-S3 issued directly with asyncpg, from the same request lists.
FLOOR = {"F1": "S1", "F2": "S2", "F3": "S3"}
# The minimal server (bench/minimal.py): the same requests over HTTP, the API's SQL, no framework.
MINIMAL = {"S1": "M1", "S2": "M2", "S3": "M3", "S3-c4": "M3-c4", "S4": "M4", "S6-z12": "M6-z12", "S6-z8": "M6-z8",
           "S7": "M7"}


def demo_scenarios() -> list[Scenario]:
    """Scenarios on the demo data set (`reseau-api seed`): coverage needs the real communes."""
    return [Scenario("S8", "coverage, rayon_km=15 (demo data)", ["/v1/maillage?rayon_km=15"],
                     database="demo", route_prefix="/v1/maillage")]
