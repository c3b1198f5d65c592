"""Database engine, sessions and the declarative base."""

import contextlib
import logging
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import Depends
from sqlalchemy import MetaData, event
from sqlalchemy.exc import DisconnectionError
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


IDLE_IN_TRANSACTION_TIMEOUT_MS = 15_000


def server_settings(statement_timeout_ms: int, application_name: str = "reseau-api") -> dict[str, str]:
    """Session settings of the API's connections (the benchmark's floor uses the same)."""
    return {
        "application_name": application_name,
        "statement_timeout": str(statement_timeout_ms),
        # JIT compilation costs more than it saves on short spatial queries.
        "jit": "off",
        # asyncpg prepares and caches every statement; after five runs PostgreSQL may switch to a
        # generic plan that ignores the parameters' values. For a bbox that is a disaster: planned as
        # "a few rows", a France-wide box took 300 ms instead of 9. Planning each time costs ~0.3 ms.
        "plan_cache_mode": "force_custom_plan",
        # No parallel workers: starting one costs milliseconds (a process per query), more than the
        # short queries of an API gain, and under concurrent load it only adds contention.
        "max_parallel_workers_per_gather": "0",
        # A transaction left open between statements (a stalled request, a bug) is ended by the server
        # instead of holding its locks and a pooled connection for ever. Requests take milliseconds.
        "idle_in_transaction_session_timeout": str(IDLE_IN_TRANSACTION_TIMEOUT_MS),
    }


def make_engine(
    settings: Settings, url: str | None = None, *, pooled: bool = True, statement_timeout_ms: int | None = None,
    application_name: str = "reseau-api",
) -> AsyncEngine:
    """An engine that fails fast when PostgreSQL is away, so requests answer 503 instead of hanging."""
    timeout_ms = settings.db_statement_timeout_ms if statement_timeout_ms is None else statement_timeout_ms
    options: dict[str, Any] = {
        "connect_args": {
            "timeout": settings.db_connect_timeout_s,
            "server_settings": server_settings(timeout_ms, application_name),
        },
    }
    if pooled:
        options.update(
            pool_size=settings.db_pool_size, max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout_s, pool_recycle=1800,
        )
    else:
        options["poolclass"] = NullPool
    engine = create_async_engine(url or settings.effective_database_url, **options)
    if pooled:
        _drop_dead_connections(engine)
    return engine


# A connection that sat idle this long is pinged before use; one back from a request a moment ago is not.
PING_AFTER_IDLE_S = 2.0


def _drop_dead_connections(engine: AsyncEngine) -> None:
    """Hand out only live connections, without a round trip per request.

    `pool_pre_ping` would cost three (BEGIN, a ping, ROLLBACK) on every checkout, about a tenth of a
    page request's time. Instead: a connection whose socket asyncpg already saw closed (a restarted
    server) is replaced at once, for free; one idle for more than PING_AFTER_IDLE_S is pinged first.
    Raising DisconnectionError makes the pool discard it and connect anew (or fail fast: 503).
    """
    import time

    @event.listens_for(engine.sync_engine.pool, "checkin")
    def _checked_in(dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine.sync_engine.pool, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, proxy: Any) -> None:
        if record.driver_connection.is_closed():
            raise DisconnectionError("connection closed by the server")
        idle_since = record.info.get("idle_since")
        if idle_since is not None and time.monotonic() - idle_since > PING_AFTER_IDLE_S:
            try:
                dbapi_connection.ping()
            except Exception as exc:
                raise DisconnectionError("connection failed its ping") from exc


engine = make_engine(get_settings())


async def _no_reset(connection: Any) -> None:
    return None


async def create_read_pool() -> Any:
    """A plain asyncpg pool on the read database with the API's session settings (core/hot.py).

    Sized like the SQLAlchemy pool (RESEAU_DB_POOL_SIZE), which the other routes keep using: a worker
    may hold up to both. asyncpg replaces a connection it saw closed when it is next acquired.
    No reset on release: asyncpg's default (advisory unlocks, CLOSE ALL, UNLISTEN, RESET ALL) is a round
    trip per request, ~13 % of a list page's CPU; the hot reads are single autocommit SELECTs that leave
    no session state behind (no SET, LISTEN, cursor, lock or open transaction).
    """
    import asyncpg
    from sqlalchemy.engine import make_url

    settings = get_settings()
    url = make_url(settings.effective_read_database_url if settings.database_read_url
                   else settings.effective_database_url).set(drivername="postgresql")
    return await asyncpg.create_pool(
        url.render_as_string(hide_password=False), min_size=1, max_size=settings.db_pool_size,
        timeout=settings.db_connect_timeout_s, reset=_no_reset,
        server_settings=server_settings(
            settings.db_statement_timeout_ms, "reseau-api-read" if settings.database_read_url else "reseau-api"),
    )
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

# DATABASE_READ_URL set: a second engine on the read replica, for public read-only requests.
# Unset: the same engine, so reads and writes share the primary.
read_engine = (
    make_engine(get_settings(), get_settings().effective_read_database_url, application_name="reseau-api-read")
    if get_settings().database_read_url else engine
)
ReadSessionLocal = async_sessionmaker(read_engine, expire_on_commit=False)


async def get_read_session() -> AsyncIterator[AsyncSession]:
    session = ReadSessionLocal()
    try:
        yield session
    finally:
        await close_quietly(session)


# For public GETs that may lag the primary by the replication delay (they are cached 60 s anyway).
# Writes, and reads that must see the caller's own writes (a member's GET after a PATCH), use
# SessionDep. Without a replica this *is* get_session, so a test's override of it covers both.
# "function" scope: the session closes (its connection back in the pool) when the route returns, before
# the body is sent, so a slow client never holds a connection; these routes build their body first.
ReadSessionDep = Annotated[
    AsyncSession, Depends(get_read_session if read_engine is not engine else get_session, scope="function")
]


class DirectConnection:
    """An asyncpg connection where a query function takes a session (`raw_connection` unwraps it): how the
    hot reads (core/hot.py) run the same query functions on their own pool, with no ORM session around."""

    __slots__ = ("driver_connection",)

    def __init__(self, connection: Any) -> None:
        self.driver_connection = connection


async def raw_connection(session: AsyncSession | DirectConnection) -> Any:
    """The asyncpg connection under a session, inside the same transaction, for the hottest reads."""
    if isinstance(session, DirectConnection):
        return session.driver_connection
    connection = await session.connection()
    return (await connection.get_raw_connection()).driver_connection
