"""Vector tiles and TileJSON, in process; tiles are decoded with mapbox-vector-tile (an independent decoder)."""

import math
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import mapbox_vector_tile
import pytest
from mapbox_vector_tile.Mapbox import vector_tile_pb2

from tests.geo.conftest import in_tile_position, insert_place, tile_of

MVT = "application/vnd.mapbox-vector-tile"


def decode(body: bytes) -> list[dict[str, Any]]:
    layers = mapbox_vector_tile.decode(body, default_options={"y_coord_down": True})
    assert list(layers) == ["lieux"]
    assert layers["lieux"]["extent"] == 4096
    return layers["lieux"]["features"]


async def get_tile(client: httpx.AsyncClient, z: int, x: int, y: int, **params: Any) -> httpx.Response:
    return await client.get(f"/v1/tuiles/{z}/{x}/{y}.mvt", params=params)


async def test_a_high_zoom_tile_has_each_place_at_its_position(client: httpx.AsyncClient, raw: Any) -> None:
    capitole = await insert_place(raw, "Capitole", lon=1.4437, lat=43.6045, types=["coworking", "fablab"],
                                  desks=12)
    jardin = await insert_place(raw, "Jardin", lon=1.4450, lat=43.6010)
    z = 14
    x, y = tile_of(1.4437, 43.6045, z)
    assert tile_of(1.4450, 43.6010, z) == (x, y)
    response = await get_tile(client, z, x, y)
    assert response.status_code == 200
    assert response.headers["content-type"] == MVT
    raw_tile = vector_tile_pb2.tile()
    raw_tile.ParseFromString(response.content)
    assert [layer.version for layer in raw_tile.layers] == [2]  # MVT 2.x
    features = {f["properties"]["nom"]: f for f in decode(response.content)}
    assert set(features) == {"Capitole", "Jardin"}
    capitole_feature = features["Capitole"]
    assert capitole_feature["geometry"]["type"] == "Point"
    expected = in_tile_position(1.4437, 43.6045, z)
    assert capitole_feature["geometry"]["coordinates"] == pytest.approx(list(expected), abs=0.51)
    assert capitole_feature["properties"] == {
        "id": str(capitole), "slug": capitole_feature["properties"]["slug"], "nom": "Capitole",
        "statut": "ouvert", "types": "coworking,fablab", "postes": 12, "fraicheur": "a_verifier",
        "ferme_temporairement": False}  # inserted by SQL: never verified
    assert features["Jardin"]["properties"]["id"] == str(jardin)
    assert "postes" not in features["Jardin"]["properties"]
    assert features["Jardin"]["geometry"]["coordinates"] == pytest.approx(
        list(in_tile_position(1.4450, 43.6010, z)), abs=0.51)


async def test_a_place_on_a_tile_border_is_in_exactly_one_tile(client: httpx.AsyncClient, raw: Any) -> None:
    await insert_place(raw, "Greenwich", lon=0.0, lat=43.0, departement="32")
    z = 10
    east_x, y = tile_of(0.0, 43.0, z)
    assert east_x == 2 ** (z - 1)
    east = await get_tile(client, z, east_x, y)
    west = await get_tile(client, z, east_x - 1, y)
    assert [f["properties"]["nom"] for f in decode(east.content)] == ["Greenwich"]
    assert decode(east.content)[0]["geometry"]["coordinates"][0] == 0
    assert west.status_code == 204


async def test_low_zooms_group_places_with_point_count(client: httpx.AsyncClient, raw: Any) -> None:
    for i in range(5):  # five places a few hundred metres apart: one group
        await insert_place(raw, f"Groupe {i}", lon=1.44 + i * 0.002, lat=43.60)
    alone = await insert_place(raw, "Seul", lon=2.148, lat=43.929, departement="81", desks=2)
    z = 7
    x, y = tile_of(1.44, 43.60, z)
    assert tile_of(2.148, 43.929, z) == (x, y)
    features = decode((await get_tile(client, z, x, y)).content)
    groups = [f for f in features if "point_count" in f["properties"]]
    singles = [f for f in features if "point_count" not in f["properties"]]
    assert [g["properties"] for g in groups] == [{"point_count": 5}]
    mean = in_tile_position(1.444, 43.60, z)
    assert groups[0]["geometry"]["coordinates"] == pytest.approx(list(mean), abs=1.0)
    assert [s["properties"]["id"] for s in singles] == [str(alone)]
    assert singles[0]["properties"]["postes"] == 2
    # Above the clustering zooms, the same places are separate points.
    z = 9
    x, y = tile_of(1.44, 43.60, z)
    assert len(decode((await get_tile(client, z, x, y)).content)) == 5


