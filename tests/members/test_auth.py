"""API keys: shown once, stored as a hash, refused in every bad shape, revocable at once, never logged."""

import hashlib
import logging
import re

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import KEY_PATTERN, generate_key, get_write_limiter
from reseau_api.core.ratelimit import Limit
from reseau_api.main import app
from reseau_api.members.models import ApiKey
from tests.members.factories import auth, make_key, make_organisation, place_payload

PROBLEM = "application/problem+json"


async def test_generated_keys_have_the_documented_shape() -> None:
    key, prefix = generate_key()
    match = KEY_PATTERN.match(key)
    assert match is not None
    assert match.group(1) == prefix
    assert len(match.group(2)) >= 43  # 32 random bytes, URL-safe base64
    assert len({generate_key()[0] for _ in range(50)}) == 50


async def test_a_key_is_stored_only_as_prefix_and_sha256(client: httpx.AsyncClient, session: AsyncSession) -> None:
    admin = await make_key(session, admin=True)
    org = await make_organisation(session)
    response = await client.post(f"/v1/organisations/{org.id}/cles", json={"libelle": "site web"},
                                 headers=auth(admin))
    assert response.status_code == 201
    created = response.json()
    key, prefix = created["cle"], created["prefixe"]
    assert key.startswith(f"rsx_{prefix}_")
    row = (await session.execute(text("SELECT * FROM api_key WHERE prefix = :p"), {"p": prefix})).mappings().one()
    secret = key.split("_", 2)[2]
    for column, value in row.items():
        assert secret not in str(value), f"api_key.{column} holds the secret"
        assert key not in str(value)
    assert row["key_hash"] == hashlib.sha256(key.encode()).hexdigest()
    # The key is never shown again: listings carry the prefix only.
    listing = await client.get(f"/v1/organisations/{org.id}/cles", headers=auth(admin))
    assert listing.status_code == 200
    assert [k["prefixe"] for k in listing.json()] == [prefix]
    assert secret not in listing.text
    assert "cle" not in listing.json()[0]


