"""What Alembic autogenerate compares: our tables, not those PostGIS ships."""

from typing import Any

from geoalchemy2 import alembic_helpers

# Tables that PostGIS and its companions own: never ours to create or drop.
FOREIGN_TABLES = {"spatial_ref_sys", "topology", "layer"}


def include_object(obj: Any, name: str | None, type_: str, reflected: bool, compare_to: Any) -> bool:
    if type_ == "table" and name in FOREIGN_TABLES:
        return False
    return bool(alembic_helpers.include_object(obj, name, type_, reflected, compare_to))
