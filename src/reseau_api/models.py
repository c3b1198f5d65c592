"""Imports every domain's models so that mappers are configured and Alembic sees all tables."""

from reseau_api.core.db import Base
from reseau_api.coverage.models import Commune
from reseau_api.places.models import Place
from reseau_api.territories.models import Departement

__all__ = ["Base", "Commune", "Departement", "Place"]
