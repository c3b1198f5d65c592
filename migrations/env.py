"""Alembic environment: async engine, PostGIS-aware autogenerate."""

import asyncio
from logging.config import fileConfig

from alembic import context
from geoalchemy2 import alembic_helpers
from sqlalchemy.engine import Connection

from reseau_api import models
from reseau_api.core.config import get_settings
from reseau_api.core.db import make_engine
from reseau_api.core.migration_filters import include_object

config = context.config
if config.config_file_name is not None and config.attributes.get("configure_logger", True):
    fileConfig(config.config_file_name, disable_existing_loggers=False)

target_metadata = models.Base.metadata


def do_run_migrations(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        compare_type=True,
        include_object=include_object,
        render_item=alembic_helpers.render_item,
        process_revision_directives=alembic_helpers.writer,
        transaction_per_migration=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def run_async_migrations() -> None:
    url = config.attributes.get("database_url") or get_settings().effective_database_url
    # Data migrations may run longer than a request is allowed to.
    engine = make_engine(get_settings(), url, pooled=False, statement_timeout_ms=0)
    async with engine.connect() as connection:
        await connection.run_sync(do_run_migrations)
    await engine.dispose()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:  # called from tests with an open connection
        do_run_migrations(connection)
        return
    asyncio.run(run_async_migrations())


if context.is_offline_mode():
    context.configure(url=get_settings().effective_database_url, target_metadata=target_metadata,
                      literal_binds=True, render_item=alembic_helpers.render_item)
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
