"""`reseau-api worker`: numbers the feed, purges it past the retention, delivers webhooks.

Deliveries are the outbox rows the feed trigger wrote in the change's transaction. A batch is claimed
with `FOR UPDATE SKIP LOCKED` (several workers share the queue) and leased: its next attempt is pushed
`RESEAU_WEBHOOK_LEASE_S` ahead and committed before any request is sent, so a worker killed mid-batch
leaves rows that another (or the restarted) worker attempts again after the lease: at least once,
nothing lost. The outcome of each attempt is then recorded. The worker sleeps until NOTIFY
`reseau_feed` (sent at each commit of a change) or the next due attempt, at most `RESEAU_WORKER_POLL_S`.
"""

import asyncio
import logging
import signal
import time

import asyncpg
import httpx
from sqlalchemy.engine import make_url

from reseau_api.core.config import Settings, get_settings
from reseau_api.feed.queries import ENTRY_JSON
from reseau_api.webhooks import secrets, signing, targets

log = logging.getLogger("reseau_api.worker")

# Standard Webhooks' schedule: the wait before attempts 2..8 (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h);
# the last attempt comes 27 h 35 min after the first, then the delivery is `echouee`.
RETRY_DELAYS_S = (5, 300, 1800, 7200, 18000, 36000, 36000)
MAX_ATTEMPTS = len(RETRY_DELAYS_S) + 1
BATCH = 20
PURGE_EVERY_S = 3600

_CLAIM = f"""
WITH due AS (
    SELECT d.id FROM webhook_delivery d
    JOIN webhook_subscription s ON s.id = d.subscription_id
    JOIN feed_change c ON c.id = d.change_id
    WHERE d.state = 'en_attente' AND d.next_attempt_at <= now() AND s.active AND c.position IS NOT NULL
    ORDER BY c.position, d.id LIMIT $1
    FOR UPDATE OF d SKIP LOCKED)
UPDATE webhook_delivery d
SET attempts = d.attempts + 1, last_attempt_at = now(), next_attempt_at = now() + make_interval(secs => $2)
FROM due, feed_change c, webhook_subscription s
WHERE d.id = due.id AND c.id = d.change_id AND s.id = d.subscription_id
RETURNING d.id, d.attempts, s.id AS subscription_id, s.url, s.secret_encrypted,
    json_build_object('type', c.resource || '.' || c.action, 'timestamp', c.changed_at,
                      'data', {ENTRY_JSON}::json)::text AS body
"""
_SUCCEEDED = """
WITH d AS (UPDATE webhook_delivery SET state = 'livree', delivered_at = now(), last_status_code = $2,
               last_latency_ms = $3, last_error = NULL WHERE id = $1 RETURNING subscription_id)
UPDATE webhook_subscription s SET consecutive_failures = 0 FROM d
WHERE s.id = d.subscription_id AND s.consecutive_failures <> 0"""
_FAILED = """
WITH d AS (UPDATE webhook_delivery
           SET state = CASE WHEN attempts >= $5 THEN 'echouee' ELSE 'en_attente' END,
               next_attempt_at = CASE WHEN attempts >= $5 THEN NULL ELSE now() + make_interval(secs => $6) END,
               last_status_code = $2, last_latency_ms = $3, last_error = $4
           WHERE id = $1 RETURNING subscription_id)
UPDATE webhook_subscription s
SET consecutive_failures = s.consecutive_failures + 1,
    active = s.active AND s.consecutive_failures + 1 < $7,
    disabled_reason = CASE WHEN s.active AND s.consecutive_failures + 1 >= $7
                           THEN $7 || ' consecutive failed attempts' ELSE s.disabled_reason END,
    updated_at = CASE WHEN s.active AND s.consecutive_failures + 1 >= $7 THEN now() ELSE s.updated_at END
FROM d WHERE s.id = d.subscription_id"""


def plain_dsn(settings: Settings) -> str:
    return make_url(settings.effective_database_url).set(drivername="postgresql").render_as_string(
        hide_password=False)


def retry_delay_s(attempts: int, settings: Settings) -> float:
    """Wait after failed attempt number `attempts` (1-based)."""
    return RETRY_DELAYS_S[min(attempts, len(RETRY_DELAYS_S)) - 1] * settings.webhook_retry_scale


