"""Place lookups with visibility and ownership, reused by routes (the editorial kernel's, for places).

Visibility: the public sees published places only; a member also sees its organisation's drafts,
rejected and archived places; admins see everything. A place you may not see is a 404, exactly as
if it did not exist, so that drafts do not leak. Ownership (editing, history): admins, or members of
the owning organisation; a visible place you do not own is a 403.
"""

from reseau_api.core.auth import Member
from reseau_api.editorial.preconditions import merge_patch_body
from reseau_api.editorial.routes import IfMatchDep, lookups
from reseau_api.places.editorial import PLACES
from reseau_api.places.models import Place

__all__ = ["IfMatchDep", "OwnedPlace", "VisiblePlace", "can_see", "merge_patch_body", "visible_place"]

_lookups = lookups(PLACES)
VisiblePlace = _lookups.visible
OwnedPlace = _lookups.owned
visible_place = VisiblePlace.__metadata__[0].dependency


def can_see(member: Member | None, place: Place) -> bool:
    return PLACES.can_see(member, place)
