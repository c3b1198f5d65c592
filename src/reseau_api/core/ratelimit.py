"""Rate limits that hold across worker processes and hosts: one row per bucket in PostgreSQL.

Each bucket (`write:<key id>`, `auth:<client address>`) is a GCRA, the token bucket written as one
timestamp: `tat`, the "theoretical arrival time" of the next request. A request is allowed when, after it,
`tat` is at most `burst` intervals ahead of now; it then moves `tat` one interval on. One statement per
check (an upsert whose row lock orders concurrent callers, on every host), committed at once so that the
lock is not held for the rest of the request. The table is UNLOGGED: counters are not worth WAL, and a
crash only resets them.
"""

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, String, text
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base


class RateLimit(Base):
    __tablename__ = "rate_limit"
    __table_args__ = ({"prefixes": ["UNLOGGED"]},)

    bucket: Mapped[str] = mapped_column(String(100), primary_key=True)
    tat: Mapped[datetime] = mapped_column(DateTime(timezone=True))


@dataclass(frozen=True)
class Limit:
    """`burst` requests at once, then `rate_per_minute`."""

    rate_per_minute: float
    burst: int

    @property
    def interval_s(self) -> float:
        return 60.0 / self.rate_per_minute


# $1 bucket, $2 interval (s), $3 burst. Returns the wait in seconds: 0 when allowed (and counted).
_TAKE = text("""
    WITH now AS (SELECT clock_timestamp() AS t),
    taken AS (
        INSERT INTO rate_limit AS r (bucket, tat)
        SELECT :bucket, t + make_interval(secs => :interval) FROM now
        ON CONFLICT (bucket) DO UPDATE
            SET tat = greatest(r.tat, (SELECT t FROM now)) + make_interval(secs => :interval)
            WHERE greatest(r.tat, (SELECT t FROM now)) + make_interval(secs => :interval)
                  <= (SELECT t FROM now) + make_interval(secs => :interval * :burst)
        RETURNING 1)
    SELECT CASE WHEN EXISTS (SELECT FROM taken) THEN 0.0 ELSE greatest(0.001, extract(epoch FROM
           (SELECT r.tat FROM rate_limit r WHERE r.bucket = :bucket) - (SELECT t FROM now)
           - make_interval(secs => :interval * (:burst - 1))))::float8 END
""")
# Buckets idle for a day are full again: forgetting them changes nothing.
_PURGE = text("DELETE FROM rate_limit WHERE tat < clock_timestamp() - interval '1 day'")
PURGE_ONE_IN = 1000


async def take(session: AsyncSession, bucket: str, limit: Limit) -> float:
    """Count one request in `bucket`: 0 when allowed, else the seconds until it would be. Commits."""
    wait = (await session.execute(
        _TAKE, {"bucket": bucket[:100], "interval": limit.interval_s, "burst": limit.burst})).scalar_one()
    if random.randrange(PURGE_ONE_IN) == 0:
        await session.execute(_PURGE)
    await session.commit()
    return float(wait)
