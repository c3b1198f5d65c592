"""Shared geography: the SRID, bounding boxes and raw GeoJSON / MVT responses."""

from starlette.responses import Response

SRID = 4326  # WGS 84 longitude/latitude, as GeoJSON (RFC 7946) requires


class GeoJSONResponse(Response):
    """A body already serialised (by PostGIS) and sent as is."""

    media_type = "application/geo+json"


class MVTResponse(Response):
    media_type = "application/vnd.mapbox-vector-tile"
