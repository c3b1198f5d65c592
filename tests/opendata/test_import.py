"""Import behaviour: all-or-nothing, partial, dry run, idempotence and updates, identity, limits, privacy."""

import hashlib
import json
import re
from datetime import UTC, datetime
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.opendata.exceptions import ImportFileError, ImportFileTooLarge
from reseau_api.places import service
from tests.opendata.conftest import comparable, place_count, run_import, stored

HEADER = "source_id;nom;statut;departement;commune;longitude;latitude;types;postes;prix_journee;horaires\n"
ROWS = [
    "a1;La Serre;ouvert;31;Toulouse;1,421281;43,594005;coworking;20;15,50;Mo-Fr 09:00-18:00\n",
    "a2;Le Hub;ouvert;81;Albi;2,148;43,929;coworking|fablab;;;\n",
    "a3;Projet Lozère;en_projet;48;Mende;;;tiers_lieu_rural;;;\n",
]


def native_csv(*rows: str) -> bytes:
    return (HEADER + "".join(rows)).encode()


async def test_native_file_creates_places(session: AsyncSession) -> None:
    report = await run_import(session, native_csv(*ROWS), source="annuaire")
    assert [(r.line, r.status) for r in report.rows] == [(2, "accepted"), (3, "accepted"), (4, "accepted")]
    serre = await service.get(session, str(report.rows[0].place_id))
    assert serre is not None and serre.slug == "la-serre" and serre.source == "annuaire"
    assert (serre.desks, str(serre.price_day), serre.opening_hours) == (20, "15.50", "Mo-Fr 09:00-18:00")
    assert report.as_json()["lignes"][0] == {
        "ligne": 2, "source_id": "a1", "statut": "accepte", "lieu": str(serre.id), "raisons": [],
        "avertissements": [], "champs_modifies": []}


async def test_one_bad_row_changes_nothing(session: AsyncSession) -> None:
    await run_import(session, native_csv(*ROWS), source="annuaire")
    before = [(p.id, p.version, comparable(p)) for p in await stored(session)]
    changed = ROWS[0].replace("La Serre", "La Serre rénovée")
    new = "a4;Nouveau lieu;ouvert;12;Rodez;2,573;44,350;coworking;;;\n"
    bad = "a5;Mauvais lieu;ouvert;31;Toulouse;;;coworking;;;\n"  # open without a position
    report = await run_import(session, native_csv(changed, ROWS[1], new, bad), source="annuaire")
    assert [r.status for r in report.rows] == ["updated", "unchanged", "accepted", "rejected"]
    assert [(r.field, r.message) for r in report.rows[3].reasons] == [
        (None, "an open place (statut=ouvert) needs a position")]
    assert not report.applied
    assert [(p.id, p.version, comparable(p)) for p in await stored(session)] == before
    assert report.rows[2].place_id is None


async def test_partial_keeps_the_valid_rows(session: AsyncSession) -> None:
    bad = "a5;X;ouvert;31;Toulouse;;;coworking;;;\n"
    report = await run_import(session, native_csv(ROWS[0], bad, ROWS[1]), source="annuaire", partial=True)
    assert report.applied and [r.status for r in report.rows] == ["accepted", "rejected", "accepted"]
    assert sorted(p.name for p in await stored(session)) == ["La Serre", "Le Hub"]


async def test_updates_bump_the_version_and_keep_what_the_file_does_not_own(session: AsyncSession) -> None:
    await run_import(session, native_csv(*ROWS), source="annuaire")
    serre = next(p for p in await stored(session) if p.source_id == "a1")
    serre_id = serre.id
    # now() does not move inside the test's transaction: start from a date the import must replace.
    await session.execute(text("UPDATE place SET moderation = 'archive', updated_at = '2020-01-01T00:00:00Z' "
                               "WHERE id = :id"), {"id": serre_id})
    changed = ROWS[0].replace("La Serre", "La Serre rénovée").replace(";20;", ";25;")
    report = await run_import(session, native_csv(changed), source="annuaire")
    assert report.rows[0].status == "updated" and report.rows[0].changed == ["nom", "postes"]
    assert report.rows[0].place_id == serre_id
    session.expire_all()
    again = await service.get(session, str(serre_id), published_only=False)
    assert again is not None
    assert (again.name, again.desks, again.version) == ("La Serre rénovée", 25, 2)
    assert again.updated_at > datetime(2020, 1, 1, tzinfo=UTC)
    assert (again.slug, again.moderation, again.source, again.source_id) == ("la-serre", "archive", "annuaire", "a1")
    assert (await run_import(session, native_csv(changed), source="annuaire")).rows[0].status == "unchanged"


async def test_position_change_and_removal_are_updates(session: AsyncSession) -> None:
    await run_import(session, native_csv(ROWS[2]), source="annuaire")
    moved = ROWS[2].replace(";Mende;;;", ";Mende;3,4997;44,5180;")
    report = await run_import(session, native_csv(moved), source="annuaire")
    assert report.rows[0].status == "updated" and report.rows[0].changed == ["longitude/latitude"]
    place = (await stored(session))[0]
    assert (place.lon, place.lat) == (3.4997, 44.518)
    back = await run_import(session, native_csv(ROWS[2]), source="annuaire")
    assert back.rows[0].changed == ["longitude/latitude"] and (await stored(session))[0].lon is None


