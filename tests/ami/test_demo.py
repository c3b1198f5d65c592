"""The demo loader ships the reconstructed data set and never overwrites a real one."""

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami import service
from reseau_api.ami.demo import load_reconstructed
from reseau_api.ami.models import AmiApplication, AmiDataset
from reseau_api.seed import loaders
from tests.ami.conftest import csv_file, row


async def _count(session: AsyncSession) -> int:
    return await session.scalar(select(func.count()).select_from(AmiApplication)) or 0


async def test_registered_in_the_seed() -> None:
    assert load_reconstructed in loaders()


async def test_loads_then_skips_when_asked(session: AsyncSession) -> None:
    assert await load_reconstructed(session, True) == (
        "ami: 154 applications loaded (reconstructed data set, see README)")
    assert await _count(session) == 154
    dataset = await session.get(AmiDataset, 1)
    assert dataset is not None and dataset.reconstructed and dataset.source == service.RECONSTRUCTED_SOURCE
    assert await load_reconstructed(session, True) == "ami: already loaded, skipped"
    assert await load_reconstructed(session, False) == (  # idempotent reload
        "ami: 154 applications loaded (reconstructed data set, see README)")
    assert await _count(session) == 154


async def test_a_real_data_set_is_left_alone(session: AsyncSession) -> None:
    report = await service.import_csv(session, csv_file([row(id="R-1")]), source="Région Occitanie, fichier 2017")
    assert report.applied and not report.reconstructed
    assert await load_reconstructed(session, False) == (
        "ami: a real data set is loaded (Région Occitanie, fichier 2017), left as is")
    assert await _count(session) == 1
