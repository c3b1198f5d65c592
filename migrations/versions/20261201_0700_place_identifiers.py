"""Identifiers of places in other registries (SIRET, RNA, OpenStreetMap, acceslibre, data·inclusion, 2019
census), unique among published places; the possible duplicates found at creation (place_duplicate).
The census places get their census id in 0701 (data changes have their own revision).

Revision ID: 0700
Revises: 0800
Create Date: 2026-12-01 12:45:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0700'
down_revision: str | None = '0800'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COLUMNS = {
    'siret': (14, "siret ~ '^[0-9]{14}$'"),
    'rna': (10, "rna ~ '^W[0-9]{9}$'"),
    'osm_id': (30, "osm_id ~ '^(node|way|relation)/[1-9][0-9]{0,15}$'"),
    'acceslibre_id': (120, "acceslibre_id ~ '^[a-z0-9-]{1,120}$'"),
    'data_inclusion_id': (120, "data_inclusion_id ~ '^[a-z0-9][a-z0-9_-]*--'"),
    'census_id': (9, "census_id ~ '^[1-9][0-9]{0,8}$'"),
}
# The feed's public representation gains `identifiants`: FEED_FUNCTION of places/fields.py as printed
# then (docs/architecture.md, "How to add a public field"); 0701 re-captures every place.
FEED_FUNCTION = """CREATE OR REPLACE FUNCTION place_public_json(p place) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE
RETURN jsonb_build_object('id', p.id, 'slug', p.slug, 'nom', p.name, 'statut', p.status, 'types', p.types, 'services', p.services, 'adresse', p.address, 'code_postal', p.postcode, 'commune', p.commune, 'code_insee', p.insee_code, 'departement', p.department_code, 'position', CASE WHEN p.geom IS NULL THEN NULL ELSE
        jsonb_build_object('lon', round(ST_X(p.geom)::numeric, 6), 'lat', round(ST_Y(p.geom)::numeric, 6)) END, 'teletravail', jsonb_build_object('postes', p.desks, 'bureaux_prives', p.private_offices, 'salles_reunion', p.meeting_rooms, 'prix_demi_journee', p.price_half_day::text, 'prix_journee', p.price_day::text, 'prix_mois', p.price_month::text, 'acces_24_7', p.access_24_7, 'reservation_url', p.booking_url, 'publics', p.audiences, 'debit_internet_mbps', p.bandwidth_mbps), 'horaires', p.opening_hours, 'telephone', p.phone, 'email', p.email, 'site_web', p.website, 'source', p.source, 'maj_le', p.updated_at, 'description', p.description, 'ouverture_prevue', p.opening_planned_date, 'projet', p.project_kind, 'mise_en_reseau', p.networking, 'accessibilite', p.accessibility, 'images', p.images, 'organisation', p.organisation_id, 'moderation', p.moderation, 'cree_le', p.created_at, 'version', p.version, 'verifie_le', p.verified_at, 'fermetures', p.closures, 'provenance', p.provenance, 'identifiants', jsonb_build_object('siret', p.siret, 'rna', p.rna, 'osm', p.osm_id, 'acceslibre', p.acceslibre_id, 'data_inclusion', p.data_inclusion_id, 'recensement_2019', p.census_id))"""
# The previous text (0601), for the downgrade.
PREVIOUS_FEED_FUNCTION = """CREATE OR REPLACE FUNCTION place_public_json(p place) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE
    RETURN jsonb_build_object(
        'id', p.id, 'slug', p.slug, 'nom', p.name, 'description', p.description, 'statut', p.status,
        'ouverture_prevue', p.opening_planned_date, 'projet', p.project_kind, 'mise_en_reseau', p.networking,
        'types', p.types, 'services', p.services, 'adresse', p.address, 'code_postal', p.postcode,
        'commune', p.commune, 'code_insee', p.insee_code, 'departement', p.department_code,
        'position', CASE WHEN p.geom IS NULL THEN NULL ELSE jsonb_build_object(
            'lon', round(ST_X(p.geom)::numeric, 6), 'lat', round(ST_Y(p.geom)::numeric, 6)) END,
        'teletravail', jsonb_build_object(
            'postes', p.desks, 'bureaux_prives', p.private_offices, 'salles_reunion', p.meeting_rooms,
            -- decimal euros as strings ("15.00"), as the detail writes them
            'prix_demi_journee', p.price_half_day::text, 'prix_journee', p.price_day::text,
            'prix_mois', p.price_month::text,
            'reservation_url', p.booking_url, 'acces_24_7', p.access_24_7, 'publics', p.audiences,
            'debit_internet_mbps', p.bandwidth_mbps),
        'horaires', p.opening_hours, 'email', p.email, 'telephone', p.phone, 'site_web', p.website,
        'accessibilite', p.accessibility, 'images', p.images, 'organisation', p.organisation_id,
        'moderation', p.moderation, 'source', p.source, 'cree_le', p.created_at, 'maj_le', p.updated_at,
        'version', p.version,
        'verifie_le', p.verified_at, 'fermetures', p.closures, 'provenance', p.provenance)"""


def upgrade() -> None:
    for column, (length, check) in COLUMNS.items():
        op.add_column('place', sa.Column(column, sa.String(length=length), nullable=True))
        op.create_check_constraint(op.f(f'ck_place_{column}'), 'place', check)
    for column in COLUMNS:
        op.create_index(f'uq_place_{column}_public', 'place', [column], unique=True,
                        postgresql_where=sa.text(f"moderation = 'publie' AND {column} IS NOT NULL"))
    op.create_table(
        'place_duplicate',
        sa.Column('place_id', sa.UUID(), nullable=False),
        sa.Column('other_id', sa.UUID(), nullable=False),
        sa.Column('reasons', postgresql.ARRAY(sa.String(length=20)), nullable=False),
        sa.Column('distance_m', sa.Integer(), nullable=True),
        sa.Column('similarity', sa.Float(), nullable=True),
        sa.Column('detected_at', postgresql.TIMESTAMP(timezone=True), server_default=sa.text('now()'),
                  nullable=False),
        sa.CheckConstraint('place_id <> other_id', name=op.f('ck_place_duplicate_not_itself')),
        sa.ForeignKeyConstraint(['place_id'], ['place.id'], name=op.f('fk_place_duplicate_place_id_place'),
                                ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['other_id'], ['place.id'], name=op.f('fk_place_duplicate_other_id_place'),
                                ondelete='CASCADE'),
        sa.PrimaryKeyConstraint('place_id', 'other_id', name=op.f('pk_place_duplicate')),
    )
    op.create_index(op.f('ix_place_duplicate_other_id'), 'place_duplicate', ['other_id'], unique=False)
    op.execute(FEED_FUNCTION)


def downgrade() -> None:
    op.execute(PREVIOUS_FEED_FUNCTION)
    op.drop_index(op.f('ix_place_duplicate_other_id'), table_name='place_duplicate')
    op.drop_table('place_duplicate')
    for column in reversed(COLUMNS):
        op.drop_index(f'uq_place_{column}_public', table_name='place')
        op.drop_constraint(op.f(f'ck_place_{column}'), 'place', type_='check')
        op.drop_column('place', column)
