"""The feed's representations carry the stored freshness fields: `verifie_le`, `provenance` (places and
good practices) and `fermetures` (places; all stored closures). What the clock decides (`fraicheur`,
`ferme_temporairement`, `fermeture_en_cours`) is not captured: a representation captured at commit cannot
change with the clock. Every record is re-captured, which emits the modifications consumers need.

Revision ID: 0601
Revises: 0600
Create Date: 2026-12-01 13:30:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0601'
down_revision: str | None = '0600'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# Migration 0400's functions (frozen text), then the fields this revision appends (places/fields.py and
# practices/fields.py: tests check that the functions return the tables' FEED_JSON).
PLACE = """CREATE OR REPLACE FUNCTION place_public_json(p place) RETURNS jsonb LANGUAGE sql STABLE PARALLEL SAFE
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
        'version', p.version{extra})"""
PLACE_EXTRA = ",\n        'verifie_le', p.verified_at, 'fermetures', p.closures, 'provenance', p.provenance"
PRACTICE = """CREATE OR REPLACE FUNCTION practice_public_json(b practice) RETURNS jsonb LANGUAGE sql STABLE
    PARALLEL SAFE
    RETURN jsonb_build_object(
        'id', b.id, 'slug', b.slug, 'titre', b.title, 'resume', b.summary, 'contenu', b.content_md,
        'contenu_html', b.content_html, 'thematiques', b.themes,
        'lieux', coalesce((
            SELECT jsonb_agg(jsonb_build_object('id', pl.id, 'slug', pl.slug, 'nom', pl.name,
                                                'departement', pl.department_code) ORDER BY pl.sort_name, pl.id)
            FROM practice_place pp JOIN place pl ON pl.id = pp.place_id
            WHERE pp.practice_id = b.id AND place_is_public(pl.moderation)), '[]'::jsonb),
        'organisation', b.organisation_id, 'liens', b.links, 'pieces_jointes', b.attachments,
        'statut', b.status, 'publiee_le', b.published_at, 'cree_le', b.created_at, 'maj_le', b.updated_at,
        'version', b.version{extra})"""
PRACTICE_EXTRA = ",\n        'verifie_le', b.verified_at, 'provenance', b.provenance"
RECAPTURE = ["SELECT feed_capture('lieu', id) FROM place", "SELECT feed_capture('bonne_pratique', id) FROM practice"]


def upgrade() -> None:
    op.execute(PLACE.format(extra=PLACE_EXTRA))
    op.execute(PRACTICE.format(extra=PRACTICE_EXTRA))
    for statement in RECAPTURE:
        op.execute(statement)


def downgrade() -> None:
    op.execute(PLACE.format(extra=""))
    op.execute(PRACTICE.format(extra=""))
    for statement in RECAPTURE:
        op.execute(statement)
