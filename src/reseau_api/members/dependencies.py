"""Lookups and access checks of the members domain, reused by its routes."""

import uuid
from typing import Annotated

from fastapi import Depends, Response

from reseau_api.core.auth import CurrentMember
from reseau_api.core.db import SessionDep
from reseau_api.members import service
from reseau_api.members.exceptions import ApiKeyNotFound, OrganisationNotFound
from reseau_api.members.models import ApiKey, Organisation


def no_store(response: Response) -> None:
    """Responses that carry a key or key metadata must not be kept by any cache, shared or private."""
    response.headers["Cache-Control"] = "no-store"


NoStore = Depends(no_store)


async def valid_organisation_id(organisation_id: uuid.UUID, session: SessionDep) -> Organisation:
    org = await service.get(session, organisation_id)
    if org is None:
        raise OrganisationNotFound(organisation_id)
    return org


async def managed_organisation(
    member: CurrentMember, org: Annotated[Organisation, Depends(valid_organisation_id)],
) -> Organisation:
    """An organisation whose keys the caller may see: any for admins, their own for members."""
    if not member.owns(org.id):
        raise OrganisationNotFound(org.id)  # keys are private: do not confirm what is not yours
    return org


async def managed_key(member: CurrentMember, key_id: uuid.UUID, session: SessionDep) -> ApiKey:
    """A key the caller may revoke: any for admins, those of their own organisation for members."""
    key = await service.get_key(session, key_id)
    if key is None or not member.owns(key.organisation_id):
        raise ApiKeyNotFound(key_id)
    return key


ValidOrganisation = Annotated[Organisation, Depends(valid_organisation_id)]
ManagedOrganisation = Annotated[Organisation, Depends(managed_organisation)]
ManagedKey = Annotated[ApiKey, Depends(managed_key)]
