"""Controlled vocabularies of organisations: codes used in the API and their French labels.

The legal forms are those of the Region's 2017 AMI Tiers-Lieux call (same codes as its data set),
plus `autre` for anything else.
"""

from reseau_api.ami.vocabulary import FORMES_JURIDIQUES
from reseau_api.ami.vocabulary import NATURES as AMI_NATURES

# The AMI's list, shared: an organisation and an AMI application speak of the same holders.
LEGAL_FORMS: dict[str, str] = {**FORMES_JURIDIQUES, "autre": "Autre"}
NATURES: dict[str, str] = AMI_NATURES

ROLES: dict[str, str] = {
    "admin": "Animateur du réseau (administration)",
    "membre": "Membre (édite les lieux de son organisation)",
}
