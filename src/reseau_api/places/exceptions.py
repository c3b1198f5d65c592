from reseau_api.core.errors import InvalidBody, NotFound


class PlaceNotFound(NotFound):
    def __init__(self, key: object) -> None:
        super().__init__(f"No published place with id or slug {str(key)!r}.")


class PositionOutsideDepartment(InvalidBody):
    def __init__(self, departement: str, distance_m: int) -> None:
        detail = (f"position is {distance_m} m outside department {departement}; "
                  "it must fall inside it or within 2 km of its boundary")
        super().__init__([{"in": "body", "pointer": "/position", "detail": detail}], detail=detail)
