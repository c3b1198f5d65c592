"""Moderation queue: partial indexes on the revisions members wrote.

Revision ID: 0100
Revises: 0060
Create Date: 2026-12-01
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0100'
down_revision: str | None = '0060'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index('ix_place_revision_member', 'place_revision', ['place_id', 'version'],
                    postgresql_where=sa.text("actor_role = 'membre'"))
    op.create_index('ix_practice_revision_member', 'practice_revision', ['practice_id', 'version'],
                    postgresql_where=sa.text("actor_role = 'membre'"))


def downgrade() -> None:
    op.drop_index('ix_practice_revision_member', table_name='practice_revision')
    op.drop_index('ix_place_revision_member', table_name='place_revision')
