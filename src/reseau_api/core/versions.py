"""Data versions: a number per table that changes with every write to it, when the writer commits.

A deferred constraint trigger (migration 0200) sets `data_version.version` to the next value of a sequence
at the COMMIT of every transaction that inserted, updated or deleted rows of a watched table (TRUNCATE too):
the row is locked only while committing, so writers never wait on each other's open transactions.
Sequences never hand out a value twice,
even to rolled-back transactions, so two different data states never share a version: what is built from
the data (the export files) is built once per version and served from that. Read the version *before*
reading the data: a write committed in between then only causes one needless rebuild, never a stale file.
"""

from typing import Any

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base


class DataVersion(Base):
    __tablename__ = "data_version"

    name: Mapped[str] = mapped_column(String(63), primary_key=True)  # the watched table
    version: Mapped[int] = mapped_column(BigInteger, nullable=False)


async def current(raw: Any, table: str) -> int:
    """The version of `table`'s data as this transaction sees it (asyncpg connection)."""
    version: int = await raw.fetchval("SELECT version FROM data_version WHERE name = $1", table)
    return version
