"""Organisations, keys and places for tests: made through the services, in the test's transaction."""

import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import orjson
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine

from reseau_api.core.db import get_session
from reseau_api.main import app
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


def tag(place_id: object, version: int) -> str:
    """The ETag of a place at a version."""
    return f'"{place_id}-v{version}"'


async def patch_place(
    client: httpx.AsyncClient, key: str, place_id: str, patch: Any, etag: int | str | None,
    content_type: str = "application/merge-patch+json",
) -> httpx.Response:
    """PATCH with `If-Match`: the place's ETag at version `etag` (an int), or that header value as is."""
    headers = auth(key, **{"Content-Type": content_type})
    if etag is not None:
        headers["If-Match"] = tag(place_id, etag) if isinstance(etag, int) else etag
    return await client.patch(f"/v1/lieux/{place_id}", content=orjson.dumps(patch), headers=headers)


@asynccontextmanager
async def committed_client(
    database_url: str,
) -> AsyncIterator[tuple[httpx.AsyncClient, async_sessionmaker[AsyncSession]]]:
    """A client whose requests each get their own pooled connection and really commit.

    For what the rolled-back `session` fixture cannot show (concurrent transactions, the CLI). What the
    test writes must be removed with `purge`.
    """
    engine = create_async_engine(database_url, pool_size=5)
    sessions = async_sessionmaker(engine, expire_on_commit=False)

    async def own_session() -> AsyncIterator[AsyncSession]:
        async with sessions() as s:
            yield s

    app.dependency_overrides[get_session] = own_session
    try:
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test") as c:
            yield c, sessions
    finally:
        app.dependency_overrides.pop(get_session, None)
        await engine.dispose()


async def purge(
    sessions: async_sessionmaker[AsyncSession], organisation_ids: list[uuid.UUID], key_prefixes: list[str] = (),
) -> None:
    """Delete organisations with their keys, places and practices (and history), plus the keys named by prefix."""
    async with sessions() as s:
        params = {"orgs": list(organisation_ids), "prefixes": list(key_prefixes)}
        for revisions in ("place_revision", "practice_revision"):
            await s.execute(text(f"DELETE FROM {revisions} WHERE actor_key_id IN (SELECT id FROM api_key "
                                 "WHERE organisation_id = ANY(:orgs) OR prefix = ANY(:prefixes))"), params)
        await s.execute(text("DELETE FROM practice WHERE organisation_id = ANY(:orgs)"), params)
        await s.execute(text("DELETE FROM place WHERE organisation_id = ANY(:orgs)"), params)
        await s.execute(text("DELETE FROM api_key WHERE organisation_id = ANY(:orgs) OR prefix = ANY(:prefixes)"),
                        params)
        await s.execute(text("DELETE FROM organisation WHERE id = ANY(:orgs)"), params)
        await s.commit()
