from reseau_api.core.errors import NotFound


class AmiApplicationNotFound(NotFound):
    def __init__(self, key: str) -> None:
        super().__init__(f"No AMI application with id {key!r}.")
