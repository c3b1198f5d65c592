"""Vocabularies several domains speak: codes stored as is, French labels for people.

Legal forms and natures are those of the Region's 2017 AMI Tiers-Lieux call (same codes as its data set):
organisations and AMI applications describe the same holders. Project kinds are shared by places and
the AMI statistics.
"""

PROJECT_KINDS: dict[str, str] = {
    "creation": "Création",
    "extension": "Extension",
}

NATURES: dict[str, str] = {
    "public": "Public",
    "prive": "Privé",
    "associatif": "Associatif",
}

FORMES_JURIDIQUES: dict[str, str] = {
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
}

LEGAL_FORMS: dict[str, str] = {**FORMES_JURIDIQUES, "autre": "Autre"}
