"""AMI Tiers-Lieux 2017: the applications (one row each) and the provenance of the loaded data set.

Revision ID: 0010
Revises: 0003
Create Date: 2026-11-28 12:27:06.921805
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0010'
down_revision: str | None = '0003'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('ami_dataset',
    sa.Column('id', sa.SmallInteger(), server_default=sa.text('1'), nullable=False),
    sa.Column('source', sa.Text(), nullable=False),
    sa.Column('reconstructed', sa.Boolean(), nullable=False),
    sa.Column('file_sha256', sa.String(length=64), nullable=False),
    sa.Column('row_count', sa.Integer(), nullable=False),
    sa.Column('loaded_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint('id = 1', name=op.f('ck_ami_dataset_single_row')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ami_dataset'))
    )
    op.create_table('ami_application',
    sa.Column('id', sa.String(length=40), nullable=False),
    sa.Column('title', sa.String(length=300), nullable=False),
    sa.Column('project_kind', sa.String(length=16), nullable=False),
    sa.Column('networking', sa.Boolean(), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('holder_nature', sa.String(length=16), nullable=False),
    sa.Column('legal_form', sa.String(length=40), nullable=False),
    sa.Column('financing_plan_eur', sa.BigInteger(), nullable=True),
    sa.Column('challenges', sa.ARRAY(sa.SmallInteger()), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('needs', sa.ARRAY(sa.String(length=40)), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('place_id', sa.UUID(), nullable=True),
    sa.CheckConstraint("NOT networking OR project_kind = 'extension'", name=op.f('ck_ami_application_networking_is_extension')),
    sa.CheckConstraint("challenges <@ '{1,2,3,4,5}'::smallint[]", name=op.f('ck_ami_application_challenges')),
    sa.CheckConstraint("holder_nature IN ('public', 'prive', 'associatif')", name=op.f('ck_ami_application_holder_nature')),
    sa.CheckConstraint("project_kind IN ('creation', 'extension')", name=op.f('ck_ami_application_project_kind')),
    sa.CheckConstraint('financing_plan_eur IS NULL OR financing_plan_eur >= 0', name=op.f('ck_ami_application_financing_plan')),
    sa.ForeignKeyConstraint(['department_code'], ['departement.code'], name=op.f('fk_ami_application_department_code_departement')),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_ami_application_place_id_place'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ami_application'))
    )
    # Challenge and need filters (&&, @>) walk these.
    op.create_index('ix_ami_application_challenges', 'ami_application', ['challenges'], unique=False, postgresql_using='gin')
    op.create_index('ix_ami_application_needs', 'ami_application', ['needs'], unique=False, postgresql_using='gin')
    op.create_index(op.f('ix_ami_application_department_code'), 'ami_application', ['department_code'], unique=False)
    op.create_index(op.f('ix_ami_application_place_id'), 'ami_application', ['place_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_ami_application_place_id'), table_name='ami_application')
    op.drop_index(op.f('ix_ami_application_department_code'), table_name='ami_application')
    op.drop_index('ix_ami_application_needs', table_name='ami_application', postgresql_using='gin')
    op.drop_index('ix_ami_application_challenges', table_name='ami_application', postgresql_using='gin')
    op.drop_table('ami_application')
    op.drop_table('ami_dataset')
