"""The OpenAPI 3.0 description of /ogc (its `service-desc`) and the queryables of each collection.

Hand-built and small: the main API document is OpenAPI 3.1 (FastAPI), which OGC API - Features Part 1
tools do not expect; this one describes exactly the /ogc paths, relative to the server `<base>/ogc`.
"""

from typing import TYPE_CHECKING, Any

from reseau_api.core.config import get_settings
from reseau_api.core.fields import Out, fields
from reseau_api.places import fields as place_fields

if TYPE_CHECKING:
    from reseau_api.geo.ogc import Collection

_JSON = "application/json"
_GEOJSON = "application/geo+json"
_HTML = "text/html"
_PROBLEM = "application/problem+json"
_CRS = ["http://www.opengis.net/def/crs/OGC/1.3/CRS84", "http://www.opengis.net/def/crs/EPSG/0/2154",
        "http://www.opengis.net/def/crs/EPSG/0/3857"]


def _string(description: str, **extra: Any) -> dict[str, Any]:
    return {"type": "string", "description": description, **extra}


# The properties of each collection's features, in order; unknown values are absent (never null).
PROPERTIES: dict[str, dict[str, dict[str, Any]]] = {
    "lieux": {f.name: f.schema() for f in fields(place_fields.FIELDS, Out.OGC)},
    "departements": {
        "code": _string("Department code"),
        "nom": _string("Department name"),
    },
}
_GEOMETRY = {"lieux": "Point", "departements": "MultiPolygon"}


def feature_schema(url: str, collection: "Collection") -> dict[str, Any]:
    """JSON Schema of one GeoJSON feature of the collection (the `describedby` link): QGIS and GDAL read
    the attribute types from it instead of guessing them from the first page."""
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": url,
        "title": f"{collection.title}: feature",
        "type": "object",
        "required": ["type", "id", "geometry", "properties"],
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": "string", "description": "Place UUID" if collection.id == "lieux" else "Department code"},
            "geometry": {"type": "object",
                         "description": f"GeoJSON {_GEOMETRY[collection.id]} (CRS84 unless `crs` says otherwise), "
                                        "or null",
                         "properties": {"type": {"type": "string", "enum": [_GEOMETRY[collection.id]]}}},
            "properties": {"type": "object", "properties": PROPERTIES[collection.id]},
        },
    }


def _ref(kind: str, name: str) -> dict[str, str]:
    return {"$ref": f"#/components/{kind}/{name}"}


def _ok(description: str, schema: str, media_type: str = _JSON) -> dict[str, Any]:
    return {"description": description, "content": {
        media_type: {"schema": _ref("schemas", schema)}, _HTML: {"schema": {"type": "string"}}}}


def _errors(*statuses: int) -> dict[str, Any]:
    text = {400: "Invalid parameter", 404: "Not found", 503: "Database unavailable"}
    return {str(s): {"description": text[s], "content": {_PROBLEM: {"schema": _ref("schemas", "Problem")}}}
            for s in statuses}


def _filter_parameter(name: str, description: str) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "string"}
    if name == "teletravail":
        schema = {"type": "boolean"}
    return {"name": name, "in": "query", "required": False, "style": "form", "explode": False,
            "description": description, "schema": schema}


