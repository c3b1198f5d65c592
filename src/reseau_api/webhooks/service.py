"""Webhook subscriptions: admin use cases (one commit each) and the delivery log."""

import uuid

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.webhooks import secrets, targets
from reseau_api.webhooks.exceptions import DeliveryNotFound, UnsafeWebhookUrl, WebhookNotFound
from reseau_api.webhooks.models import WebhookSubscription
from reseau_api.webhooks.schemas import DeliveryRead, WebhookCreate, WebhookPatch, WebhookRead

MAX_SUBSCRIPTIONS = 500


def read(sub: WebhookSubscription) -> WebhookRead:
    return WebhookRead(
        id=sub.id, url=sub.url, evenements=sub.events, description=sub.description, actif=sub.active,
        echecs_consecutifs=sub.consecutive_failures, motif_desactivation=sub.disabled_reason,
        cree_le=sub.created_at, maj_le=sub.updated_at,
    )


async def check_url(url: str) -> None:
    try:
        await targets.resolve(url, allow_local=get_settings().webhook_allow_local_targets)
    except targets.UnsafeTarget as exc:
        raise UnsafeWebhookUrl(str(exc)) from None


async def create(session: AsyncSession, data: WebhookCreate) -> tuple[WebhookSubscription, str]:
    """The new subscription and its secret (returned once, stored encrypted)."""
    await check_url(data.url)
    secret = secrets.generate()
    sub_id = uuid.uuid4()
    sub = WebhookSubscription(id=sub_id, url=data.url, events=list(data.evenements), description=data.description,
                              secret_encrypted=secrets.encrypt(sub_id, secret))
    session.add(sub)
    await session.commit()
    await session.refresh(sub)
    return sub, secret


async def get(session: AsyncSession, webhook_id: uuid.UUID) -> WebhookSubscription:
    sub = await session.get(WebhookSubscription, webhook_id)
    if sub is None:
        raise WebhookNotFound(webhook_id)
    return sub


async def list_all(session: AsyncSession) -> list[WebhookSubscription]:
    return list((await session.scalars(
        select(WebhookSubscription).order_by(WebhookSubscription.created_at, WebhookSubscription.id)
        .limit(MAX_SUBSCRIPTIONS))).all())


async def update(session: AsyncSession, sub: WebhookSubscription, patch: WebhookPatch) -> WebhookSubscription:
    if patch.url is not None:
        await check_url(patch.url)
        sub.url = patch.url
    if patch.evenements is not None:
        sub.events = list(patch.evenements)
    if "description" in patch.model_fields_set:
        sub.description = patch.description
    if patch.actif is not None:
        sub.active = patch.actif
        if patch.actif:
            sub.consecutive_failures, sub.disabled_reason = 0, None
    sub.updated_at = func.clock_timestamp()
    await session.commit()
    await session.refresh(sub)
    return sub


async def delete(session: AsyncSession, sub: WebhookSubscription) -> None:
    await session.delete(sub)
    await session.commit()


_DELIVERIES = """
    SELECT d.id, c.resource || '.' || c.action AS evenement, c.position AS curseur, d.state AS etat,
           d.attempts AS tentatives, CASE WHEN d.state = 'en_attente' THEN d.next_attempt_at END
           AS prochaine_tentative, d.last_attempt_at AS derniere_tentative, d.last_status_code AS code_reponse,
           d.last_latency_ms AS latence_ms, d.last_error AS erreur, d.created_at AS cree_le,
           d.delivered_at AS livree_le
    FROM webhook_delivery d JOIN feed_change c ON c.id = d.change_id
    WHERE d.subscription_id = :sub"""


async def deliveries(session: AsyncSession, sub: WebhookSubscription, *, limit: int,
                     before: int | None) -> list[DeliveryRead]:
    """Newest first, keyset on the delivery id."""
    sql = _DELIVERIES + (" AND d.id < :before" if before is not None else "") + " ORDER BY d.id DESC LIMIT :limit"
    rows = await session.execute(text(sql), {"sub": sub.id, "before": before, "limit": limit})
    return [DeliveryRead.model_validate(dict(r._mapping)) for r in rows]


async def redeliver(session: AsyncSession, sub: WebhookSubscription, delivery_id: int) -> DeliveryRead:
    """Queue the delivery again now (same message id), whatever its state; the attempt count restarts."""
    updated = await session.execute(
        text("UPDATE webhook_delivery SET state = 'en_attente', attempts = 0, next_attempt_at = now() "
             "WHERE id = :id AND subscription_id = :sub RETURNING id"), {"id": delivery_id, "sub": sub.id})
    if updated.first() is None:
        raise DeliveryNotFound(delivery_id)
    await session.execute(text("SELECT pg_notify('reseau_feed', '')"))  # wakes the worker at commit
    await session.commit()
    rows = await session.execute(text(_DELIVERIES + " AND d.id = :id"), {"sub": sub.id, "id": delivery_id})
    return DeliveryRead.model_validate(dict(rows.one()._mapping))

