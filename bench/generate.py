"""A deterministic synthetic directory of places, loaded with COPY into a benchmark database.

Place `i` depends only on the seed and on `i`'s position in one random stream, so the first 10,000
places of the 1M set are the 10k set: sizes are nested. 85 % of the places cluster around the city
centres of `cities.py` (Gaussian, wider for bigger cities), 15 % spread over every department (a tail
around each department's interior point). Fields follow the API's vocabularies with plausible
distributions: types, services, desks, prices, opening hours, statuses; every place is published.

The generated columns (search_vector, search_text, sort_name) are computed by PostgreSQL during COPY.
Secondary indexes are dropped before COPY and rebuilt after it (much faster than maintaining them
row by row), then VACUUM ANALYZE.
"""

import asyncio
import csv
import hashlib
import io
import itertools
import math
import random
import re
import time
import unicodedata
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import asyncpg

from bench.cities import CITIES, spread_deg, weight
from reseau_api.places.vocabulary import SERVICES

SEED = 20261128
GENERATOR_VERSION = 1  # bump when the generated rows change: cached bench databases are reloaded
TAIL_SHARE = 0.15
SOURCE = "bench-synthetic"

TYPE_WEIGHTS = {
    "coworking": 40, "fablab": 12, "tiers_lieu_rural": 10, "atelier_partage": 8, "mediation_numerique": 8,
    "tiers_lieu_culturel": 6, "cafe_associatif": 5, "pepiniere_incubateur": 4, "france_services": 3,
    "living_lab": 2, "campus_connecte": 2,
}
SERVICE_ODDS = {
    "wifi": 0.95, "fibre": 0.6, "salle_reunion": 0.6, "cuisine_cafe": 0.6, "impression": 0.5, "visio": 0.4,
    "parking": 0.35, "accessibilite_pmr": 0.45, "espace_detente": 0.3, "casiers": 0.2, "velos": 0.25,
    "domiciliation": 0.15, "accompagnement": 0.25, "restauration": 0.1, "borne_recharge": 0.08,
    "garde_enfants": 0.03, "hebergement": 0.05, "atelier_fabrication": 0.12, "mediation_numerique": 0.15,
}
AUDIENCES = ["independants", "salaries", "agents_publics", "etudiants", "demandeurs_emploi"]
OPENING_HOURS = [
    "Mo-Fr 09:00-18:00", "Mo-Fr 08:30-19:00; Sa 09:00-12:00", "Mo-Su 00:00-24:00", "Tu-Sa 10:00-18:00",
    "Mo-Fr 09:00-12:30,14:00-18:00; PH off", "Mo-Th 09:00-17:00; Fr 09:00-16:00", None,
]
NAME_HEADS = {
    "coworking": ["Coworking", "L'Espace", "Le Hub", "La Ruche", "Le Bureau", "La Cantine", "Le Comptoir"],
    "fablab": ["Fablab", "La Fabrique", "L'Atelier", "Le Labo", "Makerspace"],
    "tiers_lieu_rural": ["Tiers-lieu", "La Grange", "Le Relais", "La Maison", "L'Escale"],
    "atelier_partage": ["Atelier partagé", "L'Établi", "Les Ateliers", "La Menuiserie"],
    "mediation_numerique": ["Espace numérique", "Le Point Numérique", "La Clé Numérique"],
    "tiers_lieu_culturel": ["La Friche", "Le Garage", "La Halle", "Le Quai"],
    "cafe_associatif": ["Café associatif", "Le Café", "La Guinguette"],
    "pepiniere_incubateur": ["Pépinière", "L'Incubateur", "La Pépinière"],
    "france_services": ["France Services", "Maison France Services"],
    "living_lab": ["Living Lab", "Le Lab"],
    "campus_connecte": ["Campus connecté"],
}
NAME_TAILS = [
    "du Centre", "des Arts", "Numérique", "Partagé", "du Canal", "de la Gare", "du Marché", "Solidaire",
    "Créatif", "des Possibles", "du Lac", "des Remparts", "du Port", "des Halles", "du Moulin", "Vert",
    "des Tisserands", "de la Vallée", "du Plateau", "des Cigales", "du Pont", "Bleu", "du Faubourg", "",
]
VILLAGE_HEADS = ["Saint-", "Sainte-", "", "", "Le ", "La ", "Les ", "Villeneuve-", "Mont"]
VILLAGE_ROOTS = [
    "Martin", "Laurent", "Jean", "Pierre", "Germain", "Étienne", "Vincent", "Julien", "Marcel", "Roche",
    "Fontaine", "Bois", "Castel", "Ferrière", "Garrigue", "Bastide", "Chênes", "Pradelle", "Salvetat",
]
VILLAGE_TAILS = ["", "", "", "-sur-Tarn", "-de-Bigorre", "-le-Château", "-en-Forêt", "-sur-Mer", "-les-Bains",
                 "-du-Causse", "-d'Olt", "-la-Rivière"]
