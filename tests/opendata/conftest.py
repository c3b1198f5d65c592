"""Helpers for the open data tests: the shipped test files, imports in one call, and the comparable
form of a stored place (what PlaceWrite accepts), to tell whether two records are the same."""

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.opendata import importer
from reseau_api.opendata import mapping as mappings
from reseau_api.opendata.report import ImportReport
from reseau_api.places.models import Place
from reseau_api.places.service import to_read
from reseau_api.territories.models import Departement

DATA = Path(__file__).resolve().parent / "data"
CENSUS = DATA / "cget-tiers-lieux-2019.csv"
EXCERPT = DATA / "cget-2019-excerpt.csv"
EXCERPT_LATIN1 = DATA / "cget-2019-excerpt-latin1.csv"
EXCERPT_SEMICOLON = DATA / "cget-2019-excerpt-semicolon.csv"
OCCITANIE = ["09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]



async def run_import(
    session: AsyncSession, file: Path | bytes, *, mapping: str | None = None, filename: str | None = None,
    **options: Any,
) -> ImportReport:
    content, name = _content(file)
    return await importer.run_import(
        session, content, filename=filename or name, mapping=mappings.load(mapping) if mapping else None,
        options=importer.ImportOptions(**options),
    )


def _content(source: Path | bytes) -> tuple[bytes, str]:
    return (source.read_bytes(), source.name) if isinstance(source, Path) else (source, "import.csv")


def comparable(place: Place) -> dict[str, Any]:
    """A stored place as the write fields it was made from (PlaceWrite's names), plus its identity."""
    read = to_read(place).model_dump(mode="json")
    for key in ("id", "slug", "organisation", "moderation", "cree_le", "maj_le", "version", "source",
                # server-managed freshness: an import neither verifies nor keeps who set a field before
                "verifie_le", "fraicheur", "provenance", "ferme_temporairement", "fermeture_en_cours"):
        read.pop(key)
    return read


async def stored(session: AsyncSession) -> list[Place]:
    session.expire_all()
    return list((await session.execute(select(Place).order_by(Place.sort_name, Place.id))).scalars())


async def place_count(session: AsyncSession) -> int:
    return (await session.execute(text("SELECT count(*) FROM place"))).scalar_one()


@pytest.fixture
async def all_departments(monkeypatch: pytest.MonkeyPatch, session: AsyncSession) -> list[str]:
    """A region setting (RESEAU_REGION_DEPARTEMENTS) covering every department, French Guiana included."""
    codes = list((await session.execute(select(Departement.code).order_by(Departement.code))).scalars())
    monkeypatch.setattr(get_settings(), "region_departements", [*codes, "973"])
    return codes
