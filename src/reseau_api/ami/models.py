"""The applications to the 2017 AMI Tiers-Lieux, and which data set they come from."""

import uuid
from datetime import datetime

from sqlalchemy import (
    ARRAY,
    BigInteger,
    Boolean,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    SmallInteger,
    String,
    Text,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import UUID
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base


class AmiApplication(Base):
    """One application (candidature). Every published table is an aggregate over these rows."""

    __tablename__ = "ami_application"
    __table_args__ = (
        CheckConstraint("project_kind IN ('creation', 'extension')", name="project_kind"),
        # The publication counts networking projects among the extensions.
        CheckConstraint("NOT networking OR project_kind = 'extension'", name="networking_is_extension"),
        CheckConstraint("holder_nature IN ('public', 'prive', 'associatif')", name="holder_nature"),
        CheckConstraint("challenges <@ '{1,2,3,4,5}'::smallint[]", name="challenges"),
        CheckConstraint("financing_plan_eur IS NULL OR financing_plan_eur >= 0", name="financing_plan"),
        Index("ix_ami_application_challenges", "challenges", postgresql_using="gin"),
        Index("ix_ami_application_needs", "needs", postgresql_using="gin"),
    )

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    project_kind: Mapped[str] = mapped_column(String(16))
    networking: Mapped[bool] = mapped_column(Boolean)
    department_code: Mapped[str] = mapped_column(ForeignKey("departement.code"), index=True)
    holder_nature: Mapped[str] = mapped_column(String(16))
    legal_form: Mapped[str] = mapped_column(String(40))
    # Null when the holder could not provide a five-year financing plan.
    financing_plan_eur: Mapped[int | None] = mapped_column(BigInteger)
    challenges: Mapped[list[int]] = mapped_column(ARRAY(SmallInteger), server_default=text("'{}'"))
    needs: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))
    place_id: Mapped[uuid.UUID | None] = mapped_column(
        UUID(as_uuid=True), ForeignKey("place.id", ondelete="SET NULL"), index=True
    )


class AmiDataset(Base):
    """The one data set currently loaded (a single row): where it comes from, whether it is real."""

    __tablename__ = "ami_dataset"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(SmallInteger, primary_key=True, server_default=text("1"))
    source: Mapped[str] = mapped_column(Text)
    reconstructed: Mapped[bool] = mapped_column(Boolean)
    file_sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    loaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
