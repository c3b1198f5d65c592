"""The PostgreSQL rate-limit bucket (core/ratelimit.py): a burst, then the wait until the next request."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core import ratelimit
from reseau_api.core.ratelimit import Limit


async def test_the_bucket_allows_a_burst_then_tells_the_wait(session: AsyncSession) -> None:
    limit = Limit(rate_per_minute=1, burst=3)  # one a minute: the time these statements take is negligible
    bucket, other = f"test:{uuid.uuid4()}", f"test:{uuid.uuid4()}"
    assert [await ratelimit.take(session, bucket, limit) for _ in range(3)] == [0, 0, 0]
    wait = await ratelimit.take(session, bucket, limit)
    assert 50 < wait <= 60
    assert await ratelimit.take(session, other, limit) == 0  # one bucket per key
