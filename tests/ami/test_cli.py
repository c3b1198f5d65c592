"""`reseau-api ami import` end to end, as an operator runs it, on a throwaway database."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy.engine import make_url

from reseau_api.ami.service import SHIPPED_FILE
from reseau_api.core import cluster
from reseau_api.core.config import get_settings
from tests.ami.conftest import csv_file, row
from tests.conftest import TEST_DATABASE_URL, alembic_config, worker_db

CLI_DB = worker_db("reseau_test_ami_cli")
CLI = Path(sys.executable).parent / "reseau-api"


@pytest.fixture(scope="module")
def cli_database() -> str:
    cluster.create_database(get_settings(), CLI_DB, drop_first=True)
    url = make_url(TEST_DATABASE_URL).set(database=CLI_DB)
    command.upgrade(alembic_config(url.render_as_string(hide_password=False)), "head")
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _cli(dsn: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": dsn}
    return subprocess.run([str(CLI), "ami", "import", *args], capture_output=True, text=True, env=env,  # noqa: S603
                          timeout=60, check=False)


def _stored(dsn: str) -> tuple[int, str | None]:
    async def fetch() -> tuple[int, str | None]:
        conn = await asyncpg.connect(dsn)
        try:
            return (await conn.fetchval("SELECT count(*) FROM ami_application"),
                    await conn.fetchval("SELECT source FROM ami_dataset"))
        finally:
            await conn.close()
    return asyncio.run(fetch())


def test_import_all_or_nothing(cli_database: str, tmp_path: Path) -> None:
    loaded = _cli(cli_database, str(SHIPPED_FILE))
    assert loaded.returncode == 0, loaded.stderr
    assert loaded.stdout.startswith("154 rows read, 154 valid, 0 rejected. The stored data set was replaced.")
    count, source = _stored(cli_database)
    assert count == 154 and source is not None and source.startswith("Jeu de données reconstruit")

    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_file([row(id="A"), row(id="B", departement="75"), row(id="C", defis="0")]))
    refused = _cli(cli_database, str(bad))
    assert refused.returncode == 1
    assert "3 rows read, 1 valid, 2 rejected. Nothing was changed." in refused.stderr
    assert "line 3 (id B): departement: '75' is not a department of the region" in refused.stderr
    assert "line 4 (id C): defis: '0' is not a challenge number (1 to 5)" in refused.stderr
    assert _stored(cli_database)[0] == 154

    good = tmp_path / "region.csv"
    good.write_bytes(csv_file([row(id="A"), row(id="B", departement="48")], delimiter=";", bom=True))
    dry = _cli(cli_database, str(good), "--dry-run")
    assert dry.returncode == 0 and "Dry run" in dry.stdout
    assert _stored(cli_database)[0] == 154

    real = _cli(cli_database, str(good), "--source", "Région Occitanie, fichier transmis le 2 mai 2018")
    assert real.returncode == 0, real.stderr
    assert _stored(cli_database) == (2, "Région Occitanie, fichier transmis le 2 mai 2018")
