"""The exports: every published place as CSV and GeoJSON, hashed and cacheable, and a round trip:
export, import into an empty database, same records."""

import base64
import csv
import hashlib
import io

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.opendata.queries import GEOJSON_PROPERTIES
from reseau_api.places.queries import CSV_COLUMNS
from tests.factories import make_place
from tests.opendata.conftest import comparable, run_import, stored

FULL = {
    "nom": "La Mêlée; \"Numérique\"", "description": "Coworking, fablab\net médiation ; le tout à Toulouse.",
    "statut": "ouvert", "mise_en_reseau": True, "types": ["coworking", "mediation_numerique"],
    "services": ["wifi", "fibre", "salle_reunion", "mediation_numerique"], "adresse": "27 rue d'Aubuisson",
    "code_postal": "31000", "commune": "Toulouse", "code_insee": "31555", "departement": "31",
    "position": {"lon": 1.451234, "lat": 43.60321},
    "teletravail": {"postes": 40, "bureaux_prives": 3, "salles_reunion": 2, "prix_demi_journee": "8.50",
                    "prix_journee": 15, "prix_mois": "199.99", "reservation_url": "https://reserver.example/melee",
                    "acces_24_7": True, "publics": ["independants", "salaries"], "debit_internet_mbps": 1000},
    "horaires": "Mo-Fr 09:00-19:00; Sa 10:00-13:00; PH off", "email": "Contact@La-Melee.example",
    "telephone": "+33 5 61 00 00 00", "site_web": "https://la-melee.example",
    "accessibilite": "Rez-de-chaussée, ascenseur", "images": ["https://img.example/1.jpg", "https://img.example/2.jpg"],
    "identifiants": {"siret": "73282932000074", "rna": "W313012345", "osm": "node/42", "acceslibre": "la-melee",
                     "data_inclusion": "dora--4b9c3ad0", "recensement_2019": "14"},
}


async def seed(session: AsyncSession) -> None:
    await make_place(session, **FULL)
    await make_place(session, nom="Projet de Mende", statut="en_projet", departement="48", commune="Mende",
                     code_insee="48095", code_postal="48000", position=None, types=["tiers_lieu_rural"],
                     ouverture_prevue="2027-03-01", projet="creation")
    await make_place(session, nom="Ancien atelier", statut="ferme", departement="81", commune="Albi",
                     code_insee="81004", code_postal="81000", position={"lon": 2.148, "lat": 43.929}, types=[])
    await make_place(session, nom="Pas encore validé", moderation="a_valider")


async def published(session: AsyncSession) -> list[dict]:
    return [comparable(p) for p in await stored(session) if p.moderation == "publie"]


def check_hashes(response: httpx.Response) -> None:
    digest = hashlib.sha256(response.content).digest()
    assert response.headers["etag"] == f'"{digest.hex()}"'
    assert response.headers["repr-digest"] == f"sha-256=:{base64.b64encode(digest).decode()}:"
    assert response.headers["cache-control"].startswith("public, max-age=")


