"""Members: organisations, API keys (prefix + SHA-256 only), place history; place -> organisation FK.

Revision ID: 0020
Revises: 0010
Create Date: 2026-11-28 12:29:41.459540
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0020'
down_revision: str | None = '0010'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('organisation',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('siren', sa.String(length=9), nullable=True),
    sa.Column('legal_form', sa.String(length=24), nullable=False),
    sa.Column('nature', sa.String(length=12), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('member_since', sa.Date(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.CheckConstraint("legal_form IN ('association', 'auto_entrepreneur', 'entreprise_liberale', 'sarl', 'sas', 'scic', 'scop', 'epic', 'sem', 'syndicat_mixte', 'commune', 'epci', 'epscp', 'autre')", name=op.f('ck_organisation_legal_form')),
    sa.CheckConstraint("nature IN ('public', 'prive', 'associatif')", name=op.f('ck_organisation_nature')),
    sa.CheckConstraint("siren ~ '^[0-9]{9}$'", name=op.f('ck_organisation_siren_digits')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_organisation')),
    sa.UniqueConstraint('siren', name=op.f('uq_organisation_siren'))
    )
    op.create_table('api_key',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('prefix', sa.String(length=8), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('role', sa.String(length=8), nullable=False),
    sa.Column('organisation_id', sa.UUID(), nullable=True),
    sa.Column('label', sa.String(length=120), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("(role = 'membre') = (organisation_id IS NOT NULL)", name=op.f('ck_api_key_member_has_organisation')),
    sa.CheckConstraint("key_hash ~ '^[0-9a-f]{64}$'", name=op.f('ck_api_key_key_hash_hex')),
    sa.CheckConstraint("role IN ('admin', 'membre')", name=op.f('ck_api_key_role')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_api_key_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_key')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_key_prefix'))
    )
    op.create_index(op.f('ix_api_key_organisation_id'), 'api_key', ['organisation_id'], unique=False)
    op.create_table('place_revision',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.Column('place_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor_key_id', sa.UUID(), nullable=True),
    sa.Column('actor_organisation_id', sa.UUID(), nullable=True),
    sa.Column('actor_role', sa.String(length=8), nullable=True),
    sa.Column('moderation', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changes', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('snapshot', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.CheckConstraint("action IN ('creation', 'modification', 'moderation', 'archivage', 'restauration')", name=op.f('ck_place_revision_action')),
    sa.ForeignKeyConstraint(['actor_key_id'], ['api_key.id'], name=op.f('fk_place_revision_actor_key_id_api_key')),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_place_revision_place_id_place'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place_revision')),
    sa.UniqueConstraint('place_id', 'version', name='uq_place_revision_place_id_version')
    )
    op.create_index(op.f('ix_place_revision_actor_key_id'), 'place_revision', ['actor_key_id'], unique=False)
    op.create_foreign_key(op.f('fk_place_organisation_id_organisation'), 'place', 'organisation', ['organisation_id'], ['id'])


def downgrade() -> None:
    op.drop_constraint(op.f('fk_place_organisation_id_organisation'), 'place', type_='foreignkey')
    op.drop_index(op.f('ix_place_revision_actor_key_id'), table_name='place_revision')
    op.drop_table('place_revision')
    op.drop_index(op.f('ix_api_key_organisation_id'), table_name='api_key')
    op.drop_table('api_key')
    op.drop_table('organisation')
