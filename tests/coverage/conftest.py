"""Coverage fixtures: the demo places (the 2019 census) loaded inside the test's transaction."""

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places.demo import load_census


@pytest.fixture
async def demo_places(session: AsyncSession) -> dict[str, str]:
    """Loads the 165 census places; returns place id -> census id."""
    summary = await load_census(session, False)
    assert "165 loaded" in summary
    rows = await session.execute(text("SELECT id::text, source_id FROM place"))
    return {place_id: source_id for place_id, source_id in rows}
