"""Data versions: data_version (one row per watched table) bumped at commit by a deferred trigger on place.

Revision ID: 0200
Revises: 0100
Create Date: 2026-12-01 09:30:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0200'
down_revision: str | None = '0100'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

WATCHED = ("place",)


def upgrade() -> None:
    op.create_table('data_version',
    sa.Column('name', sa.String(length=63), nullable=False),
    sa.Column('version', sa.BigInteger(), nullable=False),
    sa.PrimaryKeyConstraint('name', name=op.f('pk_data_version'))
    )
    op.execute("CREATE SEQUENCE data_version_seq")
    # Deferred to COMMIT: the version row is locked only while the writer commits, so concurrent writers of
    # places never queue behind each other's open transactions (an immediate bump held the row until commit,
    # serialising every writer and deadlocking two multi-statement ones). TRUNCATE cannot be deferred.
    op.execute("""
        CREATE FUNCTION bump_data_version() RETURNS trigger LANGUAGE plpgsql AS $$
        BEGIN
            UPDATE data_version SET version = nextval('data_version_seq') WHERE name = TG_TABLE_NAME;
            RETURN NULL;
        END $$
    """)
    for table in WATCHED:
        op.execute(f"INSERT INTO data_version (name, version) VALUES ('{table}', nextval('data_version_seq'))")
        op.execute(f"CREATE CONSTRAINT TRIGGER {table}_data_version AFTER INSERT OR UPDATE OR DELETE ON {table} "
                   "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION bump_data_version()")
        op.execute(f"CREATE TRIGGER {table}_data_version_truncate AFTER TRUNCATE ON {table} "
                   "FOR EACH STATEMENT EXECUTE FUNCTION bump_data_version()")


def downgrade() -> None:
    for table in WATCHED:
        op.execute(f"DROP TRIGGER {table}_data_version_truncate ON {table}")
        op.execute(f"DROP TRIGGER {table}_data_version ON {table}")
    op.execute("DROP FUNCTION bump_data_version()")
    op.execute("DROP SEQUENCE data_version_seq")
    op.drop_table('data_version')
