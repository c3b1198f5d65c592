from reseau_api.core.errors import InvalidBody, NotFound


class PracticeNotFound(NotFound):
    def __init__(self, key: object) -> None:
        super().__init__(f"No published good practice with id or slug {str(key)!r}.")


class UnknownPlaces(InvalidBody):
    def __init__(self, indexes: list[int]) -> None:
        super().__init__([{"in": "body", "pointer": f"/lieux/{i}", "detail": "no published place with this id"}
                          for i in indexes])


class ForeignPlaces(InvalidBody):
    def __init__(self, indexes: list[int]) -> None:
        super().__init__([{"in": "body", "pointer": f"/lieux/{i}",
                           "detail": "a member links good practices to its own organisation's places only"}
                          for i in indexes])
