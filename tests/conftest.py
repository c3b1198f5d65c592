"""Test harness: a throwaway PostGIS database per test session, one rolled-back transaction per test."""

import os
from collections.abc import AsyncIterator

# The ASGI test clients send `Host: test` (httpx) or `testserver` (schemathesis); servers started by the
# tests are reached on 127.0.0.1.
os.environ.setdefault("RESEAU_ALLOWED_HOSTS", '["localhost", "127.0.0.1", "::1", "test", "testserver"]')

import httpx
import pytest
from alembic import command
from alembic.config import Config
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from reseau_api.core import cluster
from reseau_api.core.config import PROJECT_ROOT, get_settings
from reseau_api.core.db import get_session
from reseau_api.main import app

SETTINGS = get_settings()
# Under pytest-xdist each worker gets its own databases (suffix _gw0, _gw1…).
WORKER_SUFFIX = f"_{os.environ['PYTEST_XDIST_WORKER']}" if "PYTEST_XDIST_WORKER" in os.environ else ""


def worker_db(name: str) -> str:
    """The name of a test database for this worker."""
    return name + WORKER_SUFFIX


TEST_DB_NAME = worker_db(os.environ.get("RESEAU_TEST_DB_NAME", "reseau_test"))
TEST_DATABASE_URL = (
    make_url(SETTINGS.effective_database_url).set(database=TEST_DB_NAME).render_as_string(hide_password=False)
)


def alembic_config(database_url: str) -> Config:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    config.attributes["database_url"] = database_url
    config.attributes["configure_logger"] = False
    return config


@pytest.fixture(scope="session", autouse=True)
def test_database() -> str:
    """Create the test database from scratch and migrate it to head, once per run."""
    cluster.create_database(SETTINGS, TEST_DB_NAME, drop_first=True)
    command.upgrade(alembic_config(TEST_DATABASE_URL), "head")
    return TEST_DATABASE_URL


@pytest.fixture
async def session(test_database: str) -> AsyncIterator[AsyncSession]:
    engine = create_async_engine(test_database, poolclass=NullPool)
    async with engine.connect() as conn:
        outer = await conn.begin()
        session = AsyncSession(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        # The data version is bumped at COMMIT, which a rolled-back test never reaches: bump it per statement.
        await session.execute(text("SET CONSTRAINTS place_data_version IMMEDIATE"))
        yield session  # service commits become SAVEPOINT releases
        await session.close()
        await outer.rollback()
    async with engine.begin() as conn:  # rate-limit counts commit on their own connection: start afresh
        await conn.execute(text("DELETE FROM rate_limit"))
    await engine.dispose()


@pytest.fixture
async def client(session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    app.dependency_overrides[get_session] = lambda: session
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
        yield c
    app.dependency_overrides.clear()
