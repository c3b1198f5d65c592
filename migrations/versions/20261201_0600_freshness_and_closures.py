"""Freshness and provenance (verified_at, provenance, the `confirmation` revision) on places and good
practices; dated closures on places.

Existing records: a place or practice last written with a key counts as verified at its last update; the
census places (never edited with a key) stay unverified (`a_verifier`), their census fields stamped with
the provenance "recensement CGET 2019".

Revision ID: 0600
Revises: 0500
Create Date: 2026-12-01 12:40:00
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = '0600'
down_revision: str | None = '0500'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_ACTIONS = "'creation', 'modification', 'moderation', 'archivage', 'restauration'"
CENSUS_SOURCE = "Recensement national des tiers-lieux 2019 (CGET, mission coworking), Licence Ouverte 2.0"
CENSUS_PROVENANCE = "recensement CGET 2019"
# The fields the census sets (places/demo.py), as API names, each with the condition that it is set.
CENSUS_FIELDS = {"nom": "p.name IS NOT NULL", "statut": "p.status IS NOT NULL", "types": "p.types <> '{}'",
                 "adresse": "p.address IS NOT NULL", "code_postal": "p.postcode IS NOT NULL",
                 "commune": "p.commune IS NOT NULL", "code_insee": "p.insee_code IS NOT NULL",
                 "departement": "p.department_code IS NOT NULL", "position": "p.geom IS NOT NULL",
                 "site_web": "p.website IS NOT NULL", "mise_en_reseau": "TRUE"}

# {field: {"role", "source", "le"}} for `fields`, stamped at the statement's now() (the kernel's writes).
PROVENANCE_STAMP = """CREATE FUNCTION provenance_stamp(fields text[], role text, source text) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE
    RETURN (SELECT coalesce(jsonb_object_agg(f, jsonb_strip_nulls(
                       jsonb_build_object('role', role, 'source', source, 'le', now()))), '{}'::jsonb)
            FROM unnest(fields) AS f)"""


def upgrade() -> None:
    op.execute(PROVENANCE_STAMP)
    for table in ("place", "practice"):
        op.add_column(table, sa.Column('verified_at', postgresql.TIMESTAMP(timezone=True), nullable=True))
        op.add_column(table, sa.Column('provenance', postgresql.JSONB(astext_type=sa.Text()),
                                       server_default=sa.text("'{}'"), nullable=False))
        op.add_column(f'{table}_revision', sa.Column('provenance', postgresql.JSONB(astext_type=sa.Text()),
                                                     nullable=True))
        op.create_index(f'ix_{table}_verified_at_id', table, [sa.text('verified_at NULLS FIRST'), 'id'])
        op.execute(f"""UPDATE {table} t SET verified_at = t.updated_at WHERE EXISTS (
            SELECT 1 FROM {table}_revision r WHERE r.{table}_id = t.id AND r.actor_key_id IS NOT NULL
            AND r.action IN ('creation', 'modification', 'restauration'))""")
    op.add_column('place', sa.Column('closures', postgresql.JSONB(astext_type=sa.Text()),
                                     server_default=sa.text("'[]'"), nullable=False))
    stamps = " || ".join(f"CASE WHEN {condition} THEN jsonb_build_object('{name}', s.stamp) ELSE '{{}}'::jsonb END"
                         for name, condition in CENSUS_FIELDS.items())
    op.execute(sa.text(f"""
        UPDATE place p SET provenance = (
            SELECT {stamps} FROM (SELECT jsonb_build_object('role', 'import', 'source', CAST(:label AS text),
                                                            'le', p.created_at) AS stamp) s)
        WHERE p.source = :source AND p.provenance = '{{}}'::jsonb
          AND NOT EXISTS (SELECT 1 FROM place_revision r WHERE r.place_id = p.id AND r.actor_key_id IS NOT NULL)
    """).bindparams(label=CENSUS_PROVENANCE, source=CENSUS_SOURCE))
    for table, actions in (("place", f"{OLD_ACTIONS}, 'confirmation', 'revendication'"),
                           ("practice", f"{OLD_ACTIONS}, 'confirmation'")):
        op.drop_constraint(op.f(f'ck_{table}_revision_action'), f'{table}_revision', type_='check')
        op.create_check_constraint(op.f(f'ck_{table}_revision_action'), f'{table}_revision', f"action IN ({actions})")


def downgrade() -> None:
    for table, actions in (("place", f"{OLD_ACTIONS}, 'revendication'"), ("practice", OLD_ACTIONS)):
        op.execute(f"DELETE FROM {table}_revision WHERE action = 'confirmation'")
        op.drop_constraint(op.f(f'ck_{table}_revision_action'), f'{table}_revision', type_='check')
        op.create_check_constraint(op.f(f'ck_{table}_revision_action'), f'{table}_revision', f"action IN ({actions})")
    op.drop_column('place', 'closures')
    for table in ("place", "practice"):
        op.drop_index(f'ix_{table}_verified_at_id', table_name=table)
        op.drop_column(f'{table}_revision', 'provenance')
        op.drop_column(table, 'provenance')
        op.drop_column(table, 'verified_at')
    op.execute("DROP FUNCTION provenance_stamp(text[], text, text)")
