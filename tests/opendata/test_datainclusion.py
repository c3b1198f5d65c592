"""Issue #19, national commons: the data·inclusion export (structures and services), every record valid
against the schema its maintainers publish (the pinned `data-inclusion-schema` package), warnings included."""

import hashlib
from importlib.metadata import version

import httpx
import pytest
from data_inclusion.schema.v1 import Service, Structure
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.opendata import datainclusion
from tests.factories import make_place

STRICT = {"ignore_warnings": False}  # the schema's warnings (a name ending with a dot…) fail too


async def seed(session: AsyncSession) -> tuple[str, str]:
    albi = await make_place(
        session, nom="Espace numérique d'Albi", types=["mediation_numerique", "france_services"],
        services=["wifi", "mediation_numerique", "parking"], adresse="1 place du Vigan", departement="81",
        commune="Albi", code_insee="81004", code_postal="81000", position={"lon": 2.148, "lat": 43.929},
        telephone="05 63 00 00 00", email="numerique@albi.example", horaires="Mo-Fr 09:00-17:00",
        site_web="https://albi.example", description="Un espace public numérique et France Services.",
        identifiants={"siret": "73282932000074", "acceslibre": "espace-numerique-albi"})
    coworking = await make_place(session, nom="La Cordée", description="Lieu")
    # Not exported: not published, not open, a name the schema refuses.
    await make_place(session, nom="À valider", moderation="a_valider", services=["wifi"])
    await make_place(session, nom="En projet", statut="en_projet", position=None, services=["wifi"])
    await make_place(session, nom="Lx", services=["wifi"])
    return str(albi.id), str(coworking.id)


def test_the_pinned_schema_is_the_one_declared() -> None:
    assert version("data-inclusion-schema") == datainclusion.SCHEMA_VERSION


async def test_structures_validate_and_carry_the_identifiers(client: httpx.AsyncClient, session: AsyncSession) -> None:
    albi, coworking = await seed(session)
    response = await client.get("/v1/export/data-inclusion/structures.json")
    assert (response.status_code, response.headers["content-type"]) == (200, "application/json")
    assert response.headers["etag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    records = response.json()
    for record in records:
        Structure.model_validate(record, context=STRICT)
    by_id = {r["id"]: r for r in records}
    assert list(by_id) == [f"reseau-tiers-lieux-occitanie--{albi}", f"reseau-tiers-lieux-occitanie--{coworking}"]
    first = by_id[f"reseau-tiers-lieux-occitanie--{albi}"]
    assert {k: v for k, v in first.items() if k != "date_maj"} == {
        "source": "reseau-tiers-lieux-occitanie", "id": f"reseau-tiers-lieux-occitanie--{albi}",
        "nom": "Espace numérique d'Albi", "description": "Un espace public numérique et France Services.",
        "siret": "73282932000074", "commune": "Albi", "code_postal": "81000", "code_insee": "81004",
        "adresse": "1 place du Vigan", "longitude": 2.148, "latitude": 43.929, "telephone": "+33563000000",
        "courriel": "numerique@albi.example", "site_web": "https://albi.example",
        "horaires_accueil": "Mo-Fr 09:00-17:00",
        "accessibilite_lieu": "https://acceslibre.beta.gouv.fr/app/81-albi/erp/espace-numerique-albi/",
        "reseaux_porteurs": ["france-service"],
    }
    assert "description" not in by_id[f"reseau-tiers-lieux-occitanie--{coworking}"]  # "Lieu": under 5 characters
    again = await client.get("/v1/export/data-inclusion/structures.json",
                             headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


async def test_services_validate_and_follow_what_the_listing_states(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    albi, _ = await seed(session)
    records = (await client.get("/v1/export/data-inclusion/services.json")).json()
    for record in records:
        Service.model_validate(record, context=STRICT)
    structure = f"reseau-tiers-lieux-occitanie--{albi}"
    assert [(r["id"], r["structure_id"], r.get("type"), r["thematiques"], r.get("frais")) for r in records] == [
        (f"{structure}--acces-internet", structure, None, ["numerique--acceder-a-une-connexion-internet"], None),
        (f"{structure}--mediation-numerique", structure, "accompagnement",
         ["numerique--maitriser-les-fondamentaux-du-numerique", "numerique--acceder-a-des-services-en-ligne"], None),
        (f"{structure}--france-services", structure, "accompagnement",
         ["difficultes-administratives-ou-juridiques--accompagnement-aux-demarches-administratives",
          "numerique--acceder-a-des-services-en-ligne"], "gratuit"),
    ]  # La Cordée (coworking, no service) offers nothing the schema's thematics describe
    assert records[1]["description"] == "Médiation numérique au tiers-lieu Espace numérique d'Albi (Albi)."
    assert records[1]["modes_mobilisation"] == ["telephoner", "envoyer-un-courriel"]


async def test_left_out_places_say_why(session: AsyncSession) -> None:
    await seed(session)
    _, excluded = await datainclusion.places(session)
    assert [(e.nom, e.reason) for e in excluded] == [("Lx", "the schema wants a name of 3 to 150 characters")]


def test_the_validator_is_not_a_rubber_stamp() -> None:
    with pytest.raises(ValueError, match="siret"):
        Structure.model_validate({"source": "s", "id": "s--1", "nom": "Nom valide", "date_maj": "2026-01-01",
                                  "siret": "123"}, context=STRICT)
