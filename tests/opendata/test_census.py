"""The 2019 national census imports with the shipped mapping: every row accounted for, the region's rows
stored as the demo loader reads them, the others rejected with a clear reason (or imported when the region
setting covers them), and a re-run changes nothing."""

import csv
import io

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places.demo import CENSUS_SOURCE, load_census
from tests.opendata.conftest import (
    CENSUS,
    EXCERPT,
    EXCERPT_LATIN1,
    EXCERPT_SEMICOLON,
    OCCITANIE,
    comparable,
    place_count,
    run_import,
    stored,
)


def census_rows(path=EXCERPT) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


async def test_excerpt_accounts_for_every_row(session: AsyncSession) -> None:
    rows = census_rows()
    report = await run_import(session, EXCERPT, mapping="cget-2019", partial=True)
    assert [r.line for r in report.rows] == list(range(2, len(rows) + 2))  # one entry per line, in order
    assert [r.source_id for r in report.rows] == [row["ID"] for row in rows]
    in_region = [row["ID"] for row in rows if row["INSEEDEP"] in OCCITANIE]
    assert len(in_region) == 21
    assert [r.source_id for r in report.rows if r.status == "accepted"] == in_region
    for result in report.rows:
        if result.status == "rejected":
            row = rows[result.line - 2]
            assert [(r.field, r.message) for r in result.reasons] == [(
                "departement", f"department {row['INSEEDEP']} is outside the configured region "
                               "(09, 11, 12, 30, 31, 32, 34, 46, 48, 65, 66, 81, 82)")]
    assert report.applied and await place_count(session) == 21
    totals = report.as_json()["totaux"]
    assert totals == {"lignes": 41, "accepte": 21, "mis_a_jour": 0, "inchange": 0, "rejete": 20}


async def test_census_values_are_read_like_the_demo_loader(session: AsyncSession) -> None:
    await run_import(session, EXCERPT, mapping="cget-2019", partial=True)
    places = {p.source_id: p for p in await stored(session)}
    assert all(p.source == CENSUS_SOURCE and p.moderation == "publie" for p in places.values())
    perpignan = places["1038"]  # INSEECOM 0, NOMCOM blank: NOMCOMMETRO / INSEEMETRO name the commune
    assert (perpignan.commune, perpignan.insee_code, perpignan.postcode) == ("Perpignan", "66136", "66000")
    assert places["659"].postcode is None  # CP 0 means unknown
    assert places["13"].website == "http://www.lafabriquecoworking.net"  # scheme added
    assert places["1081"].website is None  # truncated in the census (…): dropped
    assert places["1120"].types == ["fablab"] and places["13"].types == ["coworking"]
    assert places["1494"].types == [] and places["1494"].address is None  # blank TYPO, no address
    assert (places["13"].lon, places["13"].lat) == (3.870167, 43.605128)
    assert places["13"].status == "ouvert" and places["13"].version == 1


async def test_cleaned_values_are_reported_as_warnings(session: AsyncSession) -> None:
    report = await run_import(session, EXCERPT, mapping="cget-2019", partial=True)
    warnings = {r.source_id: [(w.field, w.message) for w in r.warnings] for r in report.rows if r.warnings}
    assert warnings["1081"] == [("site_web", "URL truncated in the source (ends with …): dropped")]
    assert warnings["240"] == [("site_web", "invalid value dropped (must be an absolute http:// or https:// URL)")]
    assert set(report.ignored_columns) >= {"TWITTER", "FACEBOOK", "GEOCOD", "NOMREG"}


async def test_a_rerun_reports_everything_unchanged(session: AsyncSession) -> None:
    await run_import(session, EXCERPT, mapping="cget-2019", partial=True)
    before = [(p.id, p.version, p.updated_at, comparable(p)) for p in await stored(session)]
    again = await run_import(session, EXCERPT, mapping="cget-2019", partial=True)
    assert [r.status for r in again.rows if r.status != "rejected"] == ["unchanged"] * 21
    assert again.count("rejected") == 20
    after = [(p.id, p.version, p.updated_at, comparable(p)) for p in await stored(session)]
    assert after == before


async def test_all_or_nothing_by_default(session: AsyncSession) -> None:
    report = await run_import(session, EXCERPT, mapping="cget-2019")
    assert not report.applied and report.count("accepted") == 21 and report.rejected == 20
    assert all(r.place_id is None for r in report.rows)  # their creation was rolled back
    assert await place_count(session) == 0
    assert "Nothing was stored: 20 row(s) rejected (all-or-nothing)" in report.summary()


@pytest.mark.parametrize("copy", [EXCERPT_LATIN1, EXCERPT_SEMICOLON], ids=["windows-1252", "semicolon"])
async def test_real_world_copies_import_to_the_same_records(session: AsyncSession, copy) -> None:
    """Windows-1252 with CRLF; `;` with decimal commas, a BOM, stray spaces and empty lines."""
    reference = await run_import(session, EXCERPT, mapping="cget-2019", partial=True)
    expected = [comparable(p) for p in await stored(session)]
    report = await run_import(session, copy, mapping="cget-2019", partial=True)
    assert [(r.source_id, r.status) for r in report.rows if r.status != "unchanged"] == \
           [(r.source_id, "rejected") for r in reference.rows if r.status == "rejected"]
    assert [comparable(p) for p in await stored(session)] == expected
    assert report.encoding == ("cp1252" if copy == EXCERPT_LATIN1 else "utf-8-sig")
    assert report.delimiter == ("," if copy == EXCERPT_LATIN1 else ";")


