"""A place (tiers-lieu): identity, life cycle, address and position, services, telework offer."""

import uuid
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from geoalchemy2 import Geometry
from sqlalchemy import (
    ARRAY,
    Boolean,
    CheckConstraint,
    Computed,
    Date,
    DateTime,
    Double,
    Float,
    ForeignKey,
    Index,
    Integer,
    Numeric,
    SmallInteger,
    String,
    Text,
    UniqueConstraint,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import JSONB, TSVECTOR
from sqlalchemy.orm import Mapped, column_property, mapped_column, synonym

from reseau_api.core.db import Base
from reseau_api.core.geo import SRID
from reseau_api.editorial.models import ACTIONS, Revision, Versioned
from reseau_api.places.states import WORKFLOW

# The identifiers other registries give a place (shared/identifiers.py): column -> format check. Each is
# unique among published places (a partial unique index, which also serves the `?siret=`… filters).
IDENTIFIER_CHECKS = {
    "siret": "siret ~ '^[0-9]{14}$'",
    "rna": "rna ~ '^W[0-9]{9}$'",
    "osm_id": "osm_id ~ '^(node|way|relation)/[1-9][0-9]{0,15}$'",
    "acceslibre_id": "acceslibre_id ~ '^[a-z0-9-]{1,120}$'",
    "data_inclusion_id": "data_inclusion_id ~ '^[a-z0-9][a-z0-9_-]*--'",
    "census_id": "census_id ~ '^[1-9][0-9]{0,8}$'",
}
PUBLIC = f"moderation = '{WORKFLOW.public.value}'"

# Places also record accepted claims (claims/): the owner changes, the content does not.
PLACE_ACTION_CHECK = f"action IN ({', '.join(repr(a) for a in (*ACTIONS, 'revendication'))})"

class Place(Versioned, Base):
    __tablename__ = "place"
    __table_args__ = (
        CheckConstraint("status IN ('ouvert', 'en_projet', 'ferme')", name="status"),
        CheckConstraint("project_kind IN ('creation', 'extension')", name="project_kind"),
        CheckConstraint(WORKFLOW.check_constraint("moderation"), name="moderation"),
        CheckConstraint("status <> 'ouvert' OR geom IS NOT NULL", name="open_has_position"),
        CheckConstraint(
            "coalesce(desks, 0) >= 0 AND coalesce(private_offices, 0) >= 0 "
            "AND coalesce(meeting_rooms, 0) >= 0 AND coalesce(price_half_day, 0) >= 0 "
            "AND coalesce(price_day, 0) >= 0 AND coalesce(price_month, 0) >= 0",
            name="non_negative_offer",
        ),
        UniqueConstraint("source", "source_id", name="uq_place_source_source_id"),
        Index("ix_place_types", "types", postgresql_using="gin"),
        Index("ix_place_services", "services", postgresql_using="gin"),
        Index("ix_place_search_vector", "search_vector", postgresql_using="gin"),
        Index("ix_place_search_text", "search_text", postgresql_using="gin",
              postgresql_ops={"search_text": "gin_trgm_ops"}),
        Index("ix_place_sort_name_id", "sort_name", "id"),
        Index("ix_place_updated_at_id", "updated_at", "id"),
        # Freshness filters are ranges on verified_at; the chase list walks it oldest (never verified) first.
        Index("ix_place_verified_at_id", text("verified_at NULLS FIRST"), "id"),
        *(CheckConstraint(check, name=column) for column, check in IDENTIFIER_CHECKS.items()),
        *(Index(f"uq_place_{column}_public", column, unique=True,
                postgresql_where=text(f"{PUBLIC} AND {column} IS NOT NULL"))
          for column in IDENTIFIER_CHECKS),
        # Geodesic "near me" searches (ST_DWithin and KNN <-> on geography) walk this index.
        Index("ix_place_geog", text("(geom::geography)"), postgresql_using="gist"),
    )

    slug: Mapped[str] = mapped_column(String(120), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)

    status: Mapped[str] = mapped_column(String(16), index=True)
    opening_planned_date: Mapped[date | None] = mapped_column(Date)
    project_kind: Mapped[str | None] = mapped_column(String(16))
    networking: Mapped[bool] = mapped_column(Boolean, server_default=text("false"))
    types: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))
    services: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))

    address: Mapped[str | None] = mapped_column(String(300))
    postcode: Mapped[str | None] = mapped_column(String(5))
    commune: Mapped[str | None] = mapped_column(String(120))
    insee_code: Mapped[str | None] = mapped_column(String(5), index=True)
    department_code: Mapped[str] = mapped_column(ForeignKey("departement.code"), index=True)
    geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True), nullable=True)
    lon = column_property(func.ST_X(geom))
    lat = column_property(func.ST_Y(geom))

    # Telework offer
    desks: Mapped[int | None] = mapped_column(Integer)
    private_offices: Mapped[int | None] = mapped_column(Integer)
    meeting_rooms: Mapped[int | None] = mapped_column(Integer)
    price_half_day: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    price_day: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    price_month: Mapped[Decimal | None] = mapped_column(Numeric(8, 2))
    booking_url: Mapped[str | None] = mapped_column(String(500))
    access_24_7: Mapped[bool | None] = mapped_column(Boolean)
    audiences: Mapped[list[str]] = mapped_column(ARRAY(String(40)), server_default=text("'{}'"))
    bandwidth_mbps: Mapped[int | None] = mapped_column(Integer)

    opening_hours: Mapped[str | None] = mapped_column(String(500))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(20))
    website: Mapped[str | None] = mapped_column(String(500))
    accessibility: Mapped[str | None] = mapped_column(Text)
    images: Mapped[list[str]] = mapped_column(ARRAY(String(500)), server_default=text("'{}'"))
    # Dated closures (`fermetures`): [{"du": date, "au": date, "motif": text}], validated by PlaceWrite.
    closures: Mapped[list[dict[str, Any]]] = mapped_column(JSONB, server_default=text("'[]'"))

    # Identifiers in other registries (see IDENTIFIER_CHECKS)
    siret: Mapped[str | None] = mapped_column(String(14))
    rna: Mapped[str | None] = mapped_column(String(10))
    osm_id: Mapped[str | None] = mapped_column(String(30))
    acceslibre_id: Mapped[str | None] = mapped_column(String(120))
    data_inclusion_id: Mapped[str | None] = mapped_column(String(120))
    census_id: Mapped[str | None] = mapped_column(String(9))

    moderation: Mapped[str] = mapped_column(String(16), server_default=text(f"'{WORKFLOW.public}'"))
    state = synonym("moderation")  # the editorial kernel's name for it
    source: Mapped[str | None] = mapped_column(String(200))
    source_id: Mapped[str | None] = mapped_column(String(100))

    # Derived, maintained by PostgreSQL: full text (French, accent-free), trigram text, sort key.
    search_vector = mapped_column(
        TSVECTOR, Computed("place_search_vector(name, commune, types, description)", persisted=True)
    )
    search_text: Mapped[str] = mapped_column(
        Text, Computed("lower(f_unaccent(name || ' ' || coalesce(commune, '')))", persisted=True)
    )
    sort_name: Mapped[str] = mapped_column(Text, Computed("lower(f_unaccent(name))", persisted=True))


