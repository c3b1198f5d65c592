"""Webhooks end to end: a real worker process, a real receiver on 127.0.0.1 (allowed by the setting),
signatures checked with the `standardwebhooks` library (an independent implementation), retries with
backoff, automatic disabling, a worker killed mid-queue."""

import base64
import json
import os
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator

import asyncpg
import httpx
import pytest
from standardwebhooks import Webhook

from tests.conftest import worker_db
from tests.feed import committed
from tests.servers import running_server
from tests.webhooks.receiver import receiving

DB = worker_db("reseau_test_webhooks")
KEY = base64.b64encode(secrets.token_bytes(32)).decode()
SCALE = 0.001  # the retry schedule in milliseconds: 5 ms, 300 ms, 1.8 s…
ENV = {"RESEAU_WEBHOOK_ALLOW_LOCAL_TARGETS": "true", "RESEAU_WEBHOOK_SECRET_KEY": KEY,
       "RESEAU_WEBHOOK_RETRY_SCALE": str(SCALE), "RESEAU_WEBHOOK_DISABLE_AFTER_FAILURES": "3",
       "RESEAU_WEBHOOK_LEASE_S": "1", "RESEAU_WORKER_POLL_S": "0.2", "RESEAU_LOG_LEVEL": "warning"}


@pytest.fixture(scope="module")
def dsn() -> str:
    return committed.create(DB)[1]


@pytest.fixture(scope="module")
def server(dsn: str) -> Iterator[str]:
    with running_server({"DATABASE_URL": dsn, **ENV}) as base:
        yield base


@pytest.fixture(scope="module")
def admin(dsn: str) -> dict[str, str]:
    async def make() -> str:
        conn = await asyncpg.connect(dsn)
        try:
            return await committed.admin_key(conn)
        finally:
            await conn.close()

    import asyncio
    return {"Authorization": f"Bearer {asyncio.run(make())}"}


def start_worker(dsn: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "reseau_api.cli", "worker"],
                            env={**os.environ, "DATABASE_URL": dsn, **ENV})


@pytest.fixture
def worker(dsn: str) -> Iterator[list[subprocess.Popen]]:
    processes = [start_worker(dsn)]
    yield processes
    for process in processes:
        if process.poll() is None:
            process.terminate()
            process.wait(10)


async def execute(dsn: str, sql: str, *args: object) -> list[asyncpg.Record]:
    conn = await asyncpg.connect(dsn)
    try:
        return await conn.fetch(sql, *args)
    finally:
        await conn.close()


async def publish_places(dsn: str, names: list[str]) -> list[str]:
    conn = await asyncpg.connect(dsn)
    try:
        async with conn.transaction():
            return [str(await committed.insert_place(conn, name)) for name in names]
    finally:
        await conn.close()


async def subscribe(client: httpx.AsyncClient, admin: dict[str, str], url: str) -> dict:
    for old in (await client.get("/v1/webhooks", headers=admin)).json()["items"]:
        assert (await client.delete(f"/v1/webhooks/{old['id']}", headers=admin)).status_code == 204
    created = await client.post("/v1/webhooks", headers=admin, json={"url": url})
    assert created.status_code == 201, created.text
    return created.json()


async def wait_deliveries(client: httpx.AsyncClient, admin: dict[str, str], webhook_id: str,
                          done: callable, timeout_s: float = 30) -> list[dict]:
    deadline = time.monotonic() + timeout_s
    while True:
        items = (await client.get(f"/v1/webhooks/{webhook_id}/livraisons", headers=admin)).json()["items"]
        if done(items):
            return items
        assert time.monotonic() < deadline, items
        await _pause()


async def _pause() -> None:
    import asyncio
    await asyncio.sleep(0.05)


