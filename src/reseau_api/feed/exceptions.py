from reseau_api.core.errors import ReseauError


class CursorExpired(ReseauError):
    status, slug = 410, "changements-expires"
