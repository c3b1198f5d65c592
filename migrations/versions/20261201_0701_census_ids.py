"""The places loaded from the 2019 census get their census id (`identifiants.recensement_2019`): their
source_id, which is the census row id. Then every place is re-captured by the change feed, whose
representation gained `identifiants` in 0700.

Revision ID: 0701
Revises: 0700
Create Date: 2026-12-01 12:50:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0701'
down_revision: str | None = '0700'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

CENSUS_SOURCE = "Recensement national des tiers-lieux 2019 (CGET, mission coworking), Licence Ouverte 2.0"


def upgrade() -> None:
    op.execute(sa.text("UPDATE place SET census_id = source_id "
                       "WHERE source = :source AND source_id ~ '^[1-9][0-9]{0,8}$' AND census_id IS NULL")
               .bindparams(source=CENSUS_SOURCE))
    op.execute("SELECT feed_capture('lieu', id) FROM place")


def downgrade() -> None:
    op.execute(sa.text("UPDATE place SET census_id = NULL WHERE source = :source").bindparams(source=CENSUS_SOURCE))
