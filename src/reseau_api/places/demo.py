"""Demo data: the real tiers-lieux of Occitanie from the 2019 national census (CGET, mission coworking).

Only organisation-level data is kept: the census's CONTACT and MAIL columns name private persons and are
not even shipped. Fields the census lacks stay empty rather than invented.
"""

import csv
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places import service
from reseau_api.places.models import Place
from reseau_api.places.schemas import PlaceWrite
from reseau_api.places.states import PlaceState

CENSUS_FILE = Path(__file__).resolve().parents[1] / "data" / "tiers-lieux-occitanie-2019.csv"
CENSUS_SOURCE = "Recensement national des tiers-lieux 2019 (CGET, mission coworking), Licence Ouverte 2.0"
# Its label in the fields' provenance (also the cget-2019 import mapping's). The census places start
# unverified (`fraicheur` a_verifier) until their owner or an admin confirms or edits them.
CENSUS_PROVENANCE = "recensement CGET 2019"
CENSUS_TYPES = {
    "Tiers lieux à dominante coworking": ["coworking"],
    "Tiers lieux à dominante fablab": ["fablab"],
}


def _code(value: str) -> str | None:
    """The census writes `0` for an unknown postcode or INSEE code."""
    value = value.strip()
    return None if value in ("", "0") else value.zfill(5)


def census_row_to_place(row: dict[str, str]) -> dict[str, Any]:
    website = row["WEB"].strip()
    if "…" in website:  # truncated in the census: a broken link is worse than none
        website = ""
    if website and not website.startswith(("http://", "https://")):
        website = "http://" + website
    return {
        "nom": row["NOM_TL"].strip(),
        "statut": "ouvert",
        "types": CENSUS_TYPES.get(row["TYPO"], []),
        "adresse": row["ADRESSE"].strip() or None,
        "code_postal": _code(row["CP"]),
        # NOMCOM is often blank; NOMCOMMETRO / INSEEMETRO name the same commune in every row.
        "commune": row["NOMCOM"].strip() or row["NOMCOMMETRO"].strip() or None,
        "code_insee": _code(row["INSEECOM"]) or _code(row["INSEEMETRO"]),
        "departement": row["INSEEDEP"].strip(),
        "position": {"lon": float(row["LONG"]), "lat": float(row["LAT"])},
        "site_web": website or None,
        "identifiants": {"recensement_2019": row["ID"].strip()},
    }


async def load_census(session: AsyncSession, only_if_empty: bool) -> str:
    if only_if_empty and await service.count(session) > 0:
        return "places: already loaded, skipped"
    existing = set((await session.execute(
        select(Place.source_id).where(Place.source == CENSUS_SOURCE)
    )).scalars())
    loaded = 0
    with CENSUS_FILE.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["ID"] in existing:
                continue
            fields = census_row_to_place(row)
            try:
                data = PlaceWrite.model_validate(fields)
            except ValidationError:  # a census URL we cannot trust: keep the place, drop the link
                data = PlaceWrite.model_validate({**fields, "site_web": None})
            await service.create(session, data, moderation=PlaceState.PUBLIE, source=CENSUS_SOURCE,
                                 source_id=row["ID"], verified=False, provenance=CENSUS_PROVENANCE)
            loaded += 1
    return f"places: {loaded} loaded from the 2019 census"
