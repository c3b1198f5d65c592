"""A place's full record: by id or slug, ETag/Last-Modified, 304."""

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.factories import make_place


async def test_detail_by_id_and_slug(client: httpx.AsyncClient, session: AsyncSession) -> None:
    place = await make_place(
        session, nom="La Mêlée Numérique", description="Coworking et médiation",
        services=["wifi", "fibre"], horaires="Mo-Fr 09:00-18:00; PH off", telephone="0561000000",
        site_web="https://la-melee.example", teletravail={"postes": 20, "prix_journee": 15, "publics": ["salaries"]},
    )
    by_id = await client.get(f"/v1/lieux/{place.id}")
    by_slug = await client.get("/v1/lieux/la-melee-numerique")
    assert by_id.status_code == by_slug.status_code == 200
    assert by_id.json() == by_slug.json()
    body = by_id.json()
    assert body["slug"] == "la-melee-numerique"
    assert body["position"] == {"lon": 1.444209, "lat": 43.604652}
    assert body["telephone"] == "05 61 00 00 00"
    assert body["teletravail"]["postes"] == 20 and body["teletravail"]["publics"] == ["salaries"]
    assert body["horaires"] == "Mo-Fr 09:00-18:00; PH off"
    assert body["moderation"] == "publie" and body["version"] == 1


async def test_same_name_gets_a_distinct_slug(session: AsyncSession) -> None:
    first = await make_place(session, nom="Le Hub")
    second = await make_place(session, nom="Le Hub")
    third = await make_place(session, nom="Le Hub")
    assert [first.slug, second.slug] == ["le-hub", "le-hub-toulouse"]
    # Beyond the plain slugs, a random suffix: no counter that would tell how many records share the name.
    assert re.fullmatch(r"le-hub-[a-z0-9]{6}", third.slug), third.slug


async def test_etag_and_304(client: httpx.AsyncClient, session: AsyncSession) -> None:
    place = await make_place(session)
    response = await client.get(f"/v1/lieux/{place.id}")
    etag = response.headers["etag"]
    assert etag == f'"{place.id}-v1"'
    assert response.headers["last-modified"].endswith("GMT")
    assert response.headers["cache-control"].startswith("public")
    again = await client.get(f"/v1/lieux/{place.id}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    weak = await client.get(f"/v1/lieux/{place.id}", headers={"If-None-Match": f'"other", W/{etag}'})
    assert weak.status_code == 304
    stale = await client.get(f"/v1/lieux/{place.id}", headers={"If-None-Match": '"x-v0"'})
    assert stale.status_code == 200


async def test_unknown_place_is_a_404_problem(client: httpx.AsyncClient) -> None:
    for key in ("00000000-0000-0000-0000-000000000000", "no-such-place"):
        response = await client.get(f"/v1/lieux/{key}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"
        assert key in response.json()["detail"]


async def test_vocabularies(client: httpx.AsyncClient) -> None:
    body = (await client.get("/v1/vocabulaires")).json()
    assert {"code": "coworking", "libelle": "Coworking"} in body["types"]
    assert {"code": "france_services", "libelle": "Espace France Services"} in body["types"]
    assert {"code": "accessibilite_pmr", "libelle": "Accessibilité PMR"} in body["services"]
    assert [d["code"] for d in body["departements"]] == [
        "09", "11", "12", "30", "31", "32", "34", "46", "48", "65", "66", "81", "82"]
    assert {"code": "48", "nom": "Lozère"} in body["departements"]
