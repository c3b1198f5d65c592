"""AMI test helpers: the shipped data set loaded through the import, and small hand-written files."""

import csv
import io
from typing import Any

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami import service
from reseau_api.ami.service import COLUMNS, SHIPPED_FILE, ImportReport

# The figures the Region published for the 2017 call.
PUBLISHED_DEPARTMENTS = {"09": 6, "11": 11, "12": 9, "30": 4, "31": 43, "32": 4, "34": 26, "46": 7, "48": 14,
                         "65": 12, "66": 3, "81": 13, "82": 2}


@pytest.fixture
async def shipped(session: AsyncSession) -> ImportReport:
    """The shipped reconstructed file, loaded by the same code path as the CLI import."""
    report = await service.import_csv(session, SHIPPED_FILE.read_bytes())
    assert report.applied, report.lines()
    return report


def shipped_rows() -> list[dict[str, str]]:
    """The shipped file read with the csv module: expected values computed independently of SQL."""
    with SHIPPED_FILE.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def row(**over: Any) -> dict[str, Any]:
    base = {"id": "T-1", "intitule": "Un tiers-lieu d'essai", "type_projet": "creation", "mise_en_reseau": "false",
            "departement": "31", "nature": "associatif", "forme_juridique": "association",
            "plan_financement_5ans_eur": "100000", "defis": "1|3", "besoins": "aide_investissement", "lieu": ""}
    return {**base, **over}


def csv_file(rows: list[dict[str, Any]], *, delimiter: str = ",", bom: bool = False,
             columns: list[str] | None = None) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=columns or COLUMNS, delimiter=delimiter, lineterminator="\n",
                            extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return (("\ufeff" if bom else "") + out.getvalue()).encode("utf-8")
