"""Hot reads of the exports: the whole published directory as one GeoJSON document built by PostgreSQL."""

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.core.sql import Params
from reseau_api.places.filters import PlaceFilters

# The same fields as the CSV export (places.queries.CSV_COLUMNS, same names, same order; a test checks it),
# typed as JSON: lists are arrays, counts and prices numbers; the position is the geometry.
GEOJSON_PROPERTIES: dict[str, str] = {
    "id": "p.id", "slug": "p.slug", "nom": "p.name", "statut": "p.status", "types": "p.types",
    "services": "p.services", "adresse": "p.address", "code_postal": "p.postcode", "commune": "p.commune",
    "code_insee": "p.insee_code", "departement": "p.department_code", "postes": "p.desks",
    "bureaux_prives": "p.private_offices", "salles_reunion": "p.meeting_rooms",
    "prix_demi_journee": "p.price_half_day", "prix_journee": "p.price_day", "prix_mois": "p.price_month",
    "acces_24_7": "p.access_24_7", "horaires": "p.opening_hours", "telephone": "p.phone", "email": "p.email",
    "site_web": "p.website", "source": "p.source", "maj_le": "p.updated_at", "description": "p.description",
    "ouverture_prevue": "p.opening_planned_date", "projet": "p.project_kind", "mise_en_reseau": "p.networking",
    "reservation_url": "p.booking_url", "publics": "p.audiences", "debit_internet_mbps": "p.bandwidth_mbps",
    "accessibilite": "p.accessibility", "images": "p.images", "source_id": "p.source_id",
}

_PROPERTIES_JSON = ", ".join(f"'{name}', {expr}" for name, expr in GEOJSON_PROPERTIES.items())


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
                  'properties', json_build_object({_PROPERTIES_JSON})) AS feature
              FROM place p WHERE {where}) AS f
    """
    raw = await raw_connection(session)
    return await raw.fetchval(sql, *p.values)
