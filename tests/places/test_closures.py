"""Dated closures (`fermetures`): validated, edited like any field, closing a place whatever its hours,
shown while current or ahead, expiring by themselves."""

import csv
import io
from datetime import date, datetime, timedelta

import httpx
import mapbox_vector_tile
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.shared.time import PARIS
from tests.members.factories import make_key, make_organisation, patch_place, post_place, tag
from tests.opendata.conftest import run_import

PROBLEM = "application/problem+json"


@pytest.fixture
async def admin(session: AsyncSession) -> str:
    return await make_key(session, admin=True)


def today() -> date:
    return datetime.now(PARIS).date()


def closure(start: int, end: int, motif: str = "Fermé pour travaux") -> dict[str, str]:
    """A closure from `start` to `end` days from today."""
    return {"du": (today() + timedelta(days=start)).isoformat(), "au": (today() + timedelta(days=end)).isoformat(),
            "motif": motif}


async def published_place(client: httpx.AsyncClient, admin: str, **over: object) -> dict:
    return (await post_place(client, admin, "?publier=true", horaires="24/7", **over)).json()


@pytest.mark.parametrize(("closures", "pointer", "fragment"), [
    ([closure(3, 1)], "/fermetures/0", "`au` must be on or after `du`"),
    ([closure(0, 1, "x")], "/fermetures/0/motif", "at least 3 characters"),
    ([closure(0, 1, "m" * 201)], "/fermetures/0/motif", "at most 200 characters"),
    ([{**closure(0, 1), "heure": "10:00"}], "/fermetures/0/heure", "Extra inputs are not permitted"),
    ([{"du": "1999-12-31", "au": "2000-01-02", "motif": "Passage à l'an 2000"}], "/fermetures/0",
     "`du` must be within the years 2000 to 2199"),
    ([closure(i, i) for i in range(21)], "/fermetures", "at most 20 items"),
    ([{"du": "le 3 mars", "au": "2026-03-04", "motif": "Travaux"}], "/fermetures/0/du", "valid date"),
])
async def test_bad_closures_are_refused_naming_the_field(
    client: httpx.AsyncClient, admin: str, closures: list, pointer: str, fragment: str,
) -> None:
    place = await published_place(client, admin)
    response = await patch_place(client, admin, place["id"], {"fermetures": closures}, etag=1)
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM)
    errors = response.json()["errors"]
    assert [e["pointer"] for e in errors] == [pointer]
    assert fragment in errors[0]["detail"]
    assert (await client.get(f"/v1/lieux/{place['id']}")).json()["version"] == 1  # nothing stored


async def test_an_owner_closes_a_place_for_works_and_it_reopens_by_itself(
    client: httpx.AsyncClient, session: AsyncSession, admin: str,
) -> None:
    org = await make_organisation(session)
    member = await make_key(session, org)
    place = (await post_place(client, admin, f"?publier=true&organisation={org.id}", horaires="24/7")).json()
    record = place["id"]
    now = f"{today().isoformat()}T12:00:00+01:00"
    assert [p["id"] for p in (await client.get("/v1/lieux", params={"ouvert_le": now})).json()["items"]] == [record]
    works, later, past = closure(-1, 2), closure(10, 12, "Inventaire annuel"), closure(-30, -2, "Congés")
    edited = await patch_place(client, member, record, {"fermetures": [later, past, works]}, etag=1)
    assert edited.status_code == 200, edited.text
    detail = (await client.get(f"/v1/lieux/{record}")).json()
    assert detail["ferme_temporairement"] is True
    assert detail["fermeture_en_cours"] == works
    assert detail["fermetures"] == [works, later]  # in date order; the past one no longer shows
    assert detail["provenance"]["fermetures"]["role"] == "membre"
    listed = (await client.get("/v1/lieux")).json()["items"]
    assert [(i["id"], i["ferme_temporairement"]) for i in listed] == [(record, True)]
    # Closed today whatever "24/7" says; open on a day no closure covers; each closure holds for its own dates.
    assert (await client.get("/v1/lieux", params={"ouvert_le": now})).json()["items"] == []
    assert (await client.get("/v1/lieux", params={"ouvert_maintenant": "true"})).json()["items"] == []
    for offset in (5, -40):
        moment = f"{(today() + timedelta(days=offset)).isoformat()}T12:00:00+01:00"
        assert [p["id"] for p in (await client.get("/v1/lieux", params={"ouvert_le": moment})).json()["items"]] \
            == [record]
    for offset in (11, -10):
        moment = f"{(today() + timedelta(days=offset)).isoformat()}T12:00:00+01:00"
        assert (await client.get("/v1/lieux", params={"ouvert_le": moment})).json()["items"] == []
    # Reopened: removing the closures is an edit like any other.
    cleared = await patch_place(client, member, record, {"fermetures": None}, etag=2)
    assert (cleared.status_code, cleared.json()["fermetures"], cleared.json()["ferme_temporairement"]) == (
        200, [], False)


