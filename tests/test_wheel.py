"""The package runs from its built wheel, without the checkout: in a fresh virtual environment,
`reseau-api migrate`, `seed` and `serve` work against a new database and answer like the checkout does."""

import csv
import hashlib
import os
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import httpx
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy.engine import make_url

from reseau_api.core import cluster
from reseau_api.core.config import DATA_DIR, get_settings
from tests.conftest import alembic_config, worker_db
from tests.servers import running_server

ROOT = Path(__file__).resolve().parents[1]
# What the wheel is built from: the package, and the repository files setup.py bundles into it.
BUILD_INPUTS = [
    "pyproject.toml", "setup.py", "MANIFEST.in", "README.md", "LICENSE", "alembic.ini",
    "src/reseau_api", "migrations", "web",
]
SKIPPED = {"__pycache__", "node_modules"}
# One built wheel and its virtual environment, reused while the build inputs stay the same.
CACHE = ROOT / ".data" / "wheel-test"
SETTINGS = get_settings()


def _input_files() -> list[Path]:
    files = []
    for name in BUILD_INPUTS:
        path = ROOT / name
        files += sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
    return [p for p in files if not SKIPPED.intersection(p.relative_to(ROOT).parts) and p.suffix != ".pyc"]


def _run(*argv: str | Path, env: dict[str, str] | None = None, cwd: Path | None = None) -> str:
    done = subprocess.run(  # noqa: S603
        [str(a) for a in argv], env=env, cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )
    assert done.returncode == 0, f"{argv} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}"
    return done.stdout


@pytest.fixture(scope="module")
def wheel_venv() -> Path:
    """A virtual environment holding the project's wheel only: its dependencies are this environment's
    (the locked versions), on the path after the wheel, so that nothing is downloaded."""
    files = _input_files()
    digest = hashlib.sha256()
    for path in files:
        digest.update(str(path.relative_to(ROOT)).encode() + b"\0" + path.read_bytes() + b"\0")
    work = CACHE / digest.hexdigest()[:16]
    venv = work / "venv"
    if (work / "ready").exists():
        return venv
    shutil.rmtree(CACHE, ignore_errors=True)  # older builds
    source = work / "source"  # a copy: the build writes build/ and *.egg-info next to its sources
    for path in files:
        target = source / path.relative_to(ROOT)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(path, target)
    _run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
         "-w", work / "dist", source)
    (wheel,) = (work / "dist").glob("reseau_api-*.whl")
    _run(sys.executable, "-m", "venv", "--without-pip", venv)
    _run(sys.executable, "-m", "pip", "--python", venv / "bin" / "python", "install", "-q", "--no-deps",
         "--no-index", wheel)
    site = venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    deps = dict.fromkeys([sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]])
    (site / "_reseau_api_test_deps.pth").write_text("\n".join(deps) + "\n")
    shutil.rmtree(source)
    (work / "ready").touch()
    return venv


def test_the_wheel_migrates_seeds_and_serves_without_the_checkout(wheel_venv: Path, tmp_path: Path) -> None:
    name = worker_db("reseau_wheel")
    cluster.create_database(SETTINGS, name, drop_first=True)
    url = make_url(SETTINGS.effective_database_url).set(drivername="postgresql", database=name)
    # A deployment's environment: DATABASE_URL, no setting of this checkout, run from elsewhere.
    env = {k: v for k, v in os.environ.items() if not k.startswith(("RESEAU_", "DATABASE_", "PYTHON"))}
    env["DATABASE_URL"] = url.render_as_string(hide_password=False)
    bin_dir = wheel_venv / "bin"

    module, root = _run(
        bin_dir / "python", "-c", "import reseau_api.core.config as c; print(c.__file__); print(c.PROJECT_ROOT)",
        env=env, cwd=tmp_path,
    ).splitlines()
    package = wheel_venv / "lib" / f"python{sys.version_info.major}.{sys.version_info.minor}" / "site-packages"
    assert Path(module) == package / "reseau_api" / "core" / "config.py"
    assert Path(root) == package / "reseau_api" / "_bundle"

    _run(bin_dir / "reseau-api", "migrate", env=env, cwd=tmp_path)
    assert "places: 165 loaded from the 2019 census" in _run(bin_dir / "reseau-api", "seed", env=env, cwd=tmp_path)
    # The seed leaves planner statistics behind: without them, until autovacuum came by, coverage planned
    # sequential scans (1.6 s a request instead of 0.12 s).
    analyzed = _run(bin_dir / "python", "-c", (
        "import asyncio, asyncpg, os\n"
        "async def main():\n"
        "    c = await asyncpg.connect(os.environ['DATABASE_URL'])\n"
        "    print(sorted(r[0] for r in await c.fetch(\"SELECT relname FROM pg_stat_user_tables WHERE \"\n"
        "        \"relname IN ('place', 'commune') AND last_analyze IS NOT NULL\")))\n"
        "asyncio.run(main())"), env=env, cwd=tmp_path)
    assert analyzed.strip() == "['commune', 'place']"

    head = ScriptDirectory.from_config(alembic_config("")).get_current_head()
    with DATA_DIR.joinpath("tiers-lieux-occitanie-2019.csv").open(encoding="utf-8") as handle:
        lozere = sorted(row["NOM_TL"].strip() for row in csv.DictReader(handle) if row["INSEEDEP"] == "48")
    assert lozere  # the census has places in department 48
    with running_server(
        {}, command=[str(bin_dir / "reseau-api"), "serve"], cwd=tmp_path, base_env=env, wait_for="/health/ready",
    ) as base:
        live = httpx.get(f"{base}/health/live")
        assert (live.status_code, live.json()) == (200, {"status": "ok", "migration": None})
        ready = httpx.get(f"{base}/health/ready")  # every migration of the checkout is in the wheel
        assert (ready.status_code, ready.json()) == (200, {"status": "ok", "migration": head})

        page = httpx.get(f"{base}/v1/lieux", params={"departement": "48", "tri": "nom", "limit": 200})
        assert page.status_code == 200
        body = page.json()
        assert body["total"] == len(lozere)
        assert sorted(item["nom"] for item in body["items"]) == lozere
        assert {item["departement"] for item in body["items"]} == {"48"}

        # The map's assets: web/src as committed, web/dist as `npm run build` made it.
        for asset, source in [("carte.js", "web/src/carte.js"), ("maplibre-gl.js", "web/dist/maplibre-gl.js")]:
            response = httpx.get(f"{base}/carte/assets/{asset}")
            assert (response.status_code, response.content) == (200, (ROOT / source).read_bytes())
