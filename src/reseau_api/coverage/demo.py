"""Demo step of coverage: the communes come with migration 0031; after the demo places are loaded,
refresh the planner statistics so that the first coverage requests already walk the spatial indexes
(before autovacuum would get to it)."""

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession


async def refresh_statistics(session: AsyncSession, only_if_empty: bool) -> str:
    await session.execute(text("ANALYZE place"))
    await session.execute(text("ANALYZE commune"))
    communes, population = (await session.execute(
        text("SELECT count(*), coalesce(sum(population), 0) FROM commune"))).one()
    return f"coverage: {communes} communes, 2021 population {population} (migration 0031); statistics refreshed"
