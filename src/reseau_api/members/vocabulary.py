"""Controlled vocabularies of organisations: codes used in the API and their French labels.

The legal forms are those of the Region's 2017 AMI Tiers-Lieux call (same codes as its data set),
plus `autre` for anything else.
"""

from reseau_api.core.keys import ROLES
from reseau_api.shared.vocabulary import LEGAL_FORMS, NATURES

__all__ = ["LEGAL_FORMS", "NATURES", "ROLES"]
