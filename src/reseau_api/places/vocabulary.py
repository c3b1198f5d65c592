"""Controlled vocabularies of places: codes used in the API and their French labels.

Codes are stable identifiers (stored as is); labels may be reworded without a migration.
"""

from reseau_api.shared.vocabulary import PROJECT_KINDS

__all__ = ["PROJECT_KINDS"]

PLACE_TYPES: dict[str, str] = {
    "coworking": "Coworking",
    "fablab": "Fablab",
    "atelier_partage": "Atelier partagé",
    "mediation_numerique": "Espace de médiation numérique",
    "tiers_lieu_culturel": "Tiers-lieu culturel",
    "cafe_associatif": "Café associatif",
    "living_lab": "Living lab",
    "pepiniere_incubateur": "Pépinière / incubateur",
    "campus_connecte": "Campus connecté",
    "france_services": "Espace France Services",
    "tiers_lieu_rural": "Tiers-lieu rural",
}

SERVICES: dict[str, str] = {
    "wifi": "Wi-Fi",
    "fibre": "Fibre optique",
    "salle_reunion": "Salle de réunion",
    "visio": "Visioconférence",
    "impression": "Impression",
    "cuisine_cafe": "Cuisine / café",
    "restauration": "Restauration",
    "parking": "Parking",
    "borne_recharge": "Borne de recharge",
    "accessibilite_pmr": "Accessibilité PMR",
    "garde_enfants": "Garde d'enfants",
    "hebergement": "Hébergement",
    "atelier_fabrication": "Atelier de fabrication",
    "domiciliation": "Domiciliation",
    "accompagnement": "Accompagnement",
    "mediation_numerique": "Médiation numérique",
    "casiers": "Casiers",
    "espace_detente": "Espace détente",
    "velos": "Abri vélos",
}

STATUSES: dict[str, str] = {
    "ouvert": "Ouvert",
    "en_projet": "En projet",
    "ferme": "Fermé",
}

AUDIENCES: dict[str, str] = {
    "independants": "Indépendants",
    "salaries": "Salariés",
    "agents_publics": "Agents publics",
    "etudiants": "Étudiants",
    "demandeurs_emploi": "Demandeurs d'emploi",
}

MODERATION_STATES: dict[str, str] = {
    "a_valider": "À valider",
    "publie": "Publié",
    "rejete": "Rejeté",
    "archive": "Archivé",
}
