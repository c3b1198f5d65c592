"""Controlled vocabularies of organisations: codes used in the API and their French labels.

The legal forms are those of the Region's 2017 AMI Tiers-Lieux call (same codes as its data set),
plus `autre` for anything else.
"""

LEGAL_FORMS: dict[str, str] = {
    "association": "Association",
    "auto_entrepreneur": "Auto-entrepreneur",
    "entreprise_liberale": "Entreprise libérale",
    "sarl": "SARL",
    "sas": "SAS",
    "scic": "SCIC",
    "scop": "SCOP",
    "epic": "EPIC",
    "sem": "SEM",
    "syndicat_mixte": "Syndicat mixte",
    "commune": "Commune",
    "epci": "EPCI",
    "epscp": "EPSCP",
    "autre": "Autre",
}

NATURES: dict[str, str] = {
    "public": "Public",
    "prive": "Privé",
    "associatif": "Associatif",
}

ROLES: dict[str, str] = {
    "admin": "Animateur du réseau (administration)",
    "membre": "Membre (édite les lieux de son organisation)",
}
