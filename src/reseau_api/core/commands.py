"""What every `reseau-api` sub-command shares: a failure message on stderr with its exit code, and a
use case run in a database session, the engine disposed after (a command runs once)."""

import asyncio
from collections.abc import Awaitable, Callable
from typing import NoReturn, TypeVar

import typer
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from reseau_api.core import db
from reseau_api.core.config import get_settings
from reseau_api.core.errors import ReseauError

T = TypeVar("T")


def fail(message: str, code: int = 1) -> NoReturn:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def run_in_session(use_case: Callable[[AsyncSession], Awaitable[T]], *, statement_timeout_ms: int | None = None) -> T:
    """Run `use_case` and dispose of the engine; a domain error becomes its message and exit code 1.
    Bulk work passes `statement_timeout_ms` (0: none) and gets an engine of its own; the default is the
    API's engine and timeout."""

    async def main() -> T:
        if statement_timeout_ms is None:
            engine, sessions = db.engine, db.SessionLocal
        else:
            engine = db.make_engine(get_settings(), pooled=False, statement_timeout_ms=statement_timeout_ms)
            sessions = async_sessionmaker(engine, expire_on_commit=False)
        try:
            async with sessions() as session:
                return await use_case(session)
        finally:
            await engine.dispose()

    try:
        return asyncio.run(main())
    except ReseauError as exc:
        fail(exc.detail)
