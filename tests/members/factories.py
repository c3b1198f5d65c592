"""Organisations, keys and places for tests: made through the services, in the test's transaction."""

import uuid
from typing import Any

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.members import service as members_service
from reseau_api.members.models import Organisation
from reseau_api.members.schemas import OrganisationWrite

TOULOUSE = {"lon": 1.444209, "lat": 43.604652}  # in Haute-Garonne (31)
MONTPELLIER = {"lon": 3.876716, "lat": 43.610769}  # in Hérault (34)


async def make_organisation(session: AsyncSession, **over: Any) -> Organisation:
    fields = {"nom": f"Organisation {uuid.uuid4().hex[:6]}", "forme_juridique": "association",
              "nature": "associatif", **over}
    return await members_service.create(session, OrganisationWrite.model_validate(fields))


async def make_key(session: AsyncSession, organisation: Organisation | None = None, *, admin: bool = False) -> str:
    """A fresh key: an admin key, or a member key of `organisation`."""
    created = await members_service.issue_key(
        session, role="admin" if admin else "membre", label="test",
        organisation_id=None if admin else organisation.id if organisation else None,
    )
    return created.cle


def auth(key: str, **extra: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}", **extra}


def place_payload(**over: Any) -> dict[str, Any]:
    return {
        "nom": "La Cantine du Capitole", "statut": "ouvert", "departement": "31", "position": TOULOUSE,
        "commune": "Toulouse", "code_postal": "31000", "types": ["coworking"], "services": ["wifi"],
        "teletravail": {"postes": 12, "prix_journee": 15, "publics": ["independants"]},
        "horaires": "Mo-Fr 09:00-18:00", "telephone": "05 61 00 00 00", "site_web": "https://cantine.example",
        **over,
    }


async def post_place(client: httpx.AsyncClient, key: str, query: str = "", **over: Any) -> httpx.Response:
    response = await client.post(f"/v1/lieux{query}", json=place_payload(**over), headers=auth(key))
    assert response.status_code == 201, response.text
    return response


async def patch_place(
    client: httpx.AsyncClient, key: str, place_id: str, patch: Any, etag: str | None,
    content_type: str = "application/merge-patch+json",
) -> httpx.Response:
    import orjson

    headers = auth(key, **{"Content-Type": content_type})
    if etag is not None:
        headers["If-Match"] = etag
    return await client.patch(f"/v1/lieux/{place_id}", content=orjson.dumps(patch), headers=headers)
