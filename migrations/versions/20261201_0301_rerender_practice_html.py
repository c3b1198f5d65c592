"""Re-render the stored HTML of every practice with today's rules (images: https only, no referrer, lazy).

Revision ID: 0301
Revises: 0300
Create Date: 2026-12-01 10:00:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0301"
down_revision: str | None = "0300"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    from reseau_api.practices.rendering import render  # the rules of this release; content was bounded on write

    connection = op.get_bind()
    for practice_id, markdown in connection.execute(sa.text("SELECT id, content_md FROM practice")).all():
        connection.execute(sa.text("UPDATE practice SET content_html = :html WHERE id = :id AND content_html IS DISTINCT FROM :html"),
                           {"html": render(markdown), "id": practice_id})


def downgrade() -> None:
    pass  # the HTML of the new rules is valid under the old ones
