"""The states of a good practice (`statut` in the API: its life cycle and moderation state)."""

from enum import StrEnum

from reseau_api.editorial.states import Workflow


class PracticeState(StrEnum):
    BROUILLON = "brouillon"
    PUBLIEE = "publiee"
    ARCHIVEE = "archivee"


# A rejection sends a practice back to `brouillon`, with its reason (`motif_moderation`).
WORKFLOW = Workflow(
    PracticeState, public=PracticeState.PUBLIEE, pending=PracticeState.BROUILLON, rejected=PracticeState.BROUILLON,
    archived=PracticeState.ARCHIVEE, rejectable=frozenset({PracticeState.BROUILLON, PracticeState.PUBLIEE}),
)