async def test_dry_run_shows_what_would_change_and_stores_nothing(session: AsyncSession) -> None:
    await run_import(session, native_csv(ROWS[0]), source="annuaire")
    before = [(p.version, comparable(p)) for p in await stored(session)]
    changed = ROWS[0].replace("Mo-Fr 09:00-18:00", "Mo-Sa 09:00-19:00")
    report = await run_import(session, native_csv(changed, ROWS[1]), source="annuaire", dry_run=True)
    assert [(r.status, r.changed) for r in report.rows] == [("updated", ["horaires"]), ("accepted", [])]
    assert not report.applied and report.rows[1].place_id is None
    assert [(p.version, comparable(p)) for p in await stored(session)] == before
    assert report.summary().endswith("Dry run: nothing stored. Run again without --dry-run to apply these changes.")


async def test_identity_is_source_and_source_id(session: AsyncSession) -> None:
    await run_import(session, native_csv(ROWS[0]), source="annuaire")
    other = await run_import(session, native_csv(ROWS[0].replace("La Serre", "La Serre bis")), source="autre")
    assert other.rows[0].status == "accepted" and await place_count(session) == 2
    duplicate = await run_import(session, native_csv(ROWS[1], ROWS[1]), source="annuaire")
    assert [r.status for r in duplicate.rows] == ["accepted", "rejected"]
    assert [(r.field, r.message) for r in duplicate.rows[1].reasons] == [
        ("source_id", "same source_id as line 2: one row per place")]
    no_source = await run_import(session, native_csv(ROWS[1]))
    assert no_source.rows[0].reasons[0].field == "source"


async def test_a_source_column_wins_over_the_default(session: AsyncSession) -> None:
    data = ("source;" + HEADER).encode() + ("réseau B;" + ROWS[0]).encode()
    report = await run_import(session, data, source="annuaire")
    assert report.rows[0].status == "accepted" and (await stored(session))[0].source == "réseau B"


async def test_geojson_import(session: AsyncSession) -> None:
    document = {"type": "FeatureCollection", "features": [
        {"type": "Feature", "geometry": {"type": "Point", "coordinates": [1.444209, 43.604652]},
         "properties": {"source_id": 7, "nom": "Cowork Capitole", "statut": "ouvert", "departement": "31",
                        "types": ["coworking"], "postes": 10, "prix_journee": 12.5, "acces_24_7": True}},
        {"type": "Feature", "geometry": {"type": "Polygon", "coordinates": []},
         "properties": {"source_id": "8", "nom": "Zone", "statut": "en_projet", "departement": "31"}},
    ]}
    report = await run_import(session, json.dumps(document).encode(), filename="lieux.geojson", source="carte",
                              partial=True)
    assert report.format == "geojson" and [r.status for r in report.rows] == ["accepted", "rejected"]
    assert report.rows[1].reasons[0].message == "geometry must be a Point (got Polygon)"
    place = (await stored(session))[0]
    assert (place.source_id, place.lon, place.desks, str(place.price_day), place.access_24_7) == (
        "7", 1.444209, 10, "12.50", True)


async def test_private_columns_never_land_in_the_database(session: AsyncSession) -> None:
    """The census's CONTACT and MAIL name private persons: the shipped mapping never reads them."""
    header = ("ID,NOM_TL,ADRESSE,CP,INSEECOM,NOMCOM,WEB,TYPO,LAT,LONG,CONTACT,MAIL,INSEEMETRO,INSEEDEP,"
              "NOMCOMMETRO\n")
    row = ("9001,Tiers-lieu témoin,1 rue du Test,31000,31555,Toulouse,,Tiers lieux à dominante coworking,"
           "43.6,1.44,Personne Fictive,personne.fictive@example.org,31555,31,Toulouse\n")
    report = await run_import(session, (header + row).encode(), mapping="cget-2019")
    assert report.rows[0].status == "accepted" and {"CONTACT", "MAIL"} <= set(report.ignored_columns)
    leaked = (await session.execute(text(
        "SELECT count(*) FROM place p WHERE row_to_json(p)::text ILIKE '%fictive%'"))).scalar_one()
    assert leaked == 0 and await place_count(session) == 1


