"""Places and departments: the directory table, its search columns and spatial indexes.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 12:21:15.185987
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry
from sqlalchemy.dialects import postgresql

revision: str = '0002'
down_revision: str | None = '0001'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # French full text over name (A), commune and types (B), description (C); accent-free.
    # IMMUTABLE so that it can back a generated column (its text search config is pinned).
    op.execute("""
        CREATE FUNCTION place_search_vector(name text, commune text, types text[], description text)
        RETURNS tsvector LANGUAGE sql IMMUTABLE PARALLEL SAFE
        RETURN setweight(to_tsvector('french_unaccent'::regconfig, coalesce(name, '')), 'A')
            || setweight(to_tsvector('french_unaccent'::regconfig,
                   coalesce(commune, '') || ' ' || replace(array_to_string(types, ' '), '_', ' ')), 'B')
            || setweight(to_tsvector('french_unaccent'::regconfig, coalesce(description, '')), 'C')
    """)
    op.create_geospatial_table('departement',
    sa.Column('code', sa.String(length=3), nullable=False),
    sa.Column('name', sa.String(length=80), nullable=False),
    sa.Column('geom', Geometry(geometry_type='MULTIPOLYGON', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.PrimaryKeyConstraint('code', name=op.f('pk_departement'))
    )
    op.create_geospatial_index('idx_departement_geom', 'departement', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_geospatial_table('place',
    sa.Column('id', sa.UUID(), server_default=sa.text('gen_random_uuid()'), nullable=False),
    sa.Column('slug', sa.String(length=120), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('description', sa.Text(), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('opening_planned_date', sa.Date(), nullable=True),
    sa.Column('project_kind', sa.String(length=16), nullable=True),
    sa.Column('networking', sa.Boolean(), server_default=sa.text('false'), nullable=False),
    sa.Column('types', sa.ARRAY(sa.String(length=40)), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('services', sa.ARRAY(sa.String(length=40)), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('address', sa.String(length=300), nullable=True),
    sa.Column('postcode', sa.String(length=5), nullable=True),
    sa.Column('commune', sa.String(length=120), nullable=True),
    sa.Column('insee_code', sa.String(length=5), nullable=True),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry'), nullable=True),
    sa.Column('desks', sa.Integer(), nullable=True),
    sa.Column('private_offices', sa.Integer(), nullable=True),
    sa.Column('meeting_rooms', sa.Integer(), nullable=True),
    sa.Column('price_half_day', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('price_day', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('price_month', sa.Numeric(precision=8, scale=2), nullable=True),
    sa.Column('booking_url', sa.String(length=500), nullable=True),
    sa.Column('access_24_7', sa.Boolean(), nullable=True),
    sa.Column('audiences', sa.ARRAY(sa.String(length=40)), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('bandwidth_mbps', sa.Integer(), nullable=True),
    sa.Column('opening_hours', sa.String(length=500), nullable=True),
    sa.Column('email', sa.String(length=254), nullable=True),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('website', sa.String(length=500), nullable=True),
    sa.Column('accessibility', sa.Text(), nullable=True),
    sa.Column('images', sa.ARRAY(sa.String(length=500)), server_default=sa.text("'{}'"), nullable=False),
    sa.Column('organisation_id', sa.UUID(), nullable=True),
    sa.Column('moderation', sa.String(length=16), server_default=sa.text("'publie'"), nullable=False),
    sa.Column('source', sa.String(length=200), nullable=True),
    sa.Column('source_id', sa.String(length=100), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), server_default=sa.text('now()'), nullable=False),
    sa.Column('version', sa.Integer(), server_default=sa.text('1'), nullable=False),
    sa.Column('search_vector', postgresql.TSVECTOR(), sa.Computed('place_search_vector(name, commune, types, description)', persisted=True), nullable=True),
    sa.Column('search_text', sa.Text(), sa.Computed("lower(f_unaccent(name || ' ' || coalesce(commune, '')))", persisted=True), nullable=False),
    sa.Column('sort_name', sa.Text(), sa.Computed('lower(f_unaccent(name))', persisted=True), nullable=False),
    sa.CheckConstraint("moderation IN ('a_valider', 'publie', 'rejete', 'archive')", name=op.f('ck_place_moderation')),
    sa.CheckConstraint("project_kind IN ('creation', 'extension')", name=op.f('ck_place_project_kind')),
    sa.CheckConstraint("status <> 'ouvert' OR geom IS NOT NULL", name=op.f('ck_place_open_has_position')),
    sa.CheckConstraint("status IN ('ouvert', 'en_projet', 'ferme')", name=op.f('ck_place_status')),
    sa.CheckConstraint('coalesce(desks, 0) >= 0 AND coalesce(private_offices, 0) >= 0 AND coalesce(meeting_rooms, 0) >= 0 AND coalesce(price_half_day, 0) >= 0 AND coalesce(price_day, 0) >= 0 AND coalesce(price_month, 0) >= 0', name=op.f('ck_place_non_negative_offer')),
    sa.ForeignKeyConstraint(['department_code'], ['departement.code'], name=op.f('fk_place_department_code_departement')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_place')),
    sa.UniqueConstraint('slug', name=op.f('uq_place_slug')),
    sa.UniqueConstraint('source', 'source_id', name='uq_place_source_source_id')
    )
    op.create_geospatial_index('idx_place_geom', 'place', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_place_department_code'), 'place', ['department_code'], unique=False)
    op.create_index(op.f('ix_place_insee_code'), 'place', ['insee_code'], unique=False)
    op.create_index(op.f('ix_place_organisation_id'), 'place', ['organisation_id'], unique=False)
    op.create_index('ix_place_search_text', 'place', ['search_text'], unique=False, postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})
    op.create_index('ix_place_search_vector', 'place', ['search_vector'], unique=False, postgresql_using='gin')
    op.create_index('ix_place_services', 'place', ['services'], unique=False, postgresql_using='gin')
    op.create_index('ix_place_sort_name_id', 'place', ['sort_name', 'id'], unique=False)
    op.create_index(op.f('ix_place_status'), 'place', ['status'], unique=False)
    op.create_index('ix_place_types', 'place', ['types'], unique=False, postgresql_using='gin')
    op.create_index('ix_place_updated_at_id', 'place', ['updated_at', 'id'], unique=False)
    # Geodesic "near me" searches (ST_DWithin and KNN <-> on geography) walk this index.
    op.execute("CREATE INDEX ix_place_geog ON place USING gist ((geom::geography))")


def downgrade() -> None:
    op.execute("DROP INDEX ix_place_geog")
    op.drop_index('ix_place_updated_at_id', table_name='place')
    op.drop_index('ix_place_types', table_name='place', postgresql_using='gin')
    op.drop_index(op.f('ix_place_status'), table_name='place')
    op.drop_index('ix_place_sort_name_id', table_name='place')
    op.drop_index('ix_place_services', table_name='place', postgresql_using='gin')
    op.drop_index('ix_place_search_vector', table_name='place', postgresql_using='gin')
    op.drop_index('ix_place_search_text', table_name='place', postgresql_using='gin', postgresql_ops={'search_text': 'gin_trgm_ops'})
    op.drop_index(op.f('ix_place_organisation_id'), table_name='place')
    op.drop_index(op.f('ix_place_insee_code'), table_name='place')
    op.drop_index(op.f('ix_place_department_code'), table_name='place')
    op.drop_geospatial_index('idx_place_geom', table_name='place', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('place')
    op.drop_geospatial_index('idx_departement_geom', table_name='departement', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('departement')
    op.execute("DROP FUNCTION place_search_vector(text, text, text[], text)")
