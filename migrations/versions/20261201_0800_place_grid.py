"""Place grid: published places counted per zoom-12 tile, maintained on write, for the clustered tiles.

A clustered tile (zoom <= 8) groups places on a 16 x 16 grid per tile; at zoom 8 a grid cell is exactly
one zoom-12 tile. `place_grid` keeps, per zoom-12 tile holding published places, their count and the sum
of their positions (zoom-8 web-mercator tile units, as geo/queries.py computes them), so that an
unfiltered clustered tile reads at most 16^(12-z) grid rows (256 at zoom 8) however many places the
directory holds, instead of every place in the tile. A row trigger on `place` keeps it exact (published,
positioned places only); `place_grid_rebuild()` recomputes it (bulk loads that bypass triggers).

Revision ID: 0800
Revises: 0601
Create Date: 2026-12-01 13:00:00
"""
from collections.abc import Sequence

from alembic import op

revision: str = '0800'
down_revision: str | None = '0601'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

MAX_MERCATOR_LAT = 85.0511287798066
WORLD_Z8 = 2 ** 8 * 4096  # zoom-8 world size in tile units

# gx, gy: the place's position in zoom-8 tile units (the same expression as geo/queries.py _positions);
# x, y: the zoom-12 tile (a 256-unit cell at zoom 8). NULL outside the web-mercator range (never in a tile).
POSITION = f"""
CREATE FUNCTION place_grid_position(geom geometry, OUT x int, OUT y int, OUT gx float8, OUT gy float8)
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT floor(q.gx / 256)::int, floor(q.gy / 256)::int, q.gx, q.gy
    FROM (SELECT (ST_X(geom) + 180.0) / 360.0 * {WORLD_Z8}::float8 AS gx,
                 (0.5 - asinh(tan(radians(ST_Y(geom)))) / (2 * pi())) * {WORLD_Z8}::float8 AS gy) AS q
    WHERE geom IS NOT NULL AND ST_Y(geom) BETWEEN -{MAX_MERCATOR_LAT} AND {MAX_MERCATOR_LAT}
      AND ST_X(geom) BETWEEN -180 AND 180
$$"""

# One row per change of cell; two cells touched in (x, y) order, so that two moves never deadlock.
TRIGGER = """
CREATE FUNCTION place_grid_changed() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    ox int; oy int; ogx float8; ogy float8;  -- the old row's cell and position (NULL: not counted)
    nx int; ny int; ngx float8; ngy float8;  -- the new row's
    d record;
BEGIN
    IF TG_OP <> 'INSERT' AND OLD.moderation = 'publie' THEN
        SELECT g.x, g.y, g.gx, g.gy INTO ox, oy, ogx, ogy FROM place_grid_position(OLD.geom) AS g;
    END IF;
    IF TG_OP <> 'DELETE' AND NEW.moderation = 'publie' THEN
        SELECT g.x, g.y, g.gx, g.gy INTO nx, ny, ngx, ngy FROM place_grid_position(NEW.geom) AS g;
    END IF;
    IF ox IS NOT DISTINCT FROM nx AND oy IS NOT DISTINCT FROM ny
       AND ogx IS NOT DISTINCT FROM ngx AND ogy IS NOT DISTINCT FROM ngy THEN
        RETURN NULL;  -- neither counted nor moved (most edits)
    END IF;
    FOR d IN
        SELECT c.x, c.y, sum(c.n)::int AS n, sum(c.gx) AS gx, sum(c.gy) AS gy
        FROM (SELECT ox AS x, oy AS y, -1 AS n, -ogx AS gx, -ogy AS gy WHERE ox IS NOT NULL
              UNION ALL
              SELECT nx, ny, 1, ngx, ngy WHERE nx IS NOT NULL) AS c
        GROUP BY c.x, c.y ORDER BY c.x, c.y
    LOOP
        IF d.n < 0 THEN
            UPDATE place_grid SET n = n + d.n, sx = sx + d.gx, sy = sy + d.gy WHERE x = d.x AND y = d.y;
            DELETE FROM place_grid WHERE x = d.x AND y = d.y AND n <= 0;
        ELSE
            INSERT INTO place_grid AS g (x, y, n, sx, sy) VALUES (d.x, d.y, d.n, d.gx, d.gy)
            ON CONFLICT (x, y) DO UPDATE SET n = g.n + excluded.n, sx = g.sx + excluded.sx, sy = g.sy + excluded.sy;
        END IF;
    END LOOP;
    RETURN NULL;
END $$"""

REBUILD = """
CREATE FUNCTION place_grid_rebuild() RETURNS void LANGUAGE sql AS $$
    DELETE FROM place_grid;
    INSERT INTO place_grid (x, y, n, sx, sy)
    SELECT g.x, g.y, count(*), sum(g.gx), sum(g.gy)
    FROM place p, place_grid_position(p.geom) AS g
    WHERE p.moderation = 'publie' AND g.x IS NOT NULL
    GROUP BY g.x, g.y;
$$"""


def upgrade() -> None:
    op.execute("""
        CREATE TABLE place_grid (
            x int NOT NULL, y int NOT NULL,  -- the zoom-12 tile
            n int NOT NULL,  -- published places in it (a row at 0 is deleted)
            sx float8 NOT NULL, sy float8 NOT NULL,  -- sums of their positions, zoom-8 tile units
            CONSTRAINT pk_place_grid PRIMARY KEY (x, y)
        )""")
    op.execute(POSITION)
    op.execute(TRIGGER)
    op.execute(REBUILD)
    op.execute("CREATE TRIGGER place_grid AFTER INSERT OR DELETE OR UPDATE OF moderation, geom ON place "
               "FOR EACH ROW EXECUTE FUNCTION place_grid_changed()")
    op.execute("CREATE FUNCTION place_grid_truncated() RETURNS trigger LANGUAGE plpgsql AS $$ "
               "BEGIN DELETE FROM place_grid; RETURN NULL; END $$")
    op.execute("CREATE TRIGGER place_grid_truncate AFTER TRUNCATE ON place "
               "FOR EACH STATEMENT EXECUTE FUNCTION place_grid_truncated()")
    op.execute("SELECT place_grid_rebuild()")


def downgrade() -> None:
    op.execute("DROP TRIGGER place_grid_truncate ON place")
    op.execute("DROP TRIGGER place_grid ON place")
    op.execute("DROP FUNCTION place_grid_truncated()")
    op.execute("DROP FUNCTION place_grid_rebuild()")
    op.execute("DROP FUNCTION place_grid_changed()")
    op.execute("DROP FUNCTION place_grid_position(geometry)")
    op.execute("DROP TABLE place_grid")
