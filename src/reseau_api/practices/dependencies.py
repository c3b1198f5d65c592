"""Good-practice lookups with visibility and ownership (the editorial kernel's, see editorial/routes.py).

The public sees published practices only; the owning organisation's members and admins see drafts and
archived ones too. A practice you may not see is a 404 (drafts do not leak); a visible practice you do not
own is a 403 for edits and history.
"""

from reseau_api.editorial.routes import lookups
from reseau_api.practices.editorial import PRACTICES

_lookups = lookups(PRACTICES)
VisiblePractice = _lookups.visible
OwnedPractice = _lookups.owned
