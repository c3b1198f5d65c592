"""HTTP behaviour of the AMI endpoints: filters, paging, caching, CSV, errors, empty data set."""

import csv
import io
from collections import Counter

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami import service
from reseau_api.ami.service import ImportReport
from tests.ami.conftest import csv_file, row, shipped_rows

PROBLEM = "application/problem+json"
STATS = ["/v1/ami/stats/projets", "/v1/ami/stats/departements", "/v1/ami/stats/structures",
         "/v1/ami/stats/financement", "/v1/ami/stats/defis", "/v1/ami/stats/besoins",
         "/v1/ami/stats?par=departement&par=type_projet", "/v1/ami/candidatures",
         "/v1/ami/departements.geojson", "/v1/ami/candidatures/AMI2017-001"]


def _read_csv(response: httpx.Response) -> list[list[str]]:
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))


async def test_filters_recut_the_figures(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    rows = shipped_rows()

    async def total(**params: object) -> int:
        response = await client.get("/v1/ami/stats/projets", params=params)  # type: ignore[arg-type]
        assert response.status_code == 200, response.text
        return response.json()["total"]

    assert await total(departement="31") == 43
    assert await total(departement=["31", "34"]) == 69
    assert await total(mise_en_reseau="true") == 38
    assert await total(plan_financement="sans") == 46
    assert await total(type_projet="creation", departement="09") == sum(
        1 for r in rows if r["type_projet"] == "creation" and r["departement"] == "09")
    assert await total(defi=2) == sum(1 for r in rows if "2" in r["defis"].split("|"))
    assert await total(defi=[2, 4]) == sum(1 for r in rows if {"2", "4"} & set(r["defis"].split("|")))
    assert await total(besoin="soutien_teletravail", nature="public") == sum(
        1 for r in rows if "soutien_teletravail" in r["besoins"].split("|") and r["nature"] == "public")
    assert await total(forme_juridique=["scic", "scop"]) == Counter(r["forme_juridique"] for r in rows)["scic"] + \
        Counter(r["forme_juridique"] for r in rows)["scop"]

    departments = (await client.get("/v1/ami/stats/departements", params={"type_projet": "extension"})).json()
    assert departments["total"] == 52
    assert sum(d["nombre"] for d in departments["departements"]) == 52
    geo = (await client.get("/v1/ami/departements.geojson", params={"mise_en_reseau": "true"})).json()
    assert geo["total"] == 38 and sum(f["properties"]["nombre"] for f in geo["features"]) == 38


async def test_list_pages_through_every_application(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    seen: list[str] = []
    url: str | None = "/v1/ami/candidatures?limit=50"
    pages = 0
    while url:
        body = (await client.get(url)).json()
        assert body["total"] == 154 and body["reconstruit"] is True
        seen += [item["id"] for item in body["items"]]
        url, pages = body["next"], pages + 1
    assert pages == 4
    assert seen == sorted(seen) and len(set(seen)) == 154
    filtered = (await client.get("/v1/ami/candidatures", params={"departement": "82"})).json()
    assert filtered["total"] == 2 and filtered["next"] is None
    assert {item["departement"] for item in filtered["items"]} == {"82"}
    item = filtered["items"][0]
    assert set(item) == {"id", "intitule", "type_projet", "mise_en_reseau", "departement", "nature",
                         "forme_juridique", "plan_financement_5ans_eur", "defis", "besoins", "lieu"}


async def test_one_application(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    body = (await client.get("/v1/ami/candidatures/AMI2017-002")).json()
    expected = shipped_rows()[1]
    assert body["intitule"] == expected["intitule"]
    assert body["defis"] == [int(d) for d in expected["defis"].split("|")]
    missing = await client.get("/v1/ami/candidatures/AMI2017-999")
    assert missing.status_code == 404 and missing.headers["content-type"] == PROBLEM


@pytest.mark.parametrize("url", STATS)
async def test_cacheable_with_etag_and_304(client: httpx.AsyncClient, shipped: ImportReport, url: str) -> None:
    first = await client.get(url)
    assert first.status_code == 200
    assert first.headers["cache-control"] == "public, max-age=300"
    etag = first.headers["etag"]
    again = await client.get(url, headers={"If-None-Match": f'"other", W/{etag}'})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    stale = await client.get(url, headers={"If-None-Match": '"something-else"'})
    assert stale.status_code == 200 and stale.content == first.content


async def test_etag_changes_with_the_data(
    client: httpx.AsyncClient, session: AsyncSession, shipped: ImportReport,
) -> None:
    before = (await client.get("/v1/ami/stats/projets")).headers["etag"]
    assert (await service.import_csv(session, csv_file([row()]))).applied
    after = await client.get("/v1/ami/stats/projets", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.json()["total"] == 1 and after.headers["etag"] != before


async def test_csv_opens_in_a_spreadsheet(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    response = await client.get("/v1/ami/stats/departements", params={"f": "csv"})
    assert response.headers["content-type"] == "text/csv; charset=utf-8"
    assert response.headers["content-disposition"] == 'attachment; filename="ami-tiers-lieux-2017-departements.csv"'
    assert b"\r\n" in response.content
    table = _read_csv(response)
    assert table[0] == ["code", "nom", "nombre", "part", "pourcentage"]
    assert table[5] == ["31", "Haute-Garonne", "43", "0,2792", "28"]  # decimal comma
    assert table[14] == ["total", "Total", "154", "1", "100"]
    assert table[15] == []
    assert table[16][0] == "source" and "reconstruit" in table[16][1]
    assert table[17] == ["reconstruit", "oui"]


async def test_csv_of_every_statistic(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    financement = _read_csv(await client.get("/v1/ami/stats/financement", params={"f": "csv"}))
    assert ["sans_plan_pourcentage", "30"] in financement and ["maximum_eur", "21000000"] in financement
    defis = _read_csv(await client.get("/v1/ami/stats/defis", params={"f": "csv"}))
    assert ["deux_ou_plus", "", "2 défis ou plus", "131", "85"] in defis
    projets = _read_csv(await client.get("/v1/ami/stats/projets", params={"f": "csv"}))
    assert projets[1:5] == [["creation", "Création", "102"], ["extension", "Extension", "52"],
                            ["mise_en_reseau", "dont extensions avec mise en réseau", "38"], ["total", "Total", "154"]]
    besoins = _read_csv(await client.get("/v1/ami/stats/besoins", params={"f": "csv"}))
    assert besoins[1][0] == "aide_investissement"
    structures = _read_csv(await client.get("/v1/ami/stats/structures", params={"f": "csv"}))
    assert len([r for r in structures if r and r[0] == "forme_juridique"]) == 13
    pivot = _read_csv(await client.get("/v1/ami/stats", params=[("par", "departement"), ("par", "type_projet"),
                                                                 ("f", "csv")]))
    assert pivot[0] == ["departement", "libelle", "Création", "Extension"]
    assert sum(int(r[2]) + int(r[3]) for r in pivot[1:14]) == 154
    listing = _read_csv(await client.get("/v1/ami/candidatures", params={"f": "csv", "departement": "48"}))
    assert len(listing) == 15 and listing[0][0] == "id"


@pytest.mark.parametrize(("url", "name"), [
    ("/v1/ami/stats/projets?departement=99", "departement"),
    ("/v1/ami/stats/projets?f=xml", "f"),
    ("/v1/ami/stats/defis?defi=6", "defi"),
    ("/v1/ami/stats/besoins?besoin=subvention", "besoin"),
    ("/v1/ami/stats/structures?mise_en_reseau=peut-etre", "mise_en_reseau"),
    ("/v1/ami/candidatures?limit=0", "limit"),
    ("/v1/ami/candidatures?limit=501", "limit"),
    ("/v1/ami/candidatures?curseur=" + "x" * 41, "curseur"),
    ("/v1/ami/stats", "par"),
    ("/v1/ami/stats?par=commune", "par"),
    ("/v1/ami/stats?par=defi&par=besoin&par=nature", "par"),
    ("/v1/ami/stats?par=defi&par=defi", "par"),
    ("/v1/ami/departements.geojson?plan_financement=peut-etre", "plan_financement"),
])
async def test_bad_parameters_are_400_naming_them(client: httpx.AsyncClient, url: str, name: str) -> None:
    response = await client.get(url)
    assert response.status_code == 400
    assert response.headers["content-type"] == PROBLEM
    assert [e["name"] for e in response.json()["errors"]] == [name]


async def test_no_data_set_loaded(client: httpx.AsyncClient) -> None:
    projets = (await client.get("/v1/ami/stats/projets")).json()
    assert projets == {"source": None, "reconstruit": None, "creation": 0, "extension": 0, "mise_en_reseau": 0,
                       "total": 0}
    financement = (await client.get("/v1/ami/stats/financement")).json()
    assert financement["sans_plan"] == {"nombre": 0, "pourcentage": None} and financement["mediane"] is None
    defis = (await client.get("/v1/ami/stats/defis")).json()
    assert defis["total"] == 0 and defis["deux_ou_plus"]["pourcentage"] is None
    departements = (await client.get("/v1/ami/stats/departements")).json()
    assert len(departements["departements"]) == 13 and departements["total"] == 0
    listing = (await client.get("/v1/ami/candidatures")).json()
    assert listing["items"] == [] and listing["total"] == 0 and listing["next"] is None
    geo = (await client.get("/v1/ami/departements.geojson")).json()
    assert len(geo["features"]) == 13 and geo["total"] == 0
    assert (await client.get("/v1/ami/stats/departements", params={"f": "csv"})).status_code == 200
