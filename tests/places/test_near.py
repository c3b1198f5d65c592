"""`pres_de`: nearest first, geodesic distances, checked against an independent computation."""

import itertools

import httpx
import pytest
from geographiclib.geodesic import Geodesic
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places.demo import load_census
from reseau_api.places.models import Place

POINTS = [(43.6045, 1.4440), (43.6108, 3.8767), (44.5180, 3.5000), (42.6986, 2.8954), (43.2328, 0.0781)]


@pytest.mark.parametrize(("lat", "lon"), POINTS)
async def test_nearest_match_brute_force_geodesic(
    client: httpx.AsyncClient, session: AsyncSession, lat: float, lon: float,
) -> None:
    await load_census(session, False)
    rows = (await session.execute(select(Place.id, Place.lat, Place.lon))).all()
    expected = sorted(
        (Geodesic.WGS84.Inverse(lat, lon, row.lat, row.lon)["s12"], str(row.id)) for row in rows
    )
    within = [(d, i) for d, i in expected if d <= 100_000]
    response = await client.get(f"/v1/lieux?pres_de={lat},{lon}&rayon=100000&limit=10")
    assert response.status_code == 200
    body = response.json()
    assert body["total"] == len(within)
    items = body["items"]
    assert len(items) == min(10, len(within))
    for item, (distance, _) in zip(items, within, strict=False):
        assert abs(item["distance_m"] - distance) <= 1  # integer metres on the WGS 84 spheroid
    # Same set of nearest places (ties within a metre may swap order).
    distances = [item["distance_m"] for item in items]
    assert distances == sorted(distances)
    assert {item["id"] for item in items} == {i for _, i in within[: len(items)]}


async def test_radius_bounds_the_results(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await load_census(session, False)
    body = (await client.get("/v1/lieux?pres_de=43.6045,1.4440&rayon=1000&limit=200")).json()
    assert body["items"] and all(item["distance_m"] <= 1000 for item in body["items"])
    wider = (await client.get("/v1/lieux?pres_de=43.6045,1.4440&rayon=5000&limit=200")).json()
    assert wider["total"] > body["total"]


async def test_distance_pages_walk_in_order(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await load_census(session, False)
    url: str | None = "/v1/lieux?pres_de=43.6045,1.4440&rayon=50000&limit=7"
    distances: list[int] = []
    ids: list[str] = []
    total = None
    while url:
        body = (await client.get(url)).json()
        total = body["total"]
        distances += [item["distance_m"] for item in body["items"]]
        ids += [item["id"] for item in body["items"]]
        url = body["next"]
    assert len(ids) == len(set(ids)) == total
    assert all(b - a >= -1 for a, b in itertools.pairwise(distances))