async def test_an_expired_closure_is_not_current_and_the_etag_follows_the_clock(
    client: httpx.AsyncClient, session: AsyncSession, admin: str,
) -> None:
    place = await published_place(client, admin)
    record = place["id"]
    assert (await client.get(f"/v1/lieux/{record}")).headers["etag"] == tag(record, 1)
    edited = await patch_place(client, admin, record, {"fermetures": [closure(-20, -1)]}, etag=1)
    assert edited.status_code == 200
    detail = await client.get(f"/v1/lieux/{record}")
    body = detail.json()
    assert (body["fermetures"], body["ferme_temporairement"], body["fermeture_en_cours"]) == ([], False, None)
    assert detail.headers["etag"] == tag(record, 2)  # nothing shown depends on the clock
    upcoming = await patch_place(client, admin, record, {"fermetures": [closure(1, 3)]}, etag=2)
    assert upcoming.status_code == 200
    shown = await client.get(f"/v1/lieux/{record}")
    # Shown while ahead, current tomorrow: a cached copy must revalidate, so the tag carries that state.
    assert shown.headers["etag"].startswith(f'"{record}-v3.t-')
    assert (await patch_place(client, admin, record, {"nom": "La Cantine rénovée"},
                              etag=shown.headers["etag"])).status_code == 200


async def test_a_closure_shows_in_tiles(client: httpx.AsyncClient, admin: str) -> None:
    place = await published_place(client, admin, fermetures=[closure(0, 0, "Fermé ce jour")])
    assert place["ferme_temporairement"] is True
    tile = await client.get("/v1/tuiles/14/8257/5982.mvt")
    assert tile.status_code == 200
    features = mapbox_vector_tile.decode(tile.content)["lieux"]["features"]
    assert [(f["properties"]["nom"], f["properties"]["ferme_temporairement"], f["properties"]["fraicheur"])
            for f in features] == [(place["nom"], True, "a_jour")]


async def test_closures_and_verifie_le_travel_in_the_csv_and_reimport(
    client: httpx.AsyncClient, session: AsyncSession, admin: str,
) -> None:
    works = closure(2, 4, "Fermé pour travaux")
    place = await published_place(client, admin, fermetures=[works])
    sheet = (await client.get("/v1/lieux", params={"f": "csv"})).content
    (row,) = list(csv.DictReader(io.StringIO(sheet.decode("utf-8-sig"))))
    assert row["fermetures"].startswith('[{"au": ') and "Fermé pour travaux" in row["fermetures"]
    assert row["verifie_le"] and row["verifie_le"][:10] == place["verifie_le"][:10]
    await session.execute(text("DELETE FROM place"))
    report = await run_import(session, sheet, filename="lieux.csv", source="transfert")
    assert [r.status for r in report.rows] == ["accepted"] and report.applied
    stored = (await session.execute(text("SELECT closures, verified_at FROM place"))).one()
    assert stored.closures == [works] and stored.verified_at is None  # closures kept; an import verifies nothing
    bad = sheet.replace(row["fermetures"].replace('"', '""').encode(), "fermé".encode())
    rejected = await run_import(session, bad, filename="lieux.csv", source="autre")
    assert [(r.field, r.message) for r in rejected.rows[0].reasons] == [
        ("fermetures", 'expected a JSON list of {"du", "au", "motif"} (as the export writes it)')]
