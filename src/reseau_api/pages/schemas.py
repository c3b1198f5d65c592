"""The query parameters of the directory page."""

from typing import Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from reseau_api.places.filters import PlaceFilters, place_filters
from reseau_api.places.schemas import DepartmentCode, PlaceType


def _blank_is_none(value: object) -> object:
    """An HTML form sends an empty field as `name=`: it means "no filter"."""
    return None if value == "" else value


def Blank(kind: Any) -> Any:
    return Annotated[kind | None, BeforeValidator(_blank_is_none)]


class DirectoryQuery(BaseModel):
    """The directory's filters: a subset of /v1/lieux, one value each, as the page's form sends them."""

    model_config = ConfigDict(extra="forbid")

    q: Blank(Annotated[str, Field(max_length=200)]) = None
    departement: Blank(DepartmentCode) = None
    type: Blank(PlaceType) = None
    teletravail: Blank(bool) = None
    ouvert_maintenant: Blank(bool) = None
    curseur: Blank(Annotated[str, Field(max_length=512)]) = None

    def filters(self) -> PlaceFilters:
        """The /v1/lieux filters these values stand for."""
        return place_filters(
            q=self.q, type=[self.type] if self.type else None,
            departement=[self.departement] if self.departement else None,
            teletravail=self.teletravail, ouvert_maintenant=self.ouvert_maintenant,
        )

    def query_items(self, **over: Any) -> list[tuple[str, str]]:
        values = {**self.model_dump(exclude_none=True), **over}
        return [(k, str(v).lower() if isinstance(v, bool) else str(v)) for k, v in values.items() if v is not None]
