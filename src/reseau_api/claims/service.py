"""Claim use cases: ask (a member organisation), list, decide (admins). Each commits once, at its end.

A decision locks the place, then the claim (`FOR UPDATE`), so that two admins accepting two claims on the
same place cannot both give it away: the second one waits, finds its claim refused, and gets 409.
"""

import uuid
from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.claims.exceptions import ClaimClosed, DuplicateClaim, NotAMemberKey, PlaceAlreadyOwned
from reseau_api.claims.models import PlaceClaim
from reseau_api.claims.schemas import ClaimCreate, ClaimDecision, ClaimOrganisation, ClaimPlace, ClaimRead
from reseau_api.core.auth import Member
from reseau_api.members.models import Organisation
from reseau_api.places import editorial
from reseau_api.places.models import Place

ACCEPTED_REASON = "revendication acceptée"
OTHER_WINNER_REASON = "lieu attribué à une autre organisation"


def _read(claim: PlaceClaim, place: Place, org: Organisation) -> ClaimRead:
    return ClaimRead(
        id=claim.id, message=claim.message, etat=claim.state, motif=claim.reason, cree_le=claim.created_at,
        decidee_le=claim.decided_at,
        lieu=ClaimPlace(id=place.id, slug=place.slug, nom=place.name, commune=place.commune,
                        departement=place.department_code),
        organisation=ClaimOrganisation(id=org.id, nom=org.name),
    )


def _select():  # type: ignore[no-untyped-def]
    return (select(PlaceClaim, Place, Organisation).join(Place, Place.id == PlaceClaim.place_id)
            .join(Organisation, Organisation.id == PlaceClaim.organisation_id))


async def get(session: AsyncSession, claim_id: uuid.UUID, member: Member) -> ClaimRead | None:
    """A claim, for admins and for the claiming organisation only."""
    query = _select().where(PlaceClaim.id == claim_id)
    if not member.is_admin:
        query = query.where(PlaceClaim.organisation_id == member.organisation_id)
    row = (await session.execute(query)).first()
    return _read(*row) if row else None


async def list_page(
    session: AsyncSession, member: Member, *, state: str | None, limit: int, offset: int,
) -> tuple[list[ClaimRead], int]:
    """Pending claims oldest first (a queue); decided ones newest first."""
    conditions = []
    if state is not None:
        conditions.append(PlaceClaim.state == state)
    if not member.is_admin:
        conditions.append(PlaceClaim.organisation_id == member.organisation_id)
    order = ((PlaceClaim.created_at.asc(), PlaceClaim.id) if state == "en_attente"
             else (PlaceClaim.created_at.desc(), PlaceClaim.id))
    rows = (await session.execute(_select().where(*conditions).order_by(*order).limit(limit).offset(offset))).all()
    total = (await session.execute(select(func.count()).select_from(PlaceClaim).where(*conditions))).scalar_one()
    return [_read(*row) for row in rows], total


async def create(session: AsyncSession, place: Place, data: ClaimCreate, *, actor: Member) -> ClaimRead:
    if actor.is_admin or actor.organisation_id is None:
        raise NotAMemberKey()
    if place.organisation_id is not None:
        raise PlaceAlreadyOwned(yours=place.organisation_id == actor.organisation_id)
    claim = PlaceClaim(place_id=place.id, organisation_id=actor.organisation_id, message=data.message,
                       created_by_key_id=actor.key_id)
    session.add(claim)
    try:
        await session.flush()
    except IntegrityError as exc:  # uq_place_claim_pending, also when two requests race
        await session.rollback()
        if "uq_place_claim_pending" in str(exc.orig):
            raise DuplicateClaim() from exc
        raise
    await session.refresh(claim)
    org = await session.get(Organisation, actor.organisation_id)
    await session.commit()
    assert org is not None  # the key's organisation: a foreign key
    return _read(claim, place, org)


async def decide(session: AsyncSession, claim_id: uuid.UUID, decision: ClaimDecision, *, actor: Member) -> ClaimRead:
    # Lock order: the place, then the claim. Two decisions on claims of one place queue on the place's
    # row; locking the claims first would deadlock when one acceptance refuses the other's claim.
    place_id = (await session.execute(select(PlaceClaim.place_id).where(PlaceClaim.id == claim_id))).scalar_one()
    place = (await session.execute(
        select(Place).where(Place.id == place_id).with_for_update().execution_options(populate_existing=True)
    )).scalar_one()
    claim = (await session.execute(
        select(PlaceClaim).where(PlaceClaim.id == claim_id).with_for_update()
        .execution_options(populate_existing=True)
    )).scalar_one()
    if claim.state != "en_attente":
        raise ClaimClosed(claim.state)
    now: datetime = (await session.execute(select(func.now()))).scalar_one()
    if decision.decision == "accepter":
        if place.organisation_id is not None:
            raise PlaceAlreadyOwned(yours=False)
        reason = decision.motif or ACCEPTED_REASON
        place = await editorial.record_owner(session, place, claim.organisation_id, actor=actor, reason=reason)
        await session.execute(
            update(PlaceClaim)
            .where(PlaceClaim.place_id == place.id, PlaceClaim.state == "en_attente", PlaceClaim.id != claim.id)
            .values(state="refusee", reason=OTHER_WINNER_REASON, decided_at=now, decided_by_key_id=actor.key_id)
        )
    closed = {"accepter": "acceptee", "refuser": "refusee"}[decision.decision]
    claim.state, claim.reason = closed, decision.motif or (ACCEPTED_REASON if closed == "acceptee" else None)
    claim.decided_at, claim.decided_by_key_id = now, actor.key_id
    await session.flush()
    org = await session.get(Organisation, claim.organisation_id)
    assert org is not None
    result = _read(claim, place, org)
    await session.commit()
    return result
