"""Bearer API keys: format, hashing, the `CurrentMember` dependencies and the per-key write limit.

A key reads `rsx_<prefix>_<secret>`: the 8-character prefix is public (shown in listings, quoted to
support), the secret is 43 random URL-safe characters (256 bits). Only the prefix and the SHA-256 of the
whole key are stored: keys are high-entropy random strings, so a fast hash is the right tool (a slow
password hash protects low-entropy secrets and would only cost CPU here). Hashes are compared with
`hmac.compare_digest`. Keys are accepted in the `Authorization` header only and are never logged.

Every request looks its key up in the database: a revoked key stops working at once.
"""

import hashlib
import hmac
import re
import secrets
import string
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core import ratelimit
from reseau_api.core.config import get_settings
from reseau_api.core.db import SessionDep
from reseau_api.core.errors import Forbidden, TooManyRequests, Unauthorized
from reseau_api.core.keys import ApiKey
from reseau_api.core.ratelimit import Limit

KEY_SCHEME = "rsx"
PREFIX_ALPHABET = string.ascii_lowercase + string.digits
PREFIX_LENGTH = 8
KEY_PATTERN = re.compile(r"^rsx_([a-z0-9]{8})_([A-Za-z0-9_-]{32,128})$")
# `derniere_utilisation` is refreshed at most this often, so that reads do not each cost a write.
LAST_USED_PRECISION = timedelta(minutes=1)
WRITE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})

bearer_scheme = HTTPBearer(
    auto_error=False, scheme_name="cle_api",
    description="An API key issued by the network's animators: `Authorization: Bearer rsx_…`.",
)


@dataclass(frozen=True)
class Member:
    """Who is calling: the key's id and prefix, its role and (for `membre`) its organisation."""

    key_id: uuid.UUID
    prefix: str
    role: str
    organisation_id: uuid.UUID | None

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    def owns(self, organisation_id: uuid.UUID | None) -> bool:
        """True for admins, and for members of that organisation."""
        return self.is_admin or (organisation_id is not None and organisation_id == self.organisation_id)


def generate_key() -> tuple[str, str]:
    """A new key and its public prefix. The caller shows the key once and stores `hash_key(key)`."""
    prefix = "".join(secrets.choice(PREFIX_ALPHABET) for _ in range(PREFIX_LENGTH))
    return f"{KEY_SCHEME}_{prefix}_{secrets.token_urlsafe(32)}", prefix


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


class MissingCredentials(Unauthorized):
    def __init__(self) -> None:
        super().__init__("This operation needs an API key: send `Authorization: Bearer <key>`.")
        # RFC 6750 §3.1: no error code when the request carried no credentials at all.
        self.headers["WWW-Authenticate"] = 'Bearer realm="reseau-api"'


async def optional_member(request: Request, session: SessionDep) -> Member | None:
    """The caller when a key is sent, None when none is; any bad key is a 401 (never ignored).

    The key is checked first, so a valid key is always accepted, whatever others did from the same address
    (behind a load balancer every client may share one). Failed attempts are counted per client address in
    PostgreSQL (one statement per failure, shared by every worker and host): beyond the budget the answer
    is 429 with `Retry-After` instead of 401. Guessing stays useless (a key holds 256 random bits) and slow.
    The client address is the TCP peer, or the forwarded one only when the peer is a trusted proxy
    (`RESEAU_TRUSTED_PROXIES`, default none; see `reseau-api serve`).

    Routes where a key is optional declare `security: [{}, {"cle_api": []}]` themselves."""
    header = request.headers.get("authorization")  # keys in a URL never get here: core.middleware
    if header is None:
        return None
    try:
        return await _authenticate(session, header)
    except Unauthorized:
        client = request.client.host if request.client else "unknown"
        wait = await ratelimit.take(session, f"auth:{client}", get_auth_failure_limit())
        if wait > 0:
            raise TooManyRequests(
                f"Too many failed authentications from this address; retry in {wait:.0f} s.",
                retry_after_s=int(wait) + 1,
            ) from None
        raise


async def _authenticate(session: AsyncSession, header: str) -> Member:
    scheme, _sep, credentials = header.partition(" ")
    if scheme.lower() != "bearer" or not credentials.strip():
        raise Unauthorized("Malformed Authorization header: expected `Bearer <key>`.", error="invalid_request")
    match = KEY_PATTERN.match(credentials.strip())
    if match is None:
        raise Unauthorized("Malformed API key.")
    key = (await session.execute(select(ApiKey).where(ApiKey.prefix == match.group(1)))).scalar_one_or_none()
    # Compare even when the prefix is unknown, so that timing does not tell which prefixes exist.
    stored = key.key_hash if key is not None else "0" * 64
    if not hmac.compare_digest(stored, hash_key(credentials.strip())) or key is None:
        raise Unauthorized("Unknown API key.")
    if key.revoked_at is not None:
        raise Unauthorized("This API key has been revoked.")
    now = datetime.now(UTC)
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_PRECISION:
        await session.execute(update(ApiKey).where(ApiKey.id == key.id).values(last_used_at=now))
        await session.commit()
    return Member(key_id=key.id, prefix=key.prefix, role=key.role, organisation_id=key.organisation_id)


async def current_member(
    member: Annotated[Member | None, Depends(optional_member)],
    _documented: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],  # OpenAPI security
) -> Member:
    if member is None:
        raise MissingCredentials()
    return member


def get_write_limiter() -> Limit:
    """Writes per API key (overridable in tests)."""
    return Limit(get_settings().write_rate_per_minute, get_settings().write_burst)


def get_auth_failure_limit() -> Limit:
    """Failed authentications per client address."""
    return Limit(get_settings().auth_failures_per_minute, get_settings().auth_failure_burst)


async def writing_member(
    request: Request, member: Annotated[Member, Depends(current_member)], session: SessionDep,
    limit: Annotated[Limit, Depends(get_write_limiter)],
) -> Member:
    """The caller of a write: authenticated, then within its key's write budget (else 429), counted in
    PostgreSQL so that the budget is the same with one worker or four hosts."""
    if request.method in WRITE_METHODS:
        wait = await ratelimit.take(session, f"write:{member.key_id}", limit)
        if wait > 0:
            raise TooManyRequests(
                f"Too many writes with key {member.prefix}; retry in {wait:.0f} s.", retry_after_s=int(wait) + 1
            )
    return member


async def admin_member(member: Annotated[Member, Depends(writing_member)]) -> Member:
    if not member.is_admin:
        raise Forbidden("Only the network's animators (admin keys) may do this.")
    return member


OptionalMember = Annotated[Member | None, Depends(optional_member)]
CurrentMember = Annotated[Member, Depends(current_member)]
WriteMember = Annotated[Member, Depends(writing_member)]
AdminMember = Annotated[Member, Depends(admin_member)]
