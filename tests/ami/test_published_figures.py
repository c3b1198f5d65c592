"""On the shipped (reconstructed) data set, the endpoints return exactly the published figures.

Expected values are the publication's numbers; where the publication is silent (per-challenge
counts, quartiles...) they are recomputed in Python from the shipped file, independently of SQL.
"""

import statistics
from collections import Counter

import httpx

from reseau_api.ami import vocabulary as vocab
from reseau_api.ami.service import ImportReport
from tests.ami.conftest import PUBLISHED_DEPARTMENTS, shipped_rows


async def test_projects_by_type(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    body = (await client.get("/v1/ami/stats/projets")).json()
    assert (body["creation"], body["extension"], body["mise_en_reseau"], body["total"]) == (102, 52, 38, 154)
    assert body["reconstruit"] is True
    assert "reconstruit" in body["source"] and "Aucune ligne ne décrit une candidature réelle" in body["source"]


async def test_departments(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    body = (await client.get("/v1/ami/stats/departements")).json()
    assert {d["code"]: d["nombre"] for d in body["departements"]} == PUBLISHED_DEPARTMENTS
    assert body["total"] == 154
    by_code = {d["code"]: d for d in body["departements"]}
    assert by_code["31"]["nom"] == "Haute-Garonne" and by_code["09"]["nom"] == "Ariège"
    assert by_code["31"]["part"] == round(43 / 154, 4) and by_code["31"]["pourcentage"] == 28
    assert by_code["82"]["pourcentage"] == 1
    assert body["reconstruit"] is True


async def test_financing_plans(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    body = (await client.get("/v1/ami/stats/financement")).json()
    assert body["sans_plan"] == {"nombre": 46, "pourcentage": 30}  # "30% could not provide a plan"
    assert body["avec_plan"] == {"nombre": 108, "pourcentage": 70}
    assert (body["minimum"], body["maximum"]) == (45_261, 21_000_000)
    amounts = [int(r["plan_financement_5ans_eur"]) for r in shipped_rows() if r["plan_financement_5ans_eur"]]
    q1, median, q3 = statistics.quantiles(amounts, n=4, method="inclusive")
    assert body["premier_quartile"] == q1
    assert body["mediane"] == median == statistics.median(amounts)
    assert body["troisieme_quartile"] == q3
    assert body["montant_total"] == sum(amounts)
    assert body["moyenne"] == round(sum(amounts) / len(amounts), 2)
    assert body["total"] == 154


async def test_challenges(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    body = (await client.get("/v1/ami/stats/defis")).json()
    assert body["deux_ou_plus"] == {"nombre": 131, "pourcentage": 85}  # "85% take up 2 or more"
    rows = [r["defis"].split("|") for r in shipped_rows()]
    per_challenge = Counter(int(d) for ds in rows for d in ds)
    assert [(d["code"], d["nombre"]) for d in body["defis"]] == [(c, per_challenge[c]) for c in range(1, 6)]
    assert [d["libelle"] for d in body["defis"]] == list(vocab.DEFIS.values())
    sizes = Counter(len(ds) for ds in rows)
    assert [(r["nombre_defis"], r["nombre"]) for r in body["repartition"]] == [(k, sizes[k]) for k in range(6)]
    assert sum(r["nombre"] for r in body["repartition"]) == 154


async def test_needs_most_frequent_first(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    body = (await client.get("/v1/ami/stats/besoins")).json()
    counts = [b["nombre"] for b in body["besoins"]]
    assert counts == sorted(counts, reverse=True)
    assert body["besoins"][0]["code"] == "aide_investissement"  # financial aid is the most frequent need
    assert body["besoins"][0]["nombre"] > body["besoins"][1]["nombre"]
    expected = Counter(b for r in shipped_rows() for b in r["besoins"].split("|"))
    assert {b["code"]: b["nombre"] for b in body["besoins"]} == {code: expected[code] for code in vocab.BESOINS}
    assert body["besoins"][0]["libelle"] == "Aide financière à l'investissement"


async def test_structures(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    body = (await client.get("/v1/ami/stats/structures")).json()
    forms = {f["code"]: f["nombre"] for f in body["formes_juridiques"]}
    assert set(forms) == set(vocab.FORMES_JURIDIQUES)
    assert all(n >= 1 for n in forms.values())  # every legal form of the list holds a project
    assert forms == Counter(r["forme_juridique"] for r in shipped_rows())
    natures = {n["code"]: n["nombre"] for n in body["natures"]}
    assert natures == Counter(r["nature"] for r in shipped_rows())
    assert sum(natures.values()) == sum(forms.values()) == body["total"] == 154
    assert {f["code"]: f["libelle"] for f in body["formes_juridiques"]}["auto_entrepreneur"] == "Auto-entrepreneur"


async def test_cross_table_department_by_type(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    body = (await client.get("/v1/ami/stats", params=[("par", "departement"), ("par", "type_projet")])).json()
    assert body["par"] == ["departement", "type_projet"]
    assert len(body["cellules"]) == 13 * 2  # every combination, zeros included
    per_department = Counter()
    per_type = Counter()
    for cell in body["cellules"]:
        department, kind = cell["valeurs"]
        per_department[department["code"]] += cell["nombre"]
        per_type[kind["code"]] += cell["nombre"]
    assert dict(per_department) == PUBLISHED_DEPARTMENTS
    assert dict(per_type) == {"creation": 102, "extension": 52}
    expected = Counter((r["departement"], r["type_projet"]) for r in shipped_rows())
    assert {(c["valeurs"][0]["code"], c["valeurs"][1]["code"]): c["nombre"] for c in body["cellules"]} == {
        (d, t): expected[(d, t)] for d in PUBLISHED_DEPARTMENTS for t in ("creation", "extension")}


async def test_cross_table_with_a_multi_valued_dimension(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    body = (await client.get("/v1/ami/stats", params={"par": "defi"})).json()
    per_challenge = Counter(int(d) for r in shipped_rows() for d in r["defis"].split("|"))
    assert [(c["valeurs"][0]["code"], c["nombre"]) for c in body["cellules"]] == [
        (str(k), per_challenge[k]) for k in range(1, 6)]
    assert body["total"] == 154
    networked = (await client.get("/v1/ami/stats", params=[("par", "mise_en_reseau"), ("par", "type_projet")])).json()
    cells = {(c["valeurs"][0]["code"], c["valeurs"][1]["code"]): c["nombre"] for c in networked["cellules"]}
    assert cells == {("true", "creation"): 0, ("true", "extension"): 38,
                     ("false", "creation"): 102, ("false", "extension"): 14}


async def test_choropleth(client: httpx.AsyncClient, shipped: ImportReport) -> None:
    response = await client.get("/v1/ami/departements.geojson")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/geo+json"
    body = response.json()
    assert body["type"] == "FeatureCollection" and body["total"] == 154 and body["reconstruit"] is True
    assert "IGN" in body["attribution"]
    assert len(body["features"]) == 13
    assert {f["properties"]["code"]: f["properties"]["nombre"] for f in body["features"]} == PUBLISHED_DEPARTMENTS
    assert {f["geometry"]["type"] for f in body["features"]} == {"MultiPolygon"}
    lozere = next(f for f in body["features"] if f["properties"]["code"] == "48")
    assert lozere["properties"]["nom"] == "Lozère" and lozere["properties"]["pourcentage"] == 9
    lon, lat = lozere["geometry"]["coordinates"][0][0][0]
    assert 2.9 < lon < 4.0 and 44.1 < lat < 45.0  # Lozère's outline, in WGS 84
