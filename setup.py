"""The build step that pyproject.toml cannot declare: the wheel carries the repository files the app reads
at run time (alembic.ini, migrations/, the web assets), copied under reseau_api/_bundle, so that an
installed wheel migrates and serves without the checkout. core/config.py's PROJECT_ROOT points there."""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
# Repository paths (files or whole folders) the installed app needs; each keeps its place in the bundle.
# web/ comes whole (its sources and what `npm run build` made in web/dist), without node_modules.
BUNDLED = ["alembic.ini", "migrations", "web"]
IGNORED = shutil.ignore_patterns("__pycache__", "*.pyc", "node_modules")


class BuildPyWithBundle(build_py):
    def run(self) -> None:
        super().run()
        if self.editable_mode:  # an editable install reads the checkout itself
            return
        if not (ROOT / "web" / "dist").is_dir():
            raise SystemExit("web/dist is missing: run `npm ci && npm run build` in web/ (or `make install`) first")
        bundle = Path(self.build_lib) / "reseau_api" / "_bundle"
        shutil.rmtree(bundle, ignore_errors=True)
        for relative in BUNDLED:
            source, target = ROOT / relative, bundle / relative
            if source.is_dir():
                shutil.copytree(source, target, ignore=IGNORED)
            else:
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(source, target)


setup(cmdclass={"build_py": BuildPyWithBundle})
