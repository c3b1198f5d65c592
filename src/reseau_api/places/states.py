"""The moderation states of a place (`moderation` in the API) and their workflow."""

from enum import StrEnum

from reseau_api.editorial.states import Workflow


class PlaceState(StrEnum):
    A_VALIDER = "a_valider"
    PUBLIE = "publie"
    REJETE = "rejete"
    ARCHIVE = "archive"


# A rejected place edited by its member goes back to `a_valider`.
WORKFLOW = Workflow(
    PlaceState, public=PlaceState.PUBLIE, pending=PlaceState.A_VALIDER, rejected=PlaceState.REJETE,
    archived=PlaceState.ARCHIVE, rejectable=frozenset({PlaceState.A_VALIDER, PlaceState.PUBLIE}),
    resubmit_from=frozenset({PlaceState.REJETE}),
)
