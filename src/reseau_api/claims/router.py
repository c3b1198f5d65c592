"""Claims: `POST /v1/lieux/{id}/revendication` (member keys), `/v1/revendications` (admins decide)."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request, Response, status

from reseau_api.claims import service
from reseau_api.claims.exceptions import ClaimNotFound
from reseau_api.claims.schemas import ClaimCreate, ClaimDecision, ClaimPage, ClaimRead, ClaimState
from reseau_api.core.auth import AdminMember, CurrentMember, WriteMember
from reseau_api.core.db import SessionDep
from reseau_api.core.openapi import BODY_ID, links, problem_responses
from reseau_api.core.pagination import decode_cursor, encode_cursor
from reseau_api.core.pagination import next_url as next_url_for
from reseau_api.places.dependencies import VisiblePlace

router = APIRouter(tags=["revendications"])
PRIVATE = "private, no-store"
ClaimId = Annotated[uuid.UUID, Path(description="The claim's id")]


@router.post(
    "/lieux/{id_or_slug}/revendication", response_model=ClaimRead, status_code=status.HTTP_201_CREATED,
    summary="Claim a place that no organisation owns",
    responses={201: {"headers": {"Location": {"schema": {"type": "string"}}},
                     **links({"get_claim": {"claim_id": BODY_ID}, "decide_claim": {"claim_id": BODY_ID}})},
               **problem_responses(400, 401, 403, 404, 409, 429)},
)
async def create_claim(
    member: WriteMember, place: VisiblePlace, data: ClaimCreate, session: SessionDep, response: Response,
) -> ClaimRead:
    """A member organisation asks to take over a listing that belongs to no organisation (such as the
    2019 census places), with a message for the animators. Member keys only (403 for admin keys); 409 when
    the place already has an owner or your organisation already has a pending claim on it."""
    claim = await service.create(session, place, data, actor=member)
    response.headers["Location"] = f"/v1/revendications/{claim.id}"
    response.headers["Cache-Control"] = PRIVATE
    return claim


@router.get("/revendications", response_model=ClaimPage, summary="List claims",
            responses=problem_responses(400, 401))
async def list_claims(
    member: CurrentMember, session: SessionDep, request: Request, response: Response,
    etat: Annotated[ClaimState | None, Query(description="Only claims in this state")] = None,
    limit: Annotated[int, Query(ge=1, le=200, description="Page size")] = 50,
    curseur: Annotated[str | None, Query(max_length=512, description="Opaque cursor from a `next` link")] = None,
) -> ClaimPage:
    """Admins see every claim, a member key its organisation's. Pending claims come oldest first (the
    queue), decided ones newest first."""
    sort = f"revendications:{etat or ''}"
    offset = int(decode_cursor(curseur, sort, 1)[0]) if curseur else 0
    items, total = await service.list_page(session, member, state=etat, limit=limit, offset=offset)
    following = offset + len(items)
    response.headers["Cache-Control"] = PRIVATE
    return ClaimPage(items=items, total=total,
                     next=next_url_for(request, encode_cursor(sort, [following])) if following < total else None)


@router.get("/revendications/{claim_id}", response_model=ClaimRead, summary="Get a claim",
            responses=problem_responses(400, 401, 404))
async def get_claim(claim_id: ClaimId, member: CurrentMember, session: SessionDep, response: Response) -> ClaimRead:
    """A claim: for admins and the claiming organisation (404 for anyone else)."""
    claim = await service.get(session, claim_id, member)
    if claim is None:
        raise ClaimNotFound(claim_id)
    response.headers["Cache-Control"] = PRIVATE
    return claim


@router.post("/revendications/{claim_id}/decision", response_model=ClaimRead, summary="Accept or refuse a claim",
             responses=problem_responses(400, 401, 403, 404, 409, 429))
async def decide_claim(
    claim_id: ClaimId, member: AdminMember, data: ClaimDecision, session: SessionDep, response: Response,
) -> ClaimRead:
    """Admins only. `accepter` gives the place to the claiming organisation (the place gets a new version
    and a `revendication` entry in its history; other pending claims on it are refused); `refuser` needs a
    `motif`. 409 when the claim is already decided or the place found an owner meanwhile."""
    if await service.get(session, claim_id, member) is None:
        raise ClaimNotFound(claim_id)
    response.headers["Cache-Control"] = PRIVATE
    return await service.decide(session, claim_id, data, actor=member)
