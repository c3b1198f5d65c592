"""A real server against a throwaway PostgreSQL: 503 fast while the database is down, 200 again after.

The cluster here is a second one, on its own port, so stopping it does not disturb other tests.
"""

import shutil
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
from alembic import command

from reseau_api.core import cluster
from reseau_api.core.config import Settings
from tests.conftest import alembic_config
from tests.servers import free_port, running_server


@pytest.fixture(scope="module")
def outage_cluster() -> Iterator[Settings]:
    root = Path(tempfile.mkdtemp(prefix="reseau-outage-"))
    root.chmod(0o755)  # the postgres user must reach it when tests run as root
    settings = Settings(pg_data_dir=root / "pg", pg_port=free_port(), db_name="reseau_outage")
    cluster.start(settings)
    cluster.create_database(settings, settings.db_name)
    command.upgrade(alembic_config(settings.effective_database_url), "head")
    yield settings
    cluster.stop(settings, mode="immediate")
    shutil.rmtree(root, ignore_errors=True)


@pytest.fixture(scope="module")
def server(outage_cluster: Settings) -> Iterator[str]:
    with running_server({"DATABASE_URL": outage_cluster.effective_database_url}) as base:
        yield base


def wait_for_status(url: str, status: int, within_s: float) -> float:
    started = time.monotonic()
    while time.monotonic() - started < within_s:
        if httpx.get(url, timeout=3).status_code == status:
            return time.monotonic() - started
        time.sleep(0.05)
    raise AssertionError(f"{url} did not answer {status} within {within_s}s")


def test_ready_follows_the_database_without_restart(outage_cluster: Settings, server: str) -> None:
    ready = f"{server}/health/ready"
    assert httpx.get(ready, timeout=3).status_code == 200

    cluster.stop(outage_cluster, mode="immediate")
    for _ in range(3):  # pooled connections are dead now: each request must still fail fast
        started = time.monotonic()
        response = httpx.get(ready, timeout=5)
        elapsed = time.monotonic() - started
        assert response.status_code == 503
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["retry-after"]
        assert response.json()["type"] == "/problemes/service-indisponible"
        assert elapsed < 2.0, f"503 took {elapsed:.2f}s"
    assert httpx.get(f"{server}/health/live", timeout=3).status_code == 200

    cluster.start(outage_cluster)
    recovered_after = wait_for_status(ready, 200, within_s=2.0)
    assert recovered_after < 2.0