async def test_csv_export(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await seed(session)
    response = await client.get("/v1/export/lieux.csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="lieux.csv"'
    check_hashes(response)
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert list(rows[0]) == CSV_COLUMNS
    assert [r["nom"] for r in rows] == ["Ancien atelier", "La Mêlée; \"Numérique\"", "Projet de Mende"]
    melee = rows[1]
    assert (melee["types"], melee["acces_24_7"], melee["mise_en_reseau"], melee["prix_demi_journee"]) == (
        "coworking|mediation_numerique", "true", "true", "8.50")
    assert melee["description"] == FULL["description"] and melee["images"] == "|".join(FULL["images"])
    assert rows[2]["longitude"] == "" and rows[2]["ouverture_prevue"] == "2027-03-01"
    again = await client.get("/v1/export/lieux.csv")
    assert again.content == response.content  # stable: same data, same bytes, same ETag


async def test_geojson_export(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await seed(session)
    response = await client.get("/v1/export/lieux.geojson")
    assert response.status_code == 200 and response.headers["content-type"] == "application/geo+json"
    check_hashes(response)
    collection = response.json()
    assert collection["type"] == "FeatureCollection" and len(collection["features"]) == 3
    assert list(GEOJSON_PROPERTIES) == [c for c in CSV_COLUMNS if c not in ("longitude", "latitude")]
    ancien, melee, mende = collection["features"]
    assert list(melee["properties"]) == list(GEOJSON_PROPERTIES)
    assert melee["geometry"] == {"type": "Point", "coordinates": [1.451234, 43.60321]}
    assert melee["id"] == melee["properties"]["id"]
    assert melee["properties"]["types"] == ["coworking", "mediation_numerique"]
    assert (melee["properties"]["postes"], melee["properties"]["prix_mois"], melee["properties"]["acces_24_7"]) == (
        40, 199.99, True)
    assert mende["geometry"] is None and ancien["properties"]["statut"] == "ferme"


@pytest.mark.parametrize("path", ["/v1/export/lieux.csv", "/v1/export/lieux.geojson"])
async def test_etag_304_and_change(client: httpx.AsyncClient, session: AsyncSession, path: str) -> None:
    await seed(session)
    first = await client.get(path)
    etag = first.headers["etag"]
    not_modified = await client.get(path, headers={"If-None-Match": f'"other", {etag}'})
    assert not_modified.status_code == 304 and not_modified.content == b""
    assert not_modified.headers["etag"] == etag
    await session.execute(text("UPDATE place SET name = 'Ancien atelier fermé' WHERE name = 'Ancien atelier'"))
    changed = await client.get(path, headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


async def test_empty_directory(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/export/lieux.geojson")).json() == {"type": "FeatureCollection", "features": []}
    rows = list(csv.reader(io.StringIO((await client.get("/v1/export/lieux.csv")).content.decode("utf-8-sig"))))
    assert rows == [CSV_COLUMNS]


@pytest.mark.parametrize(("path", "filename"), [("/v1/export/lieux.csv", "lieux.csv"),
                                                ("/v1/export/lieux.geojson", "lieux.geojson")])
async def test_round_trip_into_an_empty_database(
    client: httpx.AsyncClient, session: AsyncSession, path: str, filename: str,
) -> None:
    await seed(session)
    await make_place(session, nom="Tiers-lieu recensé", departement="09", commune="Foix", code_insee="09122",
                     code_postal="09000", position={"lon": 1.6053, "lat": 42.9639})
    await session.execute(text("UPDATE place SET source = 'recensement', source_id = '77' "
                               "WHERE name = 'Tiers-lieu recensé'"))
    expected = await published(session)
    body = (await client.get(path)).content
    await session.execute(text("DELETE FROM place"))
    report = await run_import(session, body, filename=filename, source="transfert")
    assert [r.status for r in report.rows] == ["accepted"] * 4 and report.applied
    assert await published(session) == expected
    sources = {p.name: (p.source, p.source_id) for p in await stored(session)}
    assert sources["Tiers-lieu recensé"] == ("recensement", "77")  # its identity travels with it
    assert sources["Ancien atelier"][0] == "transfert"


@pytest.mark.parametrize(("path", "filename"), [("/v1/export/lieux.csv", "lieux.csv"),
                                                ("/v1/export/lieux.geojson", "lieux.geojson")])
async def test_reimporting_an_export_changes_nothing(
    client: httpx.AsyncClient, session: AsyncSession, path: str, filename: str,
) -> None:
    await seed(session)
    before = [(p.id, p.version, comparable(p)) for p in await stored(session)]
    body = (await client.get(path)).content
    report = await run_import(session, body, filename=filename, source="transfert")
    assert [r.status for r in report.rows] == ["unchanged"] * 3
    assert [(p.id, p.version, comparable(p)) for p in await stored(session)] == before


async def test_exports_are_documented(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    csv_doc = schema["paths"]["/v1/export/lieux.csv"]["get"]
    assert all(f"`{c}`" in csv_doc["description"] for c in CSV_COLUMNS)
    assert set(csv_doc["responses"]["200"]["headers"]) == {"ETag", "Repr-Digest"}
    assert list(schema["paths"]["/v1/export/lieux.geojson"]["get"]["responses"]["200"]["content"]) == [
        "application/geo+json"]