def definition(server: str, collections: dict[str, "Collection"], max_limit: int, default_limit: int) -> dict[str, Any]:
    paths: dict[str, Any] = {
        "/": {"get": {
            "summary": "Landing page", "operationId": "getLandingPage", "tags": ["Capabilities"],
            "parameters": [_ref("parameters", "f")],
            "responses": {"200": _ok("Links to the API definition, conformance and collections", "LandingPage"),
                          **_errors(400)}}},
        "/conformance": {"get": {
            "summary": "Conformance classes", "operationId": "getConformanceDeclaration", "tags": ["Capabilities"],
            "parameters": [_ref("parameters", "f")],
            "responses": {"200": _ok("The conformance classes implemented", "ConfClasses"), **_errors(400)}}},
        "/collections": {"get": {
            "summary": "Feature collections", "operationId": "getCollections", "tags": ["Capabilities"],
            "parameters": [_ref("parameters", "f")],
            "responses": {"200": _ok("The collections", "Collections"), **_errors(400, 503)}}},
        "/api": {"get": {
            "summary": "This API definition", "operationId": "getAPI", "tags": ["Capabilities"],
            "responses": {"200": {"description": "OpenAPI 3.0", "content": {
                "application/vnd.oai.openapi+json;version=3.0": {"schema": {"type": "object"}}}}}}},
    }
    for collection in collections.values():
        cid = collection.id
        filters = [_filter_parameter(name, text) for name, text in collection.filters.items()]
        paths[f"/collections/{cid}"] = {"get": {
            "summary": f"Describe {cid}", "operationId": f"describe_{cid}", "tags": [collection.title],
            "parameters": [_ref("parameters", "f")],
            "responses": {"200": _ok(f"The {cid} collection", "Collection"), **_errors(400, 503)}}}
        paths[f"/collections/{cid}/schema"] = {"get": {
            "summary": f"Schema of the {cid} features", "operationId": f"schema_{cid}", "tags": [collection.title],
            "responses": {"200": {"description": "JSON Schema", "content": {
                "application/schema+json": {"schema": {"type": "object"}}}}}}}
        paths[f"/collections/{cid}/queryables"] = {"get": {
            "summary": f"Filterable properties of {cid}", "operationId": f"queryables_{cid}",
            "tags": [collection.title],
            "responses": {"200": {"description": "JSON Schema", "content": {
                "application/schema+json": {"schema": {"type": "object"}}}}}}}
        paths[f"/collections/{cid}/items"] = {"get": {
            "summary": f"Features of {cid}", "operationId": f"getFeatures_{cid}", "tags": [collection.title],
            "description": (f"{collection.description} Pages of `limit` features (default {default_limit}, maximum "
                            f"{max_limit}: a larger value is served as {max_limit}); follow the `next` link. "
                            "Places come nearest the centre of `bbox` first (lon/lat degrees; ties by id), "
                            "or by id without one (or when it crosses the antimeridian). "
                            "`numberMatched` is exact, and given only when it is at most 1,000 and the planner "
                            "expects no more (otherwise it is left out: counting would read every match). "
                            "`crs` gives the geometries "
                            "in Lambert-93 or Web Mercator (`Content-Crs` names the CRS served)."),
            "parameters": [_ref("parameters", n)
                           for n in ("f", "bbox", "bbox-crs", "crs", "datetime", "limit", "curseur")]
            + filters,
            "responses": {"200": _ok("A page of features", "FeatureCollectionGeoJSON", _GEOJSON),
                          **_errors(400, 404, 503)}}}
        paths[f"/collections/{cid}/items/{{featureId}}"] = {"get": {
            "summary": f"One feature of {cid}", "operationId": f"getFeature_{cid}", "tags": [collection.title],
            "parameters": [_ref("parameters", "f"), _ref("parameters", "crs"), _ref("parameters", "featureId")],
            "responses": {"200": _ok("The feature", "FeatureGeoJSON", _GEOJSON), **_errors(400, 404, 503)}}}

    link = {"type": "object", "required": ["href"], "properties": {
        "href": {"type": "string"}, "rel": {"type": "string"}, "type": {"type": "string"},
        "title": {"type": "string"}}}
    links = {"type": "array", "items": _ref("schemas", "Link")}
    return {
        "openapi": "3.0.3",
        "info": {
            "title": "reseau-api: OGC API - Features",
            "version": "1.0.0",
            "description": "Tiers-lieux of the Occitanie network and the region's departments (GeoJSON, CRS84).",
            "license": {"name": "Data: Licence Ouverte / Etalab 2.0",
                        "url": "https://www.etalab.gouv.fr/licence-ouverte-open-licence/"},
        },
        "servers": [{"url": server}],
        "tags": [{"name": "Capabilities"}, *({"name": c.title} for c in collections.values())],
        "paths": paths,
        "components": {
            "parameters": {
                "f": {"name": "f", "in": "query", "required": False, "description": "Output format",
                      "schema": {"type": "string", "enum": ["json", "html"]}},
                "bbox": {"name": "bbox", "in": "query", "required": False, "style": "form", "explode": False,
                         "description": "minLon,minLat,maxLon,maxLat (or 6 numbers with heights) in CRS84, "
                                        "or minx,miny,maxx,maxy in the CRS of `bbox-crs`",
                         "schema": {"type": "array", "minItems": 4, "maxItems": 6, "items": {"type": "number"}}},
                "bbox-crs": {"name": "bbox-crs", "in": "query", "required": False,
                             "description": "CRS of `bbox` (default CRS84); only with `bbox`",
                             "schema": {"type": "string", "format": "uri", "enum": _CRS}},
                "crs": {"name": "crs", "in": "query", "required": False,
                        "description": "CRS of the geometries served (default CRS84): Lambert-93 (EPSG:2154) "
                                       "or Web Mercator (EPSG:3857), coordinates in metres, 1 cm precision",
                        "schema": {"type": "string", "format": "uri", "enum": _CRS}},
                "datetime": {"name": "datetime", "in": "query", "required": False,
                             "description": "Instant or interval (a/b, ../b, a/..) on the last update (maj_le); "
                                            "no effect on departements", "schema": {"type": "string"}},
                "limit": {"name": "limit", "in": "query", "required": False, "style": "form", "explode": False,
                          "schema": {"type": "integer", "minimum": 1, "maximum": max_limit,
                                     "default": default_limit}},
                "curseur": {"name": "curseur", "in": "query", "required": False,
                            "description": "Opaque cursor of a `next` link", "schema": {"type": "string"}},
                "featureId": {"name": "featureId", "in": "path", "required": True,
                              "description": "Place UUID, or department code", "schema": {"type": "string"}},
            },
            "schemas": {
                "Link": link,
                "LandingPage": {"type": "object", "required": ["links"], "properties": {
                    "title": {"type": "string"}, "description": {"type": "string"}, "links": links}},
                "ConfClasses": {"type": "object", "required": ["conformsTo"], "properties": {
                    "conformsTo": {"type": "array", "items": {"type": "string"}}}},
                "Collection": {"type": "object", "required": ["id", "links"], "properties": {
                    "id": {"type": "string"}, "title": {"type": "string"}, "description": {"type": "string"},
                    "itemType": {"type": "string"}, "crs": {"type": "array", "items": {"type": "string"}},
                    "extent": {"type": "object"}, "links": links}},
                "Collections": {"type": "object", "required": ["links", "collections"], "properties": {
                    "links": links, "collections": {"type": "array", "items": _ref("schemas", "Collection")}}},
                "FeatureGeoJSON": {"type": "object", "required": ["type", "geometry", "properties"], "properties": {
                    "type": {"type": "string", "enum": ["Feature"]},
                    "id": {"oneOf": [{"type": "string"}, {"type": "integer"}]},
                    "geometry": {"type": "object", "nullable": True},
                    "properties": {"type": "object", "nullable": True}, "links": links}},
                "FeatureCollectionGeoJSON": {"type": "object", "required": ["type", "features"], "properties": {
                    "type": {"type": "string", "enum": ["FeatureCollection"]},
                    "features": {"type": "array", "items": _ref("schemas", "FeatureGeoJSON")},
                    "links": links,
                    "numberMatched": {"type": "integer", "minimum": 0},
                    "numberReturned": {"type": "integer", "minimum": 0}}},
                "Problem": {"type": "object", "description": "RFC 9457 problem details", "properties": {
                    "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
                    "detail": {"type": "string"}, "instance": {"type": "string"},
                    "errors": {"type": "array", "items": {"type": "object"}}}},
            },
        },
    }


def _enum(values: list[str], description: str, *, array: bool = False) -> dict[str, Any]:
    item = {"type": "string", "enum": values}
    if array:
        return {"type": "array", "items": item, "description": description}
    return {**item, "description": description}


def queryables(url: str, collection: "Collection") -> dict[str, Any]:
    """JSON Schema of the properties the items can be filtered on (OGC API - Features Part 3 shape)."""
    if collection.id == "lieux":
        # The queryable fields of the table, described as filters; departments are the configured region's.
        region = {"departement": {"enum": list(get_settings().region_departements)}}
        properties: dict[str, Any] = {
            f.name: {**f.kind.schema, **region.get(f.name, {}), "description": collection.filters[f.name]}
            for f in fields(place_fields.FIELDS, Out.QUERYABLE)}
        # Not a property: a filter on `postes`.
        properties["teletravail"] = {"type": "boolean", "description": collection.filters["teletravail"]}
    else:
        properties = {"code": _enum(list(get_settings().region_departements), collection.filters["code"])}
    return {
        "$schema": "https://json-schema.org/draft/2019-09/schema",
        "$id": url,
        "type": "object",
        "title": collection.title,
        "properties": properties,
        "additionalProperties": False,
    }
