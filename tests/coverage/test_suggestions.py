"""GET /v1/maillage/suggestions: the greedy equals an independent set-based greedy, and each pick's gain
is exactly what /v1/maillage reports once a place opens there."""

import uuid

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.coverage import reference
from tests.coverage.test_data import REGION_POPULATION_2021


def as_picks(body: dict) -> list[reference.Pick]:
    return [reference.Pick(s["code_insee"], s["population_gagnee"], s["communes_gagnees"])
            for s in body["suggestions"]]


@pytest.mark.parametrize(("departements", "radius_km", "n"), [(["46"], 15, 8), (["09", "11"], 25, 6)])
async def test_picks_match_an_independent_greedy(
    client: httpx.AsyncClient, demo_places: dict[str, str], departements: list[str], radius_km: int, n: int,
) -> None:
    territory = [c for c in reference.communes() if c.dep in departements]
    covered = reference.covered_insee(radius_km * 1000)
    expected = reference.greedy(territory, covered, radius_km * 1000, n)
    response = await client.get("/v1/maillage/suggestions",
                                params={"departement": departements, "rayon_km": radius_km, "n": n})
    assert response.status_code == 200, response.text
    body = response.json()
    assert as_picks(body) == expected
    population = sum(c.population for c in territory)
    covered_now = sum(c.population for c in territory if c.insee in covered)
    assert (body["population"], body["population_couverte"]) == (population, covered_now)
    cumulative = covered_now
    for rank, suggestion in enumerate(body["suggestions"], start=1):
        cumulative += suggestion["population_gagnee"]
        assert suggestion["rang"] == rank
        assert suggestion["population_couverte_cumulee"] == cumulative
        assert suggestion["part_couverte_cumulee"] == round(cumulative / population, 4)
        assert suggestion["departement"] in departements
    gains = [s["population_gagnee"] for s in body["suggestions"]]
    assert gains == sorted(gains, reverse=True)  # greedy gains never grow


async def test_from_scratch_matches_the_independent_greedy(client: httpx.AsyncClient) -> None:
    """No place at all (what `teletravail=true` gives on the demo): every commune is a target."""
    territory = [c for c in reference.communes() if c.dep in ("12", "46")]
    expected = reference.greedy(territory, set(), 20_000, 5)
    body = (await client.get("/v1/maillage/suggestions",
                             params={"departement": ["12", "46"], "rayon_km": 20})).json()
    assert body["lieux"] == 0
    assert as_picks(body) == expected


async def _open_place_at(session: AsyncSession, suggestion: dict) -> None:
    await session.execute(text(
        "INSERT INTO place (slug, name, status, department_code, geom) VALUES "
        "(:slug, 'Suggested', 'ouvert', :dep, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326))"),
        {"slug": f"s-{uuid.uuid4().hex[:8]}", "dep": suggestion["departement"], **suggestion["position"]})


@pytest.mark.parametrize(("radius_km", "params"), [(15, {}), (60, {"type": "fablab"})])
async def test_opening_the_suggested_places_gives_the_announced_coverage(
    client: httpx.AsyncClient, session: AsyncSession, demo_places: dict[str, str], radius_km: int, params: dict,
) -> None:
    """Whole region: the in-memory coverage agrees with PostGIS, pick after pick."""
    query = {"rayon_km": radius_km, **params}  # `n` only for suggestions: the table refuses it (no effect)
    body = (await client.get("/v1/maillage/suggestions", params={**query, "n": 5})).json()
    assert body["population"] == REGION_POPULATION_2021
    table = (await client.get("/v1/maillage", params=query)).json()
    assert body["population_couverte"] == table["total"]["population_couverte"]
    assert len(body["suggestions"]) == 5
    for suggestion in body["suggestions"]:
        await _open_place_at(session, suggestion)
        if params:  # the new place must match the filters to count
            await session.execute(text("UPDATE place SET types = '{fablab}' WHERE name = 'Suggested'"))
        table = (await client.get("/v1/maillage", params=query)).json()
        assert table["total"]["population_couverte"] == suggestion["population_couverte_cumulee"]
    again = (await client.get("/v1/maillage/suggestions", params={**query, "n": 5})).json()
    assert again["population_couverte"] == body["suggestions"][-1]["population_couverte_cumulee"]


async def test_stops_when_nothing_is_left_to_cover(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await session.execute(text("DELETE FROM commune WHERE department_code <> '48' OR population < 1000"))
    body = (await client.get("/v1/maillage/suggestions", params={"rayon_km": 100, "n": 50})).json()
    assert body["population"] == body["suggestions"][-1]["population_couverte_cumulee"]
    assert body["suggestions"][-1]["part_couverte_cumulee"] == 1
    assert len(body["suggestions"]) < 50


async def test_cacheable_with_etag(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/maillage/suggestions", params={"departement": "48"})
    assert first.headers["cache-control"].startswith("public")
    again = await client.get("/v1/maillage/suggestions", params={"departement": "48"},
                             headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304


@pytest.mark.parametrize(("params", "name"), [
    ({"n": "0"}, "n"), ({"n": "51"}, "n"), ({"n": "x"}, "n"),
    ({"rayon_km": "0.99"}, "rayon_km"), ({"rayon_km": "100.5"}, "rayon_km"), ({"rayon_km": "inf"}, "rayon_km"),
    ({"departement": "99"}, "departement"), ({"type": "garage"}, "type"),
])
async def test_invalid_parameters_are_400(client: httpx.AsyncClient, params: dict, name: str) -> None:
    response = await client.get("/v1/maillage/suggestions", params=params)
    assert response.status_code == 400
    assert [e["name"] for e in response.json()["errors"]] == [name]
