"""The `api_key` table and its roles: what authentication reads, so it lives in core (no domain below it).

Organisations (the `membre` keys' owners) are a domain (`members/`); the key only names one by id.
"""

import uuid
from datetime import datetime

from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, func, text
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base

ROLES: dict[str, str] = {
    "admin": "Animateur du réseau (administration)",
    "membre": "Membre (édite les lieux de son organisation)",
}


class ApiKey(Base):
    """An API key: only its public prefix and the SHA-256 of the whole key are stored."""

    __tablename__ = "api_key"
    __table_args__ = (
        CheckConstraint(f"role IN ({', '.join(repr(r) for r in ROLES)})", name="role"),
        # Admin keys belong to the network; a member key belongs to exactly one organisation.
        CheckConstraint("(role = 'membre') = (organisation_id IS NOT NULL)", name="member_has_organisation"),
        CheckConstraint("key_hash ~ '^[0-9a-f]{64}$'", name="key_hash_hex"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True,
                                          server_default=text("gen_random_uuid()"))
    prefix: Mapped[str] = mapped_column(String(8), unique=True)
    key_hash: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(8))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    label: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