STREETS = ["rue de la République", "avenue Jean Jaurès", "place du Marché", "rue Victor Hugo",
           "boulevard Gambetta", "rue de la Gare", "chemin des Vignes", "rue Pasteur", "allée des Platanes"]

COLUMNS = [
    "id", "slug", "name", "description", "status", "opening_planned_date", "project_kind", "networking",
    "types", "services", "address", "postcode", "commune", "insee_code", "department_code", "geom",
    "desks", "private_offices", "meeting_rooms", "price_half_day", "price_day", "price_month", "booking_url",
    "access_24_7", "audiences", "bandwidth_mbps", "opening_hours", "email", "phone", "website", "moderation",
    "source", "source_id", "created_at", "updated_at", "version",
]
EPOCH = datetime(2023, 1, 1, tzinfo=UTC)
SPAN_S = int((datetime(2026, 11, 1, tzinfo=UTC) - EPOCH).total_seconds())


@dataclass(frozen=True)
class Area:
    """A cluster: city centre (or department interior point for the tail) and spread in degrees."""

    name: str | None  # None for the department tail: a village name is drawn per place
    lat: float
    lon: float
    department: str
    spread: float


def place_id(i: int) -> uuid.UUID:
    """The id of place number i: a pure function of (SEED, i), so request lists need no database."""
    digest = hashlib.blake2b(f"{SEED}:{i}".encode(), digest_size=16).digest()
    return uuid.UUID(bytes=digest, version=4)


def city_areas() -> list[Area]:
    return [Area(name, lat, lon, dep, spread_deg(pop)) for name, lat, lon, dep, pop in CITIES]


async def department_areas(conn: asyncpg.Connection) -> list[Area]:
    """One tail area per department: its interior point, spread from its size (area in square degrees)."""
    rows = await conn.fetch("""
        SELECT code, ST_Y(ST_PointOnSurface(geom)) AS lat, ST_X(ST_PointOnSurface(geom)) AS lon,
               sqrt(ST_Area(geom)) AS side
        FROM departement ORDER BY code
    """)
    return [Area(None, r["lat"], r["lon"], r["code"], r["side"] / 4) for r in rows]


def _pg_array(values: list[str]) -> str:
    return "{" + ",".join(values) + "}"


def _postcode(department: str, rng: random.Random) -> str:
    prefix = {"2A": "20", "2B": "20"}.get(department, department)
    return f"{prefix}{rng.randrange(0, 1000):03d}"


def rows(size: int, tail_areas: list[Area]) -> Iterator[list[object]]:
    """The `size` first places of the stream, as COPY rows in COLUMNS order."""
    rng = random.Random(SEED)
    cities = city_areas()
    city_cum = list(itertools.accumulate(weight(pop) for *_, pop in CITIES))
    type_names = list(TYPE_WEIGHTS)
    type_cum = list(itertools.accumulate(TYPE_WEIGHTS.values()))
    slugs_seen: dict[str, int] = {}
    for i in range(size):
        area = (rng.choice(tail_areas) if rng.random() < TAIL_SHARE
                else rng.choices(cities, cum_weights=city_cum)[0])
        lat = area.lat + rng.gauss(0, area.spread)
        lon = area.lon + rng.gauss(0, area.spread / math.cos(math.radians(area.lat)))
        if area.name is not None:
            commune = area.name
        else:
            commune = rng.choice(VILLAGE_HEADS) + rng.choice(VILLAGE_ROOTS) + rng.choice(VILLAGE_TAILS)
        kinds = [rng.choices(type_names, cum_weights=type_cum)[0]]
        if rng.random() < 0.25:
            other = rng.choices(type_names, cum_weights=type_cum)[0]
            if other != kinds[0]:
                kinds.append(other)
        name = f"{rng.choice(NAME_HEADS[kinds[0]])} {rng.choice(NAME_TAILS)}".strip()
        if rng.random() < 0.6:
            name = f"{name} {commune}"
        base_slug = _slug(name)
        n = slugs_seen.get(base_slug, 0) + 1
        slugs_seen[base_slug] = n
        slug = base_slug if n == 1 else f"{base_slug}-{n}"
        services = [s for s, odds in SERVICE_ODDS.items() if rng.random() < odds]
        status = rng.choices(["ouvert", "en_projet", "ferme"], weights=[88, 8, 4])[0]
        coworking = "coworking" in kinds or rng.random() < 0.3
        desks = (int(rng.triangular(4, 60, 12)) if coworking
                 else (rng.randrange(0, 11) if rng.random() < 0.6 else None))
        price_day = round(rng.uniform(8, 35) * 2) / 2 if desks else None
        updated = EPOCH + timedelta(seconds=rng.randrange(SPAN_S))
        created = updated - timedelta(days=rng.randrange(0, 700))
        opening = rng.choice(OPENING_HOURS)
        description = (f"{NAME_HEADS[kinds[0]][0]} à {commune}"
                       + (f" : {desks} postes de travail" if desks else "")
                       + (", " + ", ".join(SERVICES[s].lower() for s in services[:4]) if services else "")
                       + ". " + rng.choice(["Ouvert à tous.", "Accueil des télétravailleurs et indépendants.",
                                            "Animations et formations toute l'année.", "Lieu associatif.",
                                            "Espace convivial au cœur du village.", ""]))
        yield [
            place_id(i), slug, name, description.strip(), status,
            (date(2027, 1, 1) + timedelta(days=rng.randrange(700))).isoformat() if status == "en_projet" else None,
            rng.choice(["creation", "extension"]) if status == "en_projet" else None,
            "t" if rng.random() < 0.4 else "f",
            _pg_array(kinds), _pg_array(services),
            f"{rng.randrange(1, 120)} {rng.choice(STREETS)}", _postcode(area.department, rng), commune,
            f"{area.department}{rng.randrange(1, 1000):03d}",
            area.department, f"SRID=4326;POINT({lon:.6f} {lat:.6f})",
            desks, rng.randrange(0, 11) if desks else None, rng.randrange(0, 5) if desks else None,
            round(price_day * 0.6, 1) if price_day else None, price_day,
            round(price_day * rng.uniform(12, 18)) if price_day else None,
            f"https://{slug}.example/reserver" if desks and rng.random() < 0.3 else None,
            ("t" if rng.random() < 0.15 else "f") if desks else None,
            _pg_array(sorted(rng.sample(AUDIENCES, rng.randrange(0, 4)))),
            rng.choice([100, 300, 500, 1000, None]), opening,
            f"contact@{slug}.example", f"05 {rng.randrange(10, 99)} {rng.randrange(10, 99)} "
                                      f"{rng.randrange(10, 99)} {rng.randrange(10, 99)}",
            f"https://{slug}.example", "publie", SOURCE, str(i),
            created.isoformat(), updated.isoformat(), 1 + rng.randrange(0, 4),
        ]


