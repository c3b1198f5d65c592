"""Writing places: members edit their organisation's listings, admins moderate and restore.

The routes are the editorial kernel's (editorial/routes.py), declared by `places/editorial.py`.
"""

from reseau_api.editorial.routes import editing_router
from reseau_api.places.editorial import PLACES

router = editing_router(PLACES)