async def test_signed_deliveries_are_retried_while_the_receiver_fails(
    dsn: str, server: str, admin: dict[str, str], worker: list,
) -> None:
    with receiving(answer=lambda n: 500 if n <= 2 else 204) as receiver:
        async with httpx.AsyncClient(base_url=server) as client:
            sub = await subscribe(client, admin, receiver.url)
            assert sub["secret"].startswith("whsec_")
            [pid] = await publish_places(dsn, ["Lieu Signé"])
            [delivery] = await wait_deliveries(client, admin, sub["id"], lambda items: items and
                                               items[0]["etat"] == "livree")
            webhook = (await client.get(f"/v1/webhooks/{sub['id']}", headers=admin)).json()
    requests = receiver.requests
    assert len(requests) == 3
    assert len({r.headers["webhook-id"] for r in requests}) == 1  # one message, retried
    for request in requests:  # the independent implementation accepts every attempt's signature
        payload = Webhook(sub["secret"]).verify(request.body, request.headers)
        assert payload["type"] == "lieu.publication"
        assert payload["data"]["id"] == pid and payload["data"]["donnees"]["nom"] == "Lieu Signé"
        assert payload["data"]["curseur"] == delivery["curseur"]
    with pytest.raises(Exception, match="No matching signature"):
        Webhook(base64.b64encode(b"x" * 32).decode()).verify(requests[0].body, requests[0].headers)
    # backoff: 5 s then 5 min, scaled by 0.001
    assert requests[1].at - requests[0].at >= 5 * SCALE
    assert requests[2].at - requests[1].at >= 300 * SCALE
    assert delivery["tentatives"] == 3 and delivery["code_reponse"] == 204 and delivery["erreur"] is None
    assert delivery["evenement"] == "lieu.publication" and isinstance(delivery["latence_ms"], int)
    assert delivery["prochaine_tentative"] is None and delivery["livree_le"] is not None
    assert webhook["actif"] is True and webhook["echecs_consecutifs"] == 0
    assert "secret" not in webhook


async def test_a_failing_receiver_gets_its_subscription_disabled_then_redelivered(
    dsn: str, server: str, admin: dict[str, str], worker: list,
) -> None:
    healthy = False
    with receiving(answer=lambda n: 204 if healthy else 503) as receiver:
        async with httpx.AsyncClient(base_url=server) as client:
            sub = await subscribe(client, admin, receiver.url)
            await publish_places(dsn, ["Lieu Injoignable"])
            deadline = time.monotonic() + 30
            while (webhook := (await client.get(f"/v1/webhooks/{sub['id']}", headers=admin)).json())["actif"]:
                assert time.monotonic() < deadline
                await _pause()
            assert webhook["echecs_consecutifs"] == 3
            assert webhook["motif_desactivation"] == "3 consecutive failed attempts"
            [delivery] = (await client.get(f"/v1/webhooks/{sub['id']}/livraisons", headers=admin)).json()["items"]
            assert (delivery["etat"], delivery["tentatives"], delivery["code_reponse"], delivery["erreur"]) == (
                "en_attente", 3, 503, "HTTP 503")
            assert len(receiver.requests) == 3

            healthy = True
            again = await client.post(f"/v1/webhooks/{sub['id']}/livraisons/{delivery['id']}/relivraison",
                                      headers=admin)
            assert again.status_code == 202 and again.json()["etat"] == "en_attente"
            assert len(receiver.requests) == 3  # disabled: nothing sent
            enabled = await client.patch(f"/v1/webhooks/{sub['id']}", headers=admin, json={"actif": True})
            assert enabled.json()["actif"] is True and enabled.json()["echecs_consecutifs"] == 0
            [done] = await wait_deliveries(client, admin, sub["id"], lambda items: items[0]["etat"] == "livree")
    assert done["tentatives"] == 1 and done["code_reponse"] == 204
    assert len({r.headers["webhook-id"] for r in receiver.requests}) == 1


async def test_a_worker_killed_mid_queue_loses_nothing(dsn: str, server: str, admin: dict[str, str],
                                                       worker: list) -> None:
    with receiving(hold_after=3) as receiver:
        async with httpx.AsyncClient(base_url=server) as client:
            sub = await subscribe(client, admin, receiver.url)
            ids = await publish_places(dsn, [f"Lieu {n}" for n in range(10)])
            receiver.wait_for(lambda got: len(got) == 10)  # 3 answered, 7 held open
            worker[0].send_signal(signal.SIGKILL)
            worker[0].wait(10)
            receiver.hold_after = None
            receiver.release.set()
            worker.append(start_worker(dsn))
            items = await wait_deliveries(client, admin, sub["id"], lambda items: len(items) == 10 and all(
                i["etat"] == "livree" for i in items))
    delivered = {json.loads(r.body)["data"]["id"] for r in receiver.requests}
    assert delivered == set(ids)
    assert sorted(i["tentatives"] for i in items)[-7:] == [2] * 7  # the held ones went again
    assert len(receiver.requests) >= 17
