"""The communes of the region: the reference population that coverage is measured against."""

from geoalchemy2 import Geometry
from sqlalchemy import CheckConstraint, ForeignKey, Index, Integer, String, text
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base
from reseau_api.core.geo import SRID


class Commune(Base):
    """One commune (INSEE code) with its 2021 population and its centre (INSEE / IGN, Licence Ouverte)."""

    __tablename__ = "commune"
    __table_args__ = (
        CheckConstraint("population >= 0", name="population_non_negative"),
        # Coverage joins communes and places by geodesic distance (ST_DWithin on geography).
        Index("ix_commune_geog", text("(geom::geography)"), postgresql_using="gist"),
    )

    insee_code: Mapped[str] = mapped_column(String(5), primary_key=True)
    name: Mapped[str] = mapped_column(String(120))
    department_code: Mapped[str] = mapped_column(ForeignKey("departement.code"), index=True)
    population: Mapped[int] = mapped_column(Integer)
    geom = mapped_column(Geometry("POINT", srid=SRID, spatial_index=True), nullable=False)
