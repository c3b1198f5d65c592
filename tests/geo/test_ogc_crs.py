"""OGC API - Features Part 2 (CRS by reference): `crs` and `bbox-crs` with Lambert-93 and Web Mercator,
checked against projections written from their definitions (tests/geo/crs.py)."""

import itertools
from typing import Any

import httpx
import pytest

from tests.geo.conftest import insert_place
from tests.geo.crs import lambert93, web_mercator

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
L93 = "http://www.opengis.net/def/crs/EPSG/0/2154"
WM = "http://www.opengis.net/def/crs/EPSG/0/3857"
ITEMS = "/ogc/collections/lieux/items"


def test_reference_projection_matches_ign_published_values() -> None:
    # IGN's own check point for Lambert-93: the projection origin maps to the false origin.
    assert lambert93(3.0, 46.5) == pytest.approx((700000.0, 6600000.0), abs=1e-6)


@pytest.mark.parametrize(("crs", "project"), [(L93, lambert93), (WM, web_mercator)])
async def test_items_in_a_projected_crs(client: httpx.AsyncClient, raw: Any, crs: str, project: Any) -> None:
    place = await insert_place(raw, "Capitole", lon=1.4437, lat=43.6045)
    for spelling in (crs, "EPSG:" + crs.rsplit("/", 1)[1], f"[EPSG:{crs.rsplit('/', 1)[1]}]"):
        page = await client.get(ITEMS, params={"crs": spelling})
        assert page.status_code == 200, page.text
        assert page.headers["content-crs"] == f"<{crs}>"
        (feature,) = page.json()["features"]
        assert feature["geometry"]["coordinates"] == pytest.approx(list(project(1.4437, 43.6045)), abs=0.02)
    one = await client.get(f"{ITEMS}/{place}", params={"crs": crs})
    assert one.headers["content-crs"] == f"<{crs}>"
    assert one.json()["geometry"]["coordinates"] == pytest.approx(list(project(1.4437, 43.6045)), abs=0.02)
    plain = await client.get(ITEMS)
    assert plain.headers["content-crs"] == f"<{CRS84}>"
    assert plain.json()["features"][0]["geometry"]["coordinates"] == [1.4437, 43.6045]


async def test_bbox_in_lambert93(client: httpx.AsyncClient, raw: Any) -> None:
    toulouse = await insert_place(raw, "Toulouse", lon=1.4437, lat=43.6045)
    await insert_place(raw, "Montpellier", lon=3.88, lat=43.61, departement="34")
    x, y = lambert93(1.4437, 43.6045)
    query = {"bbox": f"{x - 1000},{y - 1000},{x + 1000},{y + 1000}", "bbox-crs": L93}
    page = (await client.get(ITEMS, params=query)).json()
    assert [f["id"] for f in page["features"]] == [str(toulouse)] and page["numberMatched"] == 1
    east = {"bbox": f"{x + 1000},{y - 1000},{x + 3000},{y + 1000}", "bbox-crs": L93}
    assert (await client.get(ITEMS, params=east)).json()["features"] == []
    mx, my = web_mercator(1.4437, 43.6045)
    both = {"bbox": f"{mx - 500},{my - 500},{mx + 500},{my + 500}", "bbox-crs": WM, "crs": L93}
    (feature,) = (await client.get(ITEMS, params=both)).json()["features"]
    assert feature["geometry"]["coordinates"] == pytest.approx([x, y], abs=0.02)


async def test_department_outlines_in_lambert93_stay_counterclockwise(client: httpx.AsyncClient) -> None:
    features = (await client.get("/ogc/collections/departements/items", params={"crs": L93, "limit": 20})).json()
    assert len(features["features"]) == 13
    for feature in features["features"]:
        polygons = feature["geometry"]["coordinates"]
        polygons = [polygons] if feature["geometry"]["type"] == "Polygon" else polygons
        for polygon in polygons:
            ring = polygon[0]
            assert sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) > 0
            assert all(300_000 < x < 1_100_000 and 6_100_000 < y < 6_500_000 for x, y in ring)


@pytest.mark.parametrize(("query", "name"), [
    ({"crs": "EPSG:4326"}, "crs"), ({"crs": "http://www.opengis.net/def/crs/EPSG/0/27572"}, "crs"),
    ({"bbox-crs": L93}, "bbox-crs"), ({"bbox": "1,43,2,44", "bbox-crs": "EPSG:9999"}, "bbox-crs"),
    ({"bbox": "600000,6300000,500000,6200000", "bbox-crs": L93}, "bbox"),
    ({"bbox": "0,0,1e12,1", "bbox-crs": L93}, "bbox"), ({"bbox": "-3e7,0,1,1", "bbox-crs": WM}, "bbox"),
])
async def test_bad_crs_parameters_are_400_naming_them(client: httpx.AsyncClient, query: dict, name: str) -> None:
    response = await client.get(ITEMS, params=query)
    assert response.status_code == 400, response.text
    assert response.json()["errors"][0]["name"] == name


async def test_collections_and_api_declare_the_crs(client: httpx.AsyncClient) -> None:
    conformance = (await client.get("/ogc/conformance")).json()["conformsTo"]
    assert "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs" in conformance
    collection = (await client.get("/ogc/collections/lieux")).json()
    assert collection["crs"] == [CRS84, L93, WM] and collection["storageCrs"] == CRS84
    api = (await client.get("/ogc/api")).json()
    assert api["components"]["parameters"]["crs"]["schema"]["enum"] == [CRS84, L93, WM]
    items = api["paths"]["/collections/lieux/items"]["get"]
    assert {"$ref": "#/components/parameters/crs"} in items["parameters"]
    assert "at most 1,000" in items["description"]