async def send(client: httpx.AsyncClient, url: str, body: bytes, headers: dict[str, str],
               settings: Settings) -> int:
    """POST to the checked address of `url`; the status code. Redirects are not followed."""
    target = await targets.resolve(url, allow_local=settings.webhook_allow_local_targets)
    host = f"[{target.address}]" if ":" in target.address else target.address
    default_port = 443 if target.scheme == "https" else 80
    host_header = target.host if target.port == default_port else f"{target.host}:{target.port}"
    extensions = {"sni_hostname": target.host} if target.scheme == "https" else {}
    async with client.stream("POST", f"{target.scheme}://{host}:{target.port}{target.path}", content=body,
                             headers={**headers, "host": host_header}, extensions=extensions) as response:
        return response.status_code


def _error_text(exc: Exception) -> str:
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    return "".join(c if c.isprintable() else "?" for c in text)[:300]


async def attempt(pool: asyncpg.Pool, client: httpx.AsyncClient, row: asyncpg.Record, settings: Settings) -> None:
    body = row["body"].encode()
    started = time.monotonic()
    status, error = None, None
    try:
        secret = secrets.decrypt(row["subscription_id"], row["secret_encrypted"])
        headers = signing.headers(secret, f"msg_{row['id']}", int(time.time()), body)
        status = await send(client, row["url"], body, headers, settings)
        if not 200 <= status < 300:
            error = f"HTTP {status}"
    except targets.UnsafeTarget as exc:
        error = f"unsafe target: {exc}"
    except Exception as exc:  # a receiver's failure of any kind is recorded, never fatal
        error = _error_text(exc)
    latency_ms = round((time.monotonic() - started) * 1000)
    if error is None:
        await pool.execute(_SUCCEEDED, row["id"], status, latency_ms)
    else:
        await pool.execute(_FAILED, row["id"], status, latency_ms, error, MAX_ATTEMPTS,
                           retry_delay_s(row["attempts"], settings), settings.webhook_disable_after_failures)
    log.info("delivery %s attempt %s: %s", row["id"], row["attempts"], error or status)


async def run_once(pool: asyncpg.Pool, client: httpx.AsyncClient, settings: Settings) -> int:
    """Number the feed, then claim and attempt one batch; the number of attempts made."""
    await pool.execute("SELECT feed_sequence()")
    rows = await pool.fetch(_CLAIM, BATCH, settings.webhook_lease_s)
    await asyncio.gather(*(attempt(pool, client, row, settings) for row in rows))
    return len(rows)


async def _next_due_s(pool: asyncpg.Pool, cap: float) -> float:
    wait = await pool.fetchval(
        "SELECT extract(epoch FROM min(d.next_attempt_at) - now()) FROM webhook_delivery d "
        "JOIN webhook_subscription s ON s.id = d.subscription_id WHERE d.state = 'en_attente' AND s.active")
    return cap if wait is None else max(0.05, min(cap, float(wait)))


async def run(settings: Settings | None = None, stop: asyncio.Event | None = None) -> None:
    settings = settings or get_settings()
    stop = stop or asyncio.Event()
    wake = asyncio.Event()
    pool = await asyncpg.create_pool(plain_dsn(settings), min_size=1, max_size=4,
                                     server_settings={"application_name": "reseau-api-worker"})
    listener = await asyncpg.connect(plain_dsn(settings))
    await listener.add_listener("reseau_feed", lambda *_: wake.set())
    limits = httpx.Limits(max_connections=BATCH, max_keepalive_connections=BATCH)
    last_purge = 0.0
    log.info("worker started")
    try:
        async with httpx.AsyncClient(timeout=settings.webhook_timeout_s, follow_redirects=False, limits=limits,
                                     headers={"user-agent": "reseau-api-webhooks"}) as client:
            while not stop.is_set():
                if time.monotonic() - last_purge > PURGE_EVERY_S:
                    await pool.execute("SELECT feed_purge(now() - make_interval(days => $1))",
                                       settings.feed_retention_days)
                    last_purge = time.monotonic()
                wake.clear()
                if await run_once(pool, client, settings):
                    continue
                timeout = await _next_due_s(pool, settings.worker_poll_s)
                waiters = [asyncio.ensure_future(wake.wait()), asyncio.ensure_future(stop.wait())]
                await asyncio.wait(waiters, timeout=timeout, return_when=asyncio.FIRST_COMPLETED)
                for waiter in waiters:
                    waiter.cancel()
    finally:
        await listener.close()
        await pool.close()
        log.info("worker stopped")


def main() -> None:
    """Run until SIGTERM or SIGINT; the batch in flight is finished first."""
    logging.basicConfig(level=get_settings().log_level.upper(), format="%(asctime)s %(name)s %(message)s")

    async def _main() -> None:
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop.set)
        await run(stop=stop)

    asyncio.run(_main())

if __name__ == "__main__":  # pragma: no cover
    main()
