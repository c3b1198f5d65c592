"""Organisation and API key use cases. Writes flush; each use case commits once, at its end."""

import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member, generate_key, hash_key
from reseau_api.members.exceptions import OrganisationAlreadyExists
from reseau_api.members.models import ApiKey, Organisation
from reseau_api.members.schemas import (
    ApiKeyCreated,
    ApiKeyRead,
    Contact,
    OrganisationPlace,
    OrganisationRead,
    OrganisationSummary,
    OrganisationWrite,
)
from reseau_api.places.models import Place
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW

log = logging.getLogger("reseau_api.members")


def _columns(data: OrganisationWrite) -> dict[str, Any]:
    return {
        "name": data.nom, "siren": data.siren, "legal_form": data.forme_juridique, "nature": data.nature,
        "email": str(data.contact.email) if data.contact.email else None, "phone": data.contact.telephone,
        "website": data.contact.site_web, "member_since": data.membre_depuis,
    }


def to_summary(org: Organisation) -> OrganisationSummary:
    return OrganisationSummary(id=org.id, nom=org.name, forme_juridique=org.legal_form, nature=org.nature,
                               membre_depuis=org.member_since)


def to_read(org: Organisation, places: list[Place]) -> OrganisationRead:
    return OrganisationRead(
        **to_summary(org).model_dump(), siren=org.siren, cree_le=org.created_at,
        contact=Contact.model_construct(email=org.email, telephone=org.phone, site_web=org.website),
        lieux=[OrganisationPlace(id=p.id, slug=p.slug, nom=p.name, statut=p.status, commune=p.commune,
                                 departement=p.department_code) for p in places],
    )


def key_to_read(key: ApiKey) -> ApiKeyRead:
    return ApiKeyRead(
        id=key.id, prefixe=key.prefix, role=key.role, organisation=key.organisation_id, libelle=key.label,
        cree_le=key.created_at, revoquee_le=key.revoked_at, derniere_utilisation=key.last_used_at,
    )


async def get(session: AsyncSession, organisation_id: uuid.UUID) -> Organisation | None:
    return await session.get(Organisation, organisation_id)


async def list_page(session: AsyncSession, *, limit: int, offset: int) -> tuple[list[Organisation], int]:
    total = (await session.execute(select(func.count()).select_from(Organisation))).scalar_one()
    rows = (await session.execute(
        select(Organisation).order_by(func.lower(Organisation.name), Organisation.id).limit(limit).offset(offset)
    )).scalars().all()
    return list(rows), total


async def published_places(session: AsyncSession, organisation_id: uuid.UUID) -> list[Place]:
    return list((await session.execute(
        select(Place).where(Place.organisation_id == organisation_id, PLACE_WORKFLOW.public_sql(Place.moderation))
        .order_by(Place.sort_name, Place.id)
    )).scalars())


async def create(session: AsyncSession, data: OrganisationWrite) -> Organisation:
    if data.siren and (await session.execute(
        select(Organisation.id).where(Organisation.siren == data.siren)
    )).first():
        raise OrganisationAlreadyExists(data.siren)
    org = Organisation(**_columns(data))
    session.add(org)
    await session.flush()
    await session.refresh(org)
    await session.commit()
    log.info("organisation created id=%s", org.id)
    return org


async def issue_key(
    session: AsyncSession, *, role: str, label: str, organisation_id: uuid.UUID | None,
) -> ApiKeyCreated:
    """A new key: the full key is in the result, once; only its prefix and hash are stored."""
    while True:
        key, prefix = generate_key()
        if (await session.execute(select(ApiKey.id).where(ApiKey.prefix == prefix))).first() is None:
            break
    row = ApiKey(prefix=prefix, key_hash=hash_key(key), role=role, label=label, organisation_id=organisation_id)
    session.add(row)
    await session.flush()
    await session.refresh(row)
    await session.commit()
    log.info("api key issued prefix=%s role=%s organisation=%s", prefix, role, organisation_id)
    return ApiKeyCreated(**key_to_read(row).model_dump(), cle=key)


async def list_keys(session: AsyncSession, organisation_id: uuid.UUID | None) -> list[ApiKey]:
    """Keys of an organisation, or the admin keys when `organisation_id` is None; newest first."""
    condition = (ApiKey.organisation_id == organisation_id) if organisation_id else ApiKey.organisation_id.is_(None)
    return list((await session.execute(
        select(ApiKey).where(condition).order_by(ApiKey.created_at.desc(), ApiKey.id)
    )).scalars())


async def get_key(session: AsyncSession, key_id: uuid.UUID) -> ApiKey | None:
    return await session.get(ApiKey, key_id)


async def find_key(session: AsyncSession, id_or_prefix: str) -> ApiKey | None:
    try:
        condition = ApiKey.id == uuid.UUID(id_or_prefix)
    except ValueError:
        condition = ApiKey.prefix == id_or_prefix
    return (await session.execute(select(ApiKey).where(condition))).scalar_one_or_none()


async def revoke_key(session: AsyncSession, key: ApiKey, *, by: Member | None) -> ApiKey:
    """Revoke now (idempotent: a revoked key keeps its first revocation date)."""
    if key.revoked_at is None:
        key.revoked_at = datetime.now(UTC)
        await session.flush()
        await session.commit()
        log.info("api key revoked prefix=%s by=%s", key.prefix, by.prefix if by else "cli")
    return key