async def test_missing_key_is_401_with_a_bare_challenge(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/cles/moi")
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["www-authenticate"] == 'Bearer realm="reseau-api"'
    assert response.json()["type"] == "/problemes/non-authentifie"


@pytest.mark.parametrize(("header", "error"), [
    ("Basic dXNlcjpwYXNz", "invalid_request"),
    ("Bearer", "invalid_request"),
    ("Bearer not-a-key", "invalid_token"),
    ("Bearer rsx_ABCDEFGH_" + "x" * 43, "invalid_token"),  # upper-case prefix: malformed
    ("Bearer rsx_abcdefgh_" + "x" * 43, "invalid_token"),  # well-formed, unknown
])
async def test_malformed_or_unknown_keys_are_401(client: httpx.AsyncClient, header: str, error: str) -> None:
    response = await client.get("/v1/cles/moi", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.headers["content-type"] == PROBLEM
    assert f'error="{error}"' in response.headers["www-authenticate"]


async def test_a_known_prefix_with_a_wrong_secret_is_401(client: httpx.AsyncClient, session: AsyncSession) -> None:
    key = await make_key(session, admin=True)
    forged = key[:13] + ("A" if key[13] != "A" else "B") + key[14:]
    response = await client.get("/v1/cles/moi", headers=auth(forged))
    assert response.status_code == 401
    assert response.json()["detail"] == "Unknown API key."


async def test_keys_in_the_query_string_are_refused(client: httpx.AsyncClient, session: AsyncSession) -> None:
    key = await make_key(session, admin=True)
    for query in (f"?api_key={key}", f"?token={key}", f"?anything={key}"):
        response = await client.get(f"/v1/cles/moi{query}", headers=auth(key))
        assert response.status_code == 400, query
        assert "Authorization" in response.json()["errors"][0]["detail"]


async def test_a_valid_key_describes_itself(client: httpx.AsyncClient, session: AsyncSession) -> None:
    org = await make_organisation(session)
    key = await make_key(session, org)
    response = await client.get("/v1/cles/moi", headers=auth(key))
    assert response.status_code == 200
    body = response.json()
    assert body["role"] == "membre"
    assert body["organisation"] == str(org.id)
    assert key.startswith(f"rsx_{body['prefixe']}_")


async def test_last_use_is_recorded(client: httpx.AsyncClient, session: AsyncSession) -> None:
    org = await make_organisation(session)
    key = await make_key(session, org)
    prefix = key.split("_")[1]
    before = (await session.execute(select(ApiKey.last_used_at).where(ApiKey.prefix == prefix))).scalar_one()
    assert before is None
    assert (await client.get("/v1/cles/moi", headers=auth(key))).status_code == 200
    after = (await session.execute(select(ApiKey.last_used_at).where(ApiKey.prefix == prefix))).scalar_one()
    assert after is not None
    assert (await client.get("/v1/cles/moi", headers=auth(key))).json()["derniere_utilisation"] is not None


async def test_a_revoked_key_stops_working_at_once(client: httpx.AsyncClient, session: AsyncSession) -> None:
    admin = await make_key(session, admin=True)
    org = await make_organisation(session)
    member = await make_key(session, org)
    me = await client.get("/v1/cles/moi", headers=auth(member))
    assert me.status_code == 200
    assert (await client.post("/v1/lieux", json=place_payload(), headers=auth(member))).status_code == 201

    revoked = await client.delete(f"/v1/cles/{me.json()['id']}", headers=auth(admin))
    assert revoked.status_code == 200
    assert revoked.json()["revoquee_le"] is not None

    for response in (
        await client.get("/v1/cles/moi", headers=auth(member)),
        await client.post("/v1/lieux", json=place_payload(), headers=auth(member)),
    ):
        assert response.status_code == 401
        assert response.json()["detail"] == "This API key has been revoked."
        assert 'error="invalid_token"' in response.headers["www-authenticate"]


async def test_members_revoke_their_own_organisation_keys_only(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    org_a, org_b = await make_organisation(session), await make_organisation(session)
    key_a, spare_a = await make_key(session, org_a), await make_key(session, org_a)
    key_b = await make_key(session, org_b)
    spare_id = (await client.get("/v1/cles/moi", headers=auth(spare_a))).json()["id"]
    # B may neither list A's keys nor revoke them, and is not told they exist.
    assert (await client.get(f"/v1/organisations/{org_a.id}/cles", headers=auth(key_b))).status_code == 404
    assert (await client.delete(f"/v1/cles/{spare_id}", headers=auth(key_b))).status_code == 404
    assert (await client.get("/v1/cles/moi", headers=auth(spare_a))).status_code == 200
    # A may revoke its own spare key (a leaked key is killed without waiting for an animator).
    assert (await client.delete(f"/v1/cles/{spare_id}", headers=auth(key_a))).status_code == 200
    assert (await client.get("/v1/cles/moi", headers=auth(spare_a))).status_code == 401


async def test_only_admins_issue_keys_and_register_organisations(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    org = await make_organisation(session)
    member = await make_key(session, org)
    issued = await client.post(f"/v1/organisations/{org.id}/cles", json={"libelle": "x"}, headers=auth(member))
    assert issued.status_code == 403
    assert issued.json()["type"] == "/problemes/interdit"
    created = await client.post("/v1/organisations", json={"nom": "Nouvelle", "forme_juridique": "sas",
                                                           "nature": "prive"}, headers=auth(member))
    assert created.status_code == 403
    assert (await client.post("/v1/organisations", json={}, headers={})).status_code == 401


class _Capture(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.DEBUG)
        self.lines: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append(self.format(record) + " " + repr(getattr(record, "fields", "")) + repr(record.args))


async def test_keys_are_never_logged(client: httpx.AsyncClient, session: AsyncSession) -> None:
    capture = _Capture()
    logger = logging.getLogger("reseau_api")
    previous_level = logger.level
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    try:
        admin = await make_key(session, admin=True)
        org = await make_organisation(session)
        created = await client.post(f"/v1/organisations/{org.id}/cles", json={"libelle": "x"}, headers=auth(admin))
        member = created.json()["cle"]
        await client.get("/v1/cles/moi", headers=auth(member))
        await client.post("/v1/lieux", json=place_payload(), headers=auth(member))
        await client.get(f"/v1/cles/moi?api_key={member}")
        await client.delete(f"/v1/cles/{created.json()['id']}", headers=auth(admin))
        await client.get("/v1/cles/moi", headers=auth(member))
    finally:
        logger.removeHandler(capture)
        logger.setLevel(previous_level)
    logged = "\n".join(capture.lines)
    assert "api key issued prefix=" in logged and "api key revoked prefix=" in logged
    assert "/v1/cles/moi" in logged  # the access log did run
    for key in (admin, member):
        assert key not in logged
        assert key.split("_", 2)[2] not in logged
    assert not re.search(r"rsx_[a-z0-9]{8}_[A-Za-z0-9_-]{32,}", logged)


async def test_writes_beyond_the_budget_are_429(client: httpx.AsyncClient, session: AsyncSession) -> None:
    app.dependency_overrides[get_write_limiter] = lambda: Limit(rate_per_minute=6, burst=2)
    org = await make_organisation(session)
    key, other = await make_key(session, org), await make_key(session, org)
    statuses = [(await client.post("/v1/lieux", json=place_payload(), headers=auth(key))).status_code
                for _ in range(3)]
    assert statuses == [201, 201, 429]
    limited = await client.post("/v1/lieux", json=place_payload(), headers=auth(key))
    assert limited.status_code == 429
    assert limited.headers["content-type"] == PROBLEM
    assert 1 <= int(limited.headers["retry-after"]) <= 10
    # Reads are not limited, and another key has its own budget.
    assert (await client.get("/v1/cles/moi", headers=auth(key))).status_code == 200
    assert (await client.post("/v1/lieux", json=place_payload(), headers=auth(other))).status_code == 201


async def test_405_lists_every_method_of_a_path_served_by_several_routes(client: httpx.AsyncClient) -> None:
    response = await client.put("/v1/lieux")
    assert response.status_code == 405
    assert response.headers["allow"] == "GET, HEAD, POST"
    detail = await client.put("/v1/lieux/5b1a1f2e-8f5c-4a57-9c43-0c7b3f7e2d11")
    assert detail.headers["allow"] == "DELETE, GET, HEAD, PATCH"
    literal = await client.put("/v1/cles/moi")  # the literal path wins over /v1/cles/{key_id}
    assert literal.headers["allow"] == "GET, HEAD"


async def test_repeated_failures_are_throttled_per_client(client: httpx.AsyncClient) -> None:
    """After the budget of failed attempts (10 by default), 429 with Retry-After, even for a valid-looking key."""
    bogus = {"Authorization": "Bearer rsx_abcdefgh_" + "x" * 43}
    statuses = [(await client.get("/v1/cles/moi", headers=bogus)).status_code for _ in range(12)]
    assert statuses[:10] == [401] * 10
    assert statuses[10:] == [429, 429]
    throttled = await client.get("/v1/cles/moi", headers=bogus)
    assert throttled.headers["content-type"] == "application/problem+json"
    assert int(throttled.headers["retry-after"]) >= 1
    # Anonymous public reads are not affected.
    assert (await client.get("/v1/lieux")).status_code == 200
