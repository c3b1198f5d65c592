"""Models and migrations agree, and the migrations go down and up again cleanly."""

import asyncio

import asyncpg
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from reseau_api.core import cluster
from reseau_api.core.config import get_settings
from reseau_api.core.migration_filters import include_object
from reseau_api.models import Base
from tests.conftest import TEST_DATABASE_URL, alembic_config, worker_db

MIGRATIONS_DB = worker_db("reseau_test_migrations")
SCHEMA_SNAPSHOT = """
    SELECT 'column', table_name || '.' || column_name || ' ' || data_type || ' ' || is_nullable
           || ' ' || coalesce(column_default, '')
    FROM information_schema.columns c WHERE table_schema = 'public'
      AND table_name NOT IN ('spatial_ref_sys', 'alembic_version')
      AND EXISTS (SELECT 1 FROM pg_tables t WHERE t.schemaname = 'public' AND t.tablename = c.table_name)
    UNION ALL SELECT 'index', indexdef FROM pg_indexes
    WHERE schemaname = 'public' AND tablename NOT IN ('spatial_ref_sys', 'alembic_version')
    UNION ALL SELECT 'constraint', conrelid::regclass || ' ' || conname || ' ' || pg_get_constraintdef(oid)
    FROM pg_constraint WHERE connamespace = 'public'::regnamespace
      AND conrelid::regclass::text NOT IN ('spatial_ref_sys', 'alembic_version')
    UNION ALL SELECT 'function', p.proname || '(' || pg_get_function_identity_arguments(p.oid) || ')'
    FROM pg_proc p WHERE p.pronamespace = 'public'::regnamespace
      AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')
    UNION ALL SELECT 'type', typname FROM pg_type t
    WHERE typnamespace = 'public'::regnamespace AND typtype = 'e'
    ORDER BY 1, 2
"""


def _snapshot(url: str) -> list[tuple[str, str]]:
    async def fetch() -> list[tuple[str, str]]:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        conn = await asyncpg.connect(dsn)
        try:
            return [tuple(r) for r in await conn.fetch(SCHEMA_SNAPSHOT)]
        finally:
            await conn.close()

    return asyncio.run(fetch())


def test_upgrade_downgrade_upgrade_gives_the_same_schema() -> None:
    settings = get_settings()
    cluster.create_database(settings, MIGRATIONS_DB, drop_first=True)
    url = make_url(TEST_DATABASE_URL).set(database=MIGRATIONS_DB).render_as_string(hide_password=False)
    config = alembic_config(url)
    command.upgrade(config, "head")
    first = _snapshot(url)
    assert any(kind == "function" and name.startswith("f_unaccent") for kind, name in first)
    command.downgrade(config, "base")
    after_down = _snapshot(url)
    assert [row for row in after_down if row[0] in ("column", "index", "type")] == []
    command.upgrade(config, "head")
    assert _snapshot(url) == first


async def test_models_match_migrations(test_database: str) -> None:
    """The `alembic check` of CI: autogenerate finds nothing to add or drop."""
    engine = create_async_engine(test_database, poolclass=NullPool)
    async with engine.connect() as conn:
        diff = await conn.run_sync(
            lambda sync_conn: compare_metadata(
                MigrationContext.configure(
                    sync_conn, opts={"compare_type": True, "include_object": include_object},
                ),
                Base.metadata,
            )
        )
    await engine.dispose()
    assert diff == []
