"""Place grid levels: the grid of 0800 kept at zoom-12, 14, 16 and 18 tiles, for dense tiles above zoom 8.

Above zoom 8 a tile shows one point per place, unless it holds more than TILE_MAX_POINTS (geo/queries.py):
then it is clustered on its 16 x 16 grid like the low zooms, from the grid level whose tiles are its cells
(zoom z + 4, or the next level up), so that a dense city tile reads at most 256 to 1,024 grid rows instead
of thousands of places. `place_grid` gains `z`, the level of the row (12: the rows of 0800); the trigger and
`place_grid_rebuild()` maintain every level. Positions stay sums in zoom-8 tile units (2^20 per world side),
so a level-L cell of a position gx is floor(gx / 2^(20 - L)).

Revision ID: 0900
Revises: 0701
Create Date: 2026-12-01 16:10:00
"""
import importlib.util
from collections.abc import Sequence
from pathlib import Path

from alembic import op

revision: str = '0900'
down_revision: str | None = '0701'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEVELS = (12, 14, 16, 18)
_LEVELS = "ARRAY[" + ", ".join(str(z) for z in LEVELS) + "]"

# One row per change of cell and level; cells touched in (z, x, y) order, so that two moves never deadlock.
TRIGGER = f"""
CREATE OR REPLACE FUNCTION place_grid_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ogx float8; ogy float8;  -- the old row's position (NULL: not counted)
    ngx float8; ngy float8;  -- the new row's
    d record;
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.moderation = 'publie' THEN
        SELECT g.gx, g.gy INTO ogx, ogy FROM place_grid_position(OLD.geom) AS g;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.moderation = 'publie' THEN
        SELECT g.gx, g.gy INTO ngx, ngy FROM place_grid_position(NEW.geom) AS g;
    END IF;
    IF ogx IS NOT DISTINCT FROM ngx AND ogy IS NOT DISTINCT FROM ngy THEN
        RETURN NULL;  -- neither counted nor moved (most edits)
    END IF;
    FOR d IN
        SELECT l.z, floor(c.px / (1 << (20 - l.z)))::int AS x, floor(c.py / (1 << (20 - l.z)))::int AS y,
               sum(c.n)::int AS n, sum(c.sx) AS gx, sum(c.sy) AS gy
        FROM unnest({_LEVELS}) AS l(z),
             (SELECT ogx AS px, ogy AS py, -1 AS n, -ogx AS sx, -ogy AS sy WHERE ogx IS NOT NULL
              UNION ALL
              SELECT ngx, ngy, 1, ngx, ngy WHERE ngx IS NOT NULL) AS c
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
    LOOP
        IF d.n < 0 THEN
            UPDATE place_grid SET n = n + d.n, sx = sx + d.gx, sy = sy + d.gy
            WHERE z = d.z AND x = d.x AND y = d.y;
            DELETE FROM place_grid WHERE z = d.z AND x = d.x AND y = d.y AND n <= 0;
        ELSIF d.n > 0 THEN
            INSERT INTO place_grid AS g (z, x, y, n, sx, sy) VALUES (d.z, d.x, d.y, d.n, d.gx, d.gy)
            ON CONFLICT (z, x, y) DO UPDATE SET n = g.n + excluded.n, sx = g.sx + excluded.sx, sy = g.sy + excluded.sy;
        ELSE  -- moved within the cell: only the sums change
            UPDATE place_grid SET sx = sx + d.gx, sy = sy + d.gy WHERE z = d.z AND x = d.x AND y = d.y;
        END IF;
    END LOOP;
    RETURN NULL;
END $$"""

REBUILD = f"""
CREATE OR REPLACE FUNCTION place_grid_rebuild() RETURNS void LANGUAGE sql AS $$
    DELETE FROM place_grid;
    INSERT INTO place_grid (z, x, y, n, sx, sy)
    SELECT l.z, floor(g.gx / (1 << (20 - l.z)))::int, floor(g.gy / (1 << (20 - l.z)))::int,
           count(*), sum(g.gx), sum(g.gy)
    FROM place p, place_grid_position(p.geom) AS g, unnest({_LEVELS}) AS l(z)
    WHERE p.moderation = 'publie' AND g.x IS NOT NULL
    GROUP BY 1, 2, 3;
$$"""


def _revision_0800():  # type: ignore[no-untyped-def]
    path = Path(__file__).with_name("20261201_0800_place_grid.py")
    spec = importlib.util.spec_from_file_location("migration_0800", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def upgrade() -> None:
    op.execute("ALTER TABLE place_grid ADD COLUMN z smallint NOT NULL DEFAULT 12")
    op.execute("ALTER TABLE place_grid ALTER COLUMN z DROP DEFAULT")
    op.execute("ALTER TABLE place_grid DROP CONSTRAINT pk_place_grid")
    op.execute("ALTER TABLE place_grid ADD CONSTRAINT pk_place_grid PRIMARY KEY (z, x, y)")
    op.execute(TRIGGER)
    op.execute(REBUILD)
    op.execute("SELECT place_grid_rebuild()")


def downgrade() -> None:
    previous = _revision_0800()
    op.execute("DELETE FROM place_grid WHERE z <> 12")
    op.execute("ALTER TABLE place_grid DROP CONSTRAINT pk_place_grid")
    op.execute("ALTER TABLE place_grid DROP COLUMN z")
    op.execute("ALTER TABLE place_grid ADD CONSTRAINT pk_place_grid PRIMARY KEY (x, y)")
    op.execute(previous.TRIGGER.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
    op.execute(previous.REBUILD.replace("CREATE FUNCTION", "CREATE OR REPLACE FUNCTION", 1))
