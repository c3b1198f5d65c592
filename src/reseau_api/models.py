"""Imports every domain's models so that mappers are configured and Alembic sees all tables."""

from reseau_api.ami.models import AmiApplication, AmiDataset
from reseau_api.core.db import Base
from reseau_api.places.models import Place
from reseau_api.territories.models import Departement

__all__ = ["AmiApplication", "AmiDataset", "Base", "Departement", "Place"]
