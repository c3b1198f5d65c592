"""Issue #19, duplicates: an imported row that may duplicate a published place does not become a second
published listing; it waits, pending, in the admins' queue (`doublon`), and the report says so."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places import service
from tests.factories import make_place
from tests.members.factories import auth, make_key
from tests.opendata.conftest import run_import

HEADER = "source_id;nom;statut;departement;commune;longitude;latitude;types\n"


async def test_an_imported_possible_duplicate_waits_in_the_queue(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    serre = await make_place(session, nom="La Serre", position={"lon": 1.421281, "lat": 43.594005})
    rows = ("a1;La Serre Toulouse;ouvert;31;Toulouse;1,42130;43,59402;coworking\n"  # ~3 m away, similar name
            "a2;Le Hub;ouvert;31;Toulouse;1,42131;43,59401;coworking\n")  # as close, another name
    report = await run_import(session, (HEADER + rows).encode(), source="annuaire")
    assert [r.status for r in report.rows] == ["accepted", "accepted"]
    duplicate, other = [await service.get(session, str(r.place_id), published_only=False) for r in report.rows]
    assert duplicate is not None and other is not None
    assert (duplicate.moderation, other.moderation) == ("a_valider", "publie")
    assert report.as_json()["lignes"][0]["avertissements"] == [{"champ": None, "message": (
        f"possible duplicate of 'La Serre' (/v1/lieux/{serre.id}: proximite): created as a_valider, listed in the "
        "moderation queue for an admin's decision")}]
    admin = await make_key(session, admin=True)
    queue = (await client.get("/v1/moderation", headers=auth(admin))).json()
    assert [(i["id"], i["raison"], i["auteur"]["role"]) for i in queue["items"]] == [
        (str(duplicate.id), "doublon", None)]  # written by the command line, yet in the queue
    assert [(d["id"], d["motifs"]) for d in queue["items"][0]["doublons_possibles"]] == [
        (str(serre.id), ["proximite"])]


async def test_an_imported_identifier_another_published_place_holds(session: AsyncSession) -> None:
    holder = await make_place(session, nom="Le Titulaire", identifiants={"siret": "73282932000074"})
    header = "source_id;nom;statut;departement;commune;longitude;latitude;siret\n"
    first = await run_import(session, (header + "b1;Le Relais;ouvert;81;Albi;2,148;43,929;\n").encode(), source="s")
    assert first.rows[0].status == "accepted"
    # The stored place given the holder's SIRET: the row is rejected, naming the column and the listing.
    again = await run_import(session, (header + "b1;Le Relais;ouvert;81;Albi;2,148;43,929;73282932000074\n").encode(),
                             source="s", partial=True)
    assert [(r.field, r.message) for r in again.rows[0].reasons] == [("siret", (
        "SIRET 73282932000074 is already the identifier of the published place 'Le Titulaire' "
        f"(/v1/lieux/{holder.id}): two published places never share one."))]
    # A new row with it: created pending, flagged, not published.
    new = await run_import(session, (header + "b2;Autre;ouvert;12;Rodez;2,573;44,35;73282932000074\n").encode(),
                           source="s")
    created = await service.get(session, str(new.rows[0].place_id), published_only=False)
    assert created is not None and (created.moderation, created.siret) == ("a_valider", "73282932000074")
    warning = new.rows[0].warnings[0].message
    assert warning.startswith(f"possible duplicate of 'Le Titulaire' (/v1/lieux/{holder.id}: siret)")
