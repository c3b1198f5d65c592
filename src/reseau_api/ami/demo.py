"""Demo data: the reconstructed data set of the 2017 AMI, loaded through the import's own checks.

A real file imported with `reseau-api ami import` is never overwritten by the demo loader.
"""

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami import queries, service


async def load_reconstructed(session: AsyncSession, only_if_empty: bool) -> str:
    if only_if_empty and await service.count(session) > 0:
        return "ami: already loaded, skipped"
    current = await queries.dataset(session)
    if current is not None and not current.reconstructed:
        return f"ami: a real data set is loaded ({current.source}), left as is"
    report = await service.import_csv(session, service.SHIPPED_FILE.read_bytes())
    if not report.applied:
        raise RuntimeError("ami: the shipped data set does not validate:\n" + "\n".join(report.lines()))
    return f"ami: {report.valid} applications loaded (reconstructed data set, see README)"
