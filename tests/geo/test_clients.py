"""Real clients against a real server on committed data: GDAL's OAPIF driver (as QGIS uses it), OWSLib,
and a tile reader checking that the tiles hold exactly what /v1/lieux lists, where it says."""

import json
import shutil
import subprocess
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import mapbox_vector_tile
import pytest
from owslib.ogcapi.features import Features

from tests.geo.conftest import ServedData, in_tile_position, published, tile_of
from tests.geo.crs import lambert93


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is missing: apt-get install gdal-bin (scripts/install.sh does it as root)")
    return found


def gdal(*args: str, debug: bool = False) -> subprocess.CompletedProcess[str]:
    env = {"CPL_DEBUG": "ON"} if debug else {}
    result = subprocess.run(  # noqa: S603
        [tool(args[0]), *args[1:]], capture_output=True, text=True, timeout=120,
        env={"PATH": "/usr/bin:/bin", "GDAL_HTTP_TIMEOUT": "30", **env},
    )
    assert result.returncode == 0, result.stderr
    return result


def ogr2ogr_features(url: str, layer: str, *extra: str) -> tuple[list[dict[str, Any]], str]:
    result = gdal("ogr2ogr", "-f", "GeoJSON", "/vsistdout/", f"OAPIF:{url}/ogc", layer, *extra, debug=True)
    return json.loads(result.stdout)["features"], result.stderr


# --------------------------------------------------------------------------------------------------
# GDAL (ogrinfo / ogr2ogr, OAPIF driver)


def test_ogrinfo_lists_both_collections(server: ServedData) -> None:
    output = gdal("ogrinfo", "-ro", f"OAPIF:{server.url}/ogc").stdout
    assert "1: lieux (title: Tiers-lieux) (Point)" in output
    assert "2: departements (title: Départements) (Multi Polygon)" in output


async def test_ogrinfo_reads_typed_attributes_from_the_schema(server: ServedData) -> None:
    output = gdal("ogrinfo", "-ro", "-so", f"OAPIF:{server.url}/ogc", "lieux").stdout
    expected = await published()
    assert f"Feature Count: {len(expected)}" in output
    for line in ("postes: Integer", "prix_journee: Real", "acces_24_7: Integer(Boolean)", "types: StringList",
                 "maj_le: DateTime", "nom: String"):
        assert line in output, line


async def test_ogr2ogr_reads_every_published_place(server: ServedData) -> None:
    features, log = ogr2ogr_features(server.url, "lieux")
    expected = {str(r["id"]): r for r in await published()}
    assert len(expected) > 160  # the census demo data and the known places
    assert len(features) == len(expected)
    assert {f["properties"]["id"] for f in features} == set(expected)
    assert log.count("/ogc/collections/lieux/items?") > len(expected) // 10  # it followed the next links
    for feature in features:
        row = expected[feature["properties"]["id"]]
        assert feature["properties"]["nom"] == row["name"]
        if row["lon"] is None:
            assert feature["geometry"] is None
        else:
            assert feature["geometry"]["coordinates"] == pytest.approx([row["lon"], row["lat"]], abs=1e-6)
    unpublished = server.known["Brouillon Test Non Publie"]
    assert str(unpublished) not in {f["properties"]["id"] for f in features}


async def test_ogr2ogr_attribute_filters_run_on_the_server(server: ServedData) -> None:
    features, log = ogr2ogr_features(server.url, "lieux", "-where", "departement = '81'")
    expected = {str(r["id"]) for r in await published(where="department_code = '81'")}
    assert {f["properties"]["id"] for f in features} == expected
    assert "items?limit=10&departement=81" in log


async def test_ogr2ogr_spatial_filters_become_bbox(server: ServedData) -> None:
    features, log = ogr2ogr_features(server.url, "lieux", "-spat", "1.3", "43.5", "1.6", "43.7")
    expected = await published(where="geom && ST_MakeEnvelope(1.3, 43.5, 1.6, 43.7, 4326)")
    assert len(expected) > 10
    assert sorted(f["properties"]["id"] for f in features) == [str(r["id"]) for r in expected]
    assert "&bbox=1.3" in log, log


