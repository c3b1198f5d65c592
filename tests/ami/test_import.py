"""The import: figures follow the loaded file; a malformed file is refused whole and touches nothing."""

import uuid

import httpx
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami import service
from reseau_api.ami.models import AmiApplication, AmiDataset
from reseau_api.ami.service import ImportReport
from reseau_api.places.models import Place
from tests.ami.conftest import csv_file, row

SMALL = [
    row(id="S-1", departement="46", type_projet="creation", nature="public", forme_juridique="commune",
        plan_financement_5ans_eur="100000", defis="1", besoins="communication"),
    row(id="S-2", departement="46", type_projet="extension", mise_en_reseau="true", nature="prive",
        forme_juridique="scop", plan_financement_5ans_eur="300000", defis="1|2|3",
        besoins="communication|infrastructure"),
    row(id="S-3", departement="66", type_projet="extension", nature="prive", forme_juridique="sas",
        plan_financement_5ans_eur="", defis="2|4", besoins="infrastructure|communication|accompagnement"),
    row(id="S-4", departement="31", type_projet="creation", nature="associatif", forme_juridique="association",
        plan_financement_5ans_eur="600000", defis="5", besoins=""),
    row(id="S-5", departement="31", type_projet="creation", nature="associatif", forme_juridique="association",
        plan_financement_5ans_eur="1000000", defis="1|2|3|4|5", besoins="communication"),
]


async def _import(session: AsyncSession, content: bytes, **options: object) -> ImportReport:
    return await service.import_csv(session, content, source="Fichier d'essai", **options)  # type: ignore[arg-type]


async def test_figures_follow_a_different_file(client: httpx.AsyncClient, session: AsyncSession,
                                                shipped: ImportReport) -> None:
    report = await _import(session, csv_file(SMALL))
    assert report.applied and report.rows_read == 5 and report.rejected == []

    projets = (await client.get("/v1/ami/stats/projets")).json()
    assert (projets["creation"], projets["extension"], projets["mise_en_reseau"], projets["total"]) == (3, 2, 1, 5)
    assert projets["reconstruit"] is False and projets["source"] == "Fichier d'essai"

    departements = (await client.get("/v1/ami/stats/departements")).json()
    counts = {d["code"]: d["nombre"] for d in departements["departements"]}
    assert counts["46"] == 2 and counts["66"] == 1 and counts["31"] == 2 and sum(counts.values()) == 5
    assert counts["09"] == 0 and len(counts) == 13

    financement = (await client.get("/v1/ami/stats/financement")).json()
    assert financement["sans_plan"] == {"nombre": 1, "pourcentage": 20}
    assert (financement["minimum"], financement["maximum"]) == (100_000, 1_000_000)
    # amounts 100k, 300k, 600k, 1M: linear interpolation
    assert (financement["premier_quartile"], financement["mediane"], financement["troisieme_quartile"]) == (
        250_000, 450_000, 700_000)
    assert financement["montant_total"] == 2_000_000 and financement["moyenne"] == 500_000

    defis = (await client.get("/v1/ami/stats/defis")).json()
    assert [d["nombre"] for d in defis["defis"]] == [3, 3, 2, 2, 2]
    assert [r["nombre"] for r in defis["repartition"]] == [0, 2, 1, 1, 0, 1]
    assert defis["deux_ou_plus"] == {"nombre": 3, "pourcentage": 60}

    besoins = (await client.get("/v1/ami/stats/besoins")).json()
    assert [(b["code"], b["nombre"]) for b in besoins["besoins"]][:3] == [
        ("communication", 4), ("infrastructure", 2), ("accompagnement", 1)]
    assert besoins["besoins"][-1]["nombre"] == 0

    structures = (await client.get("/v1/ami/stats/structures")).json()
    assert {n["code"]: n["nombre"] for n in structures["natures"]} == {"associatif": 2, "prive": 2, "public": 1}
    forms = {f["code"]: f["nombre"] for f in structures["formes_juridiques"]}
    assert forms["association"] == 2 and forms["scop"] == 1 and forms["sem"] == 0

    crossed = (await client.get("/v1/ami/stats", params=[("par", "defi"), ("par", "besoin")])).json()
    cells = {(c["valeurs"][0]["code"], c["valeurs"][1]["code"]): c["nombre"] for c in crossed["cellules"]}
    assert cells[("1", "communication")] == 3
    assert cells[("2", "infrastructure")] == 2
    assert cells[("5", "communication")] == 1
    assert cells[("5", "aide_investissement")] == 0


