"""Good practices: practice (French full text generated column), practice_place, practice_revision.

Revision ID: 0060
Revises: 0031
Create Date: 2026-11-28 13:15:01.498152
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0060'
down_revision: str | None = '0031'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # IMMUTABLE so that it can back a generated column (its text search config is pinned): title A,
    # summary and themes B, content C, French stemming without accents (as place_search_vector).
    op.execute("""
        CREATE FUNCTION practice_search_vector(title text, summary text, themes text[], content text)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN setweight(to_tsvector('french_unaccent'::regconfig, coalesce(title, '')), 'A')
            || setweight(to_tsvector('french_unaccent'::regconfig,
                   coalesce(summary, '') || ' ' || replace(array_to_string(themes, ' '), '_', ' ')), 'B')
            || setweight(to_tsvector('french_unaccent'::regconfig, coalesce(content, '')), 'C')
    """)
    op.create_table('practice',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('summary', sa.String(length=500), nullable=False),
    sa.Column('content_md', sa.Text(), nullable=False),
    sa.Column('content_html', sa.Text(), nullable=False),
    sa.Column('themes', sa.ARRAY(sa.String(length=40)), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('links', sa.ARRAY(sa.String(length=500)), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('attachments', sa.ARRAY(sa.String(length=500)), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('organisation_id', sa.UUID(), nullable=True),
    sa.Column('status', sa.String(length=12), server_default=sa.text("'brouillon'"), nullable=False),
    sa.Column('moderation_reason', sa.Text(), nullable=True),
    sa.Column('published_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('search_vector', postgresql.TSVECTOR(), sa.Computed('practice_search_vector(title, summary, themes, content_md)', persisted=True), nullable=True),
    sa.CheckConstraint("status <> 'publiee' OR published_at IS NOT NULL", name=op.f('ck_practice_published_has_date')),
    sa.CheckConstraint("status IN ('brouillon', 'publiee', 'archivee')", name=op.f('ck_practice_status')),
    sa.ForeignKeyConstraint(['organisation_id'], ['organisation.id'], name=op.f('fk_practice_organisation_id_organisation')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice')),
    sa.UniqueConstraint('slug', name=op.f('uq_practice_slug'))
    )
    op.create_index(op.f('ix_practice_organisation_id'), 'practice', ['organisation_id'], unique=False)
    op.create_index('ix_practice_search_vector', 'practice', ['search_vector'], unique=False, postgresql_using='gin')
    op.create_index('ix_practice_status_published_at_id', 'practice', ['status', 'published_at', 'id'], unique=False)
    op.create_index('ix_practice_themes', 'practice', ['themes'], unique=False, postgresql_using='gin')
    op.create_table('practice_place',
    sa.Column('practice_id', sa.UUID(), nullable=False),
    sa.Column('place_id', sa.UUID(), nullable=False),
    sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_practice_place_place_id_place'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_place_practice_id_practice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('practice_id', 'place_id', name=op.f('pk_practice_place'))
    )
    op.create_index(op.f('ix_practice_place_place_id'), 'practice_place', ['place_id'], unique=False)
    op.create_table('practice_revision',
    sa.Column('id', sa.BigInteger(), sa.Identity(always=True), nullable=False),
    sa.Column('practice_id', sa.UUID(), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('changed_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('action', sa.String(length=16), nullable=False),
    sa.Column('actor_key_id', sa.UUID(), nullable=True),
    sa.Column('actor_organisation_id', sa.UUID(), nullable=True),
    sa.Column('actor_role', sa.String(length=8), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('changes', postgresql.JSONB(astext_type=sa.Text()), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('snapshot', postgresql.JSONB(astext_type=sa.Text()), nullable=False),
    sa.CheckConstraint("action IN ('creation', 'modification', 'moderation', 'archivage', 'restauration')", name=op.f('ck_practice_revision_action')),
    sa.ForeignKeyConstraint(['actor_key_id'], ['api_key.id'], name=op.f('fk_practice_revision_actor_key_id_api_key')),
    sa.ForeignKeyConstraint(['practice_id'], ['practice.id'], name=op.f('fk_practice_revision_practice_id_practice'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_practice_revision')),
    sa.UniqueConstraint('practice_id', 'version', name='uq_practice_revision_practice_id_version')
    )
    op.create_index(op.f('ix_practice_revision_actor_key_id'), 'practice_revision', ['actor_key_id'], unique=False)


def downgrade() -> None:
    op.drop_index(op.f('ix_practice_revision_actor_key_id'), table_name='practice_revision')
    op.drop_table('practice_revision')
    op.drop_index(op.f('ix_practice_place_place_id'), table_name='practice_place')
    op.drop_table('practice_place')
    op.drop_index('ix_practice_themes', table_name='practice', postgresql_using='gin')
    op.drop_index('ix_practice_status_published_at_id', table_name='practice')
    op.drop_index('ix_practice_search_vector', table_name='practice', postgresql_using='gin')
    op.drop_index(op.f('ix_practice_organisation_id'), table_name='practice')
    op.drop_table('practice')
    op.execute("DROP FUNCTION practice_search_vector(text, text, text[], text)")
