"""The PostgreSQL rate-limit bucket (core/ratelimit.py): a burst, then the wait until the next request."""

import uuid

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core import ratelimit
from reseau_api.core.ratelimit import Limit


async def test_the_bucket_allows_a_burst_then_tells_the_wait(session: AsyncSession) -> None:
    limit = Limit(rate_per_minute=60, burst=3)
    bucket, other = f"test:{uuid.uuid4()}", f"test:{uuid.uuid4()}"
    assert [await ratelimit.take(session, bucket, limit) for _ in range(3)] == [0, 0, 0]
    wait = await ratelimit.take(session, bucket, limit)
    assert 0.9 < wait <= 1.0
    assert await ratelimit.take(session, other, limit) == 0  # one bucket per key