class PlaceGrid(Base):
    """Published places per tile of each grid level `z` (zoom 12, 14, 16, 18), kept by a trigger on `place`
    (migrations 0800, 0900), read by the unfiltered clustered tiles (geo/queries.py): count and sums of
    positions in zoom-8 tile units."""

    __tablename__ = "place_grid"

    z: Mapped[int] = mapped_column(SmallInteger, primary_key=True)
    x: Mapped[int] = mapped_column(Integer, primary_key=True)
    y: Mapped[int] = mapped_column(Integer, primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False)
    sx: Mapped[float] = mapped_column(Double, nullable=False)
    sy: Mapped[float] = mapped_column(Double, nullable=False)


class PlaceRevision(Revision, Base):
    """One change of a place (see editorial.models.Revision); `snapshot` is its PlaceWrite representation."""

    __tablename__ = "place_revision"
    __table_args__ = (
        UniqueConstraint("place_id", "version", name="uq_place_revision_place_id_version"),
        CheckConstraint(PLACE_ACTION_CHECK, name="action"),
        # The moderation queue starts from what members wrote.
        Index("ix_place_revision_member", "place_id", "version", postgresql_where=text("actor_role = 'membre'")),
    )

    place_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"))
    moderation: Mapped[str] = mapped_column(String(16))
    subject_id = synonym("place_id")
    state = synonym("moderation")


class PlaceDuplicate(Base):
    """A possible duplicate found when the place was created (places/duplicates.py): the other listing
    and why (`siret`… for a shared identifier, `proximite` for a close position with a similar name).
    While the place awaits moderation, the admins' queue lists it with these links."""

    __tablename__ = "place_duplicate"
    __table_args__ = (CheckConstraint("place_id <> other_id", name="not_itself"),)

    place_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), primary_key=True)
    other_id: Mapped[uuid.UUID] = mapped_column(ForeignKey("place.id", ondelete="CASCADE"), primary_key=True,
                                                index=True)
    reasons: Mapped[list[str]] = mapped_column(ARRAY(String(20)))
    distance_m: Mapped[int | None] = mapped_column(Integer)
    similarity: Mapped[float | None] = mapped_column(Float)
    detected_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
