"""French full-text search: accents, plurals, hyphens, prefixes, and ranking (title above content)."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.practices.factories import make_practice


async def _titles(client: httpx.AsyncClient, q: str) -> list[str]:
    response = await client.get("/v1/bonnes-pratiques", params={"q": q})
    assert response.status_code == 200, response.text
    return [item["titre"] for item in response.json()["items"]]


async def test_accents_plurals_and_hyphens_are_folded(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_practice(session, titre="Un télécentre en Ariège", contenu="Des coworkings dans les tiers-lieux.")
    await make_practice(session, titre="Gouvernance partagée", resume="Qui décide quoi dans une coopérative.",
                        contenu="Les collèges d'une SCIC.", thematiques=["gouvernance"])
    for q in ["Ariège", "ariege", "ARIEGE", "tiers-lieux", "tiers lieu", "tiers-lieu", "coworking", "coworkings",
              "telecentre", "télécentres", "cowork"]:
        assert await _titles(client, q) == ["Un télécentre en Ariège"], q
    assert await _titles(client, "scic gouvernances") == ["Gouvernance partagée"]
    assert await _titles(client, "ariege gouvernance") == []  # every word must match
    assert await _titles(client, "fablab") == []


async def test_a_title_match_ranks_above_a_content_only_match(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    await make_practice(session, titre="Ouvrir le lieu le samedi",
                        contenu="Une journée où le télétravail des salariés du territoire est mis en avant.")
    await make_practice(session, titre="Télétravail : un pass avec l'EPCI", contenu="Un carnet de 10 journées.")
    await make_practice(session, titre="Accueillir les nouveaux", resume="Un accueil pensé pour les télétravailleurs.",
                        contenu="Un référent par jour.")
    # title (weight A) > summary (B) > content (C)
    assert await _titles(client, "teletravail") == [
        "Télétravail : un pass avec l'EPCI", "Accueillir les nouveaux", "Ouvrir le lieu le samedi"]


async def test_pages_of_a_ranked_search_are_stable(client: httpx.AsyncClient, session: AsyncSession) -> None:
    for i in range(5):
        await make_practice(session, titre=f"Fablab {i}", contenu="fablab " * i + "atelier")
    seen, url = [], "/v1/bonnes-pratiques?q=fablab&limit=2"
    while url:
        body = (await client.get(url)).json()
        seen += [item["titre"] for item in body["items"]]
        url = body["next"]
    assert sorted(seen) == [f"Fablab {i}" for i in range(5)]
