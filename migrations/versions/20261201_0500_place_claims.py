"""Claims on places (place_claim); place_revision.action gains 'revendication'.

Revision ID: 0500
Revises: 0301
Create Date: 2026-12-01 09:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0500'
down_revision: str | None = '0301'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ACTIONS = "'creation', 'modification', 'moderation', 'archivage', 'restauration'"


def upgrade() -> None:
    op.create_table(
        'place_claim',
        sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
        sa.Column('place_id', sa.UUID(), nullable=False),
        sa.Column('organisation_id', sa.UUID(), nullable=False),
        sa.Column('message', sa.Text(), nullable=False),
        sa.Column('state', sa.String(length=12), server_default=sa.text("'en_attente'"), nullable=False),
        sa.Column('reason', sa.Text(), nullable=True),
        sa.Column('created_by_key_id', sa.UUID(), nullable=True),
        sa.Column('decided_by_key_id', sa.UUID(), nullable=True),
        sa.Column('created_at', postgresql.TIMESTAMP(timezone=True), server_default=sa.text('now()'), nullable=False),
        sa.Column('decided_at', postgresql.TIMESTAMP(timezone=True), nullable=True),
        sa.CheckConstraint("(state = 'en_attente') = (decided_at IS NULL)",
                           name=op.f('ck_place_claim_decided_when_closed')),
        sa.CheckConstraint('length(message) BETWEEN 10 AND 2000', name=op.f('ck_place_claim_message_length')),
        sa.CheckConstraint("state IN ('en_attente', 'acceptee', 'refusee')", name=op.f('ck_place_claim_state')),
        sa.ForeignKeyConstraint(['created_by_key_id'], ['api_key.id'],
                                name=op.f('fk_place_claim_created_by_key_id_api_key'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['decided_by_key_id'], ['api_key.id'],
                                name=op.f('fk_place_claim_decided_by_key_id_api_key'), ondelete='SET NULL'),
        sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'],
                                name=op.f('fk_place_claim_organisation_id_organisation'), ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_place_claim_place_id_place'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('id', name=op.f('pk_place_claim')),
    )
    op.create_index(op.f('ix_place_claim_organisation_id'), 'place_claim', ['organisation_id'])
    op.create_index(op.f('ix_place_claim_place_id'), 'place_claim', ['place_id'])
    op.create_index('ix_place_claim_state_created_at', 'place_claim', ['state', 'created_at'])
    op.create_index('uq_place_claim_pending', 'place_claim', ['place_id', 'organisation_id'], unique=True,
                    postgresql_where=sa.text("state = 'en_attente'"))
    op.drop_constraint(op.f('ck_place_revision_action'), 'place_revision', type_='check')
    op.create_check_constraint(op.f('ck_place_revision_action'), 'place_revision',
                               f"action IN ({OLD_ACTIONS}, 'revendication')")


def downgrade() -> None:
    op.execute("DELETE FROM place_revision WHERE action = 'revendication'")
    op.drop_constraint(op.f('ck_place_revision_action'), 'place_revision', type_='check')
    op.create_check_constraint(op.f('ck_place_revision_action'), 'place_revision', f"action IN ({OLD_ACTIONS})")
    op.drop_table('place_claim')
