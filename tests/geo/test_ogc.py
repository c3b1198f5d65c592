"""OGC API - Features under /ogc, in process: documents, links, media types, paging, filters, errors."""

import base64
import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import parse_qs, urlsplit
from uuid import uuid4

import httpx
import pytest

from reseau_api.core.config import get_settings
from tests.geo.conftest import insert_place

GEOJSON = "application/geo+json"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


def rels(document: dict[str, Any]) -> dict[str, list[dict[str, str]]]:
    found: dict[str, list[dict[str, str]]] = {}
    for link in document["links"]:
        found.setdefault(link["rel"], []).append(link)
    return found


async def walk(client: httpx.AsyncClient, url: str) -> tuple[list[dict[str, Any]], int]:
    """Follow `next` links from url; returns every feature and the number of pages."""
    features, pages = [], 0
    while url:
        response = await client.get(url)
        assert response.status_code == 200, response.text
        assert response.headers["content-type"] == GEOJSON
        body = response.json()
        assert body["numberReturned"] == len(body["features"])
        features += body["features"]
        pages += 1
        nexts = rels(body).get("next", [])
        assert len(nexts) <= 1
        url = nexts[0]["href"] if nexts else ""
        assert pages < 50
    return features, pages


async def test_landing_page_links_the_api_definition_conformance_and_collections(client: httpx.AsyncClient) -> None:
    for path in ("/ogc", "/ogc/"):
        response = await client.get(path)
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/json"
        links = rels(response.json())
        assert links["service-desc"][0] == {
            "href": "http://test/ogc/api", "rel": "service-desc", "type": OPENAPI,
            "title": "API definition (OpenAPI 3.0)"}
        assert links["conformance"][0]["href"] == "http://test/ogc/conformance"
        assert links["data"][0]["href"] == "http://test/ogc/collections"
        assert links["self"][0]["type"] == "application/json"
        assert links["alternate"][0]["type"] == "text/html"


