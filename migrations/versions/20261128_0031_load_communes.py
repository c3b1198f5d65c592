"""Data: the 4,453 communes of Occitanie, 2021 population and centre (INSEE / IGN, Licence Ouverte).

Revision ID: 0031
Revises: 0030
Create Date: 2026-11-28
"""
import csv
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from reseau_api.core.config import DATA_DIR

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Derived from the INSEE / IGN commune table by reseau_api/coverage/derive.py: one row per commune.
DATA = DATA_DIR / "communes-occitanie-2021.csv"


def upgrade() -> None:
    with DATA.open(encoding="utf-8", newline="") as handle:
        rows = [
            {"insee": r["insee"], "name": r["name"], "dep": r["dep"], "population": int(r["population"]),
             "lon": float(r["lon"]), "lat": float(r["lat"])}
            for r in csv.DictReader(handle)
        ]
    op.get_bind().execute(
        sa.text("""
            INSERT INTO commune (insee_code, name, department_code, population, geom)
            VALUES (:insee, :name, :dep, :population, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))
        """),
        rows,
    )
    op.execute("ANALYZE commune")


def downgrade() -> None:
    op.execute("DELETE FROM commune")
