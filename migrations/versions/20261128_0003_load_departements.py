"""Data: French department boundaries (IGN Admin Express via france-geojson, simplified).

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from reseau_api.core.config import DATA_DIR

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

DATA = DATA_DIR / "departements.geojson"


def upgrade() -> None:
    features = json.loads(DATA.read_text(encoding="utf-8"))["features"]
    op.get_bind().execute(
        sa.text("""
            INSERT INTO departement (code, name, geom)
            VALUES (:code, :name, ST_Multi(ST_SetSRID(ST_GeomFromGeoJSON(:geometry), 4326)))
        """),
        [
            {"code": f["properties"]["code"], "name": f["properties"]["nom"],
             "geometry": json.dumps(f["geometry"])}
            for f in features
        ],
    )


def downgrade() -> None:
    op.execute("DELETE FROM departement")