async def test_public_base_url_is_used_for_links(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(get_settings(), "public_base_url", "https://api.example.org/")
    links = rels((await client.get("/ogc")).json())
    assert links["data"][0]["href"] == "https://api.example.org/ogc/collections"


async def test_html_is_served_on_f_html_or_a_browser_accept(client: httpx.AsyncClient) -> None:
    for response in (await client.get("/ogc?f=html"),
                     await client.get("/ogc", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "/ogc/collections" in response.text
    plain = await client.get("/ogc", headers={"Accept": "*/*"})
    assert plain.headers["content-type"] == "application/json"
    assert "Accept" in plain.headers["vary"]  # shared caches must not hand HTML to a JSON client
    bad = await client.get("/ogc?f=xml")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["name"] == "f"


async def test_conformance_declares_core_geojson_html_oas30_and_crs(client: httpx.AsyncClient) -> None:
    body = (await client.get("/ogc/conformance")).json()
    assert set(body["conformsTo"]) == {
        *(f"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/{c}" for c in ("core", "geojson", "html", "oas30")),
        "http://www.opengis.net/spec/ogcapi-features-2/1.0/conf/crs"}


async def test_collections_describe_lieux_and_departements(client: httpx.AsyncClient) -> None:
    body = (await client.get("/ogc/collections")).json()
    assert [c["id"] for c in body["collections"]] == ["lieux", "departements"]
    for collection in body["collections"]:
        assert collection["itemType"] == "feature"
        assert collection["crs"] == ["http://www.opengis.net/def/crs/OGC/1.3/CRS84",
                                     "http://www.opengis.net/def/crs/EPSG/0/2154",
                                     "http://www.opengis.net/def/crs/EPSG/0/3857"]
        assert collection["storageCrs"] == "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
        (bbox,) = collection["extent"]["spatial"]["bbox"]
        assert bbox[0] == pytest.approx(-0.327, abs=0.01) and bbox[3] == pytest.approx(45.046, abs=0.01)
        links = rels(collection)
        items = {link["type"]: link["href"] for link in links["items"]}
        assert items[GEOJSON] == f"http://test/ogc/collections/{collection['id']}/items"
        assert links["describedby"][0]["type"] == "application/schema+json"
    single = await client.get("/ogc/collections/lieux")
    assert single.json()["id"] == "lieux"
    missing = await client.get("/ogc/collections/nope")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == "application/problem+json"


async def test_items_return_published_places_only_with_counts(client: httpx.AsyncClient, raw: Any) -> None:
    visible = {await insert_place(raw, f"Lieu {i}", lon=1.4 + i / 100) for i in range(3)}
    visible.add(await insert_place(raw, "Sans position", lon=None, lat=None, status="en_projet"))
    await insert_place(raw, "Brouillon", moderation="a_valider")
    response = await client.get("/ogc/collections/lieux/items")
    assert response.status_code == 200
    assert response.headers["content-type"] == GEOJSON
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == 4 and body["numberReturned"] == 4
    assert {f["id"] for f in body["features"]} == {str(i) for i in visible}
    by_name = {f["properties"]["nom"]: f for f in body["features"]}
    assert by_name["Sans position"]["geometry"] is None
    assert by_name["Lieu 0"]["geometry"] == {"type": "Point", "coordinates": [1.4, 43.6]}
    assert "postes" not in by_name["Lieu 0"]["properties"]  # unknown values are absent, never null
    links = rels(body)
    assert links["self"][0]["type"] == GEOJSON and "next" not in links
    assert links["collection"][0]["href"] == "http://test/ogc/collections/lieux"
    assert "timeStamp" not in body  # a generation time would change the ETag every second


async def test_paging_walks_every_place_once_with_absolute_next_links(client: httpx.AsyncClient, raw: Any) -> None:
    ids = {str(await insert_place(raw, f"Page {i}", lon=1 + i / 1000)) for i in range(7)}
    features, pages = await walk(client, "/ogc/collections/lieux/items?limit=3&statut=ouvert")
    assert pages == 3
    assert [f["id"] for f in features] == sorted(ids)  # keyset order: the place UUID
    first = (await client.get("/ogc/collections/lieux/items?limit=3&statut=ouvert")).json()
    assert first["numberMatched"] == 7 and first["numberReturned"] == 3
    (next_link,) = rels(first)["next"]
    assert next_link["type"] == GEOJSON
    assert next_link["href"].startswith("http://test/ogc/collections/lieux/items?")
    query = parse_qs(urlsplit(next_link["href"]).query)
    assert query["limit"] == ["3"] and query["statut"] == ["ouvert"] and query["curseur"]


async def test_a_bbox_pages_from_its_centre_outwards_each_place_once(client: httpx.AsyncClient, raw: Any) -> None:
    # Around the centre (1.5, 43.5) of bbox 1,43,2,44: distances 0.01, 0.02 (twice, same spot: ties by id),
    # 0.03, 0.04, 0.05 degrees east; one place outside the box.
    spots = {"A": 0.01, "B": 0.02, "C": 0.02, "D": 0.03, "E": 0.04, "F": 0.05}
    ids = {name: str(await insert_place(raw, name, lon=1.5 + d, lat=43.5)) for name, d in spots.items()}
    await insert_place(raw, "Dehors", lon=2.5, lat=43.5)
    expected = ["A", *sorted(["B", "C"], key=lambda n: ids[n]), "D", "E", "F"]
    features, pages = await walk(client, "/ogc/collections/lieux/items?bbox=1,43,2,44&limit=2")
    assert pages == 3
    assert [f["properties"]["nom"] for f in features] == expected
    # The same order from a Lambert-93 bbox around the same centre (its centre, transformed, is the origin).
    lambert = "http://www.opengis.net/def/crs/EPSG/0/2154"
    x, y = await raw.fetchrow("SELECT ST_X(g), ST_Y(g) FROM ST_Transform(ST_SetSRID(ST_MakePoint(1.5, 43.5), 4326), "
                              "2154) AS g")
    features, _ = await walk(client, f"/ogc/collections/lieux/items?bbox={x - 20000},{y - 20000},{x + 20000},"
                                     f"{y + 20000}&bbox-crs={lambert}&limit=4")
    assert [f["properties"]["nom"] for f in features] == expected
    # A place added nearer the centre than the cursor after page 1 is not served; the rest still once each.
    first = (await client.get("/ogc/collections/lieux/items?bbox=1,43,2,44&limit=2")).json()
    assert first["numberMatched"] == 6
    await insert_place(raw, "Nouveau", lon=1.5, lat=43.5)
    rest, _ = await walk(client, rels(first)["next"][0]["href"])
    assert [f["properties"]["nom"] for f in rest] == expected[2:]
    # Without a bbox, pages keep the id order: a cursor of one order is a 400 in the other.
    (cursor,) = parse_qs(urlsplit(rels(first)["next"][0]["href"]).query)["curseur"]
    response = await client.get(f"/ogc/collections/lieux/items?curseur={cursor}")
    assert response.status_code == 400
    assert response.json()["errors"][0]["name"] == "curseur"
    some_id = ids["A"]
    for key in (["nope", some_id], [True, some_id], [1.5, "x"], [1.5]):
        cursor = base64.urlsafe_b64encode(json.dumps(["distance", *key]).encode()).decode()
        response = await client.get(f"/ogc/collections/lieux/items?bbox=1,43,2,44&curseur={cursor}")
        assert response.status_code == 400, key
        assert response.json()["errors"][0]["name"] == "curseur"


async def test_limit_is_validated_and_capped_at_the_documented_maximum(client: httpx.AsyncClient, raw: Any) -> None:
    for i in range(12):
        await insert_place(raw, f"Limite {i}")
    assert (await client.get("/ogc/collections/lieux/items")).json()["numberReturned"] == 10  # spec default
    capped = await client.get("/ogc/collections/lieux/items?limit=50000")
    assert capped.status_code == 200 and capped.json()["numberReturned"] == 12
    for bad in ("0", "-1", "abc", "2.5"):
        response = await client.get(f"/ogc/collections/lieux/items?limit={bad}")
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["name"] == "limit"


async def test_cursor_errors_are_400(client: httpx.AsyncClient) -> None:
    for cursor in ("garbage!", "WyJjb2RlIiwiMzEiXQ"):  # the second is a departements cursor
        response = await client.get(f"/ogc/collections/lieux/items?curseur={cursor}")
        assert response.status_code == 400
        assert response.json()["errors"][0]["name"] == "curseur"


async def test_bbox_takes_4_or_6_numbers_in_crs84(client: httpx.AsyncClient, raw: Any) -> None:
    toulouse = await insert_place(raw, "Toulouse", lon=1.44, lat=43.60)
    await insert_place(raw, "Montpellier", lon=3.88, lat=43.61, departement="34")

    async def ids(query: str) -> set[str]:
        response = await client.get(f"/ogc/collections/lieux/items?{query}")
        assert response.status_code == 200, response.text
        return {f["id"] for f in response.json()["features"]}

    assert await ids("bbox=1.3,43.5,1.5,43.7") == {str(toulouse)}
    assert await ids("bbox=1.3,43.5,0,1.5,43.7,100") == {str(toulouse)}
    crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
    assert await ids(f"bbox=1.3,43.5,1.5,43.7&bbox-crs={crs84}") == {str(toulouse)}
    assert await ids("bbox=170,-10,-170,10") == set()  # crosses the antimeridian: allowed, nothing there
    for query, name in [("bbox=1,2,3", "bbox"), ("bbox=1,a,3,4", "bbox"), ("bbox=1,50,2,40", "bbox"),
                        ("bbox=1,43,200,44", "bbox"), ("bbox=nan,1,2,3", "bbox"),
                        ("bbox=1,43,2,44&bbox-crs=http://www.opengis.net/def/crs/EPSG/0/4326", "bbox-crs")]:
        response = await client.get(f"/ogc/collections/lieux/items?{query}")
        assert response.status_code == 400, query
        assert response.json()["errors"][0]["name"] == name


async def test_property_filters_map_onto_the_place_filters(client: httpx.AsyncClient, raw: Any) -> None:
    await insert_place(raw, "Cowork", types=["coworking"], services=["wifi", "fibre"], desks=8,
                                insee_code="31555")
    await insert_place(raw, "Fablab", types=["fablab"], services=["wifi"], departement="81",
                                lon=2.15, lat=43.93)
    await insert_place(raw, "Projet", status="en_projet", lon=None, lat=None, departement="12")

    async def names(query: str) -> set[str]:
        response = await client.get(f"/ogc/collections/lieux/items?{query}")
        assert response.status_code == 200, response.text
        return {f["properties"]["nom"] for f in response.json()["features"]}

    assert await names("statut=en_projet") == {"Projet"}
    assert await names("statut=ouvert,en_projet") == {"Cowork", "Fablab", "Projet"}
    assert await names("types=fablab") == {"Fablab"}
    assert await names("services=wifi,fibre") == {"Cowork"}
    assert await names("departement=81,12") == {"Fablab", "Projet"}
    assert await names("code_insee=31555") == {"Cowork"}
    assert await names("teletravail=true") == {"Cowork"}
    assert await names("teletravail=false") == {"Fablab", "Projet"}
    for query, name in [("statut=vendu", "statut"), ("types=piscine", "types"), ("departement=75", "departement"),
                        ("code_insee=3155", "code_insee"), ("teletravail=yes", "teletravail"),
                        ("couleur=rouge", "couleur"), ("statut=ouvert&statut=ferme", "statut"),
                        ("statut=" + "ouvert," * 200, "statut")]:
        response = await client.get(f"/ogc/collections/lieux/items?{query}")
        assert response.status_code == 400, query
        assert response.headers["content-type"] == "application/problem+json"
        assert response.json()["errors"][0]["name"] == name


async def test_datetime_filters_on_the_last_update(client: httpx.AsyncClient, raw: Any) -> None:
    await insert_place(raw, "Ancien", updated_at=datetime(2020, 5, 4, 10, tzinfo=UTC))
    await insert_place(raw, "Recent", updated_at=datetime(2024, 1, 2, 10, tzinfo=UTC))

    async def names(value: str) -> set[str]:
        response = await client.get("/ogc/collections/lieux/items", params={"datetime": value})
        assert response.status_code == 200, response.text
        return {f["properties"]["nom"] for f in response.json()["features"]}

    assert await names("2020-05-04") == {"Ancien"}
    assert await names("2020-05-04T10:00:00Z") == {"Ancien"}
    assert await names("2023-01-01T00:00:00Z/..") == {"Recent"}
    assert await names("../2021-01-01") == {"Ancien"}
    assert await names("2019-01-01/2025-01-01") == {"Ancien", "Recent"}
    for bad in ("hier", "../..", "2024-01-01/2020-01-01", "a/b/c"):
        response = await client.get("/ogc/collections/lieux/items", params={"datetime": bad})
        assert response.status_code == 400, bad
        assert response.json()["errors"][0]["name"] == "datetime"


async def test_one_feature_by_uuid(client: httpx.AsyncClient, raw: Any) -> None:
    place = await insert_place(raw, "Unique", types=["coworking"], desks=5, price_day=15)
    hidden = await insert_place(raw, "Cache", moderation="a_valider")
    response = await client.get(f"/ogc/collections/lieux/items/{place}")
    assert response.status_code == 200
    assert response.headers["content-type"] == GEOJSON
    feature = response.json()
    assert feature["type"] == "Feature" and feature["id"] == str(place)
    assert feature["properties"]["postes"] == 5 and feature["properties"]["prix_journee"] == 15
    links = rels(feature)
    assert links["self"][0]["href"] == f"http://test/ogc/collections/lieux/items/{place}?f=json"
    assert links["collection"][0]["href"] == "http://test/ogc/collections/lieux"
    for missing in (hidden, uuid4(), "not-a-uuid"):
        response = await client.get(f"/ogc/collections/lieux/items/{missing}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
    html = await client.get(f"/ogc/collections/lieux/items/{place}?f=html")
    assert html.headers["content-type"].startswith("text/html") and "Unique" in html.text


async def test_departements_are_the_region_ones(client: httpx.AsyncClient) -> None:
    body = (await client.get("/ogc/collections/departements/items?limit=100")).json()
    region = get_settings().region_departements
    assert body["numberMatched"] == len(region) == body["numberReturned"]
    assert sorted(f["id"] for f in body["features"]) == sorted(region)
    assert all(f["geometry"]["type"] == "MultiPolygon" for f in body["features"])
    haute_garonne = (await client.get("/ogc/collections/departements/items/31")).json()
    assert haute_garonne["properties"] == {"code": "31", "nom": "Haute-Garonne"}
    assert (await client.get("/ogc/collections/departements/items/75")).status_code == 404
    only = (await client.get("/ogc/collections/departements/items?code=31,34")).json()
    assert [f["id"] for f in only["features"]] == ["31", "34"]
    features, pages = await walk(client, "/ogc/collections/departements/items?limit=5")
    assert pages == 3 and [f["id"] for f in features] == sorted(region)
    near_toulouse = (await client.get("/ogc/collections/departements/items?bbox=1.4,43.55,1.5,43.65")).json()
    assert [f["id"] for f in near_toulouse["features"]] == ["31"]


async def test_schema_and_queryables_are_json_schemas(client: httpx.AsyncClient) -> None:
    schema = await client.get("/ogc/collections/lieux/schema")
    assert schema.headers["content-type"] == "application/schema+json"
    properties = schema.json()["properties"]["properties"]["properties"]
    assert properties["postes"]["type"] == "integer"
    assert properties["maj_le"]["format"] == "date-time"
    queryables = (await client.get("/ogc/collections/lieux/queryables")).json()
    assert set(queryables["properties"]) == {"statut", "types", "services", "departement", "code_insee",
                                              "teletravail", "fraicheur"}
    assert (await client.get("/ogc/collections/departements/queryables")).json()["properties"]["code"]
    assert (await client.get("/ogc/collections/lieux/schema?f=html")).status_code == 400


async def test_api_definition_is_openapi_30_for_the_ogc_paths(client: httpx.AsyncClient) -> None:
    response = await client.get("/ogc/api")
    assert response.headers["content-type"] == OPENAPI
    document = response.json()
    assert document["openapi"] == "3.0.3"
    assert document["servers"] == [{"url": "http://test/ogc"}]
    items = document["paths"]["/collections/lieux/items"]["get"]
    names = {p.get("name") or p["$ref"].rsplit("/", 1)[1] for p in items["parameters"]}
    assert {"bbox", "limit", "curseur", "datetime", "statut", "teletravail"} <= names
    assert document["components"]["parameters"]["limit"]["schema"]["maximum"] == 10_000
    assert "/collections/departements/items/{featureId}" in document["paths"]
    assert (await client.get("/ogc/api?f=html")).headers["content-type"].startswith("text/html")


async def test_ogc_routes_stay_out_of_the_main_openapi(client: httpx.AsyncClient) -> None:
    paths = (await client.get("/openapi.json")).json()["paths"]
    assert not [p for p in paths if p.startswith("/ogc")]


async def test_html_views_escape_place_text(client: httpx.AsyncClient, raw: Any) -> None:
    await insert_place(raw, "<script>alert(1)</script>")
    page = await client.get("/ogc/collections/lieux/items?f=html")
    assert page.status_code == 200
    assert "<script>alert(1)" not in page.text and "&lt;script&gt;alert(1)" in page.text
    for path in ("/ogc/collections?f=html", "/ogc/conformance?f=html", "/ogc/collections/lieux?f=html"):
        assert (await client.get(path)).headers["content-type"].startswith("text/html")
