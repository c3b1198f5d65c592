"""The real commands, `reseau-api lieux import` and `reseau-api export`, run as subprocesses against a
database of their own (they commit, so they cannot share the rolled-back test transaction)."""

import asyncio
import csv
import hashlib
import io
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import asyncpg
import pytest
from alembic import command
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from reseau_api.core import cluster
from reseau_api.opendata import exports
from tests.conftest import SETTINGS, TEST_DATABASE_URL, alembic_config, worker_db
from tests.opendata.conftest import EXCERPT

CLI = str(Path(sys.executable).parent / "reseau-api")
CLI_DB = worker_db("reseau_test_cli")


@pytest.fixture(scope="module")
def cli_database() -> Iterator[str]:
    cluster.create_database(SETTINGS, CLI_DB, drop_first=True)
    url = make_url(TEST_DATABASE_URL).set(database=CLI_DB).render_as_string(hide_password=False)
    command.upgrade(alembic_config(url), "head")
    yield url


def cli(url: str, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DATABASE_URL": url, "RESEAU_LOG_LEVEL": "warning"}
    return subprocess.run(  # noqa: S603  (our own command, fixed arguments)
        [CLI, *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False)


def sql(url: str, query: str) -> object:
    async def fetch() -> object:
        conn = await asyncpg.connect(make_url(url).set(drivername="postgresql").render_as_string(hide_password=False))
        try:
            return await conn.fetchval(query)
        finally:
            await conn.close()

    return asyncio.run(fetch())


def test_import_then_export_then_reimport(cli_database: str, tmp_path: Path) -> None:
    url = cli_database
    sql(url, "DELETE FROM place")

    refused = cli(url, "lieux", "import", str(EXCERPT), "--mapping", "cget-2019", "--report", "r.json", cwd=tmp_path)
    assert refused.returncode == 1, refused.stderr
    assert "Nothing was stored: 20 row(s) rejected (all-or-nothing)" in refused.stdout
    assert "line 23 (source_id 1): departement: department 44 is outside the configured region" in refused.stdout
    report = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
    assert report["totaux"] == {"lignes": 41, "accepte": 21, "mis_a_jour": 0, "inchange": 0, "rejete": 20}
    assert report["applique"] is False and sql(url, "SELECT count(*) FROM place") == 0

    dry = cli(url, "lieux", "import", str(EXCERPT), "--mapping", "cget-2019", "--partiel", "--dry-run", cwd=tmp_path)
    assert dry.returncode == 0 and "Dry run: nothing stored" in dry.stdout
    assert sql(url, "SELECT count(*) FROM place") == 0

    done = cli(url, "lieux", "import", str(EXCERPT), "--mapping", "cget-2019", "--partiel", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Stored: 21 place(s) created, 0 updated, 0 unchanged; 20 rejected row(s) left out." in done.stdout
    assert sql(url, "SELECT count(*) FROM place") == 21
    again = cli(url, "lieux", "import", str(EXCERPT), "--mapping", "cget-2019", "--partiel", cwd=tmp_path)
    assert "  unchanged      21" in again.stdout

    exported = cli(url, "export", "out", cwd=tmp_path)
    assert exported.returncode == 0, exported.stderr
    folder = tmp_path / "out"
    sums = dict(line.split("  ")[::-1] for line in (folder / "SHA256SUMS").read_text().splitlines())
    assert set(sums) == {"lieux.csv", "lieux.geojson", "mediation-numerique.csv", "mediation-numerique.json",
                         "data-inclusion-structures.json", "data-inclusion-services.json"}
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest
    rows = list(csv.DictReader(io.StringIO((folder / "lieux.csv").read_text(encoding="utf-8-sig"))))
    assert len(rows) == 21 and len(json.loads((folder / "lieux.geojson").read_text())["features"]) == 21
    assert (folder / "lieux.csv").read_bytes() == served(url, exports.places_csv)  # the API's bytes
    assert (folder / "lieux.geojson").read_bytes() == served(url, exports.places_geojson)

    for name in ("lieux.csv", "lieux.geojson"):
        back = cli(url, "lieux", "import", str(folder / name), cwd=tmp_path)
        assert back.returncode == 0, back.stdout + back.stderr
        assert "Stored: 0 place(s) created, 0 updated, 21 unchanged." in back.stdout


def served(url: str, build) -> bytes:
    async def run() -> bytes:
        engine = create_async_engine(url, poolclass=NullPool)
        try:
            async with AsyncSession(engine) as session:
                return await build(session)
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_unusable_files_and_mappings_exit_2(cli_database: str, tmp_path: Path) -> None:
    (tmp_path / "bad.csv").write_text("nom;telephone_fixe\nA;0561000000\n", encoding="utf-8")
    bad = cli(cli_database, "lieux", "import", "bad.csv", "--source", "s", cwd=tmp_path)
    assert bad.returncode == 2 and "unknown column(s) telephone_fixe" in bad.stderr
    mapping = cli(cli_database, "lieux", "import", str(EXCERPT), "--mapping", "nope", cwd=tmp_path)
    assert mapping.returncode == 2 and "no mapping 'nope' (shipped mappings: cget-2019)" in mapping.stderr
