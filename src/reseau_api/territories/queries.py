"""Reads of the reference territories (loaded by migrations, never edited through the API)."""

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.territories.models import Departement

# Reference data: read once per process. Only the name: the ORM object carries the boundary (kilobytes).
_names: dict[str, str | None] = {}


async def department_name(session: AsyncSession, code: str) -> str | None:
    if code not in _names:
        _names[code] = await session.scalar(select(Departement.name).where(Departement.code == code))
    return _names[code]


async def department_names(session: AsyncSession, codes: list[str]) -> dict[str, str]:
    """Code -> name of these departments, in code order (unknown codes left out)."""
    missing = [code for code in codes if code not in _names]
    if missing:
        rows = await session.execute(select(Departement.code, Departement.name).where(Departement.code.in_(missing)))
        _names.update({code: None for code in missing} | dict(rows.all()))
    return {code: name for code in sorted(codes) if (name := _names[code]) is not None}
