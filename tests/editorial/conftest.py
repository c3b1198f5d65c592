"""One editorial suite over every editable resource: each test runs for places and for good practices.

A `Kind` says what differs for the tests (URL, a valid creation body, a harmless edit, the state names);
everything else is the same contract.
"""

from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.members.models import Organisation
from reseau_api.places.editorial import PLACES as PLACES_RESOURCE
from reseau_api.practices.editorial import PRACTICES as PRACTICES_RESOURCE
from tests.members.factories import auth, make_key, make_organisation, place_payload
from tests.practices.factories import practice_payload


@dataclass(frozen=True)
class Kind:
    objet: str
    url: str
    state_field: str  # in reads and history
    pending: str
    public: str
    rejected: str
    archived: str
    title_field: str
    payload: dict[str, Any] = field(default_factory=dict)

    def body(self, **over: Any) -> dict[str, Any]:
        return {**self.payload, **over}


PLACES = Kind("lieu", "/v1/lieux", "moderation", "a_valider", "publie", "rejete", "archive", "nom",
              place_payload())
RESOURCES = {"lieu": PLACES_RESOURCE, "bonne_pratique": PRACTICES_RESOURCE}  # objet -> the kernel's declaration
PRACTICES = Kind("bonne_pratique", "/v1/bonnes-pratiques", "statut", "brouillon", "publiee", "brouillon",
                 "archivee", "titre", practice_payload())


def apart(kind: Kind, n: int) -> dict[str, Any]:
    """The n-th of several places with similar names, 1 km from the others: not possible duplicates."""
    return {"position": {"lon": 1.40 + n / 100, "lat": 43.6}} if kind.objet == "lieu" else {}


@pytest.fixture(params=[PLACES, PRACTICES], ids=["lieux", "bonnes-pratiques"])
def kind(request: pytest.FixtureRequest) -> Kind:
    return request.param


@dataclass
class World:
    org: Organisation
    member: str
    other: str  # a member of another organisation
    admin: str


@pytest.fixture
async def world(session: AsyncSession) -> World:
    org = await make_organisation(session)
    return World(org, await make_key(session, org), await make_key(session, await make_organisation(session)),
                 await make_key(session, admin=True))


def tag(record_id: object, version: int) -> str:
    return f'"{record_id}-v{version}"'


class Api:
    """The calls the scenarios make, for one kind."""

    def __init__(self, client: httpx.AsyncClient, kind: Kind) -> None:
        self.client, self.kind = client, kind

    async def create(self, key: str, query: str = "", **over: Any) -> dict[str, Any]:
        response = await self.client.post(f"{self.kind.url}{query}", json=self.kind.body(**over), headers=auth(key))
        assert response.status_code == 201, response.text
        return response.json()

    async def patch(self, key: str, record: str, patch: Any, if_match: int | str | None) -> httpx.Response:
        headers = auth(key, **{"Content-Type": "application/merge-patch+json"})
        if if_match is not None:
            headers["If-Match"] = tag(record, if_match) if isinstance(if_match, int) else if_match
        return await self.client.patch(f"{self.kind.url}/{record}", content=orjson.dumps(patch), headers=headers)

    async def moderate(self, key: str, record: str, version: int, **body: str) -> httpx.Response:
        return await self.client.post(f"{self.kind.url}/{record}/moderation", json=body or {"decision": "publier"},
                                      headers=auth(key, **{"If-Match": tag(record, version)}))

    async def archive(self, key: str, record: str, version: int) -> httpx.Response:
        headers = auth(key, **{"If-Match": tag(record, version)})
        return await self.client.delete(f"{self.kind.url}/{record}", headers=headers)

    async def restore(self, key: str, record: str, version: int, current: int) -> httpx.Response:
        return await self.client.post(f"{self.kind.url}/{record}/historique/{version}/restauration",
                                      headers=auth(key, **{"If-Match": tag(record, current)}))

    async def history(self, key: str, record: str, query: str = "") -> dict[str, Any]:
        response = await self.client.get(f"{self.kind.url}/{record}/historique{query}", headers=auth(key))
        assert response.status_code == 200, response.text
        return response.json()

    async def get(self, record: str, key: str | None = None) -> httpx.Response:
        return await self.client.get(f"{self.kind.url}/{record}", headers=auth(key) if key else {})


@pytest.fixture
def api(client: httpx.AsyncClient, kind: Kind) -> Api:
    return Api(client, kind)
