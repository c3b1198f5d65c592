"""The national "lieux de médiation numérique" export: which places, which values, and every row valid
against the schema's constraints (shipped transcription, checked offline)."""

import csv
import hashlib
import io
import json
import re

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.opendata import mednum
from tests.factories import make_place
from tests.opendata.conftest import DATA

SCHEMA = json.loads((DATA / "mediation-numerique-schema.json").read_text(encoding="utf-8"))


def schema_problems(row: dict[str, str]) -> list[str]:
    problems = []
    for field in SCHEMA["fields"]:
        value = str(row.get(field["name"], ""))
        if not value:
            if field.get("required"):
                problems.append(f"{field['name']}: required")
            continue
        if "pattern" in field and not re.fullmatch(field["pattern"], value):
            problems.append(f"{field['name']}: {value!r} does not match {field['pattern']}")
        if "enum" in field:
            bad = [v for v in value.split(SCHEMA["separator"]) if v not in field["enum"]]
            if bad:
                problems.append(f"{field['name']}: {bad} not in the vocabulary")
        if "maxLength" in field and len(value) > field["maxLength"]:
            problems.append(f"{field['name']}: longer than {field['maxLength']}")
        if field.get("type") == "number":
            float(value)
    return problems


async def seed(session: AsyncSession) -> None:
    await make_place(session, nom="Espace numérique d'Albi", types=["mediation_numerique", "france_services"],
                     services=["wifi", "impression", "mediation_numerique", "parking"], adresse="1 place du Vigan",
                     departement="81", commune="Albi", code_insee="81004", code_postal="81000",
                     position={"lon": 2.148, "lat": 43.929}, telephone="05 63 00 00 00",
                     email="numerique@albi.example", horaires="Mo-Fr 09:00-17:00", site_web="https://albi.example",
                     description="Accompagnement au numérique. " * 20,
                     identifiants={"siret": "73282932000074", "acceslibre": "espace-numerique-albi"})
    await make_place(session, nom="Fablab de Foix", types=["fablab", "mediation_numerique"], adresse="2 rue X",
                     departement="09", commune="Foix", code_insee="09122", code_postal="09000",
                     position={"lon": 1.6053, "lat": 42.9639}, description="Un fablab.")
    # Not exported: not a digital-mediation place; closed; not published; no address; no mappable service.
    await make_place(session, nom="Coworking seul", adresse="3 rue Y", services=["wifi"])
    await make_place(session, nom="Fermé", statut="ferme", types=["mediation_numerique"], adresse="4 rue Z",
                     services=["wifi"])
    await make_place(session, nom="À valider", moderation="a_valider", types=["mediation_numerique"],
                     adresse="5 rue W", services=["wifi"])
    await make_place(session, nom="Sans adresse", types=["mediation_numerique"], services=["wifi"])
    await make_place(session, nom="Sans service", types=["mediation_numerique"], adresse="6 rue V",
                     services=["parking"])


async def test_mediation_csv(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await seed(session)
    response = await client.get("/v1/export/mediation-numerique.csv")
    assert response.status_code == 200 and response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["etag"] == f'"{hashlib.sha256(response.content).hexdigest()}"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8"))))
    assert list(rows[0]) == [f["name"] for f in SCHEMA["fields"]]  # the schema's columns, in its order
    assert [r["nom"] for r in rows] == ["Espace numérique d'Albi", "Fablab de Foix"]
    for row in rows:
        assert schema_problems(row) == [], row["nom"]
    albi, foix = rows
    assert albi["services"] == "Maîtrise des outils numériques du quotidien|Accès internet et matériel informatique"
    assert foix["services"] == "Loisirs et créations numériques"
    assert (albi["pivot"], albi["telephone"], albi["courriels"], albi["typologie"]) == (
        "73282932000074", "+33563000000", "numerique@albi.example", "TIERS_LIEUX|RFS")
    assert foix["pivot"] == "00000000000000"  # the schema's "unknown" when the place has no SIRET
    assert albi["fiche_acces_libre"] == "https://acceslibre.beta.gouv.fr/app/81-albi/erp/espace-numerique-albi/"
    assert foix["fiche_acces_libre"] == ""
    assert albi["dispositif_programmes_nationaux"] == "France Services"
    assert albi["modalites_acces"] == "Téléphoner|Contacter par mail" and foix["modalites_acces"] == ""
    assert (albi["latitude"], albi["longitude"], albi["itinerance"]) == ("43.929", "2.148", "Fixe")
    assert len(albi["presentation_resume"]) <= 280 and albi["presentation_resume"].endswith("…")
    assert albi["presentation_detail"] == ("Accompagnement au numérique. " * 20).strip()
    assert foix["presentation_resume"] == "Un fablab." and foix["presentation_detail"] == ""
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", albi["date_maj"])


async def test_mediation_json_is_the_same_records(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await seed(session)
    rows = list(csv.DictReader(io.StringIO((await client.get("/v1/export/mediation-numerique.csv")).text)))
    response = await client.get("/v1/export/mediation-numerique.json")
    assert response.headers["content-type"] == "application/json"
    records = response.json()
    assert [r["id"] for r in records] == [r["id"] for r in rows]
    for record, row in zip(records, rows, strict=True):
        assert {k: str(v) for k, v in record.items()} == {k: v for k, v in row.items() if v}
    not_modified = await client.get("/v1/export/mediation-numerique.json",
                                    headers={"If-None-Match": response.headers["etag"]})
    assert not_modified.status_code == 304


async def test_left_out_places_say_why(session: AsyncSession) -> None:
    await seed(session)
    kept, excluded = await mednum.records(session)
    assert len(kept) == 2
    assert {e.nom: e.reason for e in excluded} == {
        "Sans adresse": "required by the schema and unknown here: adresse",
        "Sans service": "no service that maps to the schema's (wifi, fibre, impression, mediation_numerique, "
                        "atelier_fabrication, or type fablab)",
    }


def test_the_checker_is_not_a_rubber_stamp() -> None:
    row = {"id": "1", "pivot": "123", "nom": "X", "commune": "Y", "code_postal": "3100", "adresse": "Z",
           "date_maj": "2026-01-01", "services": "Wifi", "itinerance": "Fixe", "telephone": "05 61 00 00 00"}
    assert schema_problems(row) == [
        "pivot: '123' does not match ^\\d{14}$", "code_postal: '3100' does not match ^\\d{5}$",
        "telephone: '05 61 00 00 00' does not match "
        "^(\\+33|\\+590|\\+594|\\+262|\\+596|\\+269|\\+687|\\+689|\\+508|\\+681)(\\d){6,9}$",
        "services: ['Wifi'] not in the vocabulary"]
    assert list(mednum.FIELDS) == [f["name"] for f in SCHEMA["fields"]]
    assert set(mednum.SERVICES) == set(next(f for f in SCHEMA["fields"] if f["name"] == "services")["enum"])
