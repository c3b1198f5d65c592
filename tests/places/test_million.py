"""Reads that stay bounded at a million places: how totals are counted, and relevance over a bounded
candidate set (README, "Bounded at a million places"). Statistics are refreshed with ANALYZE inside the
test's transaction, so that the planner sees the rows the test inserted."""

import json
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.places.queries import EXACT_COUNT_LIMIT, RANK_CANDIDATES


async def _insert_many(session: AsyncSession, n: int, name: str, *, lon: float = 1.44, lat: float = 43.6) -> Any:
    """n published places within ~1 km of (lon, lat), in one statement."""
    raw = await raw_connection(session)
    await raw.execute("""
        INSERT INTO place (slug, name, status, department_code, geom, moderation, commune, source)
        SELECT $1 || '-' || i, $2 || ' ' || i, 'ouvert', '31',
               ST_SetSRID(ST_MakePoint($3 + (i % 40) * 0.0002, $4 + (i / 40) * 0.0002), 4326), 'publie',
               'Toulouse', 'tests'
        FROM generate_series(1, $5) AS i""", name.lower(), name, lon, lat, n)
    await raw.execute("ANALYZE place")
    return raw


async def _walk(client: httpx.AsyncClient, params: dict[str, Any]) -> list[str]:
    ids: list[str] = []
    url: str | None = "/v1/lieux"
    while url is not None:
        response = await client.get(url, params=params if url == "/v1/lieux" else None)
        assert response.status_code == 200, response.text
        body = response.json()
        ids += [item["id"] for item in body["items"]]
        url = body["next"]
    return ids


async def test_a_page_holding_every_match_is_the_exact_total(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _insert_many(session, 30, "Petit")
    body = (await client.get("/v1/lieux", params={"bbox": "1.43,43.59,1.46,43.61", "limit": 50})).json()
    assert (body["total"], body["total_estime"], len(body["items"])) == (30, False, 30)
    # Several pages, and the planner expects few: counted exactly.
    body = (await client.get("/v1/lieux", params={"bbox": "1.43,43.59,1.46,43.61", "limit": 10})).json()
    assert (body["total"], body["total_estime"], len(body["items"])) == (30, False, 10)


async def test_more_than_1000_expected_matches_give_the_planners_estimate(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    raw = await _insert_many(session, 1_500, "Dense")
    box = "1.43,43.59,1.46,43.63"
    plan = await raw.fetchval("EXPLAIN (FORMAT JSON) SELECT 1 FROM place p WHERE p.moderation = 'publie' "
                              "AND p.geom && ST_MakeEnvelope(1.43, 43.59, 1.46, 43.63, 4326)")
    expected = (json.loads(plan) if isinstance(plan, str) else plan)[0]["Plan"]["Plan Rows"]
    assert expected > EXACT_COUNT_LIMIT
    body = (await client.get("/v1/lieux", params={"bbox": box, "limit": 100})).json()
    assert (body["total"], body["total_estime"]) == (round(expected), True)
    assert len(body["items"]) == 100 and body["next"] is not None
    # The pages still walk every match exactly once.
    ids = await _walk(client, {"bbox": box, "limit": 200})
    assert len(ids) == len(set(ids)) == 1_500
    # Around pres_de: the estimate of the circle's box, times pi/4 (the planner cannot estimate the circle).
    near = (await client.get("/v1/lieux", params={"pres_de": "43.6,1.44", "rayon": 5000, "limit": 10})).json()
    assert near["total_estime"] is True and near["total"] > EXACT_COUNT_LIMIT
    assert [item["distance_m"] for item in near["items"]] == sorted(item["distance_m"] for item in near["items"])


async def test_relevance_ranks_a_bounded_candidate_set(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await _insert_many(session, RANK_CANDIDATES + 200, "Coworking")
    ranked = await _walk(client, {"q": "coworking", "limit": 200})
    assert len(ranked) == len(set(ranked)) == RANK_CANDIDATES  # relevance among the first 1,000 found
    by_name = await _walk(client, {"q": "coworking", "tri": "nom", "limit": 200})
    assert len(by_name) == len(set(by_name)) == RANK_CANDIDATES + 200  # tri=nom walks every match
    first = (await client.get("/v1/lieux", params={"q": "coworking"})).json()
    assert first["total_estime"] is True and first["total"] > EXACT_COUNT_LIMIT


async def test_relevance_totals_come_from_the_candidates(client: httpx.AsyncClient, session: AsyncSession) -> None:
    # Every match a candidate (exactly RANK_CANDIDATES): their number is the exact total, on every page.
    raw = await _insert_many(session, RANK_CANDIDATES, "Atelier")
    first = (await client.get("/v1/lieux", params={"q": "atelier"})).json()
    assert (first["total"], first["total_estime"], len(first["items"])) == (RANK_CANDIDATES, False, 20)
    second = (await client.get(first["next"])).json()
    assert (second["total"], second["total_estime"], len(second["items"])) == (RANK_CANDIDATES, False, 20)
    # One more match than candidates: more than RANK_CANDIDATES, so the planner's estimate, flagged.
    await raw.execute("INSERT INTO place (slug, name, status, department_code, moderation, source) "
                      "VALUES ('atelier-de-plus', 'Atelier de plus', 'en_projet', '31', 'publie', 'tests')")
    body = (await client.get("/v1/lieux", params={"q": "atelier"})).json()
    assert body["total_estime"] is True and body["total"] > RANK_CANDIDATES
