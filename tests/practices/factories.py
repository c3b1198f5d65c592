"""Good practices for tests, made through the API or the service, in the test's transaction."""

from typing import Any

import httpx
import orjson
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.practices import service
from reseau_api.practices.models import Practice
from reseau_api.practices.schemas import PracticeWrite
from tests.members.factories import auth


def practice_payload(**over: Any) -> dict[str, Any]:
    return {
        "titre": "Animer une communauté de coworkers",
        "resume": "Trois rituels simples pour que les coworkers se connaissent.",
        "contenu": "## Le café du lundi\n\nChacun dit sur quoi il travaille.",
        "thematiques": ["animation_communaute"],
        **over,
    }


async def make_practice(session: AsyncSession, *, publish: bool = True, organisation_id: Any = None,
                        **over: Any) -> Practice:
    data = PracticeWrite.model_validate(practice_payload(**over))
    return await service.create(session, data, organisation_id=organisation_id, publish=publish)


async def post_practice(client: httpx.AsyncClient, key: str, query: str = "", **over: Any) -> httpx.Response:
    response = await client.post(f"/v1/bonnes-pratiques{query}", json=practice_payload(**over), headers=auth(key))
    assert response.status_code == 201, response.text
    return response


def tag(practice_id: object, version: int) -> str:
    return f'"{practice_id}-v{version}"'


async def patch_practice(client: httpx.AsyncClient, key: str, practice_id: str, patch: Any,
                         etag: int | str | None) -> httpx.Response:
    headers = auth(key, **{"Content-Type": "application/merge-patch+json"})
    if etag is not None:
        headers["If-Match"] = tag(practice_id, etag) if isinstance(etag, int) else etag
    return await client.patch(f"/v1/bonnes-pratiques/{practice_id}", content=orjson.dumps(patch), headers=headers)
