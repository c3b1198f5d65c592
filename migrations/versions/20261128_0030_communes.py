"""Communes: the region's reference population for territorial coverage (maillage).

Revision ID: 0030
Revises: 0020
Create Date: 2026-11-28 12:29:11.404082
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from geoalchemy2 import Geometry

revision: str = '0030'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_geospatial_table('commune',
    sa.Column('insee_code', sa.String(length=5), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('department_code', sa.String(length=3), nullable=False),
    sa.Column('population', sa.Integer(), nullable=False),
    sa.Column('geom', Geometry(geometry_type='POINT', srid=4326, dimension=2, spatial_index=False, from_text='ST_GeomFromEWKT', name='geometry', nullable=False), nullable=False),
    sa.CheckConstraint('population >= 0', name=op.f('ck_commune_population_non_negative')),
    sa.ForeignKeyConstraint(['department_code'], ['departement.code'], name=op.f('fk_commune_department_code_departement')),
    sa.PrimaryKeyConstraint('insee_code', name=op.f('pk_commune'))
    )
    op.create_geospatial_index('idx_commune_geom', 'commune', ['geom'], unique=False, postgresql_using='gist', postgresql_ops={})
    op.create_index(op.f('ix_commune_department_code'), 'commune', ['department_code'], unique=False)
    # Coverage joins communes and places by geodesic distance (ST_DWithin on geography).
    op.execute("CREATE INDEX ix_commune_geog ON commune USING gist ((geom::geography))")


def downgrade() -> None:
    op.execute("DROP INDEX ix_commune_geog")
    op.drop_index(op.f('ix_commune_department_code'), table_name='commune')
    op.drop_geospatial_index('idx_commune_geom', table_name='commune', postgresql_using='gist', column_name='geom')
    op.drop_geospatial_table('commune')
