"""A claim on a place: which organisation asks, why, and the animators' decision."""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, Index, String, Text, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base

STATES = ("en_attente", "acceptee", "refusee")


class PlaceClaim(Base):
    __tablename__ = "place_claim"
    __table_args__ = (
        CheckConstraint("state IN ('en_attente', 'acceptee', 'refusee')", name="state"),
        CheckConstraint("(state = 'en_attente') = (decided_at IS NULL)", name="decided_when_closed"),
        CheckConstraint("length(message) BETWEEN 10 AND 2000", name="message_length"),
        # One pending claim per organisation and place: a second one is a 409, also under concurrency.
        Index("uq_place_claim_pending", "place_id", "organisation_id", unique=True,
              postgresql_where=text("state = 'en_attente'")),
        Index("ix_place_claim_state_created_at", "state", "created_at"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True,
                                          server_default=text("gen_random_uuid()"))
    place_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("organisation.id", ondelete="CASCADE"),
                                                       index=True)
    message: Mapped[str] = mapped_column(Text)
    state: Mapped[str] = mapped_column(String(12), server_default=text("'en_attente'"))
    reason: Mapped[str | None] = mapped_column(Text)
    created_by_key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    decided_by_key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_key.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    decided_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