def test_ogr2ogr_reads_the_departements(server: ServedData) -> None:
    features, _ = ogr2ogr_features(server.url, "departements")
    assert sorted(f["properties"]["code"] for f in features) == [
        "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]
    assert {f["geometry"]["type"] for f in features} == {"MultiPolygon"}


# --------------------------------------------------------------------------------------------------
# OWSLib


async def test_owslib_lists_collections_and_pages_through_every_place(server: ServedData) -> None:
    api = Features(f"{server.url}/ogc")
    assert api.feature_collections() == ["lieux", "departements"]
    assert "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core" in api.conformance()["conformsTo"]
    assert api.api()["openapi"] == "3.0.3"  # the service-desc link, fetched by OWSLib
    assert api.collection("lieux")["itemType"] == "feature"
    seen: list[str] = []
    params: dict[str, Any] = {"limit": 50}
    while True:
        page = api.collection_items("lieux", **params)
        seen += [f["id"] for f in page["features"]]
        nexts = [link["href"] for link in page["links"] if link["rel"] == "next"]
        if not nexts:
            break
        params = {k: v[0] for k, v in parse_qs(urlsplit(nexts[0]).query).items()}
    expected = await published()
    assert page["numberMatched"] == len(expected)
    assert sorted(seen) == seen == sorted(str(r["id"]) for r in expected)
    known = server.known["Cowork Test Capitole"]
    item = api.collection_item("lieux", str(known))
    assert item["properties"]["postes"] == 12 and item["properties"]["services"] == ["wifi", "salle_reunion"]
    filtered = api.collection_items("lieux", teletravail="true", bbox=[1.0, 43.0, 2.5, 44.5])
    assert {f["id"] for f in filtered["features"]} == {str(known), str(server.known["Fablab Test Albi"])}
    assert set(api.collection_queryables("lieux")["properties"]) >= {"statut", "departement"}
    assert api.collection_schema("lieux")["properties"]["properties"]["properties"]["postes"]["type"] == "integer"


async def test_owslib_reads_lambert93(server: ServedData) -> None:
    """Part 2 from a client: the collection lists EPSG:2154; items and a bbox in Lambert-93."""
    api = Features(f"{server.url}/ogc")
    lambert = "http://www.opengis.net/def/crs/EPSG/0/2154"
    assert lambert in api.collection("lieux")["crs"]
    x, y = lambert93(1.4437, 43.6045)  # Cowork Test Capitole
    page = api.collection_items("lieux", crs=lambert, **{"bbox-crs": lambert},
                                bbox=[x - 100, y - 100, x + 100, y + 100])
    (feature,) = page["features"]
    assert feature["id"] == str(server.known["Cowork Test Capitole"])
    assert feature["geometry"]["coordinates"] == pytest.approx([x, y], abs=0.02)


# --------------------------------------------------------------------------------------------------
# Tiles against /v1/lieux


@pytest.fixture(scope="module")
def http(server: ServedData) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=10) as client:
        yield client


def all_places(http: httpx.Client, **filters: str) -> list[dict[str, Any]]:
    items, url, params = [], "/v1/lieux", {"limit": "200", **filters}
    while url:
        body = http.get(url, params=params).json()
        items += body["items"]
        url, params = body["next"], {}
    return items


def read_tiles(http: httpx.Client, z: int, tiles: set[tuple[int, int]], **filters: str) -> dict[tuple[int, int], list]:
    decoded = {}
    for x, y in sorted(tiles):
        response = http.get(f"/v1/tuiles/{z}/{x}/{y}.mvt", params=filters)
        assert response.status_code == 200, (z, x, y, response.status_code)
        layers = mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})
        decoded[(x, y)] = layers["lieux"]["features"]
    return decoded


@pytest.mark.parametrize("filters", [{}, {"teletravail": "true"}, {"departement": "34", "statut": "ouvert"}])
def test_tiles_hold_what_v1_lieux_lists_where_it_says(http: httpx.Client, filters: dict[str, str]) -> None:
    places = [p for p in all_places(http, **filters) if p["position"]]
    assert places
    z = 12
    expected = {p["id"]: p for p in places}
    tiles = {tile_of(p["position"]["lon"], p["position"]["lat"], z) for p in places}
    found: dict[str, tuple[tuple[int, int], list[float]]] = {}
    for key, features in read_tiles(http, z, tiles, **filters).items():
        for feature in features:
            assert feature["properties"]["id"] not in found, "a place is in two tiles"
            found[feature["properties"]["id"]] = (key, feature["geometry"]["coordinates"])
    assert set(found) == set(expected)
    for place_id, (key, coordinates) in found.items():
        lon, lat = expected[place_id]["position"]["lon"], expected[place_id]["position"]["lat"]
        assert key == tile_of(lon, lat, z)
        # tile units are rounded to integers; /v1/lieux positions to 6 decimals (0.05 unit at z12)
        assert coordinates == pytest.approx(list(in_tile_position(lon, lat, z)), abs=0.56)


def test_grouped_tiles_count_every_place(http: httpx.Client) -> None:
    places = [p for p in all_places(http) if p["position"]]
    for z in (5, 7):
        tiles = {tile_of(p["position"]["lon"], p["position"]["lat"], z) for p in places}
        decoded = read_tiles(http, z, tiles)
        assert sum(f["properties"].get("point_count", 1) for fs in decoded.values() for f in fs) == len(places)
        ids = {f["properties"]["id"] for fs in decoded.values() for f in fs if "point_count" not in f["properties"]}
        assert ids <= {p["id"] for p in places}