async def test_file_level_errors(session: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(ImportFileError, match="unknown column\\(s\\) telephone_fixe: use the documented columns"):
        await run_import(session, b"nom;telephone_fixe\nA;0561000000\n", source="s")
    with pytest.raises(ImportFileError, match="of mapping 'cget-2019' not in the file"):
        await run_import(session, b"nom\nA\n", mapping="cget-2019")
    monkeypatch.setattr(get_settings(), "import_max_bytes", 2048)
    with pytest.raises(ImportFileTooLarge, match=re.escape("more than 2048 (RESEAU_IMPORT_MAX_BYTES)")):
        await run_import(session, native_csv(*ROWS * 20), source="s")
    monkeypatch.setattr(get_settings(), "import_max_rows", 2)
    with pytest.raises(ImportFileError, match="more than 2 rows"):
        await run_import(session, native_csv(*ROWS), source="s")
    assert await place_count(session) == 0


async def test_exported_columns_of_the_server_are_accepted_and_ignored(session: AsyncSession) -> None:
    data = ("slug;maj_le;" + HEADER).encode() + ("whatever;2020-01-01;" + ROWS[0]).encode()
    report = await run_import(session, data, source="annuaire")
    assert report.rows[0].status == "accepted" and (await stored(session))[0].slug == "la-serre"


async def test_a_partial_file_changes_only_its_columns(session: AsyncSession) -> None:
    """Issue #14 item 16: columns the file does not have keep their stored value (members' edits stay)."""
    await run_import(session, native_csv(*ROWS), source="annuaire")
    partial = b"source_id;telephone\na1;05 61 00 00 00\n"
    report = await run_import(session, partial, source="annuaire")
    assert (report.rejected, report.rows[0].status, report.rows[0].changed) == (0, "updated", ["telephone"])
    serre = next(p for p in await stored(session) if p.source_id == "a1")
    assert (serre.name, serre.status, serre.desks, serre.price_day, serre.opening_hours, serre.phone) == (
        "La Serre", "ouvert", 20, Decimal("15.50"), "Mo-Fr 09:00-18:00", "05 61 00 00 00")
    assert (serre.lon, serre.lat) == (1.421281, 43.594005)
    # An empty cell of a column the file has clears that field, and only that one.
    cleared = run_import(session, b"source_id;postes;nom\na1;;La Serre\n", source="annuaire")
    assert (await cleared).rows[0].changed == ["postes"]
    serre = next(p for p in await stored(session) if p.source_id == "a1")
    assert (serre.desks, serre.price_day, serre.phone) == (None, Decimal("15.50"), "05 61 00 00 00")


async def test_a_partial_row_for_an_unknown_place_is_rejected(session: AsyncSession) -> None:
    report = await run_import(session, b"source_id;telephone\nzz;05 61 00 00 00\n", source="annuaire",
                              partial=True)
    assert report.rows[0].status == "rejected"
    assert sorted(r.field for r in report.rows[0].reasons) == ["departement", "nom", "statut"]


async def test_every_import_change_is_a_revision_with_its_file_hash_and_is_restorable(
    session: AsyncSession,
) -> None:
    """Issue #14 item 16: each change is a revision (author: the CLI here, no key; reason: file + SHA-256)."""
    first = native_csv(*ROWS)
    await run_import(session, first, source="annuaire", filename="annuaire.csv")
    serre = next(p for p in await stored(session) if p.source_id == "a1")
    second = native_csv(ROWS[0].replace(";20;", ";25;"))
    await run_import(session, second, source="annuaire", filename="annuaire.csv")
    rows = (await session.execute(text(
        "SELECT version, action, actor_key_id, actor_role, reason, changes FROM place_revision "
        "WHERE place_id = :id ORDER BY version"), {"id": serre.id})).all()
    assert [(r.version, r.action, r.actor_key_id, r.actor_role) for r in rows] == [
        (1, "creation", None, None), (2, "modification", None, None)]
    assert rows[0].reason == f"import annuaire.csv (sha256 {hashlib.sha256(first).hexdigest()})"
    assert rows[1].reason == f"import annuaire.csv (sha256 {hashlib.sha256(second).hexdigest()})"
    assert rows[1].changes == {"teletravail.postes": [20, 25]}
    # The version before the import comes back like any other.
    from reseau_api.core.auth import Member
    from reseau_api.editorial import kernel
    from reseau_api.editorial.preconditions import IfMatch
    from reseau_api.places.editorial import PLACES

    admin = Member(key_id=None, prefix="cli", role="admin", organisation_id=None)  # type: ignore[arg-type]
    place = await PLACES.get(session, str(serre.id))
    restored = await kernel.restore(session, PLACES, place, 1, actor=admin,
                                    if_match=IfMatch.parse(f'"{serre.id}-v2"'))
    assert (restored.version, restored.desks) == (3, 20)


async def test_positions_compare_at_the_exports_precision(session: AsyncSession) -> None:
    """Exports round positions to 6 decimals (~10 cm): re-importing them is not a change, moving is."""
    precise = "p1;Précis;ouvert;34;Assas;3,8974794;43,7043465;coworking;;;\n"
    await run_import(session, native_csv(precise), source="s")
    rounded = precise.replace("3,8974794;43,7043465", "3,897479;43,704347")
    assert (await run_import(session, native_csv(rounded), source="s")).rows[0].status == "unchanged"
    moved = precise.replace("3,8974794;43,7043465", "3,897489;43,704347")  # ~1 m east
    assert (await run_import(session, native_csv(moved), source="s")).rows[0].status == "updated"