async def test_tiles_take_the_place_filters(client: httpx.AsyncClient, raw: Any) -> None:
    await insert_place(raw, "Avec postes", lon=1.44, lat=43.60, desks=4, services=["wifi"])
    await insert_place(raw, "Sans postes", lon=1.45, lat=43.61, types=["fablab"])
    await insert_place(raw, "Ferme", lon=1.46, lat=43.62, status="ferme")
    await insert_place(raw, "A valider", lon=1.43, lat=43.59, moderation="a_valider", desks=9)
    z = 12
    x, y = tile_of(1.44, 43.60, z)

    async def names(**params: Any) -> set[str]:
        response = await get_tile(client, z, x, y, **params)
        if response.status_code == 204:
            return set()
        assert response.status_code == 200, response.text
        return {f["properties"]["nom"] for f in decode(response.content)}

    assert await names() == {"Avec postes", "Sans postes", "Ferme"}
    assert await names(teletravail="true") == {"Avec postes"}
    assert await names(statut="ferme") == {"Ferme"}
    assert await names(type="fablab") == {"Sans postes"}
    assert await names(services="wifi") == {"Avec postes"}
    assert await names(departement="34") == set()
    bad = await get_tile(client, z, x, y, statut="vendu")
    assert bad.status_code == 400
    assert bad.json()["errors"][0]["name"] == "statut"


