"""Documents of the map outputs that have a fixed shape: TileJSON 3.0.

OGC API - Features documents are plain dicts in `ogc.py`: they are described by the OGC service
description (`/ogc/api`), not by the main OpenAPI document.
"""

from pydantic import BaseModel, ConfigDict, Field


class VectorLayer(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Layer name inside the tiles")
    description: str
    minzoom: int
    maxzoom: int
    fields: dict[str, str] = Field(description="Attribute name -> description")


class TileJSON(BaseModel):
    """A TileJSON 3.0.0 document describing the vector tiles of places (https://github.com/mapbox/tilejson-spec)."""

    model_config = ConfigDict(extra="forbid")

    tilejson: str = Field(default="3.0.0", description="TileJSON version")
    name: str
    description: str
    version: str
    attribution: str
    scheme: str = Field(default="xyz")
    tiles: list[str] = Field(description="Absolute tile URL templates, with the filters of this request")
    minzoom: int
    maxzoom: int
    bounds: list[float] = Field(description="minLon, minLat, maxLon, maxLat of the region", min_length=4,
                                max_length=4)
    center: list[float] = Field(description="lon, lat, zoom", min_length=3, max_length=3)
    vector_layers: list[VectorLayer]
