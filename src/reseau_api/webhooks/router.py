"""Webhook subscriptions (admins only): register, change, delete, read the delivery log, redeliver."""

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request, Response, status

from reseau_api.core.auth import AdminMember
from reseau_api.core.db import SessionDep
from reseau_api.core.openapi import BODY_ID, links, problem_responses
from reseau_api.core.urls import public_url
from reseau_api.webhooks import service
from reseau_api.webhooks.models import WebhookSubscription
from reseau_api.webhooks.schemas import (
    DeliveryPage,
    DeliveryRead,
    WebhookCreate,
    WebhookCreated,
    WebhookList,
    WebhookPatch,
    WebhookRead,
)

router = APIRouter(prefix="/webhooks", tags=["webhooks"])
NO_STORE = {"Cache-Control": "private, no-store"}


async def valid_webhook_id(webhook_id: uuid.UUID, session: SessionDep, admin: AdminMember) -> WebhookSubscription:
    return await service.get(session, webhook_id)


ValidWebhook = Annotated[WebhookSubscription, Depends(valid_webhook_id)]


@router.post("", status_code=status.HTTP_201_CREATED, response_model=WebhookCreated,
             summary="Register a webhook subscription",
             responses={201: links({op: {"webhook_id": BODY_ID} for op in (
                 "get_webhook", "update_webhook", "delete_webhook", "list_deliveries")}),
                 **problem_responses(400, 401, 403, 413, 415, 422, 429)})
async def create_webhook(data: WebhookCreate, session: SessionDep, admin: AdminMember,
                         response: Response) -> WebhookCreated:
    """Each change of public data matching `evenements` is POSTed to `url` as JSON
    `{"type": "lieu.modification", "timestamp": …, "data": <the feed entry>}`, signed as Standard
    Webhooks says (`webhook-id`, `webhook-timestamp`, `webhook-signature`: HMAC-SHA256 with `secret`).
    The URL must be https and resolve to public addresses only (checked again at each delivery).
    `secret` is in this answer only: store it now. Retries: README, "Staying in sync"."""
    sub, secret = await service.create(session, data)
    response.headers.update({"Location": f"/v1/webhooks/{sub.id}", **NO_STORE})
    return WebhookCreated(**service.read(sub).model_dump(), secret=secret)


@router.get("", response_model=WebhookList, summary="List webhook subscriptions",
            responses=problem_responses(401, 403))
async def list_webhooks(session: SessionDep, admin: AdminMember, response: Response) -> WebhookList:
    """Every subscription (at most 500), oldest first, without secrets."""
    response.headers.update(NO_STORE)
    return WebhookList(items=[service.read(s) for s in await service.list_all(session)])


@router.get("/{webhook_id}", response_model=WebhookRead, summary="Get a webhook subscription",
            responses=problem_responses(400, 401, 403, 404))
async def get_webhook(sub: ValidWebhook, response: Response) -> WebhookRead:
    """A subscription: URL, events, whether it is active, failures in a row and why it was disabled."""
    response.headers.update(NO_STORE)
    return service.read(sub)


@router.patch("/{webhook_id}", response_model=WebhookRead, summary="Change or re-enable a webhook subscription",
              responses=problem_responses(400, 401, 403, 404, 413, 422, 429))
async def update_webhook(patch: WebhookPatch, sub: ValidWebhook, session: SessionDep) -> WebhookRead:
    """Fields given replace the stored ones. `actif: true` re-enables a subscription disabled after
    failures (its pending deliveries resume); changes made while it was disabled were not queued for
    it: catch up from the feed."""
    return service.read(await service.update(session, sub, patch))


@router.delete("/{webhook_id}", status_code=status.HTTP_204_NO_CONTENT, summary="Delete a webhook subscription",
               responses=problem_responses(400, 401, 403, 404, 429))
async def delete_webhook(sub: ValidWebhook, session: SessionDep) -> Response:
    """Stops the deliveries and removes the subscription with its delivery log."""
    await service.delete(session, sub)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/{webhook_id}/livraisons", response_model=DeliveryPage, summary="The delivery log of a subscription",
            responses=problem_responses(400, 401, 403, 404))
async def list_deliveries(
    sub: ValidWebhook, session: SessionDep, request: Request, response: Response,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    avant: Annotated[int | None, Query(ge=1, description="Deliveries older than this id (from `next`)")] = None,
) -> DeliveryPage:
    """Newest first: state, attempts, last response code and latency, next attempt."""
    items = await service.deliveries(session, sub, limit=limit, before=avant)
    link = str(public_url(request).include_query_params(avant=items[-1].id)) if len(items) == limit else None
    response.headers.update(NO_STORE)
    return DeliveryPage(items=items, next=link)


@router.post("/{webhook_id}/livraisons/{delivery_id}/relivraison", status_code=status.HTTP_202_ACCEPTED,
             response_model=DeliveryRead, summary="Deliver again",
             responses=problem_responses(400, 401, 403, 404, 429))
async def redeliver(sub: ValidWebhook, delivery_id: Annotated[int, Path(ge=1)], session: SessionDep) -> DeliveryRead:
    """Queues the delivery for an attempt now, with the same `webhook-id` (receivers deduplicate on it)."""
    return await service.redeliver(session, sub, delivery_id)
