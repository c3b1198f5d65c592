"""The public list of places: filters, combinations, order, pagination, formats."""

import csv
import io
from datetime import datetime, timedelta

import httpx
from sqlalchemy import update
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places.models import Place
from tests.factories import make_place

MONTPELLIER = {"lon": 3.876716, "lat": 43.610769}
FOIX = {"lon": 1.605381, "lat": 42.964127}
ALBI = {"lon": 2.148641, "lat": 43.928601}


async def names(client: httpx.AsyncClient, query: str) -> list[str]:
    response = await client.get(f"/v1/lieux?{query}")
    assert response.status_code == 200, response.text
    return [item["nom"] for item in response.json()["items"]]


async def seed_three(session: AsyncSession) -> None:
    await make_place(session, nom="Atelier du Capitole", types=["fablab", "atelier_partage"],
                     services=["wifi", "impression"])
    await make_place(session, nom="Cowork Montpellier Gare", departement="34", commune="Montpellier",
                     code_insee="34172", code_postal="34000", position=MONTPELLIER, services=["wifi", "visio"],
                     teletravail={"postes": 12, "prix_journee": "18.50"},
                     description="Espace de coworking à deux pas de la gare")
    await make_place(session, nom="Le Tiers-Lieu de l'Ariège", departement="09", commune="Foix", code_insee="09122",
                     code_postal="09000", position=FOIX, types=["tiers_lieu_rural", "coworking"],
                     teletravail={"postes": 4, "prix_journee": "10"}, services=["wifi"])


async def test_list_shape_and_default_order(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await seed_three(session)
    response = await client.get("/v1/lieux")
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"items", "total", "total_estime", "next"}
    assert body["total"] == 3 and body["total_estime"] is False and body["next"] is None
    assert [i["nom"] for i in body["items"]] == [
        "Atelier du Capitole", "Cowork Montpellier Gare", "Le Tiers-Lieu de l'Ariège"]
    item = body["items"][1]
    assert item["position"] == {"lon": 3.876716, "lat": 43.610769}
    assert item["postes"] == 12 and item["prix_journee"] == 18.5
    assert item["departement"] == "34" and item["services"] == ["wifi", "visio"]
    assert item["distance_m"] is None


