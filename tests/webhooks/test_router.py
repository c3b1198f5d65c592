"""The admin API of webhook subscriptions, in the test's transaction: who may, what is refused, the
secret shown once, the outbox row written with the change."""

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.webhooks import secrets
from reseau_api.webhooks.models import WebhookSubscription
from reseau_api.webhooks.schemas import EVENTS
from tests.feed.test_feed import commit_point
from tests.members.factories import auth, make_key, make_organisation, post_place

PUBLIC_URL = "https://93.184.216.34/hook"  # a public address literal: no DNS needed


@pytest.fixture
async def admin(session: AsyncSession) -> dict[str, str]:
    return auth(await make_key(session, admin=True))


async def test_an_admin_registers_a_subscription_and_sees_the_secret_once(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str],
) -> None:
    created = await client.post("/v1/webhooks", headers=admin, json={
        "url": PUBLIC_URL, "evenements": ["lieu.publication", "lieu.retrait"], "description": "Site du réseau"})
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/v1/webhooks/{body['id']}"
    assert created.headers["cache-control"] == "private, no-store"
    assert body["secret"].startswith("whsec_") and len(secrets.secret_bytes(body["secret"])) == 32
    assert (body["url"], body["evenements"], body["actif"], body["echecs_consecutifs"]) == (
        PUBLIC_URL, ["lieu.publication", "lieu.retrait"], True, 0)
    stored = await session.get(WebhookSubscription, body["id"])
    assert body["secret"].encode() not in stored.secret_encrypted  # encrypted at rest
    assert secrets.decrypt(stored.id, stored.secret_encrypted) == body["secret"]
    listed = (await client.get("/v1/webhooks", headers=admin)).json()["items"]
    assert [w["id"] for w in listed] == [body["id"]] and "secret" not in listed[0]
    got = await client.get(f"/v1/webhooks/{body['id']}", headers=admin)
    assert got.status_code == 200 and "secret" not in got.json()


async def test_the_change_and_its_outbox_rows_are_written_in_one_transaction(
    client: httpx.AsyncClient, session: AsyncSession, admin: dict[str, str],
) -> None:
    wants_all = (await client.post("/v1/webhooks", headers=admin, json={"url": PUBLIC_URL})).json()
    assert wants_all["evenements"] == list(EVENTS)
    wants_practices = (await client.post("/v1/webhooks", headers=admin, json={
        "url": PUBLIC_URL, "evenements": ["bonne_pratique.publication"]})).json()
    key = admin["Authorization"].removeprefix("Bearer ")
    await post_place(client, key, "?publier=true", nom="Lieu Annoncé")
    await commit_point(session)
    log = (await client.get(f"/v1/webhooks/{wants_all['id']}/livraisons", headers=admin)).json()
    assert [(d["evenement"], d["etat"], d["tentatives"]) for d in log["items"]] == [
        ("lieu.publication", "en_attente", 0)]
    assert log["next"] is None
    other = (await client.get(f"/v1/webhooks/{wants_practices['id']}/livraisons", headers=admin)).json()
    assert other["items"] == []
    delivery = log["items"][0]["id"]
    again = await client.post(f"/v1/webhooks/{wants_all['id']}/livraisons/{delivery}/relivraison", headers=admin)
    assert again.status_code == 202 and again.json()["id"] == delivery
    missing = await client.post(f"/v1/webhooks/{wants_practices['id']}/livraisons/{delivery}/relivraison",
                                headers=admin)
    assert missing.status_code == 404


@pytest.mark.parametrize(("payload", "pointer", "detail"), [
    ({"url": "http://93.184.216.34/hook"}, "/url", "This URL cannot receive webhooks: it must be an https:// URL."),
    ({"url": "https://127.0.0.1/hook"}, "/url",
     "This URL cannot receive webhooks: its host '127.0.0.1' resolves to a non-public address (127.0.0.1)."),
    ({"url": "https://169.254.169.254/latest"}, "/url", "This URL cannot receive webhooks: its host "
     "'169.254.169.254' resolves to a non-public address (169.254.169.254)."),
])
async def test_unsafe_urls_are_422(client: httpx.AsyncClient, admin: dict[str, str], payload: dict,
                                   pointer: str, detail: str) -> None:
    response = await client.post("/v1/webhooks", headers=admin, json=payload)
    assert response.status_code == 422
    assert response.json()["detail"] == detail
    assert response.json()["errors"] == [{"in": "body", "pointer": pointer, "detail": detail}]


@pytest.mark.parametrize("payload", [
    {"url": PUBLIC_URL, "evenements": ["lieu.supprime"]},
    {"url": PUBLIC_URL, "evenements": []},
    {"url": PUBLIC_URL, "evenements": ["lieu.retrait", "lieu.retrait"]},
    {"url": PUBLIC_URL, "secret": "mine"},
    {"url": "https://a.example/" + "x" * 2000},
])
async def test_invalid_bodies_are_422(client: httpx.AsyncClient, admin: dict[str, str], payload: dict) -> None:
    response = await client.post("/v1/webhooks", headers=admin, json=payload)
    assert response.status_code == 422
    assert response.json()["type"] == "/problemes/corps-invalide"


async def test_only_admins_manage_webhooks(client: httpx.AsyncClient, session: AsyncSession) -> None:
    member = auth(await make_key(session, await make_organisation(session)))
    assert (await client.get("/v1/webhooks")).status_code == 401
    assert (await client.get("/v1/webhooks", headers=member)).status_code == 403
    assert (await client.post("/v1/webhooks", headers=member, json={"url": PUBLIC_URL})).status_code == 403


async def test_patch_disables_and_delete_removes(client: httpx.AsyncClient, session: AsyncSession,
                                                 admin: dict[str, str]) -> None:
    sub = (await client.post("/v1/webhooks", headers=admin, json={"url": PUBLIC_URL})).json()
    off = await client.patch(f"/v1/webhooks/{sub['id']}", headers=admin,
                             json={"actif": False, "evenements": ["lieu.retrait"]})
    assert off.status_code == 200
    assert (off.json()["actif"], off.json()["evenements"]) == (False, ["lieu.retrait"])
    unsafe = await client.patch(f"/v1/webhooks/{sub['id']}", headers=admin, json={"url": "https://10.0.0.1/"})
    assert unsafe.status_code == 422
    count = (await session.execute(text("SELECT count(*) FROM webhook_delivery"))).scalar()
    key = admin["Authorization"].removeprefix("Bearer ")
    await post_place(client, key, "?publier=true")
    await commit_point(session)
    assert (await session.execute(text("SELECT count(*) FROM webhook_delivery"))).scalar() == count  # inactive
    assert (await client.delete(f"/v1/webhooks/{sub['id']}", headers=admin)).status_code == 204
    assert (await client.get(f"/v1/webhooks/{sub['id']}", headers=admin)).status_code == 404
