"""Extensions: PostGIS, trigram similarity, unaccent; an immutable unaccent for indexes.

Revision ID: 0001
Revises:
Create Date: 2026-11-28
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS postgis")
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
    # unaccent() is only STABLE (its dictionary could change), so it cannot back an index or a
    # generated column; this wrapper pins the dictionary and is declared IMMUTABLE.
    op.execute("""
        CREATE OR REPLACE FUNCTION f_unaccent(text) RETURNS text
        LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
        RETURN public.unaccent('public.unaccent'::regdictionary, $1)
    """)
    # French full text without accents: `Ariège` and `ariege` give the same lexemes.
    op.execute("""
        DO $$ BEGIN
            IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
                CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
                ALTER TEXT SEARCH CONFIGURATION french_unaccent
                    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
            END IF;
        END $$
    """)


def downgrade() -> None:
    # The extensions stay: other schemas on the same database may use them.
    op.execute("DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent")
    op.execute("DROP FUNCTION IF EXISTS f_unaccent(text)")