async def test_drafts_never_appear(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_place(session, nom="Publié")
    await make_place(session, nom="Brouillon", moderation="a_valider")
    await make_place(session, nom="Rejeté", moderation="rejete")
    assert await names(client, "") == ["Publié"]
    draft = await make_place(session, nom="Autre brouillon", moderation="a_valider")
    assert (await client.get(f"/v1/lieux/{draft.id}")).status_code == 404
    assert (await client.get(f"/v1/lieux/{draft.slug}")).status_code == 404


async def test_each_filter(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await seed_three(session)
    await make_place(session, nom="Projet à Albi", statut="en_projet", departement="81", commune="Albi",
                     position=ALBI, code_insee="81004", code_postal="81000")
    assert await names(client, "type=fablab") == ["Atelier du Capitole"]
    assert await names(client, "type=fablab&type=tiers_lieu_rural") == [
        "Atelier du Capitole", "Le Tiers-Lieu de l'Ariège"]
    assert await names(client, "statut=en_projet") == ["Projet à Albi"]
    assert await names(client, "departement=34&departement=09") == [
        "Cowork Montpellier Gare", "Le Tiers-Lieu de l'Ariège"]
    assert await names(client, "code_insee=09122") == ["Le Tiers-Lieu de l'Ariège"]
    assert await names(client, "services=wifi&services=impression") == ["Atelier du Capitole"]
    assert await names(client, "services=visio") == ["Cowork Montpellier Gare"]
    assert await names(client, "teletravail=true") == ["Cowork Montpellier Gare", "Le Tiers-Lieu de l'Ariège"]
    assert await names(client, "teletravail=false") == ["Atelier du Capitole", "Projet à Albi"]
    assert await names(client, "postes_min=5") == ["Cowork Montpellier Gare"]
    assert await names(client, "prix_journee_max=15") == ["Le Tiers-Lieu de l'Ariège"]
    assert await names(client, "bbox=3.5,43.4,4.0,43.8") == ["Cowork Montpellier Gare"]


async def test_filters_combine_with_and(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await seed_three(session)
    assert await names(client, "services=wifi&teletravail=true&departement=09") == ["Le Tiers-Lieu de l'Ariège"]
    assert await names(client, "type=coworking&prix_journee_max=20&bbox=3.5,43.4,4.0,43.8") == [
        "Cowork Montpellier Gare"]
    assert await names(client, "type=fablab&teletravail=true") == []
    assert await names(client, "q=coworking&departement=34") == ["Cowork Montpellier Gare"]


async def test_full_text_is_accent_insensitive_prefix_and_typo_tolerant(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    await seed_three(session)
    assert await names(client, "q=ariege") == ["Le Tiers-Lieu de l'Ariège"]
    assert await names(client, "q=Ari%C3%A8ge") == ["Le Tiers-Lieu de l'Ariège"]
    assert await names(client, "q=montpel") == ["Cowork Montpellier Gare"]  # prefix
    assert await names(client, "q=montpelier") == ["Cowork Montpellier Gare"]  # typo
    assert "Cowork Montpellier Gare" in await names(client, "q=cowork")
    assert await names(client, "q=gares") == ["Cowork Montpellier Gare"]  # French stemming: plural
    assert await names(client, "q=toulous") == ["Atelier du Capitole"]  # the commune counts
    assert await names(client, "q=fablab") == ["Atelier du Capitole"]  # and the types
    assert await names(client, "q=zzzzqqq") == []


async def test_relevance_ranks_name_matches_first(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_place(session, nom="Espace Numérique", description="Un lieu pour apprendre le coworking")
    await make_place(session, nom="Coworking Central")
    assert await names(client, "q=coworking") == ["Coworking Central", "Espace Numérique"]


async def test_updated_order(client: httpx.AsyncClient, session: AsyncSession) -> None:
    old = await make_place(session, nom="Ancien")
    await make_place(session, nom="Récent")
    await session.execute(update(Place).where(Place.id == old.id)
                          .values(updated_at=datetime.now().astimezone() - timedelta(days=3)))
    assert await names(client, "tri=-maj_le") == ["Récent", "Ancien"]


async def test_open_at_follows_opening_hours_and_french_holidays(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    await make_place(session, nom="Semaine", horaires="Mo-Fr 09:00-18:00; PH off")
    await make_place(session, nom="Week-end", horaires="Sa-Su 10:00-16:00")
    await make_place(session, nom="Sans horaires")
    # Tuesday 2026-12-01 10:00 Paris; Saturday 2026-12-05 11:00; Friday 2026-12-25 (Christmas) 10:00.
    assert await names(client, "ouvert_le=2026-12-01T10:00:00") == ["Semaine"]
    assert await names(client, "ouvert_le=2026-12-01T08:30:00%2B00:00") == ["Semaine"]  # 09:30 in Paris
    assert await names(client, "ouvert_le=2026-12-01T07:30:00%2B00:00") == []  # 08:30 in Paris
    assert await names(client, "ouvert_le=2026-12-05T11:00:00") == ["Week-end"]
    assert await names(client, "ouvert_le=2026-12-25T10:00:00") == []
    now = (await client.get("/v1/lieux?ouvert_maintenant=true")).json()["items"]
    assert all(item["nom"] != "Sans horaires" for item in now)


async def test_pagination_walks_every_match_exactly_once(client: httpx.AsyncClient, session: AsyncSession) -> None:
    for i in range(23):
        await make_place(session, nom=f"Lieu {i % 5}")  # duplicate names: the id breaks ties
    for sort in ("nom", "-maj_le"):
        seen: list[str] = []
        url: str | None = f"/v1/lieux?limit=5&tri={sort}"
        pages = 0
        while url:
            response = await client.get(url)
            assert response.status_code == 200
            body = response.json()
            assert body["total"] == 23
            seen += [item["id"] for item in body["items"]]
            url = body["next"]
            if url:
                assert response.headers["link"] == f'<{url}>; rel="next"'
            pages += 1
        assert pages == 5
        assert len(seen) == len(set(seen)) == 23


async def test_pagination_is_stable_when_places_are_added(client: httpx.AsyncClient, session: AsyncSession) -> None:
    for i in range(6):
        await make_place(session, nom=f"B lieu {i}")
    first = (await client.get("/v1/lieux?limit=3")).json()
    await make_place(session, nom="A nouveau")  # sorts before the cursor: must not shift the next page
    second = (await client.get(first["next"])).json()
    assert [i["nom"] for i in first["items"] + second["items"]] == [f"B lieu {i}" for i in range(6)]


async def test_geojson_feature_collection(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await seed_three(session)
    await make_place(session, nom="Projet sans position", statut="en_projet", position=None)
    for response in (await client.get("/v1/lieux?f=geojson&limit=2"),
                     await client.get("/v1/lieux?limit=2", headers={"Accept": "application/geo+json"})):
        assert response.status_code == 200
        assert response.headers["content-type"] == "application/geo+json"
        body = response.json()
        assert body["type"] == "FeatureCollection"
        assert body["numberMatched"] == 4 and body["numberReturned"] == 2
        assert body["links"][0]["rel"] == "next"
        feature = body["features"][0]
        assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
        lon, lat = feature["geometry"]["coordinates"]
        assert (lon, lat) == (1.444209, 43.604652)  # lon/lat order, 6 decimals
        assert feature["properties"]["nom"] == "Atelier du Capitole"
        assert "position" not in feature["properties"]
    last = (await client.get("/v1/lieux?f=geojson&statut=en_projet")).json()
    assert last["features"][0]["geometry"] is None and last["links"] == []


async def test_csv_holds_the_whole_filtered_set(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await seed_three(session)
    response = await client.get("/v1/lieux?f=csv&teletravail=true")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["nom"] for r in rows] == ["Cowork Montpellier Gare", "Le Tiers-Lieu de l'Ariège"]
    assert rows[0]["longitude"] == "3.876716" and rows[0]["postes"] == "12"
    assert rows[1]["types"] == "tiers_lieu_rural|coworking"


async def test_lists_are_cacheable(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/lieux", headers={"Origin": "https://tiers-lieux.example"})
    assert response.headers["cache-control"].startswith("public, max-age=")
    assert response.headers["access-control-allow-origin"] == "*"


async def test_a_bbox_page_fills_from_the_centre_of_the_box(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """A map view lists what is nearest its middle first (an order the geography index walks, so a page
    reads its own rows however dense the box); `tri=nom` still orders by name."""
    for name, lon in [("A loin à l'ouest", 1.30), ("B au centre", 1.45), ("C un peu à l'est", 1.50),
                      ("D loin à l'est", 1.59)]:
        await make_place(session, nom=name, position={"lon": lon, "lat": 43.6})
    box = "bbox=1.25,43.55,1.65,43.65"
    assert await names(client, box) == ["B au centre", "C un peu à l'est", "D loin à l'est", "A loin à l'ouest"]
    assert await names(client, f"{box}&tri=nom") == [
        "A loin à l'ouest", "B au centre", "C un peu à l'est", "D loin à l'est"]
    first = (await client.get(f"/v1/lieux?{box}&limit=2")).json()
    assert [i["nom"] for i in first["items"]] == ["B au centre", "C un peu à l'est"]
    assert [i["distance_m"] for i in first["items"]] == [None, None]  # a distance only from pres_de
    rest = (await client.get(first["next"].removeprefix("http://test"))).json()
    assert [i["nom"] for i in rest["items"]] == ["D loin à l'est", "A loin à l'ouest"]
    assert rest["next"] is None
