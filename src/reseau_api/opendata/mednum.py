"""Export to the national data standard of digital-inclusion places ("Lieux de médiation numérique",
LaMednum/standard-mediation-num, schema.data.gouv.fr, table schema 1.0.x), so that the network's
digital-mediation places can appear on the national map (cartographie nationale, data.inclusion).

Which places: published, open (`statut` = ouvert), whose types include `mediation_numerique`.
Lists inside a cell are separated by `|`, as the schema asks. The mapping of every field, and the
fields left empty because reseau-api does not know them, are documented in docs/import.md.
A place is left out (and listed by `reseau-api export`) when a field the schema requires cannot be
filled honestly: no address, commune or postcode, or none of its services maps to the schema's.
"""

from dataclasses import dataclass
from typing import Any

from sqlalchemy import any_, literal, select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places.jsonld import acceslibre_sheet, international_phone
from reseau_api.places.models import Place
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW
from reseau_api.shared.time import PARIS

SCHEMA_NAME = "LaMednum/standard-mediation-num"
SCHEMA_VERSION = "1.0"
SOURCE = "Réseau des tiers-lieux d'Occitanie (reseau-api)"
PIVOT_UNKNOWN = "00000000000000"  # the schema's placeholder when the place's SIRET is not known
LIST_SEPARATOR = "|"
RESUME_MAX = 280

FIELDS = (
    "id", "pivot", "nom", "commune", "code_postal", "code_insee", "adresse", "complement_adresse",
    "latitude", "longitude", "typologie", "telephone", "courriels", "site_web", "horaires",
    "presentation_resume", "presentation_detail", "source", "itinerance", "structure_parente", "date_maj",
    "services", "publics_specifiquement_adresses", "prise_en_charge_specifique", "frais_a_charge",
    "dispositif_programmes_nationaux", "formations_labels", "autres_formations_labels", "modalites_acces",
    "modalites_accompagnement", "fiche_acces_libre", "prise_rdv",
)

# The schema's services, in its order.
ACCES_INTERNET = "Accès internet et matériel informatique"
MAITRISE_OUTILS = "Maîtrise des outils numériques du quotidien"
LOISIRS_CREATIONS = "Loisirs et créations numériques"
SERVICES = (
    "Aide aux démarches administratives", MAITRISE_OUTILS, "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique", "Parentalité et éducation avec le numérique", LOISIRS_CREATIONS,
    "Compréhension du monde numérique", ACCES_INTERNET, "Acquisition de matériel informatique à prix solidaire",
)
# Our service codes (and place types) -> the schema's services. Ours that say nothing about digital
# mediation (parking, cuisine…) map to nothing.
SERVICE_MAP = {
    "wifi": ACCES_INTERNET, "fibre": ACCES_INTERNET, "impression": ACCES_INTERNET,
    "mediation_numerique": MAITRISE_OUTILS, "atelier_fabrication": LOISIRS_CREATIONS,
}
TYPE_SERVICE_MAP = {"fablab": LOISIRS_CREATIONS}
TYPOLOGY_MAP = {"france_services": "RFS"}  # data.inclusion typology codes, besides TIERS_LIEUX
PROGRAMME_MAP = {"france_services": "France Services"}


@dataclass
class Excluded:
    place_id: str
    nom: str
    reason: str


def services_of(place: Place) -> list[str]:
    found = {SERVICE_MAP[s] for s in place.services if s in SERVICE_MAP}
    found |= {TYPE_SERVICE_MAP[t] for t in place.types if t in TYPE_SERVICE_MAP}
    return [s for s in SERVICES if s in found]


def record(place: Place) -> dict[str, Any]:
    """One place in the schema's fields ("" where reseau-api has nothing to say)."""
    description = (place.description or "").strip()
    resume, detail = description, ""
    if len(description) > RESUME_MAX:
        resume = description[:RESUME_MAX - 1].rsplit(" ", 1)[0].rstrip(" ,;:.") + "…"
        detail = description
    typology = ["TIERS_LIEUX", *(TYPOLOGY_MAP[t] for t in place.types if t in TYPOLOGY_MAP)]
    access = [label for present, label in ((place.phone, "Téléphoner"), (place.email, "Contacter par mail"))
              if present]
    values: dict[str, Any] = {
        "id": str(place.id), "pivot": place.siret or PIVOT_UNKNOWN, "nom": place.name, "commune": place.commune or "",
        "code_postal": place.postcode or "", "code_insee": place.insee_code or "", "adresse": place.address or "",
        "latitude": round(place.lat, 6) if place.lat is not None else "",
        "longitude": round(place.lon, 6) if place.lon is not None else "",
        "typologie": LIST_SEPARATOR.join(typology),
        "telephone": international_phone(place.phone).replace(" ", "") if place.phone else "",
        "courriels": place.email or "", "site_web": place.website or "", "horaires": place.opening_hours or "",
        "presentation_resume": resume, "presentation_detail": detail, "source": SOURCE, "itinerance": "Fixe",
        "date_maj": place.updated_at.astimezone(PARIS).date().isoformat(),
        "services": LIST_SEPARATOR.join(services_of(place)),
        "dispositif_programmes_nationaux": LIST_SEPARATOR.join(
            PROGRAMME_MAP[t] for t in place.types if t in PROGRAMME_MAP),
        "modalites_acces": LIST_SEPARATOR.join(access),
        "fiche_acces_libre": acceslibre_sheet(place) or "",
    }
    return {name: values.get(name, "") for name in FIELDS}


def exclusion_reason(place: Place) -> str | None:
    missing = [name for name, value in (("adresse", place.address), ("commune", place.commune),
                                        ("code_postal", place.postcode)) if not value]
    if missing:
        return f"required by the schema and unknown here: {', '.join(missing)}"
    if not services_of(place):
        return ("no service that maps to the schema's (wifi, fibre, impression, mediation_numerique, "
                "atelier_fabrication, or type fablab)")
    return None


async def records(session: AsyncSession) -> tuple[list[dict[str, Any]], list[Excluded]]:
    """The exportable places as schema records (in name order), and those left out with the reason."""
    places = (await session.execute(
        select(Place).where(PLACE_WORKFLOW.public_sql(Place.moderation), Place.status == "ouvert",
                            literal("mediation_numerique") == any_(Place.types))
        .order_by(Place.sort_name, Place.id)
    )).scalars().all()
    kept, excluded = [], []
    for place in places:
        reason = exclusion_reason(place)
        if reason:
            excluded.append(Excluded(str(place.id), place.name, reason))
        else:
            kept.append(record(place))
    return kept, excluded
