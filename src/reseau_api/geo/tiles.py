"""Vector tiles of places (Mapbox Vector Tile 2.1, built by PostGIS) and their TileJSON 3.0 document."""

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Depends, Path, Request, Response

from reseau_api.core.db import SessionDep
from reseau_api.core.errors import InvalidParameter
from reseau_api.core.geo import MVTResponse
from reseau_api.core.http import body_etag, not_modified
from reseau_api.core.openapi import problem_responses
from reseau_api.core.params import reject_unknown_parameters
from reseau_api.core.urls import base_url
from reseau_api.geo import queries
from reseau_api.geo.links import filter_items
from reseau_api.geo.schemas import TileJSON, VectorLayer
from reseau_api.places import fields as place_fields
from reseau_api.places.filters import PlaceFiltersDep, resolve_open_at

router = APIRouter(prefix="/tuiles", tags=["tuiles"], dependencies=[Depends(reject_unknown_parameters)])

MIN_ZOOM, MAX_ZOOM = 0, 22
# The deepest zoom the data needs: there one tile unit is under 0.15 m, finer than any recorded position,
# so TileJSON advertises it and clients overzoom beyond (tiles up to MAX_ZOOM are still served).
DATA_MAX_ZOOM = 16
TILE_CACHE = "public, max-age=300, stale-while-revalidate=3600"
OPEN_NOW_CACHE = "public, max-age=60"  # `ouvert_maintenant` changes with the clock
TILEJSON_CACHE = "public, max-age=300"
MVT = "application/vnd.mapbox-vector-tile"

_ATTRIBUTES = ", ".join(f"`{f.name}`" for f in place_fields.TILE_FIELDS)
_TILE_DESCRIPTION = f"""\
The `lieux` layer of one web-mercator tile (XYZ scheme, {queries.TILE_EXTENT} units per side), built by
PostGIS (`ST_AsMVT`), for MapLibre, Leaflet plugins, QGIS or any MVT 2.1 reader.

* **Above zoom {queries.CLUSTER_MAX_ZOOM}**: one point per published place with {_ATTRIBUTES} (lists as
  comma-separated codes; unknown values absent), up to {queries.TILE_MAX_POINTS} places per tile; a denser tile
  is grouped as below.
* **Zoom {queries.CLUSTER_MAX_ZOOM} and below**: places are grouped on a {queries.TILE_EXTENT // queries.CLUSTER_CELL}
  x {queries.TILE_EXTENT // queries.CLUSTER_CELL} grid per tile; a group of several places is one point
  (their mean position) with `point_count` only; a lone place keeps its attributes and has no `point_count`.
* Each place belongs to exactly one tile (no buffer), so counts add up across tiles.
* Same filters as `/v1/lieux` (`statut`, `type`, `teletravail`, `services`, `departement`, `bbox`…).
* A tile with no place is **204 No Content** (empty body). `ETag` is a hash of the tile; send
  `If-None-Match` to get **304**. `Cache-Control: {TILE_CACHE}` (60 s with `ouvert_maintenant`).
* `z` outside {MIN_ZOOM}–{MAX_ZOOM}, or `x`/`y` outside 0…2^z−1, is a 400. TileJSON advertises `maxzoom`
  {DATA_MAX_ZOOM}, the deepest zoom the data needs (a tile unit is then under 0.15 m): clients overzoom beyond.
"""


@router.get(
    "/{z}/{x}/{y}.mvt", summary="Get a vector tile of places", description=_TILE_DESCRIPTION,
    response_class=MVTResponse,
    responses={
        200: {"content": {MVT: {"schema": {"type": "string", "format": "binary"}}},
              "description": "The tile (Mapbox Vector Tile 2.1, layer `lieux`)"},
        204: {"description": "No place in this tile (empty body)"},
        304: {"description": "Not modified (If-None-Match matched the ETag)"},
        **problem_responses(400),
    },
)
async def get_tile(
    request: Request,
    session: SessionDep,
    filters: PlaceFiltersDep,
    z: Annotated[int, Path(ge=MIN_ZOOM, le=MAX_ZOOM, description="Zoom level")],
    x: Annotated[int, Path(ge=0, le=2 ** MAX_ZOOM - 1, description="Column, 0 at 180°W")],
    y: Annotated[int, Path(ge=0, le=2 ** MAX_ZOOM - 1, description="Row, 0 at the north")],
) -> Response:
    last = 2 ** z - 1
    if x > last:
        raise InvalidParameter("x", f"must be within 0..{last} at zoom {z}", location="path")
    if y > last:
        raise InvalidParameter("y", f"must be within 0..{last} at zoom {z}", location="path")
    filters = await resolve_open_at(session, filters)
    body = await queries.tile(session, filters, z, x, y)
    etag = body_etag(body)
    cache = OPEN_NOW_CACHE if "ouvert_maintenant" in request.query_params else TILE_CACHE
    headers = {"ETag": etag, "Cache-Control": cache}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    if not body:
        return Response(status_code=204, headers=headers)
    return MVTResponse(body, headers=headers)


# The attributes of the `lieux` layer: the field table's tile fields (places.fields), then the clusters' count.
_FIELDS = {
    **{f.name: f.description + (" (comma-separated)" if f.kind.schema["type"] == "array" else "")
       for f in place_fields.TILE_FIELDS},
    "point_count": (f"Zoom <= {queries.CLUSTER_MAX_ZOOM}, or a tile of more than {queries.TILE_MAX_POINTS} "
                    "places: number of places grouped in this point"),
}


@router.get(".json", summary="Describe the vector tiles (TileJSON 3.0)", response_model=TileJSON,
            responses=problem_responses(400))
async def get_tilejson(request: Request, session: SessionDep, filters: PlaceFiltersDep) -> Response:
    """A TileJSON 3.0.0 document for MapLibre (`{"type": "vector", "url": ".../v1/tuiles.json"}`): the
    absolute tile URL template carries the filters of this request (same as `/v1/lieux`), the bounds
    are the region's, zooms 0–16 (the deepest the data needs; clients overzoom beyond, tiles to 22 exist)."""
    del filters  # validated here so that a bad filter fails now, not on every tile
    bounds = await queries.region_bounds(session)
    query = urlencode(filter_items(request))
    template = f"{base_url(request)}/v1/tuiles/{{z}}/{{x}}/{{y}}.mvt" + (f"?{query}" if query else "")
    document = TileJSON(
        name="lieux", version="1.0.0",
        description="Tiers-lieux of the Occitanie network (published places)",
        attribution="Réseau des tiers-lieux d'Occitanie, Licence Ouverte / Etalab 2.0",
        tiles=[template], minzoom=MIN_ZOOM, maxzoom=DATA_MAX_ZOOM, bounds=list(bounds),
        center=[round((bounds[0] + bounds[2]) / 2, 5), round((bounds[1] + bounds[3]) / 2, 5), 7],
        vector_layers=[VectorLayer(id="lieux", description="Published places; grouped at low zoom and in dense tiles",
                                   minzoom=MIN_ZOOM, maxzoom=DATA_MAX_ZOOM, fields=_FIELDS)],
    )
    return Response(document.model_dump_json(), media_type="application/json",
                    headers={"Cache-Control": TILEJSON_CACHE})
