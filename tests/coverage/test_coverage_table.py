"""GET /v1/maillage: the figures equal an independent computation on the demo data."""

import uuid
from collections import defaultdict

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from tests.coverage import reference
from tests.coverage.test_data import REGION_POPULATION_2021


def expected_table(radius_km: float) -> dict[str, dict[str, int]]:
    covered = reference.covered_insee(radius_km * 1000)
    table: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for c in reference.communes():
        row = table[c.dep]
        row["population"] += c.population
        row["communes"] += 1
        if c.insee in covered:
            row["population_couverte"] += c.population
            row["communes_couvertes"] += 1
    return {dep: dict(row) for dep, row in table.items()}


def figures(row: dict) -> dict[str, int]:
    return {k: row[k] for k in ("population", "population_couverte", "communes", "communes_couvertes")}


@pytest.mark.parametrize("radius_km", [5, 15, 40])
async def test_figures_match_an_independent_geodesic_computation(
    client: httpx.AsyncClient, demo_places: dict[str, str], radius_km: int,
) -> None:
    response = await client.get("/v1/maillage", params={"rayon_km": radius_km})
    assert response.status_code == 200, response.text
    body = response.json()
    expected = expected_table(radius_km)
    assert body["rayon_km"] == radius_km
    assert body["lieux"] == 165
    assert {row["code"]: figures(row) for row in body["departements"]} == {
        dep: {"population_couverte": 0, "communes_couvertes": 0, **row} for dep, row in expected.items()}
    for row in body["departements"]:
        assert row["communes_non_couvertes"] == row["communes"] - row["communes_couvertes"]
        assert row["part_couverte"] == round(row["population_couverte"] / row["population"], 4)
    total = body["total"]
    assert total["population"] == REGION_POPULATION_2021
    assert total["population_couverte"] == sum(r["population_couverte"] for r in body["departements"])
    assert total["communes"] == 4453
    assert [d["nom"] for d in body["departements"][:2]] == ["Ariège", "Aude"]


async def test_without_places_nothing_is_covered(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/maillage")).json()
    assert body["lieux"] == 0
    assert body["rayon_km"] == 15
    assert body["total"] == {"population": REGION_POPULATION_2021, "population_couverte": 0, "part_couverte": 0,
                             "communes": 4453, "communes_couvertes": 0, "communes_non_couvertes": 4453}


async def test_place_filters_select_the_places_that_count(
    client: httpx.AsyncClient, demo_places: dict[str, str],
) -> None:
    # The census records no telework desks: no place counts.
    body = (await client.get("/v1/maillage", params={"teletravail": "true"})).json()
    assert (body["lieux"], body["total"]["population_couverte"]) == (0, 0)
    fablabs = (await client.get("/v1/maillage", params={"type": "fablab"})).json()
    everything = (await client.get("/v1/maillage")).json()
    assert 0 < fablabs["lieux"] < everything["lieux"]
    assert 0 < fablabs["total"]["population_couverte"] < everything["total"]["population_couverte"]


async def test_places_of_one_department_cover_across_its_borders(
    client: httpx.AsyncClient, demo_places: dict[str, str],
) -> None:
    body = (await client.get("/v1/maillage", params={"departement_lieu": "31", "rayon_km": 30})).json()
    rows = {r["code"]: r for r in body["departements"]}
    assert rows["31"]["communes_couvertes"] > 0
    assert rows["32"]["communes_couvertes"] > 0  # Gers communes near Toulouse's places
    assert rows["66"]["communes_couvertes"] == 0  # Pyrénées-Orientales are far away


async def test_departement_narrows_the_communes_not_the_places(
    client: httpx.AsyncClient, demo_places: dict[str, str],
) -> None:
    everything = (await client.get("/v1/maillage")).json()
    lot = (await client.get("/v1/maillage", params={"departement": "46"})).json()
    assert [r["code"] for r in lot["departements"]] == ["46"]
    assert lot["lieux"] == everything["lieux"]
    expected = next(r for r in everything["departements"] if r["code"] == "46")
    assert lot["departements"][0] == expected
    assert lot["total"] == {k: v for k, v in expected.items() if k not in ("code", "nom")}


async def _add_place(session: AsyncSession, status: str, lon: float, lat: float, moderation: str = "publie") -> None:
    await session.execute(text(
        "INSERT INTO place (slug, name, status, department_code, geom, moderation) "
        "VALUES (:slug, 'Test', :status, '48', ST_SetSRID(ST_MakePoint(:lon, :lat), 4326), :moderation)"),
        {"slug": f"test-{uuid.uuid4().hex[:8]}", "status": status, "lon": lon, "lat": lat, "moderation": moderation})


async def test_planned_places_count_with_inclure_projets(client: httpx.AsyncClient, session: AsyncSession) -> None:
    mende = next(c for c in reference.communes() if c.name == "Mende")
    await _add_place(session, "en_projet", mende.lon, mende.lat)
    await _add_place(session, "ferme", mende.lon, mende.lat)
    await _add_place(session, "ouvert", mende.lon, mende.lat, moderation="a_valider")  # not published
    today = (await client.get("/v1/maillage")).json()
    assert (today["lieux"], today["total"]["population_couverte"]) == (0, 0)
    planned = (await client.get("/v1/maillage", params={"inclure_projets": "true"})).json()
    assert planned["lieux"] == 1
    lozere = next(r for r in planned["departements"] if r["code"] == "48")
    assert lozere["population_couverte"] >= mende.population
    assert planned["total"]["population_couverte"] == lozere["population_couverte"]
    closed = (await client.get("/v1/maillage", params={"statut": "ferme"})).json()
    assert closed["total"] == planned["total"]
    both = (await client.get("/v1/maillage", params={"statut": "ferme", "inclure_projets": "true"})).json()
    assert both["lieux"] == 2


async def test_cacheable_with_etag(client: httpx.AsyncClient) -> None:
    first = await client.get("/v1/maillage", params={"rayon_km": 10})
    assert first.headers["cache-control"].startswith("public")
    etag = first.headers["etag"]
    again = await client.get("/v1/maillage", params={"rayon_km": 10}, headers={"If-None-Match": etag})
    assert again.status_code == 304
    assert again.content == b""
    other = await client.get("/v1/maillage", params={"rayon_km": 11}, headers={"If-None-Match": etag})
    assert other.status_code == 200
    assert other.headers["etag"] != etag


@pytest.mark.parametrize(("params", "name"), [
    ({"rayon_km": "0.5"}, "rayon_km"),
    ({"rayon_km": "101"}, "rayon_km"),
    ({"rayon_km": "nan"}, "rayon_km"),
    ({"rayon_km": "abc"}, "rayon_km"),
    ({"departement": "75"}, "departement"),
    ({"departement_lieu": "75"}, "departement_lieu"),
    ({"departement_lieu": ["31"] * 21}, "departement_lieu"),  # at most 20 values, as on /v1/lieux
    ({"statut": "ailleurs"}, "statut"),
    ({"inclure_projets": "peut-etre"}, "inclure_projets"),
])
async def test_invalid_parameters_are_400_naming_them(client: httpx.AsyncClient, params: dict, name: str) -> None:
    response = await client.get("/v1/maillage", params=params)
    assert response.status_code == 400
    assert response.headers["content-type"] == "application/problem+json"
    assert [e["name"] for e in response.json()["errors"]] == [name]