async def test_a_malformed_file_touches_nothing(session: AsyncSession, shipped: ImportReport) -> None:
    before = (await session.execute(text("SELECT source, file_sha256, loaded_at FROM ami_dataset"))).one()
    rows = [
        *SMALL[:2],
        row(id="B-1", departement="99"),                                       # line 4
        row(id="B-2", defis="1|7", besoins="aide_investissement|subvention"),  # line 5
        row(id="S-1"),                                                         # line 6: duplicate id
        row(id="B-3", type_projet="creation", mise_en_reseau="true"),          # line 7: networking creation
        row(id="B-4", plan_financement_5ans_eur="12,5 k€", forme_juridique="GmbH"),  # line 8
    ]
    report = await _import(session, csv_file(rows))
    assert not report.ok and not report.applied
    assert report.rows_read == 7 and report.valid == 2
    reasons = {r.line: (r.id, " / ".join(r.reasons)) for r in report.rejected}
    assert set(reasons) == {4, 5, 6, 7, 8}
    assert reasons[4][0] == "B-1" and "departement: '99' is not a department of the region" in reasons[4][1]
    assert "defis: '7' is not a challenge number" in reasons[5][1]
    assert "besoins: 'subvention' is not a known need" in reasons[5][1]
    assert "id: 'S-1' is already used on line 2" in reasons[6][1]
    assert "only an extension can be networked" in reasons[7][1]
    assert "plan_financement_5ans_eur" in reasons[8][1] and "forme_juridique: 'GmbH'" in reasons[8][1]
    assert report.lines()[0] == "7 rows read, 2 valid, 5 rejected. Nothing was changed."
    assert any(line.startswith("line 4 (id B-1): departement:") for line in report.lines())

    assert await session.scalar(select(func.count()).select_from(AmiApplication)) == 154
    after = (await session.execute(text("SELECT source, file_sha256, loaded_at FROM ami_dataset"))).one()
    assert after == before


async def test_file_level_errors(session: AsyncSession) -> None:
    cases = {
        b"": "the file is empty",
        csv_file([]): "the file has a header but no rows",
        csv_file([row()], columns=[c for c in service.COLUMNS if c != "nature"]): "missing column(s): nature",
        csv_file([row()], columns=[*service.COLUMNS, "commentaire"]): "unknown column(s): commentaire",
        "id,intitule\nA,Cr\xe9ation\n".encode("latin-1"): "line 2 is not UTF-8 text",
    }
    for content, expected in cases.items():
        report = await _import(session, content)
        assert not report.applied
        assert any(expected in error for error in report.file_errors), (expected, report.file_errors)
    assert await session.scalar(select(func.count()).select_from(AmiApplication)) == 0
    assert await session.scalar(select(func.count()).select_from(AmiDataset)) == 0


async def test_a_stray_separator_is_reported_with_its_line(session: AsyncSession) -> None:
    content = csv_file([row(id="A-1")]) + b"A-2,Titre,avec,une virgule,creation,false,31,prive,sas,,1,\n"
    report = await _import(session, content)
    assert [(r.line, r.reasons) for r in report.rejected] == [
        (3, ["12 fields where the header has 11 (a stray ','?)"])]


