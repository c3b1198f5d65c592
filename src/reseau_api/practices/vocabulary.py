"""Controlled vocabularies of good practices: codes used in the API and their French labels."""

THEMES: dict[str, str] = {
    "animation_communaute": "Animation de communauté",
    "modele_economique": "Modèle économique et financement",
    "teletravail": "Télétravail",
    "gouvernance": "Gouvernance",
    "communication": "Communication et promotion",
    "amenagement": "Aménagement et équipement",
    "numerique": "Numérique",
    "partenariats_collectivites": "Partenariats avec les collectivités",
    "formation": "Formation et montée en compétences",
    "inclusion": "Inclusion et médiation",
}

# The life cycle of a good practice is also its moderation state.
STATUSES: dict[str, str] = {
    "brouillon": "Brouillon (en attente de publication)",
    "publiee": "Publiée",
    "archivee": "Archivée",
}
