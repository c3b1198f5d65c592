"""The change feed's tables. Rows are written by PostgreSQL triggers (migration 0400), never by Python.

- `feed_change`: one row per change of public data, `position` NULL until the sequencer numbers it.
- `feed_state`: the last public representation the feed published for each resource (NULL: not public),
  what the next change is compared with; its row lock also serialises concurrent captures of a resource.
- `feed_sequencer`: the single row holding the last position given and the position purged through.
"""

import uuid
from datetime import datetime

from sqlalchemy import ARRAY, BigInteger, Boolean, CheckConstraint, DateTime, Identity, Index, String, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base


class FeedChange(Base):
    __tablename__ = "feed_change"
    __table_args__ = (
        CheckConstraint("resource IN ('lieu', 'bonne_pratique')", name="resource"),
        CheckConstraint("action IN ('publication', 'modification', 'retrait')", name="action"),
        CheckConstraint("(action = 'retrait') = (data IS NULL)", name="tombstone_has_no_data"),
        Index("ix_feed_change_pending", "id", postgresql_where=text("position IS NULL")),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    position: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    resource: Mapped[str] = mapped_column(String(16))
    resource_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True))
    action: Mapped[str] = mapped_column(String(16))
    fields: Mapped[list[str]] = mapped_column(ARRAY(String(40)))
    data: Mapped[dict | None] = mapped_column(JSONB)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=text("clock_timestamp()"),
                                                 index=True)


class FeedState(Base):
    __tablename__ = "feed_state"

    resource: Mapped[str] = mapped_column(String(16), primary_key=True)
    resource_id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True)
    data: Mapped[dict | None] = mapped_column(JSONB)


class FeedSequencer(Base):
    __tablename__ = "feed_sequencer"
    __table_args__ = (CheckConstraint("singleton", name="singleton"),)

    singleton: Mapped[bool] = mapped_column(Boolean, primary_key=True, server_default=text("true"))
    last_position: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
    purged_through: Mapped[int] = mapped_column(BigInteger, server_default=text("0"))
