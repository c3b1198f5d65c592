"""Imports every domain's models so that mappers are configured and Alembic sees all tables."""

from reseau_api.core.db import Base

__all__ = ["Base"]
