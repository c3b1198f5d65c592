"""GET /v1/maillage/communes: nearest place and distance equal a brute-force geodesic computation."""

import httpx
import pytest

from tests.coverage import reference
from tests.coverage.geodesic import MM


async def walk(client: httpx.AsyncClient, params: dict) -> list[dict]:
    items, url, pages = [], "/v1/maillage/communes", 0
    response = await client.get(url, params=params)
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        items.extend(body["items"])
        pages += 1
        assert pages <= 100
        if body["next"] is None:
            assert "link" not in response.headers
            return items
        assert response.headers["link"] == f'<{body["next"]}>; rel="next"'
        response = await client.get(body["next"])


def check_against_reference(items: list[dict], demo_places: dict[str, str], radius_km: float) -> None:
    nearest = reference.nearest()
    covered = reference.covered_insee(radius_km * 1000)
    communes = {c.insee: c for c in reference.communes()}
    for item in items:
        distance, census_id, gap = nearest[item["code_insee"]]
        commune = communes[item["code_insee"]]
        assert (item["nom"], item["departement"], item["population"]) == (commune.name, commune.dep,
                                                                          commune.population)
        assert item["position"] == {"lon": commune.lon, "lat": commune.lat}
        assert abs(item["distance_km"] - distance / 1000) <= 0.0005 + MM / 1000, item
        if gap > MM:  # the runner-up is not a tie
            assert demo_places[item["lieu_proche"]["id"]] == census_id, item
        assert item["couverte"] == (item["code_insee"] in covered)


async def test_every_commune_once_with_its_exact_nearest_place(
    client: httpx.AsyncClient, demo_places: dict[str, str],
) -> None:
    items = await walk(client, {"limit": 200})
    assert len(items) == 4453
    assert len({i["code_insee"] for i in items}) == 4453
    assert [i["population"] for i in items] == sorted((i["population"] for i in items), reverse=True)
    assert items[0]["nom"] == "Toulouse"
    check_against_reference(items, demo_places, 15)


@pytest.mark.parametrize("departement", ["46", "65"])
async def test_sorted_by_distance(client: httpx.AsyncClient, demo_places: dict[str, str], departement: str) -> None:
    items = await walk(client, {"departement": departement, "tri": "distance", "limit": 50})
    expected = sorted(c.insee for c in reference.communes() if c.dep == departement)
    assert sorted(i["code_insee"] for i in items) == expected
    keys = [(i["distance_km"], i["code_insee"]) for i in items]
    assert [k[0] for k in keys] == sorted(k[0] for k in keys)
    check_against_reference(items, demo_places, 15)
    farthest = await walk(client, {"departement": departement, "tri": "-distance", "limit": 50})
    assert [i["code_insee"] for i in farthest] == [i["code_insee"] for i in reversed(items)]


async def test_uncovered_communes_of_a_department(client: httpx.AsyncClient, demo_places: dict[str, str]) -> None:
    covered = reference.covered_insee(15_000)
    lot = [c for c in reference.communes() if c.dep == "46"]
    items = await walk(client, {"departement": "46", "couverte": "false", "limit": 37})
    assert sorted(i["code_insee"] for i in items) == sorted(c.insee for c in lot if c.insee not in covered)
    assert all(not i["couverte"] and i["distance_km"] > 15 for i in items)
    first = (await client.get("/v1/maillage/communes",
                              params={"departement": "46", "couverte": "false", "limit": 1})).json()
    assert first["total"] == len(items)
    smallest = await walk(client, {"departement": "46", "couverte": "true", "tri": "population", "limit": 100})
    assert [i["population"] for i in smallest] == sorted(i["population"] for i in smallest)
    assert len(smallest) + len(items) == len(lot)
    assert all(i["couverte"] and i["distance_km"] <= 15 for i in smallest)


async def test_geojson_points(client: httpx.AsyncClient, demo_places: dict[str, str]) -> None:
    response = await client.get("/v1/maillage/communes",
                                params={"departement": "48", "limit": 3, "f": "geojson"})
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection"
    assert (body["numberMatched"], body["numberReturned"]) == (152, 3)
    feature = body["features"][0]
    mende = next(c for c in reference.communes() if c.name == "Mende")
    assert feature["id"] == mende.insee
    assert feature["geometry"] == {"type": "Point", "coordinates": [mende.lon, mende.lat]}
    assert set(feature["properties"]) == {"code_insee", "nom", "departement", "population", "couverte",
                                          "distance_km", "lieu_proche"}
    assert body["links"][0]["rel"] == "next"
    negotiated = await client.get("/v1/maillage/communes", params={"departement": "48", "limit": 3},
                                  headers={"Accept": "application/geo+json"})
    assert negotiated.headers["content-type"] == "application/geo+json"
    assert negotiated.json()["features"] == body["features"]
    assert "Accept" in negotiated.headers["vary"]
    last = await client.get(body["links"][0]["href"].replace("limit=3", "limit=200"))
    assert last.json()["links"] == []


async def test_without_places_distances_are_null(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/maillage/communes", params={"tri": "distance", "limit": 2})).json()
    assert body["total"] == 4453
    assert [(i["distance_km"], i["lieu_proche"], i["couverte"]) for i in body["items"]] == [(None, None, False)] * 2
    assert body["items"][0]["code_insee"] < body["items"][1]["code_insee"]
    # Unreachable communes sort last by distance and first by -distance, and paging still walks them all.
    assert len(await walk(client, {"departement": "48", "tri": "-distance", "limit": 100})) == 152


async def test_the_whole_region_in_one_geojson_page(
    client: httpx.AsyncClient, demo_places: dict[str, str],
) -> None:
    body = (await client.get("/v1/maillage/communes",
                             params={"couverte": "false", "f": "geojson", "limit": 5000})).json()
    uncovered = [c for c in reference.communes() if c.insee not in reference.covered_insee(15_000)]
    assert body["numberMatched"] == body["numberReturned"] == len(uncovered)
    assert body["links"] == []
    assert sum(f["properties"]["population"] for f in body["features"]) == sum(c.population for c in uncovered)


async def test_etag_and_cache(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/maillage/communes", params={"limit": 5})
    assert first.headers["cache-control"].startswith("public")
    again = await client.get("/v1/maillage/communes", params={"limit": 5},
                             headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(("params", "name"), [
    ({"tri": "nom"}, "tri"),
    ({"limit": "0"}, "limit"),
    ({"limit": "5001"}, "limit"),
    ({"couverte": "oui-non"}, "couverte"),
    ({"f": "csv"}, "f"),
    ({"curseur": "!!!"}, "curseur"),
    ({"curseur": "WyJub20iLCJ4Il0"}, "curseur"),  # made for another sort
    ({"departement": "2A"}, "departement"),
    ({"rayon_km": "0"}, "rayon_km"),
])
async def test_invalid_parameters_are_400(client: httpx.AsyncClient, params: dict, name: str) -> None:
    response = await client.get("/v1/maillage/communes", params=params)
    assert response.status_code == 400, response.text
    assert [e["name"] for e in response.json()["errors"]] == [name]


async def test_cursor_with_a_malformed_key_is_400(client: httpx.AsyncClient) -> None:
    from reseau_api.core.pagination import encode_cursor

    for sort, key in [("-population", "many"), ("distance", "far")]:
        response = await client.get("/v1/maillage/communes",
                                    params={"tri": sort, "curseur": encode_cursor(sort, [key, "46042"])})
        assert response.status_code == 400
        assert response.json()["errors"][0]["name"] == "curseur"
