"""Organisations (public reads, admin writes) and API keys (issued by admins, revocable)."""

from typing import Annotated

from fastapi import APIRouter, Query, Request, Response, status

from reseau_api.core.auth import AdminMember, CurrentMember, WriteMember
from reseau_api.core.db import SessionDep
from reseau_api.core.openapi import BODY_ID, links, problem_responses
from reseau_api.core.pagination import cursor_offset, decode_cursor, encode_cursor
from reseau_api.core.pagination import next_url as next_url_for
from reseau_api.members import service
from reseau_api.members.dependencies import ManagedKey, ManagedOrganisation, NoStore, ValidOrganisation
from reseau_api.members.exceptions import ApiKeyNotFound
from reseau_api.members.schemas import (
    ApiKeyCreate,
    ApiKeyCreated,
    ApiKeyRead,
    OrganisationPage,
    OrganisationRead,
    OrganisationWrite,
)

organisations_router = APIRouter(prefix="/organisations", tags=["organisations"])
keys_router = APIRouter(prefix="/cles", tags=["cles"], dependencies=[NoStore])


@organisations_router.get("", response_model=OrganisationPage, summary="List the network's organisations",
                          responses=problem_responses(400))
async def list_organisations(
    request: Request, session: SessionDep,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
    curseur: Annotated[str | None, Query(max_length=512, description="Opaque cursor from a `next` link")] = None,
) -> OrganisationPage:
    """The organisations (project holders, members of the network), by name. Public.
    Pages like `/v1/lieux`: `limit`, then follow `next` (the network has a few hundred members at most,
    so the cursor holds an offset)."""
    offset = cursor_offset(decode_cursor(curseur, "organisations", 1)[0]) if curseur else 0
    orgs, total = await service.list_page(session, limit=limit, offset=offset)
    following = offset + len(orgs)
    next_url = (next_url_for(request, encode_cursor("organisations", [following]))
                if following < total else None)
    return OrganisationPage(items=[service.to_summary(o) for o in orgs], total=total, next=next_url)


@organisations_router.get("/{organisation_id}", response_model=OrganisationRead, summary="Get an organisation",
                          responses=problem_responses(400, 404))
async def get_organisation(org: ValidOrganisation, session: SessionDep) -> OrganisationRead:
    """An organisation with its contact and its published places. Public."""
    return service.to_read(org, await service.published_places(session, org.id))


@organisations_router.post(
    "", response_model=OrganisationRead, status_code=status.HTTP_201_CREATED, summary="Register an organisation",
    responses={201: links({op: {"organisation_id": BODY_ID} for op in (
        "get_organisation", "create_organisation_key", "list_organisation_keys")}),
        **problem_responses(400, 401, 403, 409, 429)},
)
async def create_organisation(
    data: OrganisationWrite, _admin: AdminMember, session: SessionDep, response: Response,
) -> OrganisationRead:
    """Register a member organisation (admin keys only). A SIREN may be registered once (409)."""
    org = await service.create(session, data)
    response.headers["Location"] = f"/v1/organisations/{org.id}"
    return service.to_read(org, [])


@organisations_router.post(
    "/{organisation_id}/cles", response_model=ApiKeyCreated, status_code=status.HTTP_201_CREATED,
    summary="Issue a member key", dependencies=[NoStore],
    responses={201: links({"revoke_key": {"key_id": BODY_ID}}), **problem_responses(400, 401, 403, 404, 429)},
)
async def create_organisation_key(
    _admin: AdminMember, org: ValidOrganisation, data: ApiKeyCreate, session: SessionDep,
) -> ApiKeyCreated:
    """Issue a `membre` key for this organisation (admin keys only).

    The response holds the key in `cle`: it is shown this once, only its hash is stored.
    """
    return await service.issue_key(session, role="membre", label=data.libelle, organisation_id=org.id)


@organisations_router.get(
    "/{organisation_id}/cles", response_model=list[ApiKeyRead], summary="List an organisation's keys",
    responses=problem_responses(400, 401, 404), dependencies=[NoStore],
)
async def list_organisation_keys(org: ManagedOrganisation, session: SessionDep) -> list[ApiKeyRead]:
    """The keys of an organisation, newest first, without secrets: admins, or that organisation's members."""
    return [service.key_to_read(k) for k in await service.list_keys(session, org.id)]


@keys_router.get("/moi", response_model=ApiKeyRead, summary="Describe the calling key",
                 responses=problem_responses(400, 401))
async def get_current_key(member: CurrentMember, session: SessionDep) -> ApiKeyRead:
    """The key sent in `Authorization`: its prefix, role and organisation. Handy to check a setup."""
    key = await service.get_key(session, member.key_id)
    if key is None:  # deleted between authentication and now
        raise ApiKeyNotFound(member.key_id)
    return service.key_to_read(key)


@keys_router.delete("/{key_id}", response_model=ApiKeyRead, summary="Revoke a key",
                    responses=problem_responses(400, 401, 404, 429))
async def revoke_key(member: WriteMember, key: ManagedKey, session: SessionDep) -> ApiKeyRead:
    """Revoke a key: it stops working at once; the record stays for the audit trail.

    Admins may revoke any key; a member may revoke the keys of its own organisation (a leaked key can be
    killed without waiting for an animator). Issuing keys stays with the admins.
    """
    return service.key_to_read(await service.revoke_key(session, key, by=member))
