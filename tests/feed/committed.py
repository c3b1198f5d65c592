"""A database of its own for tests that really commit (concurrent writers, a worker process), so that
nothing they leave is seen by the rolled-back tests; and helpers to write to it with asyncpg."""

import uuid

import asyncpg
from sqlalchemy.engine import make_url

from reseau_api.core import cluster
from reseau_api.core.auth import generate_key, hash_key
from tests.conftest import SETTINGS, TEST_DATABASE_URL, alembic_config


def create(name: str) -> tuple[str, str]:
    """Create and migrate database `name`; its SQLAlchemy URL and plain DSN."""
    from alembic import command

    cluster.create_database(SETTINGS, name, drop_first=True)
    url = make_url(TEST_DATABASE_URL).set(database=name)
    command.upgrade(alembic_config(url.render_as_string(hide_password=False)), "head")
    return url.render_as_string(hide_password=False), url.set(drivername="postgresql").render_as_string(
        hide_password=False)


INSERT_PLACE = """
INSERT INTO place (slug, name, status, department_code, geom, desks, moderation)
VALUES ($1, $2, 'ouvert', '31', ST_SetSRID(ST_MakePoint(1.44, 43.6), 4326), $3, $4) RETURNING id"""


async def insert_place(conn: asyncpg.Connection, name: str, *, moderation: str = "publie", desks: int = 1) -> uuid.UUID:
    return await conn.fetchval(INSERT_PLACE, f"{name.lower().replace(' ', '-')}-{uuid.uuid4().hex[:8]}", name,
                               desks, moderation)


async def admin_key(conn: asyncpg.Connection) -> str:
    key, prefix = generate_key()
    await conn.execute("INSERT INTO api_key (prefix, key_hash, role, label) VALUES ($1, $2, 'admin', 'test')",
                       prefix, hash_key(key))
    return key


async def public_truth(conn: asyncpg.Connection) -> dict[str, dict]:
    """The public set as PostgreSQL computes it now, by id."""
    import json

    rows = await conn.fetch(
        "SELECT place_public_json(p)::text AS data FROM place p WHERE place_is_public(p.moderation)")
    return {d["id"]: d for d in (json.loads(r["data"]) for r in rows)}
