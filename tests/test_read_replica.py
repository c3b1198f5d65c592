"""DATABASE_READ_URL: public reads are served by a real streaming replica, everything else by the primary.

A throwaway primary cluster and a `pg_basebackup -R` replica of it run on their own ports; a real
server gets both URLs. Pausing WAL replay on the replica proves where reads go: a place inserted on
the primary is 404 through the API until the replica replays it.
"""

import asyncio
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import httpx
import pytest
from alembic import command

from reseau_api.core import cluster
from reseau_api.core.config import Settings
from tests.conftest import alembic_config
from tests.servers import free_port, running_server


def plain_dsn(settings: Settings) -> str:
    return settings.effective_database_url.replace("postgresql+asyncpg://", "postgresql://")


def sql(settings: Settings, query: str, *args: object) -> list[asyncpg.Record]:
    async def _run() -> list[asyncpg.Record]:
        conn = await asyncpg.connect(plain_dsn(settings))
        try:
            return await conn.fetch(query, *args)
        finally:
            await conn.close()

    return asyncio.run(_run())


@pytest.fixture(scope="module")
def clusters() -> Iterator[tuple[Settings, Settings]]:
    root = Path(tempfile.mkdtemp(prefix="reseau-replica-"))
    root.chmod(0o755)  # the postgres user must reach it when tests run as root
    primary = Settings(pg_data_dir=root / "primary", pg_port=free_port(), db_name="reseau_replicated")
    replica = Settings(pg_data_dir=root / "replica", pg_port=free_port(), db_name="reseau_replicated")
    cluster.start(primary)
    try:
        cluster.create_database(primary, primary.db_name)
        command.upgrade(alembic_config(primary.effective_database_url), "head")
        cluster.start_replica(primary, replica)
        yield primary, replica
    finally:
        cluster.stop(replica, mode="immediate")
        cluster.stop(primary, mode="immediate")
        shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def server(clusters: tuple[Settings, Settings]) -> Iterator[str]:
    primary, replica = clusters
    with running_server({"DATABASE_URL": plain_dsn(primary), "DATABASE_READ_URL": plain_dsn(replica)}) as base:
        yield base


def insert_place(primary: Settings, name: str) -> str:
    place_id = str(uuid.uuid4())
    sql(primary, """
        INSERT INTO place (id, slug, name, status, department_code, geom, moderation)
        VALUES ($1, $2, $3, 'ouvert', '31', ST_SetSRID(ST_MakePoint(1.4442, 43.6047), 4326), 'publie')
    """, uuid.UUID(place_id), f"{name.lower().replace(' ', '-')}-{place_id[:8]}", name)
    return place_id


def wait_for(url: str, status: int, within_s: float) -> None:
    deadline = time.monotonic() + within_s
    while time.monotonic() < deadline:
        if httpx.get(url, timeout=3).status_code == status:
            return
        time.sleep(0.05)
    raise AssertionError(f"{url} did not answer {status} within {within_s}s")


def application_names(settings: Settings) -> set[str]:
    rows = sql(settings, "SELECT DISTINCT application_name FROM pg_stat_activity WHERE datname = $1",
               settings.db_name)
    return {r["application_name"] for r in rows}


def test_replica_is_a_read_only_standby(clusters: tuple[Settings, Settings]) -> None:
    primary, replica = clusters
    assert sql(replica, "SELECT pg_is_in_recovery() AS r")[0]["r"] is True
    assert sql(primary, "SELECT pg_is_in_recovery() AS r")[0]["r"] is False
    with pytest.raises(asyncpg.ReadOnlySQLTransactionError):
        insert_place(replica, "Refused")


def test_public_reads_go_to_the_replica(clusters: tuple[Settings, Settings], server: str) -> None:
    primary, replica = clusters
    first = insert_place(primary, "Coworking Replique")
    wait_for(f"{server}/v1/lieux/{first}", 200, within_s=10)  # replicated, then read

    sql(replica, "SELECT pg_wal_replay_pause()")
    deadline = time.monotonic() + 5
    while sql(replica, "SELECT pg_get_wal_replay_pause_state() AS s")[0]["s"] != "paused":
        assert time.monotonic() < deadline, "replay did not pause"
        time.sleep(0.05)
    try:
        second = insert_place(primary, "Fablab Primaire")
        assert sql(primary, "SELECT count(*) AS n FROM place WHERE id = $1", uuid.UUID(second))[0]["n"] == 1
        # On the primary, not yet on the paused replica: the API, reading the replica, does not see it.
        assert httpx.get(f"{server}/v1/lieux/{second}", timeout=3).status_code == 404
        listed = httpx.get(f"{server}/v1/lieux", params={"q": "fablab primaire"}, timeout=3).json()
        assert listed["items"] == []
        assert httpx.get(f"{server}/v1/lieux/{first}", timeout=3).status_code == 200
    finally:
        sql(replica, "SELECT pg_wal_replay_resume()")
    wait_for(f"{server}/v1/lieux/{second}", 200, within_s=10)
    listed = httpx.get(f"{server}/v1/lieux", params={"q": "fablab primaire"}, timeout=3).json()
    assert [item["id"] for item in listed["items"]] == [second]

    # The read pool's connections are on the replica; none of them on the primary.
    assert "reseau-api-read" in application_names(replica)
    assert "reseau-api-read" not in application_names(primary)


def test_other_requests_use_the_primary(clusters: tuple[Settings, Settings], server: str) -> None:
    primary, replica = clusters
    ready = httpx.get(f"{server}/health/ready", timeout=3)
    assert ready.status_code == 200
    assert "reseau-api" in application_names(primary)  # the readiness probe's (primary) pool
    assert "reseau-api" not in application_names(replica)


def test_reads_fall_back_to_the_primary_when_the_replica_is_down(clusters: tuple[Settings, Settings]) -> None:
    """The documented failover: list the replica, then the primary, with target_session_attrs=prefer-standby."""
    primary, replica = clusters
    read_url = (f"postgresql://reseau@/{primary.db_name}?host=127.0.0.1:{replica.pg_port}"
                f"&host=127.0.0.1:{primary.pg_port}&target_session_attrs=prefer-standby")
    place = insert_place(primary, "Tiers-lieu Bascule")
    with running_server({"DATABASE_URL": plain_dsn(primary), "DATABASE_READ_URL": read_url}) as base:
        wait_for(f"{base}/v1/lieux/{place}", 200, within_s=10)
        assert "reseau-api-read" in application_names(replica)
        cluster.stop(replica, mode="immediate")  # last test of the module: the replica stays down
        wait_for(f"{base}/v1/lieux/{place}", 200, within_s=5)
        assert "reseau-api-read" in application_names(primary)
