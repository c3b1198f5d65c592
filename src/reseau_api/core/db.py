"""Database engine, sessions and the declarative base."""

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import MetaData
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.orm import DeclarativeBase
from sqlalchemy.pool import NullPool

from reseau_api.core.config import Settings, get_settings

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


def make_engine(
    settings: Settings, url: str | None = None, *, pooled: bool = True, statement_timeout_ms: int | None = None,
) -> AsyncEngine:
    """An engine that fails fast when PostgreSQL is away, so requests answer 503 instead of hanging."""
    timeout_ms = settings.db_statement_timeout_ms if statement_timeout_ms is None else statement_timeout_ms
    options: dict[str, Any] = {
        "pool_pre_ping": True,  # drops connections a restarted server has closed
        "connect_args": {
            "timeout": settings.db_connect_timeout_s,
            "server_settings": {
                "application_name": "reseau-api",
                "statement_timeout": str(timeout_ms),
                # JIT compilation costs more than it saves on short spatial queries.
                "jit": "off",
            },
        },
    }
    if pooled:
        options.update(
            pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout_s, pool_recycle=1800,
        )
    else:
        options["poolclass"] = NullPool
    return create_async_engine(url or settings.effective_database_url, **options)


engine = make_engine(get_settings())
SessionLocal = async_sessionmaker(engine, expire_on_commit=False)


async def get_session() -> AsyncIterator[AsyncSession]:
    session = SessionLocal()
    try:
        yield session
    finally:
        await close_quietly(session)


async def close_quietly(session: AsyncSession) -> None:
    """Close (rolling back anything uncommitted). When PostgreSQL went away mid-request the rollback
    itself fails: the connection is dead and discarded, the request has already been answered."""
    try:
        await session.close()
    except Exception as exc:
        from reseau_api.core.errors import is_database_unavailable

        if not is_database_unavailable(exc):
            raise
        logging.getLogger("reseau_api.db").warning("session closed on a lost connection: %s", exc)
        with contextlib.suppress(Exception):
            await session.invalidate()


# "request" scope: the session outlives the route function, so streamed responses can still read.
SessionDep = Annotated[AsyncSession, Depends(get_session, scope="request")]


async def raw_connection(session: AsyncSession) -> Any:
    """The asyncpg connection under a session, inside the same transaction, for the hottest reads."""
    connection = await session.connection()
    return (await connection.get_raw_connection()).driver_connection