def _slug(value: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100] or "lieu"


async def _csv_chunks(size: int, tail_areas: list[Area], rows_per_chunk: int = 5000) -> AsyncIterator[bytes]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    for n, row in enumerate(rows(size, tail_areas), start=1):
        writer.writerow(row)
        if n % rows_per_chunk == 0:
            yield buffer.getvalue().encode()
            buffer.seek(0)
            buffer.truncate()
            await asyncio.sleep(0)
    yield buffer.getvalue().encode()


def marker(size: int) -> str:
    return f"bench-synthetic size={size} seed={SEED} generator={GENERATOR_VERSION}"


async def is_loaded(dsn: str, size: int) -> bool:
    """True when this database holds exactly this synthetic set (its marker is the table comment)."""
    try:
        conn = await asyncpg.connect(dsn, timeout=10)
    except (asyncpg.InvalidCatalogNameError, OSError):
        return False
    try:
        comment = await conn.fetchval("SELECT obj_description('place'::regclass, 'pg_class')")
    except asyncpg.UndefinedTableError:
        return False
    finally:
        await conn.close()
    return comment == marker(size)


async def load(dsn: str, size: int, log: Callable[[str], None] = print) -> dict[str, float]:
    """Fill `place` (of a freshly migrated database) with the synthetic set; returns timings in seconds."""
    timings: dict[str, float] = {}
    conn = await asyncpg.connect(dsn, timeout=10, server_settings={"maintenance_work_mem": "512MB"})
    try:
        tail = await department_areas(conn)
        indexes = await conn.fetch("""
            SELECT i.indexname, i.indexdef FROM pg_indexes i
            WHERE i.schemaname = 'public' AND i.tablename = 'place'
              AND i.indexname NOT IN (SELECT conname FROM pg_constraint WHERE conrelid = 'place'::regclass)
            ORDER BY i.indexname
        """)
        await conn.execute("TRUNCATE place CASCADE")
        for index in indexes:
            await conn.execute(f'DROP INDEX "{index["indexname"]}"')
        started = time.monotonic()
        # A synthetic load is not an edit: without the row triggers of the change feed and the data version
        # (deferred, one per row: minutes at 100k places). TRUNCATE above already bumped the data version.
        await conn.execute("SET session_replication_role = replica")
        await conn.copy_to_table("place", source=_csv_chunks(size, tail), columns=COLUMNS, format="csv")
        await conn.execute("RESET session_replication_role")
        await conn.execute("SELECT place_grid_rebuild()")  # the clustered tiles' grid, skipped with the triggers
        timings["copy_s"] = time.monotonic() - started
        log(f"  copied {size:,} places in {timings['copy_s']:.1f}s; rebuilding {len(indexes)} indexes")
        started = time.monotonic()
        for index in indexes:
            await conn.execute(index["indexdef"])
        timings["index_s"] = time.monotonic() - started
        started = time.monotonic()
        await conn.execute("VACUUM (ANALYZE) place")
        timings["vacuum_analyze_s"] = time.monotonic() - started
        await conn.execute(f"COMMENT ON TABLE place IS '{marker(size)}'")
    finally:
        await conn.close()
    return timings
