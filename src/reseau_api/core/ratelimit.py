"""Rate limits that hold across worker processes and hosts: one row per bucket in PostgreSQL.

Each bucket (`write:<key id>`, `auth:<client address>`) is a GCRA, the token bucket written as one
timestamp: `tat`, the "theoretical arrival time" of the next request. A request is allowed when, after it,
`tat` is at most `burst` intervals ahead of now; it then moves `tat` one interval on. One statement per
check (an upsert whose row lock orders concurrent callers, on every host), in autocommit on a connection
of its own: the lock lasts that statement, never the request (nor a caller's enclosing transaction). The
table is UNLOGGED: counters are not worth WAL, and a crash only resets them.
"""

import random
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import DateTime, String, text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine, AsyncSession
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


# Returns the wait in seconds: 0 when allowed (and counted). `now` NULL: the database's clock.
_TAKE = text("""
    WITH now AS (SELECT coalesce(CAST(:now AS timestamptz), clock_timestamp()) AS t),
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


async def take(session: AsyncSession, bucket: str, limit: Limit, *, now: datetime | None = None) -> float:
    """Count one request in `bucket`: 0 when allowed, else the seconds until it would be.

    Ends the session's transaction first (a dependency has nothing pending), so that the request holds
    one pooled connection at a time; the count is then committed on its own, whatever the request does
    next. `now` (tests) replaces the database's clock."""
    await session.commit()
    bind = session.bind
    engine = bind.engine if isinstance(bind, AsyncConnection) else bind
    assert isinstance(engine, AsyncEngine), "rate limits need a session bound to an engine or a connection"
    params = {"bucket": bucket[:100], "interval": limit.interval_s, "burst": limit.burst, "now": now}
    async with engine.connect() as connection:
        connection = await connection.execution_options(isolation_level="AUTOCOMMIT")
        wait = (await connection.execute(_TAKE, params)).scalar_one()
        if random.randrange(PURGE_ONE_IN) == 0:
            await connection.execute(_PURGE)
    return float(wait)