async def test_spreadsheet_export_with_labels_is_accepted(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """What a French spreadsheet saves: BOM, `;`, labels instead of codes, spaced amounts, empty rows."""
    rows = [row(id="X-1", type_projet="Création", nature="Privé", forme_juridique="Entreprise libérale",
                departement="9", plan_financement_5ans_eur="45 261 €", mise_en_reseau="non", defis="3, 1",
                besoins="Communication et promotion|aide_investissement"),
            row(id="X-2", intitule="Extension; avec point-virgule", type_projet="Extension", mise_en_reseau="oui",
                forme_juridique="Syndicat mixte", nature="public")]
    content = csv_file(rows, delimiter=";", bom=True) + b";;;;;;;;;;\n"
    report = await _import(session, content)
    assert report.applied, report.lines()
    body = (await client.get("/v1/ami/candidatures")).json()
    first, second = body["items"]
    assert (first["type_projet"], first["nature"], first["forme_juridique"], first["departement"]) == (
        "creation", "prive", "entreprise_liberale", "09")
    assert first["plan_financement_5ans_eur"] == 45_261 and first["defis"] == [1, 3]
    assert first["besoins"] == ["aide_investissement", "communication"]  # vocabulary order
    assert second["intitule"] == "Extension; avec point-virgule" and second["mise_en_reseau"] is True


async def test_dry_run_changes_nothing(session: AsyncSession, shipped: ImportReport) -> None:
    report = await _import(session, csv_file(SMALL), dry_run=True)
    assert report.ok and not report.applied
    assert report.lines()[0] == "5 rows read, 5 valid, 0 rejected. Dry run: the file is valid; nothing was changed."
    assert await session.scalar(select(func.count()).select_from(AmiApplication)) == 154


async def test_the_shipped_file_is_always_labelled_reconstructed(session: AsyncSession) -> None:
    report = await service.import_csv(session, service.SHIPPED_FILE.read_bytes(), source="Région", reconstructed=False)
    assert report.applied and report.reconstructed and report.source == service.RECONSTRUCTED_SOURCE
    dataset = await session.get(AmiDataset, 1)
    assert dataset is not None and dataset.reconstructed and dataset.row_count == 154


async def _place(session: AsyncSession, slug: str, moderation: str) -> Place:
    place = Place(slug=slug, name=slug.title(), status="en_projet", department_code="31", moderation=moderation)
    session.add(place)
    await session.flush()
    return place


async def test_link_to_the_directory_place(client: httpx.AsyncClient, session: AsyncSession) -> None:
    published = await _place(session, "la-cantine-test", "publie")
    hidden = await _place(session, "projet-a-valider", "a_valider")
    rows = [row(id="L-1", lieu="la-cantine-test"), row(id="L-2", lieu=str(hidden.id)), row(id="L-3")]
    report = await _import(session, csv_file(rows))
    assert report.applied, report.lines()
    items = {i["id"]: i for i in (await client.get("/v1/ami/candidatures")).json()["items"]}
    assert items["L-1"]["lieu"] == {"id": str(published.id), "slug": "la-cantine-test"}
    assert items["L-2"]["lieu"] is None  # linked, but the listing is not published
    assert items["L-3"]["lieu"] is None
    stored = await session.get(AmiApplication, "L-2")
    assert stored is not None and stored.place_id == hidden.id

    linked = await session.get(AmiApplication, "L-1")
    assert linked is not None and linked.place_id == published.id
    await session.delete(published)  # ON DELETE SET NULL
    await session.flush()
    await session.refresh(linked)
    assert linked.place_id is None

    missing = [row(id="L-9", lieu="nulle-part"), row(id="L-8", lieu=str(uuid.uuid4()))]
    unknown = await _import(session, csv_file(missing))
    assert not unknown.applied
    assert [(r.line, r.reasons[0][:30]) for r in unknown.rejected] == [
        (2, "lieu: no place with slug or id"), (3, "lieu: no place with slug or id")]


async def test_csv_export_imports_back(client: httpx.AsyncClient, session: AsyncSession, shipped: ImportReport) -> None:
    exported = (await client.get("/v1/ami/candidatures", params={"f": "csv"})).content
    before = (await client.get("/v1/ami/stats/defis")).json()
    report = await _import(session, exported)
    assert report.applied and report.rows_read == 154
    after = (await client.get("/v1/ami/stats/defis")).json()
    assert {k: v for k, v in after.items() if k not in ("source", "reconstruit")} == {
        k: v for k, v in before.items() if k not in ("source", "reconstruit")}