async def test_rows_outside_the_region_import_when_the_setting_covers_them(
    session: AsyncSession, all_departments: list[str],
) -> None:
    report = await run_import(session, EXCERPT, mapping="cget-2019", partial=True)
    rejected = {r.source_id: (r.reasons[0].field, r.reasons[0].message) for r in report.rows
                if r.status == "rejected"}
    # Two Réunion fablabs filed under 2A (Corsica), two Guadeloupe/Guiana ones under 973: clear reasons.
    assert set(rejected) == {"1291", "1294", "1211", "1274"}
    assert rejected["1211"] == ("departement", "department 973 is not in the department reference table "
                                               "(metropolitan France only)")
    field, message = rejected["1291"]
    assert field == "longitude" and message.startswith("position is ") and "outside department 2A" in message
    assert report.count("accepted") == 37
    places = {p.source_id: p for p in await stored(session)}
    assert places["2"].department_code == "75" and places["453"].department_code == "2B"


async def test_the_whole_national_file_imports_cleanly(session: AsyncSession) -> None:
    rows = census_rows(CENSUS)
    assert len(rows) == 1512 and "CONTACT" not in rows[0] and "MAIL" not in rows[0]
    report = await run_import(session, CENSUS, mapping="cget-2019", partial=True)
    assert len(report.rows) == 1512
    assert report.count("accepted") == 165 == sum(1 for row in rows if row["INSEEREG"] == "76")
    assert all(r.reasons[0].message.startswith(f"department {rows[r.line - 2]['INSEEDEP']} is outside")
               for r in report.rows if r.status == "rejected")
    again = await run_import(session, CENSUS, mapping="cget-2019", partial=True)
    assert again.count("unchanged") == 165 and again.count("accepted") == again.count("updated") == 0


async def test_the_whole_national_file_with_every_department(session: AsyncSession, all_departments) -> None:
    report = await run_import(session, CENSUS, mapping="cget-2019", partial=True)
    assert report.count("accepted") == 1506
    assert sorted(r.source_id for r in report.rows if r.status == "rejected") == \
           ["1211", "1274", "1291", "1294", "1328", "1409"]


async def test_the_census_after_the_demo_data_is_unchanged(session: AsyncSession) -> None:
    """The shipped mapping reads the census exactly as the demo loader does: same source, same ids,
    same values, so importing it over `reseau-api seed` changes nothing."""
    await load_census(session, False)
    report = await run_import(session, EXCERPT, mapping="cget-2019", partial=True)
    assert [r.status for r in report.rows if r.status != "rejected"] == ["unchanged"] * 21
    assert await place_count(session) == 165


async def test_census_places_start_unverified_with_their_provenance(session: AsyncSession, client) -> None:
    """The demo loader and the cget-2019 import agree: `a_verifier`, every census field from the census."""
    def census_view(places: list) -> dict:
        (perpignan,) = [p for p in places if p.source_id == "1038"]
        return {"verified_at": perpignan.verified_at, "fields": set(perpignan.provenance),
                "by": {(v["role"], v["source"]) for v in perpignan.provenance.values()}}

    await run_import(session, EXCERPT, mapping="cget-2019", partial=True)
    imported = census_view(await stored(session))
    await session.execute(text("DELETE FROM place"))
    await load_census(session, False)
    loaded = census_view(await stored(session))
    assert imported == loaded == {
        "verified_at": None, "by": {("import", "recensement CGET 2019")},
        "fields": {"nom", "statut", "adresse", "code_postal", "commune", "code_insee", "departement", "position",
                   "site_web", "types", "mise_en_reseau", "identifiants.recensement_2019"}}
    demo = (await session.execute(text("SELECT id FROM place WHERE source_id = '1038'"))).scalar_one()
    detail = (await client.get(f"/v1/lieux/{demo}")).json()
    assert (detail["fraicheur"], detail["verifie_le"]) == ("a_verifier", None)
    assert detail["provenance"]["nom"]["source"] == "recensement CGET 2019"
    listed = (await client.get("/v1/lieux", params={"fraicheur": "a_jour"})).json()
    assert listed["total"] == 0  # nothing of the census counts as verified


async def test_an_import_without_a_mapping_names_its_source_or_file(session: AsyncSession) -> None:
    lines = ("nom,statut,departement,longitude,latitude,source_id\r\n"
             "Atelier importé,ouvert,31,1.44,43.6,a1\r\n").encode()
    await run_import(session, lines, filename="partenaire.csv", source="Réseau partenaire")
    (place,) = await stored(session)
    assert {v["source"] for v in place.provenance.values()} == {"Réseau partenaire"}
    assert place.verified_at is None  # an import does not verify
