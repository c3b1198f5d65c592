from collections.abc import Iterator

import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.feed.router import get_snapshot_session
from reseau_api.main import app


@pytest.fixture(autouse=True)
def snapshot_in_test_transaction(session: AsyncSession) -> Iterator[None]:
    """The export's REPEATABLE READ session is the test's transaction here (rolled back at the end)."""
    app.dependency_overrides[get_snapshot_session] = lambda: session
    yield
    app.dependency_overrides.pop(get_snapshot_session, None)
