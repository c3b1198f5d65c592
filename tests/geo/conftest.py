"""Geo test helpers: places inserted with SQL (in the rolled-back test transaction, or committed for a
real server in a subprocess that GDAL, OWSLib, Chromium talk to), and tile arithmetic."""

import math
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import asyncpg
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from reseau_api.core.db import raw_connection
from reseau_api.places.demo import CENSUS_SOURCE, load_census
from tests.conftest import TEST_DATABASE_URL
from tests.servers import running_server

TEST_SOURCE = "tests/geo"


async def insert_place(
    raw: Any, name: str, *, lon: float | None = 1.44, lat: float | None = 43.6, status: str = "ouvert",
    departement: str = "31", types: list[str] | None = None, services: list[str] | None = None,
    desks: int | None = None, moderation: str = "publie", commune: str | None = "Toulouse",
    insee_code: str | None = None, updated_at: datetime | None = None, price_day: float | None = None,
    opening_hours: str | None = None, website: str | None = None,
) -> uuid.UUID:
    """Insert a place with plain SQL on an asyncpg connection; returns its id."""
    return await raw.fetchval(
        """INSERT INTO place (slug, name, status, department_code, geom, types, services, desks, moderation,
                              commune, insee_code, updated_at, price_day, opening_hours, website, source)
           VALUES ($1, $2, $3, $4,
                   CASE WHEN $5::float8 IS NULL THEN NULL ELSE ST_SetSRID(ST_MakePoint($5, $6), 4326) END,
                   $7, $8, $9, $10, $11, $12, coalesce($13, now()), $14, $15, $16, $17)
           RETURNING id""",
        f"{name.lower().replace(' ', '-')[:60]}-{uuid.uuid4().hex[:8]}", name, status, departement, lon, lat,
        types or [], services or [], desks, moderation, commune, insee_code, updated_at, price_day,
        opening_hours, website, TEST_SOURCE,
    )


@pytest.fixture
async def raw(session: AsyncSession) -> Any:
    """The asyncpg connection of the test's rolled-back transaction."""
    return await raw_connection(session)


# --------------------------------------------------------------------------------------------------
# Tile arithmetic (independent of the server code): web mercator, XYZ, 4096 units per tile.

EXTENT = 4096


def world_position(lon: float, lat: float, z: int) -> tuple[float, float]:
    """Global position in tile units at zoom z (x east, y south)."""
    size = 2 ** z * EXTENT
    x = (lon + 180.0) / 360.0 * size
    y = (1.0 - math.log(math.tan(math.radians(lat)) + 1.0 / math.cos(math.radians(lat))) / math.pi) / 2.0 * size
    return x, y


def tile_of(lon: float, lat: float, z: int) -> tuple[int, int]:
    x, y = world_position(lon, lat, z)
    return int(x // EXTENT), int(y // EXTENT)


def in_tile_position(lon: float, lat: float, z: int) -> tuple[float, float]:
    x, y = world_position(lon, lat, z)
    tx, ty = tile_of(lon, lat, z)
    return x - tx * EXTENT, y - ty * EXTENT


# --------------------------------------------------------------------------------------------------
# A real server on committed data, for the clients that cannot share the test transaction.


@dataclass
class ServedData:
    url: str
    known: dict[str, uuid.UUID] = field(default_factory=dict)  # name -> id of the places made here


def _asyncpg_dsn() -> str:
    return TEST_DATABASE_URL.replace("postgresql+asyncpg://", "postgresql://", 1)


KNOWN_PLACES: list[dict[str, Any]] = [
    {"name": "Cowork Test Capitole", "lon": 1.4437, "lat": 43.6045, "types": ["coworking"],
     "services": ["wifi", "salle_reunion"], "desks": 12, "insee_code": "31555"},
    {"name": "Fablab Test Albi", "lon": 2.148, "lat": 43.929, "departement": "81", "commune": "Albi",
     "types": ["fablab"], "services": ["atelier_fabrication"], "desks": 3},
    {"name": "Projet Test Sans Position", "lon": None, "lat": None, "status": "en_projet", "departement": "12",
     "commune": "Rodez"},
    {"name": "Brouillon Test Non Publie", "lon": 3.88, "lat": 43.61, "departement": "34", "moderation": "a_valider",
     "desks": 40},
]


@pytest.fixture(scope="module")
async def served_data(test_database: str) -> AsyncIterator[dict[str, uuid.UUID]]:
    """The census demo data plus KNOWN_PLACES, committed; deleted when the module ends."""
    engine = create_async_engine(test_database, poolclass=NullPool)
    conn = await asyncpg.connect(_asyncpg_dsn())
    try:
        async with AsyncSession(engine, expire_on_commit=False) as session:
            await load_census(session, False)
            await session.commit()
        known = {}
        for spec in KNOWN_PLACES:
            fields = dict(spec)
            name = fields.pop("name")
            known[name] = await insert_place(conn, name, **fields)
        yield known
    finally:
        await conn.execute("DELETE FROM place WHERE source = ANY($1::text[])", [CENSUS_SOURCE, TEST_SOURCE])
        await conn.close()
        await engine.dispose()


@pytest.fixture(scope="module")
def server(served_data: dict[str, uuid.UUID]) -> Iterator[ServedData]:
    """uvicorn in a subprocess on a free port, reading the test database."""
    env = {"DATABASE_URL": TEST_DATABASE_URL, "RESEAU_PUBLIC_BASE_URL": ""}
    with running_server(env, wait_for="/health/ready") as base:
        yield ServedData(base, dict(served_data))


async def published(conn_dsn: str | None = None, where: str = "TRUE") -> list[asyncpg.Record]:
    """Published places with their position, straight from the database (the truth the clients must see)."""
    conn = await asyncpg.connect(conn_dsn or _asyncpg_dsn())
    try:
        return await conn.fetch(
            f"SELECT id, name, slug, department_code, desks, ST_X(geom) AS lon, ST_Y(geom) AS lat FROM place "
            f"WHERE moderation = 'publie' AND {where} ORDER BY id")
    finally:
        await conn.close()
