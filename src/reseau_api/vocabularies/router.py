"""Controlled vocabularies with French labels, so that sites build filters without hard-coding them."""

from fastapi import APIRouter, Response
from pydantic import BaseModel
from sqlalchemy import select

from reseau_api.core.config import get_settings
from reseau_api.core.db import SessionDep
from reseau_api.places import vocabulary as places_vocab
from reseau_api.practices import vocabulary as practices_vocab
from reseau_api.territories.models import Departement

router = APIRouter(prefix="/vocabulaires", tags=["vocabulaires"])


class Term(BaseModel):
    code: str
    libelle: str


class DepartmentTerm(BaseModel):
    code: str
    nom: str


class Vocabularies(BaseModel):
    types: list[Term]
    services: list[Term]
    statuts: list[Term]
    projets: list[Term]
    publics: list[Term]
    moderation: list[Term]
    departements: list[DepartmentTerm]
    thematiques: list[Term]
    statuts_bonnes_pratiques: list[Term]


def _terms(vocabulary: dict[str, str]) -> list[Term]:
    return [Term(code=code, libelle=label) for code, label in vocabulary.items()]


@router.get("", summary="List the controlled vocabularies", response_model=Vocabularies)
async def list_vocabularies(session: SessionDep, response: Response) -> Vocabularies:
    """Codes and French labels of place types, services, statuses, project kinds, audiences,
    moderation states, the departments of the region (code and name), and the themes and statuses
    of good practices."""
    departments = (await session.execute(
        select(Departement.code, Departement.name)
        .where(Departement.code.in_(get_settings().region_departements)).order_by(Departement.code)
    )).all()
    response.headers["Cache-Control"] = "public, max-age=3600"
    return Vocabularies(
        types=_terms(places_vocab.PLACE_TYPES), services=_terms(places_vocab.SERVICES),
        statuts=_terms(places_vocab.STATUSES), projets=_terms(places_vocab.PROJECT_KINDS),
        publics=_terms(places_vocab.AUDIENCES), moderation=_terms(places_vocab.MODERATION_STATES),
        departements=[DepartmentTerm(code=c, nom=n) for c, n in departments],
        thematiques=_terms(practices_vocab.THEMES),
        statuts_bonnes_pratiques=_terms(practices_vocab.STATUSES),
    )
