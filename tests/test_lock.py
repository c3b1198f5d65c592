"""requirements.lock pins every dependency that pyproject.toml declares, with hashes, and the virtual
environment holds exactly the locked versions (scripts/install.sh installs from the lock)."""

import re
import tomllib
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[1]
PIN = re.compile(r"^(?P<name>[A-Za-z0-9._-]+)==(?P<version>\S+)(?: ; (?P<marker>[^\\]+?))? \\$")


def locked() -> dict[str, str]:
    """name -> version, for the lock entries that apply to this interpreter and platform."""
    pins: dict[str, str] = {}
    lines = (ROOT / "requirements.lock").read_text().splitlines()
    for number, line in enumerate(lines):
        if not line or line.startswith((" ", "#")):
            continue
        match = PIN.match(line)
        assert match, f"requirements.lock:{number + 1}: not an exact pin followed by hashes: {line!r}"
        assert lines[number + 1].strip().startswith("--hash=sha256:"), f"requirements.lock:{number + 1}: no hash"
        if match["marker"] is None or Marker(match["marker"]).evaluate():
            pins[canonicalize_name(match["name"])] = match["version"]
    return pins


def declared() -> list[Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    extras = [req for group in project["optional-dependencies"].values() for req in group]
    return [Requirement(req) for req in [*project["dependencies"], *extras]]


def test_every_declared_dependency_is_locked_within_its_range() -> None:
    pins = locked()
    problems = [
        f"{req}: locked {pins.get(canonicalize_name(req.name), 'nowhere')}"
        for req in declared()
        if canonicalize_name(req.name) not in pins or pins[canonicalize_name(req.name)] not in req.specifier
    ]
    assert problems == [], "pyproject.toml and requirements.lock disagree (run `make lock`): " + "; ".join(problems)


def test_the_environment_holds_the_locked_versions() -> None:
    def installed(name: str) -> str | None:
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    drift = {name: (pinned, installed(name)) for name, pinned in locked().items() if installed(name) != pinned}
    assert drift == {}, "locked -> installed versions differ (run `make install`): " + repr(drift)
