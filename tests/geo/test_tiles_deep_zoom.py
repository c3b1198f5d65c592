"""Tiles at zoom 20-22 (issue #14 item 18): every tile of Occitanie answers, with each place at its
position, and TileJSON advertises the deepest zoom the data needs so that clients overzoom beyond."""

from typing import Any

import httpx
import mapbox_vector_tile
import pytest

from tests.geo.conftest import in_tile_position, insert_place, tile_of


@pytest.mark.parametrize("z", [16, 20, 21, 22])
async def test_deep_zoom_tiles_east_of_greenwich(client: httpx.AsyncClient, raw: Any, z: int) -> None:
    await insert_place(raw, "Montpellier", lon=3.876716, lat=43.610769, departement="34")
    x, y = tile_of(3.876716, 43.610769, z)
    response = await client.get(f"/v1/tuiles/{z}/{x}/{y}.mvt")
    assert response.status_code == 200, response.text
    (feature,) = mapbox_vector_tile.decode(response.content, default_options={"y_coord_down": True})[
        "lieux"]["features"]
    assert feature["properties"]["nom"] == "Montpellier"
    assert feature["geometry"]["coordinates"] == pytest.approx(
        list(in_tile_position(3.876716, 43.610769, z)), abs=0.51)


async def test_the_last_tile_of_zoom_22_is_empty_not_an_error(client: httpx.AsyncClient) -> None:
    last = 2 ** 22 - 1
    assert (await client.get(f"/v1/tuiles/22/{last}/{last}.mvt")).status_code == 204


async def test_tilejson_advertises_the_zoom_the_data_needs(client: httpx.AsyncClient) -> None:
    document = (await client.get("/v1/tuiles.json")).json()
    assert (document["minzoom"], document["maxzoom"]) == (0, 16)
    assert (document["vector_layers"][0]["minzoom"], document["vector_layers"][0]["maxzoom"]) == (0, 16)
