"""The PostgreSQL rate-limit bucket (core/ratelimit.py): a burst, then the wait until the next request.

The clock is pinned (`now`), so the waits are exact, whatever the machine's speed."""

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core import ratelimit
from reseau_api.core.ratelimit import Limit

T0 = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


async def test_the_bucket_allows_a_burst_then_tells_the_wait(session: AsyncSession) -> None:
    limit = Limit(rate_per_minute=1, burst=3)
    bucket, other = f"test:{uuid.uuid4()}", f"test:{uuid.uuid4()}"

    async def take(key: str, seconds: float) -> float:
        return await ratelimit.take(session, key, limit, now=T0 + timedelta(seconds=seconds))

    assert [await take(bucket, 0) for _ in range(3)] == [0, 0, 0]
    assert await take(bucket, 0) == 60  # the 4th must wait one interval
    assert await take(bucket, 45) == 15
    assert await take(bucket, 60) == 0  # one interval later, one more
    assert await take(bucket, 60) == 60
    assert await take(other, 0) == 0  # one bucket per key


async def test_a_count_is_committed_at_once_and_holds_no_lock(session: AsyncSession) -> None:
    """Counted inside a request's transaction (here the test's, never committed), the count is already
    committed and its row unlocked: another connection reads it and updates it without waiting."""
    bucket = f"test:{uuid.uuid4()}"
    assert await ratelimit.take(session, bucket, Limit(rate_per_minute=1, burst=2), now=T0) == 0
    engine = session.bind.engine  # type: ignore[union-attr]
    async with engine.connect() as other:
        await other.execute(text("SET lock_timeout = '1s'"))
        tat = (await other.execute(text("UPDATE rate_limit SET tat = tat WHERE bucket = :b RETURNING tat"),
                                   {"b": bucket})).scalar_one()
        assert tat == T0 + timedelta(minutes=1)
        await other.execute(text("DELETE FROM rate_limit WHERE bucket = :b"), {"b": bucket})
        await other.commit()
