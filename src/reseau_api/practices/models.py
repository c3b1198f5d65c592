"""A good practice shared by a member organisation, its places, and its history."""

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Identity,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR, UUID
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base


class Practice(Base):
    """A good practice (`bonne_pratique`). `status` is both its life cycle and its moderation state.

    `content_html` is the sanitised rendering of `content_md`, computed on every write (see rendering.py).
    """

    __tablename__ = "practice"
    __table_args__ = (
        CheckConstraint("status IN ('brouillon', 'publiee', 'archivee')", name="status"),
        CheckConstraint("status <> 'publiee' OR published_at IS NOT NULL", name="published_has_date"),
        Index("ix_practice_themes", "themes", postgresql_using="gin"),
        Index("ix_practice_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_practice_status_published_at_id", "status", "published_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(UUID(as_uuid=True), primary_key=True,
                                          server_default=text("gen_random_uuid()"))
    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    content_md: Mapped[str] = mapped_column(Text)
    content_html: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))
    links: Mapped[list[str]] = mapped_column(ARRAY(String(500)), server_default=text("'{}'"))
    attachments: Mapped[list[str]] = mapped_column(ARRAY(String(500)), server_default=text("'{}'"))
    organisation_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("organisation.id"), index=True)
    status: Mapped[str] = mapped_column(String(12), server_default=text("'brouillon'"))
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    version: Mapped[int] = mapped_column(Integer, server_default=text("1"))

    search_vector = mapped_column(
        TSVECTOR, Computed("practice_search_vector(title, summary, themes, content_md)", persisted=True)
    )


class PracticePlace(Base):
    """The places a good practice comes from."""

    __tablename__ = "practice_place"

    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"),
                                                   primary_key=True)
    place_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), primary_key=True,
                                                index=True)


class PracticeRevision(Base):
    """One change of a good practice: who, when, what (field -> [old, new]) and the state after it."""

    __tablename__ = "practice_revision"
    __table_args__ = (
        UniqueConstraint("practice_id", "version", name="uq_practice_revision_practice_id_version"),
        CheckConstraint(
            "action IN ('creation', 'modification', 'moderation', 'archivage', 'restauration')", name="action"
        ),
    )

    id: Mapped[int] = mapped_column(BigInteger, Identity(always=True), primary_key=True)
    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"))
    version: Mapped[int] = mapped_column(Integer)
    changed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    action: Mapped[str] = mapped_column(String(16))
    actor_key_id: Mapped[uuid.UUID | None] = mapped_column(ForeignKey("api_key.id"), index=True)
    actor_organisation_id: Mapped[uuid.UUID | None] = mapped_column(UUID(as_uuid=True))
    actor_role: Mapped[str | None] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(12))
    reason: Mapped[str | None] = mapped_column(Text)
    changes: Mapped[dict] = mapped_column(JSONB, server_default=text("'{}'"))
    snapshot: Mapped[dict] = mapped_column(JSONB)
