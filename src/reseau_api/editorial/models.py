"""Model mixins: the columns every editable resource and its revision table have in common."""

import uuid
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, DateTime, ForeignKey, Identity, Integer, String, Text, func, text
from sqlalchemy.dialects.postgresql import JSONB, UUID
from sqlalchemy.orm import Mapped, mapped_column

ACTIONS = ("creation", "modification", "moderation", "archivage", "restauration", "confirmation")
ACTION_CHECK = f"action IN ({', '.join(repr(a) for a in ACTIONS)})"


class Versioned:
    """An owned record whose every stored change bumps `version` (its ETag is `"<id>-v<version>"`)."""

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True,
                                          server_default=text("gen_random_uuid()"))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))
    # Freshness (editorial/freshness.py): when the owner or an admin last said the record is accurate
    # (a confirmation or an edit by a key; NULL: never, e.g. loaded from the census), distinct from
    # `updated_at`. `provenance`: {field: {"role", "source", "le"}}, who set each public field last.
    verified_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    provenance: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'"))


class Revision:
    """One stored version: who (key, role, organisation; no key = command line or import), when, what
    (`changes`: {field: [old, new]}), why (`reason`), and the full editable representation after it
    (`snapshot`), which restore brings back. Each table adds its subject's foreign key and state column,
    exposed generically as `subject_id` and `state` (synonyms)."""

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    action: Mapped[str] = mapped_column(String(16))
    actor_key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    actor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    actor_role: Mapped[str | None] = mapped_column(String(8))
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict[str, Any]] = mapped_column(JSONB, server_default=text("'{}'"))
    snapshot: Mapped[dict[str, Any]] = mapped_column(JSONB)
    # The record's field provenance after this version: restore brings a field back with it.
    provenance: Mapped[dict[str, Any] | None] = mapped_column(JSONB)