async def test_empty_tiles_are_204_and_tiles_have_etags(client: httpx.AsyncClient, raw: Any) -> None:
    empty = await get_tile(client, 5, 0, 0)
    assert empty.status_code == 204 and empty.content == b""
    assert empty.headers["cache-control"].startswith("public, max-age=")
    await insert_place(raw, "Etag", lon=1.44, lat=43.60)
    x, y = tile_of(1.44, 43.60, 11)
    first = await get_tile(client, 11, x, y)
    etag = first.headers["etag"]
    assert first.status_code == 200 and etag.startswith('"')
    assert first.headers["cache-control"] == "public, max-age=300, stale-while-revalidate=3600"
    again = await client.get(f"/v1/tuiles/11/{x}/{y}.mvt", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert (await client.get(f"/v1/tuiles/11/{x}/{y}.mvt", headers={"If-None-Match": '"other"'})).status_code == 200
    await insert_place(raw, "Etag bis", lon=1.441, lat=43.601)
    changed = await get_tile(client, 11, x, y)
    assert changed.headers["etag"] != etag


@pytest.mark.parametrize(("path", "name"), [
    ("/v1/tuiles/23/0/0.mvt", "z"), ("/v1/tuiles/-1/0/0.mvt", "z"), ("/v1/tuiles/3/8/0.mvt", "x"),
    ("/v1/tuiles/3/0/8.mvt", "y"), ("/v1/tuiles/0/0/1.mvt", "y"), ("/v1/tuiles/a/0/0.mvt", "z"),
    ("/v1/tuiles/2/1/b.mvt", "y"),
])
async def test_tile_coordinates_outside_the_grid_are_400(client: httpx.AsyncClient, path: str, name: str) -> None:
    response = await client.get(path)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"][0]["name"] == name


async def test_a_crowded_low_zoom_tile_stays_light(client: httpx.AsyncClient, raw: Any) -> None:
    x, y = tile_of(0.7, 43.5, 8)
    west, south, east, north = _tile_bounds(8, x, y)
    # 20,000 places on a 125 x 160 grid inside that z8 tile (about 110 km wide), west of Toulouse.
    await raw.execute("""
        INSERT INTO place (slug, name, status, department_code, geom, source)
        SELECT 'dense-' || i, 'Dense ' || i, 'ouvert', '31',
               ST_SetSRID(ST_MakePoint($1::float8 + ((i % 125) + 0.5) * ($3::float8 - $1) / 125,
                                       $2::float8 + ((i / 125) + 0.5) * ($4::float8 - $2) / 160), 4326), 'tests/geo'
        FROM generate_series(0, 19999) AS i""", west, south, east, north)
    response = await get_tile(client, 8, x, y)
    assert response.status_code == 200
    features = decode(response.content)
    assert len(response.content) <= 50_000
    assert len(features) <= 16 * 16
    assert sum(f["properties"].get("point_count", 1) for f in features) == 20_000


def _tile_bounds(z: int, x: int, y: int) -> tuple[float, float, float, float]:
    n = 2 ** z

    def lat(row: int) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    return x / n * 360 - 180, lat(y + 1), (x + 1) / n * 360 - 180, lat(y)


async def test_tilejson_describes_the_tiles_with_the_filters(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/tuiles.json?teletravail=true&departement=31&departement=81")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json"
    document = response.json()
    assert document["tilejson"] == "3.0.0"
    (template,) = document["tiles"]
    parts = urlsplit(template)
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == "http://test/v1/tuiles/{z}/{x}/{y}.mvt"
    assert parse_qs(parts.query) == {"teletravail": ["true"], "departement": ["31", "81"]}
    assert (document["minzoom"], document["maxzoom"]) == (0, 16)
    assert document["bounds"] == pytest.approx([-0.327, 42.334, 4.842, 45.046], abs=0.01)
    (layer,) = document["vector_layers"]
    assert layer["id"] == "lieux"
    assert {"id", "slug", "nom", "statut", "types", "postes", "point_count"} <= set(layer["fields"])
    plain = (await client.get("/v1/tuiles.json")).json()
    assert plain["tiles"] == ["http://test/v1/tuiles/{z}/{x}/{y}.mvt"]
    bad = await client.get("/v1/tuiles.json?teletravail=peut-etre")
    assert bad.status_code == 400


async def test_a_tile_is_the_same_bytes_whatever_the_plan(client: httpx.AsyncClient, raw: Any) -> None:
    """The same data gives the same tile, so the same ETag: features come in a fixed order (clusters by
    cell, places by id), not in the order a hash aggregate or a scan happens to give, which changes with the
    plan (PostgreSQL may switch a prepared statement to a generic plan from its sixth execution)."""
    for i in range(40):  # 40 groups of two over the region, and as many lone places
        lon, lat = 0.2 + (i % 8) * 0.5, 42.8 + (i // 8) * 0.4
        await insert_place(raw, f"Paire {i}a", lon=lon, lat=lat)
        await insert_place(raw, f"Paire {i}b", lon=lon + 0.001, lat=lat)
        await insert_place(raw, f"Seul {i}", lon=lon + 0.2, lat=lat + 0.15)
    for z, params in ((5, {"statut": "ouvert"}), (5, {}), (10, {"statut": "ouvert"})):
        x, y = tile_of(1.4, 43.6, z)
        bodies = {(await get_tile(client, z, x, y, **params)).content for _ in range(8)}
        assert len(bodies) == 1, (z, params)
    # The fixed order itself: clusters by grid cell (column, then row), places by id.
    clustered = decode((await get_tile(client, 5, *tile_of(1.4, 43.6, 5), statut="ouvert")).content)
    cells = [(int(f["geometry"]["coordinates"][0] // 256), int(f["geometry"]["coordinates"][1] // 256))
             for f in clustered]
    assert len(clustered) > 10 and cells == sorted(cells)
    for j in range(12):
        await insert_place(raw, f"Proche {j}", lon=1.30 + 0.005 * j, lat=43.55 + 0.002 * j)  # one z10 tile
    points = decode((await get_tile(client, 10, *tile_of(1.35, 43.57, 10), statut="ouvert")).content)
    ids = [f["properties"]["id"] for f in points]
    assert len(ids) >= 12 and ids == sorted(ids)
