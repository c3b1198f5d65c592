"""Test data builders: real rows through the real write path (validation included)."""

from typing import Any
from uuid import UUID

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places import service
from reseau_api.places.models import Place
from reseau_api.places.schemas import PlaceWrite

TOULOUSE = {"lon": 1.444209, "lat": 43.604652}


async def make_place(session: AsyncSession, *, moderation: str = "publie", organisation_id: UUID | None = None,
                     **over: Any) -> Place:
    fields: dict[str, Any] = {
        "nom": "La Cordée Capitole", "statut": "ouvert", "departement": "31", "commune": "Toulouse",
        "code_insee": "31555", "code_postal": "31000", "position": TOULOUSE, "types": ["coworking"],
    }
    fields.update(over)
    return await service.create(session, PlaceWrite.model_validate(fields), moderation=moderation,
                                organisation_id=organisation_id)
