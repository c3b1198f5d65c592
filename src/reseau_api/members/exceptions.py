from reseau_api.core.errors import Conflict, NotFound


class OrganisationNotFound(NotFound):
    def __init__(self, key: object) -> None:
        super().__init__(f"No organisation with id {str(key)!r}.")


class OrganisationAlreadyExists(Conflict):
    def __init__(self, siren: str) -> None:
        super().__init__(f"An organisation with SIREN {siren} is already registered.")


class ApiKeyNotFound(NotFound):
    def __init__(self, key: object) -> None:
        super().__init__(f"No API key with id {str(key)!r} that you may manage.")
