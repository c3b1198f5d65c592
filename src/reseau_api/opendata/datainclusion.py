"""Export to the data·inclusion schema (structures and services, v1 as the `data-inclusion-schema` package
publishes it), so that the network's places can flow into the national base of the inclusion offer.

Structures: the published, open places. A place is left out (listed by `reseau-api export`) when its name
does not fit the schema (3 to 150 characters). `id` is `<SOURCE>--<place id>`; `siret` is the place's,
`accessibilite_lieu` its acceslibre sheet, `lien_source` its page when RESEAU_PUBLIC_BASE_URL is set.
The schema's v1 has no "tiers-lieu" typology any more (v0's `typologie` = `TIERS_LIEUX` is gone): what
the network is goes in `source`, and `reseaux_porteurs` holds only the networks a place's types prove
(`france_services` → `france-service`, `campus_connecte` → `campus-connecte`).

Services: what a place offers that the schema's thematics describe, one service per offer below, only
from facts the listing states (its services and types); nothing is inferred about prices or audiences
except that France Services are free (the label requires it). The full mapping is in docs/import.md.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.places.jsonld import acceslibre_sheet, international_phone
from reseau_api.places.models import Place
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW
from reseau_api.shared.time import PARIS

SCHEMA_PACKAGE = "data-inclusion-schema"
SCHEMA_VERSION = "1.0.10"  # the version the tests validate against (pyproject.toml pins it)
SOURCE = "reseau-tiers-lieux-occitanie"
NAME_LENGTH = (3, 150)
DESCRIPTION_LENGTH = (5, 10000)

NETWORKS = {"france_services": "france-service", "campus_connecte": "campus-connecte"}


@dataclass(frozen=True)
class Offer:
    code: str  # the service id is `<structure id>--<code>`
    name: str
    services: frozenset[str]  # any of these services of the place…
    types: frozenset[str]  # …or of these types
    thematics: tuple[str, ...]
    kind: str | None = None  # the schema's `type`
    free: bool = False


OFFERS = (
    Offer("acces-internet", "Accès à internet", frozenset({"wifi", "fibre"}), frozenset(),
          ("numerique--acceder-a-une-connexion-internet",)),
    Offer("mediation-numerique", "Médiation numérique", frozenset({"mediation_numerique"}),
          frozenset({"mediation_numerique"}),
          ("numerique--maitriser-les-fondamentaux-du-numerique", "numerique--acceder-a-des-services-en-ligne"),
          kind="accompagnement"),
    Offer("france-services", "Accompagnement aux démarches administratives (France Services)", frozenset(),
          frozenset({"france_services"}),
          ("difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
           "numerique--acceder-a-des-services-en-ligne"), kind="accompagnement", free=True),
    Offer("creation-entreprise", "Accompagnement à la création d'entreprise", frozenset(),
          frozenset({"pepiniere_incubateur"}),
          ("creer-une-entreprise--structurer-son-projet-de-creation-dentreprise",
           "creer-une-entreprise--developper-son-entreprise"), kind="accompagnement"),
    Offer("garde-enfants", "Garde d'enfants", frozenset({"garde_enfants"}), frozenset(), ("famille--garde-denfants",)),
)


@dataclass
class Excluded:
    place_id: str
    nom: str
    reason: str


def structure_id(place: Place) -> str:
    return f"{SOURCE}--{place.id}"


def _updated(place: Place) -> date:
    return place.updated_at.astimezone(PARIS).date()


def _location(place: Place) -> dict[str, Any]:
    """What structures and services share: address, position and contact."""
    return {
        "commune": place.commune, "code_postal": place.postcode, "code_insee": place.insee_code,
        "adresse": place.address,
        "longitude": round(place.lon, 6) if place.lon is not None else None,
        "latitude": round(place.lat, 6) if place.lat is not None else None,
        "telephone": international_phone(place.phone).replace(" ", "") if place.phone else None,
        "courriel": place.email,
    }


def _page(place: Place) -> str | None:
    base = get_settings().public_base_url.rstrip("/")
    return f"{base}/lieux/{place.slug}" if base else None


def structure(place: Place) -> dict[str, Any]:
    description = (place.description or "").strip()
    low, high = DESCRIPTION_LENGTH
    values = {
        "source": SOURCE, "id": structure_id(place), "nom": place.name.strip(), "date_maj": _updated(place).isoformat(),
        "description": description[:high] if len(description) >= low else None, "lien_source": _page(place),
        "siret": place.siret, **_location(place), "site_web": place.website, "horaires_accueil": place.opening_hours,
        "accessibilite_lieu": acceslibre_sheet(place),
        "reseaux_porteurs": sorted({NETWORKS[t] for t in place.types if t in NETWORKS}) or None,
    }
    return {k: v for k, v in values.items() if v is not None}


def offers_of(place: Place) -> list[Offer]:
    return [o for o in OFFERS if o.services & set(place.services) or o.types & set(place.types)]


def services(place: Place) -> list[dict[str, Any]]:
    found = []
    for offer in offers_of(place):
        where = f" ({place.commune})" if place.commune else ""
        modes = [mode for present, mode in ((place.phone, "telephoner"), (place.email, "envoyer-un-courriel"))
                 if present]
        values = {
            "source": SOURCE, "structure_id": structure_id(place), "id": f"{structure_id(place)}--{offer.code}",
            "nom": offer.name, "description": f"{offer.name} au tiers-lieu {place.name.strip()}{where}.",
            "lien_source": _page(place), "date_maj": _updated(place).isoformat(), "type": offer.kind,
            "thematiques": list(offer.thematics), "frais": "gratuit" if offer.free else None,
            **_location(place), "modes_accueil": ["en-presentiel"], "modes_mobilisation": modes or None,
        }
        found.append({k: v for k, v in values.items() if v is not None})
    return found


def exclusion_reason(place: Place) -> str | None:
    low, high = NAME_LENGTH
    if not low <= len(place.name.strip()) <= high:
        return f"the schema wants a name of {low} to {high} characters"
    return None


async def places(session: AsyncSession) -> tuple[list[Place], list[Excluded]]:
    """The exportable places (published, open, in name order) and those left out with the reason."""
    rows = (await session.execute(
        select(Place).where(PLACE_WORKFLOW.public_sql(Place.moderation), Place.status == "ouvert")
        .order_by(Place.sort_name, Place.id)
    )).scalars().all()
    kept, excluded = [], []
    for place in rows:
        reason = exclusion_reason(place)
        if reason:
            excluded.append(Excluded(str(place.id), place.name, reason))
        else:
            kept.append(place)
    return kept, excluded


async def structures_records(session: AsyncSession) -> list[dict[str, Any]]:
    return [structure(p) for p in (await places(session))[0]]


async def services_records(session: AsyncSession) -> list[dict[str, Any]]:
    return [service for p in (await places(session))[0] for service in services(p)]
