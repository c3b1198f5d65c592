from reseau_api.core.errors import Conflict, Forbidden, NotFound


class ClaimNotFound(NotFound):
    def __init__(self, claim_id: object) -> None:
        super().__init__(f"No claim {claim_id} visible to this key.")


class NotAMemberKey(Forbidden):
    def __init__(self) -> None:
        super().__init__("Only a member organisation's key may claim a place: an admin key belongs to no "
                         "organisation (admins assign a place with `POST /v1/lieux?organisation=`).")


class PlaceAlreadyOwned(Conflict):
    def __init__(self, yours: bool) -> None:
        super().__init__("This place already belongs to your organisation." if yours else
                         "This place already belongs to an organisation; only places without one can be claimed.")


class DuplicateClaim(Conflict):
    def __init__(self) -> None:
        super().__init__("Your organisation already has a pending claim on this place; wait for the decision.")


class ClaimClosed(Conflict):
    def __init__(self, state: str) -> None:
        super().__init__(f"This claim is already decided ({state}).")
