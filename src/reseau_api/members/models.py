"""Organisations (members of the network); their API keys are `core.keys.ApiKey` (auth needs them)."""

__all__ = ["ApiKey", "Organisation"]

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, DateTime, String, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base
from reseau_api.core.keys import ApiKey
from reseau_api.members import vocabulary as vocab


def _in(column: str, values: dict[str, str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


class Organisation(Base):
    """A project holder / member of the network; it owns places."""

    __tablename__ = "organisation"
    __table_args__ = (
        CheckConstraint(_in("legal_form", vocab.LEGAL_FORMS), name="legal_form"),
        CheckConstraint(_in("nature", vocab.NATURES), name="nature"),
        CheckConstraint("siren ~ '^[0-9]{9}$'", name="siren_digits"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True,
                                          server_default=text("gen_random_uuid()"))
    name: Mapped[str] = mapped_column(String(200))
    siren: Mapped[str | None] = mapped_column(String(9), unique=True)
    legal_form: Mapped[str] = mapped_column(String(24))
    nature: Mapped[str] = mapped_column(String(12))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(500))
    member_since: Mapped[date | None] = mapped_column(Date)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
