from reseau_api.core.errors import Conflict, InvalidBody, NotFound


class PracticeNotFound(NotFound):
    def __init__(self, key: object) -> None:
        super().__init__(f"No published good practice with id or slug {str(key)!r}.")


class UnknownPlaces(InvalidBody):
    def __init__(self, indexes: list[int]) -> None:
        super().__init__([{"in": "body", "pointer": f"/lieux/{i}", "detail": "no published place with this id"}
                          for i in indexes])


class PracticeArchived(Conflict):
    def __init__(self) -> None:
        super().__init__("This good practice is archived and read-only; an admin can publish it again.")
