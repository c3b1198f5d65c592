"""A good practice shared by a member organisation, its places, and its history."""

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    CheckConstraint,
    Computed,
    DateTime,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    text,
)
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlalchemy.orm import Mapped, mapped_column, synonym

from reseau_api.core.db import Base
from reseau_api.editorial.models import ACTION_CHECK, Revision, Versioned
from reseau_api.practices.states import WORKFLOW


class Practice(Versioned, Base):
    """A good practice (`bonne_pratique`). `status` is both its life cycle and its moderation state.

    `content_html` is the sanitised rendering of `content_md`, computed on every write (see rendering.py).
    """

    __tablename__ = "practice"
    __table_args__ = (
        CheckConstraint(WORKFLOW.check_constraint("status"), name="status"),
        CheckConstraint(f"status <> '{WORKFLOW.public}' OR published_at IS NOT NULL", name="published_has_date"),
        Index("ix_practice_themes", "themes", postgresql_using="gin"),
        Index("ix_practice_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_practice_status_published_at_id", "status", "published_at", "id"),
        Index("ix_practice_verified_at_id", text("verified_at NULLS FIRST"), "id"),
    )

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    title: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(500))
    content_md: Mapped[str] = mapped_column(Text)
    content_html: Mapped[str] = mapped_column(Text)
    themes: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))
    links: Mapped[list[str]] = mapped_column(ARRAY(String(500)), server_default=text("'{}'"))
    attachments: Mapped[list[str]] = mapped_column(ARRAY(String(500)), server_default=text("'{}'"))
    status: Mapped[str] = mapped_column(String(12), server_default=text("'brouillon'"))
    state = synonym("status")  # the editorial kernel's name for it
    moderation_reason: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

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


class PracticeRevision(Revision, Base):
    """One change of a good practice (see editorial.models.Revision)."""

    __tablename__ = "practice_revision"
    __table_args__ = (
        UniqueConstraint("practice_id", "version", name="uq_practice_revision_practice_id_version"),
        CheckConstraint(ACTION_CHECK, name="action"),
        Index("ix_practice_revision_member", "practice_id", "version",
              postgresql_where=text("actor_role = 'membre'")),
    )

    practice_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("practice.id", ondelete="CASCADE"))
    status: Mapped[str] = mapped_column(String(12))
    subject_id = synonym("practice_id")
    state = synonym("status")
