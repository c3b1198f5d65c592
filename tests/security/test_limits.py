"""Authentication failures and write budgets (issue #14 items 1 and 2), on real server processes sharing
one database: a valid key is never refused for someone else's failures, failures and write budgets are
counted in PostgreSQL (so two processes do not double them), and forwarded addresses are believed only
from trusted proxies."""

import sys
from collections.abc import AsyncIterator, Iterator
from contextlib import ExitStack

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker, create_async_engine
from sqlalchemy.pool import NullPool

from tests.conftest import TEST_DATABASE_URL
from tests.members.factories import auth, make_key, make_organisation, place_payload, purge
from tests.servers import running_server

BOGUS = "rsx_abcdefgh_" + "x" * 43
# Started as production does: `reseau-api serve` decides what uvicorn believes of forwarded headers.
SERVE = (sys.executable, "-m", "reseau_api.cli", "serve")


async def test_a_valid_key_passes_after_others_failed_from_its_address(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    admin = await make_key(session, admin=True)
    failures = [(await client.get("/v1/cles/moi", headers=auth(BOGUS))).status_code for _ in range(12)]
    assert failures == [401] * 10 + [429] * 2
    assert (await client.get("/v1/cles/moi", headers=auth(admin))).status_code == 200
    org = await make_organisation(session)
    created = await client.post(f"/v1/organisations/{org.id}/cles", json={"libelle": "x"}, headers=auth(admin))
    assert created.status_code == 201


@pytest.fixture(scope="module")
def sessions() -> Iterator[async_sessionmaker[AsyncSession]]:
    engine = create_async_engine(TEST_DATABASE_URL, poolclass=NullPool)
    yield async_sessionmaker(engine, expire_on_commit=False)


@pytest.fixture
async def committed_keys(sessions: async_sessionmaker[AsyncSession]) -> AsyncIterator[dict[str, str]]:
    """An admin key and a member key, committed (the servers read them); removed afterwards with every
    counter, so that no other test inherits a spent budget."""
    async with sessions() as s:
        await s.execute(text("DELETE FROM rate_limit"))
        org = await make_organisation(s)
        keys = {"admin": await make_key(s, admin=True), "member": await make_key(s, org)}
        await s.commit()
    yield keys
    prefixes = [key.split("_")[1] for key in keys.values()]
    await purge(sessions, [org.id], prefixes)
    async with sessions() as s:
        await s.execute(text("DELETE FROM rate_limit"))
        await s.commit()


# Budgets that refill too slowly to matter during a test, however slow the machine: counts are exact.
SERVER_ENV = {"DATABASE_URL": TEST_DATABASE_URL, "RESEAU_WRITE_BURST": "20", "RESEAU_WRITE_RATE_PER_MINUTE": "0.01",
              "RESEAU_AUTH_FAILURES_PER_MINUTE": "0.01"}


@pytest.fixture(scope="module")
def two_servers() -> Iterator[list[str]]:
    """Two `reseau-api serve` processes on the one test database (as two workers or two hosts)."""
    with ExitStack() as stack:
        yield [stack.enter_context(running_server(SERVER_ENV, command=SERVE)) for _ in range(2)]


def alternate(servers: list[str], count: int, method: str, path: str, **kwargs) -> list[int]:
    return [httpx.request(method, servers[i % 2] + path, timeout=30, **kwargs).status_code for i in range(count)]


def test_a_write_budget_is_one_budget_across_processes(
    two_servers: list[str], committed_keys: dict[str, str],
) -> None:
    statuses = alternate(two_servers, 30, "POST", "/v1/lieux", json=place_payload(),
                         headers=auth(committed_keys["member"]))
    assert statuses == [201] * 20 + [429] * 10
    # Another key has its own budget.
    assert alternate(two_servers, 2, "POST", "/v1/organisations", json={},
                     headers=auth(committed_keys["admin"])) == [422, 422]


def test_failures_are_counted_across_processes_and_never_lock_out_a_valid_key(
    two_servers: list[str], committed_keys: dict[str, str],
) -> None:
    assert alternate(two_servers, 12, "GET", "/v1/cles/moi", headers=auth(BOGUS)) == [401] * 10 + [429] * 2
    assert alternate(two_servers, 2, "GET", "/v1/cles/moi", headers=auth(committed_keys["admin"])) == [200, 200]
    assert alternate(two_servers, 2, "GET", "/v1/cles/moi", headers=auth(committed_keys["member"])) == [200, 200]


def test_a_forged_forwarded_address_changes_nothing_by_default(
    two_servers: list[str], committed_keys: dict[str, str],
) -> None:
    statuses = [httpx.get(two_servers[i % 2] + "/v1/cles/moi", timeout=30,
                          headers={**auth(BOGUS), "X-Forwarded-For": f"203.0.113.{i}"}).status_code
                for i in range(12)]
    assert statuses == [401] * 10 + [429] * 2


def test_forwarded_addresses_are_believed_from_a_trusted_proxy(committed_keys: dict[str, str]) -> None:
    env = {**SERVER_ENV, "RESEAU_TRUSTED_PROXIES": '["127.0.0.1"]'}
    with running_server(env, command=SERVE) as base:
        behind_the_proxy = [httpx.get(base + "/v1/cles/moi", timeout=30, headers={
            **auth(BOGUS), "X-Forwarded-For": f"203.0.113.{i}"}).status_code for i in range(12)]
        one_client = [httpx.get(base + "/v1/cles/moi", timeout=30, headers={
            **auth(BOGUS), "X-Forwarded-For": "198.51.100.7"}).status_code for _ in range(11)]
    assert behind_the_proxy == [401] * 12  # twelve clients, one failure each
    assert one_client == [401] * 10 + [429]
