"""Reference territories: French departments with their (simplified) boundaries."""

from geoalchemy2 import Geometry
from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from reseau_api.core.db import Base


class Departement(Base):
    """A department (IGN Admin Express via france-geojson, simplified; Licence Ouverte)."""

    __tablename__ = "departement"

    code: Mapped[str] = mapped_column(String(3), primary_key=True)
    name: Mapped[str] = mapped_column(String(80))
    geom = mapped_column(Geometry("MULTIPOLYGON", srid=4326, spatial_index=True), nullable=False)
