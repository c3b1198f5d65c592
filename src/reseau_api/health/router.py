"""Liveness and readiness probes for load balancers and orchestrators."""

import asyncio
from functools import lru_cache

from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from pydantic import BaseModel
from sqlalchemy import exc as sa_exc
from sqlalchemy import text

from reseau_api.core.config import PROJECT_ROOT
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import ServiceUnavailable
from reseau_api.core.openapi import problem_responses

router = APIRouter(prefix="/health", tags=["health"])

READY_TIMEOUT_S = 1.5


class Health(BaseModel):
    status: str
    migration: str | None = None


@lru_cache
def migration_head() -> str:
    config = Config(str(PROJECT_ROOT / "alembic.ini"))
    config.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    head = ScriptDirectory.from_config(config).get_current_head()
    assert head is not None, "no migration found"
    return head


@router.get("/live", response_model=Health, summary="Liveness probe")
async def get_live() -> Health:
    """Answers 200 as long as the process serves requests. It does not touch the database."""
    return Health(status="ok")


@router.get(
    "/ready", response_model=Health, summary="Readiness probe",
    responses=problem_responses(503),
)
async def get_ready(session: SessionDep) -> Health:
    """200 when the database answers and its schema is at the latest migration, else 503."""
    try:
        async with asyncio.timeout(READY_TIMEOUT_S):
            current = (await session.execute(text("SELECT version_num FROM alembic_version"))).scalar()
    except TimeoutError as exc:
        raise ServiceUnavailable("The database did not answer in time.") from exc
    except sa_exc.ProgrammingError as exc:  # no alembic_version table: never migrated
        raise ServiceUnavailable("The database has not been migrated.") from exc
    if current != migration_head():
        raise ServiceUnavailable(
            f"The database schema is at migration {current}, expected {migration_head()}."
        )
    return Health(status="ok", migration=current)
