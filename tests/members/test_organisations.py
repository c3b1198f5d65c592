"""Organisations: validated on write (SIREN Luhn, AMI legal forms), public on read with published places."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.members.schemas import luhn_valid
from tests.members.factories import auth, make_key, make_organisation, post_place

VALID = {"nom": "La Fabrique du Lauragais", "forme_juridique": "scic", "nature": "prive",
         "siren": "732 829 320", "membre_depuis": "2019-03-01",
         "contact": {"email": "contact@fabrique.example", "telephone": "+33 5 61 00 00 00",
                     "site_web": "https://fabrique.example"}}


def test_luhn() -> None:
    assert luhn_valid("732829320")
    assert luhn_valid("552032534")
    assert not luhn_valid("732829321")
    assert not luhn_valid("123456789")


async def test_an_admin_registers_an_organisation(client: httpx.AsyncClient, session: AsyncSession) -> None:
    admin = await make_key(session, admin=True)
    response = await client.post("/v1/organisations", json=VALID, headers=auth(admin))
    assert response.status_code == 201, response.text
    body = response.json()
    assert response.headers["location"] == f"/v1/organisations/{body['id']}"
    assert body["siren"] == "732829320"  # spaces dropped
    assert body["contact"] == {"email": "contact@fabrique.example", "telephone": "05 61 00 00 00",
                               "site_web": "https://fabrique.example"}
    assert body["lieux"] == []
    fetched = await client.get(f"/v1/organisations/{body['id']}")  # public: no key
    assert fetched.status_code == 200
    assert fetched.json() == body


@pytest.mark.parametrize(("change", "pointer"), [
    ({"siren": "732829321"}, "/siren"),
    ({"siren": "12345678"}, "/siren"),
    ({"forme_juridique": "gie"}, "/forme_juridique"),
    ({"nature": "mixte"}, "/nature"),
    ({"nom": "x"}, "/nom"),
    ({"contact": {"telephone": "12"}}, "/contact/telephone"),
    ({"contact": {"site_web": "javascript:alert(1)"}}, "/contact/site_web"),
    ({"id": "5b1a1f2e-8f5c-4a57-9c43-0c7b3f7e2d11"}, "/id"),
])
async def test_invalid_organisations_are_422_naming_the_field(
    client: httpx.AsyncClient, session: AsyncSession, change: dict[str, object], pointer: str,
) -> None:
    admin = await make_key(session, admin=True)
    response = await client.post("/v1/organisations", json={**VALID, **change}, headers=auth(admin))
    assert response.status_code == 422
    assert [e["pointer"] for e in response.json()["errors"]] == [pointer]


async def test_a_siren_is_registered_once(client: httpx.AsyncClient, session: AsyncSession) -> None:
    admin = await make_key(session, admin=True)
    assert (await client.post("/v1/organisations", json=VALID, headers=auth(admin))).status_code == 201
    again = await client.post("/v1/organisations", json={**VALID, "nom": "Autre"}, headers=auth(admin))
    assert again.status_code == 409
    assert "732829320" in again.json()["detail"]


async def test_an_organisation_lists_its_published_places_only(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    admin = await make_key(session, admin=True)
    org = await make_organisation(session)
    member = await make_key(session, org)
    draft = (await post_place(client, member, nom="Brouillon")).json()
    published = (await post_place(client, admin, f"?publier=true&organisation={org.id}", nom="Publié")).json()
    body = (await client.get(f"/v1/organisations/{org.id}")).json()
    assert [p["id"] for p in body["lieux"]] == [published["id"]]
    assert draft["id"] not in str(body)


async def test_organisations_are_listed_by_name_in_pages(client: httpx.AsyncClient, session: AsyncSession) -> None:
    for name in ("Bravo", "alpha", "Charlie"):
        await make_organisation(session, nom=name)
    first = (await client.get("/v1/organisations?limit=2")).json()
    assert first["total"] == 3
    assert [o["nom"] for o in first["items"]] == ["alpha", "Bravo"]
    second = (await client.get(first["next"].replace("http://test", ""))).json()
    assert [o["nom"] for o in second["items"]] == ["Charlie"]
    assert second["next"] is None
    assert (await client.get("/v1/organisations?limit=0")).status_code == 400
    assert (await client.get("/v1/organisations?limit=201")).status_code == 400


async def test_unknown_and_malformed_organisation_ids(client: httpx.AsyncClient) -> None:
    missing = await client.get("/v1/organisations/5b1a1f2e-8f5c-4a57-9c43-0c7b3f7e2d11")
    assert missing.status_code == 404
    assert (await client.get("/v1/organisations/not-a-uuid")).status_code == 400
