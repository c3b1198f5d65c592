"""SQL of the public pages that the API has no equivalent for: the sitemap and the small map of a place.
Lists reuse `places.queries.page`; "published" is the places' own predicate (`PlaceFilters.conditions`)."""

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.core.sql import Params
from reseau_api.places.filters import PlaceFilters

SITEMAP_MAX_URLS = 50_000  # the sitemaps.org limit for one file


async def sitemap(session: AsyncSession, base: str, departments: list[str]) -> str:
    """The sitemap (sitemaps.org 0.9): the directory, every department page and every published place page,
    built and XML-escaped by PostgreSQL; `lastmod` is the place's last change (a list's: its latest place's)."""
    p = Params()
    published = " AND ".join(PlaceFilters().conditions(p))
    base_param, codes = p(base, "text"), p(departments, "text[]")
    sql = f"""
        WITH places AS (
            SELECT p.slug, p.updated_at, p.department_code FROM place p WHERE {published}
            ORDER BY p.slug COLLATE "C" LIMIT {SITEMAP_MAX_URLS - 1 - len(departments)}
        ), urls AS (
            SELECT 0 AS kind, '' AS key, {base_param} || '/lieux' AS loc,
                   (SELECT max(updated_at) FROM places) AS lastmod
            UNION ALL
            SELECT 1, d.code, {base_param} || '/departements/' || d.code AS loc,
                   (SELECT max(updated_at) FROM places WHERE department_code = d.code) AS lastmod
            FROM unnest({codes}) AS d(code)
            UNION ALL
            SELECT 2, slug, {base_param} || '/lieux/' || slug, updated_at FROM places
        )
        SELECT '<?xml version="1.0" encoding="UTF-8"?>' || xmlelement(
            name urlset, xmlattributes('http://www.sitemaps.org/schemas/sitemap/0.9' AS xmlns),
            xmlagg(xmlelement(name url, xmlelement(name loc, loc),
                              CASE WHEN lastmod IS NOT NULL THEN xmlelement(name lastmod,
                                  to_char(lastmod AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"')) END)
                   ORDER BY kind, key COLLATE "C"))::text
        FROM urls
    """
    raw = await raw_connection(session)
    return await raw.fetchval(sql, *p.values)


@dataclass(frozen=True)
class Outline:
    """A department's outline as an SVG path around a place, in a plane where x = lon·cos(lat₀), y = -lat."""

    path: str
    view_box: str
    x: float
    y: float
    radius: float


# Department outlines are reference data (loaded by a migration): simplified once per process, not per page.
_outlines: dict[str, tuple[str, float, float, float, float, float] | None] = {}


async def outline(session: AsyncSession, department: str, lon: float, lat: float) -> Outline | None:
    if department not in _outlines:
        raw = await raw_connection(session)
        row = await raw.fetchrow("""
            WITH d AS (SELECT cos(radians(ST_Y(ST_Centroid(geom)))) AS k, geom FROM departement WHERE code = $1),
                 s AS (SELECT k, ST_Scale(ST_SimplifyPreserveTopology(geom, 0.003), k, 1) AS g FROM d)
            SELECT ST_AsSVG(g, 0, 4) AS path, ST_XMin(g) AS xmin, ST_XMax(g) AS xmax,
                   -ST_YMax(g) AS ymin, -ST_YMin(g) AS ymax, k
            FROM s""", department)
        _outlines[department] = tuple(row.values()) if row else None  # type: ignore[assignment]
    cached = _outlines[department]
    if cached is None:
        return None
    path, xmin, xmax, ymin, ymax, k = cached
    width, height = xmax - xmin, ymax - ymin
    pad = max(width, height) * 0.04
    view_box = f"{xmin - pad:.4f} {ymin - pad:.4f} {width + 2 * pad:.4f} {height + 2 * pad:.4f}"
    radius = round(max(width, height) * 0.022, 5)
    return Outline(path, view_box, round(lon * k, 5), round(-lat, 5), radius)
