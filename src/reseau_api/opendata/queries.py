"""Hot reads of the exports: the whole published directory as one GeoJSON document built by PostgreSQL."""

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.core.fields import json_object
from reseau_api.core.sql import Params
from reseau_api.places import fields
from reseau_api.places.filters import PlaceFilters

# The fields of the CSV export but the position (the geometry), in its order, typed as JSON: lists are
# arrays, counts and prices numbers (places.fields, Out.EXPORT).
GEOJSON_PROPERTIES: dict[str, str] = fields.EXPORT_PROPERTIES

_PROPERTIES_JSON = json_object(list(GEOJSON_PROPERTIES.items()))


async def places_feature_collection(session: AsyncSession) -> str:
    """Every published place as a GeoJSON FeatureCollection (RFC 7946, 6 decimals), in the CSV's order."""
    p = Params()
    where = " AND ".join(PlaceFilters().conditions(p))
    sql = f"""
        SELECT json_build_object(
            'type', 'FeatureCollection',
            'features', coalesce(json_agg(f.feature ORDER BY f.sort_name, f.id), '[]'::json)
        )::text
        FROM (SELECT p.sort_name, p.id, json_build_object(
                  'type', 'Feature', 'id', p.id, 'geometry', ST_AsGeoJSON(p.geom, 6)::json,
                  'properties', {_PROPERTIES_JSON}) AS feature
              FROM place p WHERE {where}) AS f
    """
    raw = await raw_connection(session)
    return await raw.fetchval(sql, *p.values)
