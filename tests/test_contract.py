"""Property-based testing of the whole published contract (schemathesis, fixed seed, all checks).

Every operation of the OpenAPI document gets at least 100 generated requests, valid and invalid,
against the ASGI app on a database holding the demo data; every response must match the contract
(status declared, body schema, content type, headers) and no request may produce a 5xx.
Each request runs in its own transaction, rolled back afterwards, so writes leave no trace (and the
rate-limit counts, committed apart, are reset).
"""

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.config import SchemathesisConfig
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from reseau_api.core import cluster
from reseau_api.core.db import get_session
from reseau_api.main import create_app
from reseau_api.seed import loaders
from tests.conftest import SETTINGS, TEST_DATABASE_URL, alembic_config, worker_db

CONTRACT_DB = worker_db("reseau_test_contract")
CONTRACT_URL = make_url(TEST_DATABASE_URL).set(database=CONTRACT_DB).render_as_string(hide_password=False)

app = create_app()
config = SchemathesisConfig.from_path(Path(__file__).with_name("schemathesis.toml"))
schema = schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


_engine: AsyncEngine | None = None


async def rolled_back_session() -> AsyncIterator[AsyncSession]:
    # Schemathesis runs every ASGI call on one shared event-loop thread, so one pooled engine serves
    # them all (a connection per request would dominate the run time).
    global _engine
    if _engine is None:
        _engine = create_async_engine(CONTRACT_URL, pool_size=2)
    async with _engine.connect() as conn:
        outer = await conn.begin()
        session = AsyncSession(bind=conn, join_transaction_mode="create_savepoint", expire_on_commit=False)
        try:
            yield session
        finally:
            await session.close()
            await outer.rollback()
            # Rate-limit counts commit on their own connection: reset them, so each request starts afresh.
            await conn.execute(text("DELETE FROM rate_limit"))
            await conn.commit()


@pytest.fixture(scope="module", autouse=True)
def contract_database() -> Iterator[None]:
    """A database with the demo data, committed once; requests then only see rolled-back changes."""
    import asyncio

    from alembic import command

    cluster.create_database(SETTINGS, CONTRACT_DB, drop_first=True)
    command.upgrade(alembic_config(CONTRACT_URL), "head")

    async def seed() -> None:
        engine = create_async_engine(CONTRACT_URL, poolclass=NullPool)
        async with AsyncSession(engine) as session:
            for loader in loaders():
                await loader(session, False)
            await session.commit()
        await engine.dispose()

    asyncio.run(seed())
    app.dependency_overrides[get_session] = rolled_back_session
    yield
    app.dependency_overrides.clear()


@schema.parametrize()
@settings(max_examples=100, derandomize=True, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
def test_contract(case: schemathesis.Case) -> None:
    case.call_and_validate()
