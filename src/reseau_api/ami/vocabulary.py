"""Controlled vocabularies of the 2017 AMI Tiers-Lieux: stable codes and their French labels.

Codes are stored as is; labels may be reworded without a migration. The import also accepts a label
instead of a code (case, accents and punctuation ignored), since a spreadsheet exported by the Region
is more likely to say "Auto-entrepreneur" than `auto_entrepreneur`.
"""

import re
import unicodedata

from reseau_api.shared.vocabulary import FORMES_JURIDIQUES, NATURES, PROJECT_KINDS

__all__ = ["FORMES_JURIDIQUES", "NATURES"]

# The five regional challenges, numbered as in the call.
DEFIS: dict[int, str] = {
    1: "Développement durable (environnemental et social)",
    2: "Difficultés de mobilité des salariés dans les grandes aires urbaines (congestion)",
    3: "Attractivité économique des territoires ruraux, périurbains et en reconversion",
    4: "Émergence d'une nouvelle économie collaborative et manque de lieux pour l'accueillir",
    5: "Meilleures conditions de travail par de nouvelles organisations du travail "
       "dans les entreprises et les administrations",
}

BESOINS: dict[str, str] = {
    "aide_investissement": "Aide financière à l'investissement",
    "aide_fonctionnement": "Aide financière au fonctionnement",
    "infrastructure": "Infrastructure",
    "soutien_teletravail": "Soutien financier au télétravail",
    "accompagnement": "Accompagnement (expertise économique, ingénierie technique et financière, "
                      "animation thématique)",
    "communication": "Communication et promotion",
    "organisation_reseau": "Organisation (création et structuration d'un réseau régional, "
                           "partage de bonnes pratiques)",
}

TYPES_PROJET: dict[str, str] = dict(PROJECT_KINDS)

MISE_EN_RESEAU: dict[str, str] = {"true": "Avec mise en réseau", "false": "Sans mise en réseau"}

PLAN_FINANCEMENT: dict[str, str] = {
    "avec": "Avec plan de financement à 5 ans",
    "sans": "Sans plan de financement à 5 ans",
}


def normalise(value: str) -> str:
    """'Entreprise libérale' -> 'entreprise_liberale': what codes and labels are compared on."""
    ascii_text = unicodedata.normalize("NFKD", value).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")


def lookup(vocabulary: dict[str, str], value: str) -> str | None:
    """The code for a code or a label of `vocabulary`, or None."""
    key = normalise(value)
    for code, label in vocabulary.items():
        if key in (code, normalise(label)):
            return code
    return None
