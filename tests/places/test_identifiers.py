"""Issue #19, identifiers and duplicates: `identifiants` validated, unique among published places, editable
through the editorial path, filterable; possible duplicates wait in the moderation queue."""

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.shared.identifiers import luhn
from tests.members.factories import auth, make_key, make_organisation, patch_place, place_payload, post_place, tag

PROBLEM = "application/problem+json"
SIRET = "73282932000074"  # Luhn-valid
LA_POSTE = "35600000010014"  # fails Luhn, passes La Poste's rule (digit sum 20)
ALBI = {"lon": 2.148641, "lat": 43.928619}  # far from the factories' Toulouse point, in Tarn (81)
NEAR_TOULOUSE = {"lon": 1.444409, "lat": 43.604752}  # ~20 m from the factories' TOULOUSE


def siret_with_check_digit(first13: str) -> str:
    return next(first13 + d for d in "0123456789" if luhn(first13 + d))


@pytest.fixture
async def member(session: AsyncSession) -> str:
    return await make_key(session, await make_organisation(session))


@pytest.fixture
async def admin(session: AsyncSession) -> str:
    return await make_key(session, admin=True)


async def _published(client: httpx.AsyncClient, admin: str, **over: object) -> dict:
    return (await post_place(client, admin, "?publier=true", **over)).json()


async def _queue(client: httpx.AsyncClient, admin: str, query: str = "") -> dict:
    response = await client.get(f"/v1/moderation{query}", headers=auth(admin))
    assert response.status_code == 200, response.text
    return response.json()


async def test_identifiers_are_stored_normalised_and_read_back(client: httpx.AsyncClient, admin: str) -> None:
    sent = {"siret": "732 829 320 00074", "rna": "w313012345", "osm": "node/123456", "acceslibre": "la-cantine",
            "data_inclusion": "dora--4b9c3ad0", "recensement_2019": 14}
    body = await _published(client, admin, identifiants=sent)
    assert body["identifiants"] == {"siret": SIRET, "rna": "W313012345", "osm": "node/123456",
                                    "acceslibre": "la-cantine", "data_inclusion": "dora--4b9c3ad0",
                                    "recensement_2019": "14"}
    detail = (await client.get(f"/v1/lieux/{body['id']}")).json()
    assert detail["identifiants"] == body["identifiants"]
    assert (await _published(client, admin, nom="Le Poste", position={"lon": 1.46, "lat": 43.61},
                             identifiants={"siret": LA_POSTE}))["identifiants"]["siret"] == LA_POSTE


@pytest.mark.parametrize(("field", "value", "message"), [
    ("siret", "73282932000075", "Value error, not a valid SIRET (its Luhn check digit is wrong: a typo?)"),
    ("siret", "7328293200007", "Value error, a SIRET is 14 digits"),
    ("siret", "35600000010015", "Value error, not a valid SIRET of La Poste (the sum of its digits must be a "
                                "multiple of 5)"),
    ("rna", "W31301234", "Value error, an RNA number is W followed by 9 digits, e.g. W313012345"),
    ("osm", "node/0", "Value error, an OpenStreetMap id is node/<id>, way/<id> or relation/<id>, e.g. node/123456"),
    ("osm", "area/12", "Value error, an OpenStreetMap id is node/<id>, way/<id> or relation/<id>, e.g. node/123456"),
    ("acceslibre", "La Cantine", "Value error, an acceslibre id is the slug of the sheet (e.g. la-serre-toulouse) "
                                 "or its UUID"),
    ("data_inclusion", "dora", "Value error, a data·inclusion id is <source>--<id>, e.g. dora--4b9c3ad0"),
    ("recensement_2019", "0", "Value error, a 2019 census id is a positive number, e.g. 14"),
])
async def test_invalid_identifiers_are_a_422_naming_the_field(
    client: httpx.AsyncClient, member: str, field: str, value: str, message: str,
) -> None:
    response = await client.post("/v1/lieux", json=place_payload(identifiants={field: value}), headers=auth(member))
    assert (response.status_code, response.headers["content-type"]) == (422, PROBLEM)
    assert response.json()["errors"] == [{"in": "body", "pointer": f"/identifiants/{field}", "detail": message}]
    unknown = await client.post("/v1/lieux", json=place_payload(identifiants={"wikidata": "Q1"}), headers=auth(member))
    assert unknown.status_code == 422
    assert [e["pointer"] for e in unknown.json()["errors"]] == ["/identifiants/wikidata"]


async def test_a_published_identifier_is_unique(client: httpx.AsyncClient, admin: str, member: str) -> None:
    first = await _published(client, admin, identifiants={"siret": SIRET, "osm": "way/42"})
    # An admin publishing a second place with it: 409 naming the field and the other listing.
    clash = await client.post("/v1/lieux?publier=true", headers=auth(admin),
                              json=place_payload(nom="Autre lieu", position=ALBI, departement="81",
                                                 identifiants={"osm": "way/42"}))
    assert (clash.status_code, clash.headers["content-type"]) == (409, PROBLEM)
    detail = (f"OpenStreetMap id way/42 is already the identifier of the published place 'La Cantine du Capitole' "
              f"(/v1/lieux/{first['id']}): two published places never share one.")
    body = clash.json()
    assert {k: body[k] for k in ("status", "detail", "errors", "lieu_en_conflit")} == {
        "status": 409, "detail": detail, "errors": [{"in": "body", "pointer": "/identifiants/osm", "detail": detail}],
        "lieu_en_conflit": {"id": first["id"], "slug": first["slug"], "nom": "La Cantine du Capitole",
                            "lien": f"/v1/lieux/{first['id']}"},
    }
    assert body["type"].endswith("/problemes/conflit")
    # A member's published place edited to take it: 409 too, and nothing stored.
    me = (await client.get("/v1/cles/moi", headers=auth(member))).json()
    theirs = (await post_place(client, admin, f"?publier=true&organisation={me['organisation']}", nom="Le Relais 2",
                               position={"lon": 2.2, "lat": 43.9}, departement="81")).json()
    edit = await patch_place(client, member, theirs["id"], {"identifiants": {"siret": SIRET}}, 1)
    assert edit.status_code == 409
    assert edit.json()["errors"][0]["pointer"] == "/identifiants/siret"
    assert (await client.get(f"/v1/lieux/{theirs['id']}")).json()["identifiants"]["siret"] is None
    # Archived, the first no longer holds it.
    assert (await client.delete(f"/v1/lieux/{first['id']}", headers=auth(admin, **{"If-Match": tag(first["id"], 1)}))
            ).status_code == 200
    edit = await patch_place(client, member, theirs["id"], {"identifiants": {"siret": SIRET}}, 1)
    assert (edit.status_code, edit.json()["identifiants"]["siret"]) == (200, SIRET)


async def test_owners_edit_identifiers_through_the_history(client: httpx.AsyncClient, member: str) -> None:
    draft = (await post_place(client, member, identifiants={"osm": "node/1"})).json()
    edited = await patch_place(client, member, draft["id"], {"identifiants": {"siret": SIRET}}, 1)
    assert edited.status_code == 200
    assert {k: v for k, v in edited.json()["identifiants"].items() if v} == {"osm": "node/1", "siret": SIRET}
    cleared = await patch_place(client, member, draft["id"], {"identifiants": {"osm": None}}, 2)
    assert {k: v for k, v in cleared.json()["identifiants"].items() if v} == {"siret": SIRET}
    history = (await client.get(f"/v1/lieux/{draft['id']}/historique", headers=auth(member))).json()["items"]
    assert [r["changements"] for r in history[:2]] == [
        [{"champ": "identifiants.osm", "avant": "node/1", "apres": None}],
        [{"champ": "identifiants.siret", "avant": None, "apres": SIRET}],
    ]


async def test_a_partner_finds_its_record_by_its_own_registry_id(
    client: httpx.AsyncClient, session: AsyncSession, admin: str,
) -> None:
    place = await _published(client, admin, identifiants={"siret": SIRET, "osm": "relation/7", "acceslibre": "la-c"})
    await _published(client, admin, nom="Un autre", position=ALBI, departement="81")
    for query in (f"siret={SIRET}", "siret=732%20829%20320%2000074", "osm=relation/7", "acceslibre=la-c"):
        found = await client.get(f"/v1/lieux?{query}")
        assert (found.status_code, [i["id"] for i in found.json()["items"]]) == (200, [place["id"]]), query
    assert (await client.get(f"/v1/lieux?siret={siret_with_check_digit('1234567890123')}")).json()["items"] == []
    bad = await client.get("/v1/lieux?siret=73282932000075")
    assert (bad.status_code, bad.headers["content-type"]) == (400, PROBLEM)
    assert [e["name"] for e in bad.json()["errors"]] == ["siret"]
    assert (await client.get("/v1/lieux?osm=node/abc")).status_code == 400
    # Index-backed: the filter walks the partial unique index.
    raw = await raw_connection(session)
    await raw.execute("SET LOCAL enable_seqscan = off")
    plan = "\n".join(r[0] for r in await raw.fetch(
        "EXPLAIN SELECT id FROM place p WHERE p.moderation = 'publie' AND p.siret = $1", SIRET))
    assert "uq_place_siret_public" in plan


async def test_a_member_place_with_a_taken_siret_waits_as_a_possible_duplicate(
    client: httpx.AsyncClient, admin: str, member: str,
) -> None:
    first = await _published(client, admin, identifiants={"siret": SIRET})
    second = (await post_place(client, member, nom="Cantine bis", position=ALBI, departement="81",
                               identifiants={"siret": SIRET})).json()
    assert second["moderation"] == "a_valider"
    queue = await _queue(client, admin)
    assert [(i["id"], i["raison"]) for i in queue["items"]] == [(second["id"], "doublon")]
    assert queue["items"][0]["doublons_possibles"] == [{
        "id": first["id"], "slug": first["slug"], "titre": "La Cantine du Capitole", "etat": "publie",
        "motifs": ["siret"], "distance_m": None, "similarite": None, "lien": f"/v1/lieux/{first['id']}"}]
    assert [i["id"] for i in (await _queue(client, admin, "?raison=doublon"))["items"]] == [second["id"]]
    assert (await _queue(client, admin, "?raison=nouveau"))["items"] == []
    # Publishing it while the other holds the SIRET: 409; rejecting it takes it out of the queue.
    publish = await client.post(f"/v1/lieux/{second['id']}/moderation", json={"decision": "publier"},
                                headers=auth(admin, **{"If-Match": tag(second["id"], 1)}))
    assert (publish.status_code, publish.json()["lieu_en_conflit"]["id"]) == (409, first["id"])
    reject = await client.post(f"/v1/lieux/{second['id']}/moderation", json={"decision": "rejeter", "motif": "Doublon"},
                               headers=auth(admin, **{"If-Match": tag(second["id"], 1)}))
    assert reject.status_code == 200
    assert (await _queue(client, admin))["items"] == []


async def test_a_close_place_with_a_similar_name_is_a_possible_duplicate(
    client: httpx.AsyncClient, admin: str, member: str,
) -> None:
    first = await _published(client, admin)  # "La Cantine du Capitole" at TOULOUSE
    near = (await post_place(client, member, nom="Cantine du Capitole", position=NEAR_TOULOUSE)).json()
    unrelated = (await post_place(client, member, nom="Atelier Bois Vert", position=NEAR_TOULOUSE)).json()
    far = (await post_place(client, member, position={"lon": 1.4500, "lat": 43.6046})).json()  # ~470 m east
    items = {i["id"]: i for i in (await _queue(client, admin))["items"]}
    assert {k: items[k]["raison"] for k in items} == {near["id"]: "doublon", unrelated["id"]: "nouveau",
                                                      far["id"]: "nouveau"}
    duplicate = items[near["id"]]["doublons_possibles"]
    assert [(d["id"], d["motifs"], d["distance_m"]) for d in duplicate] == [(first["id"], ["proximite"], 20)]
    assert 0.3 <= duplicate[0]["similarite"] <= 1
    assert items[unrelated["id"]]["doublons_possibles"] == items[far["id"]]["doublons_possibles"] == []
    # An admin's immediate publication of a possible duplicate is refused: it goes through the queue.
    refused = await client.post("/v1/lieux?publier=true", json=place_payload(position=NEAR_TOULOUSE),
                                headers=auth(admin))
    assert (refused.status_code, refused.json()["lieu_en_conflit"]["id"]) == (409, first["id"])
    assert refused.json()["detail"].startswith("This place may duplicate 'La Cantine du Capitole'")


async def test_census_places_carry_their_census_id(session: AsyncSession) -> None:
    from reseau_api.places.demo import load_census

    await session.execute(text("DELETE FROM place"))
    await load_census(session, only_if_empty=False)
    rows = (await session.execute(text("SELECT count(*), count(census_id) FROM place"))).one()
    assert rows[0] > 100 and rows[0] == rows[1]
    la_serre = (await session.execute(text("SELECT census_id FROM place WHERE name = 'La Serre'"))).scalar_one()
    assert la_serre == "14"


async def test_every_output_carries_the_identifiers(client: httpx.AsyncClient, admin: str) -> None:
    """From the field table: CSV and GeoJSON (list and export), OGC items, the feed."""
    place = await _published(client, admin, identifiants={"siret": SIRET, "osm": "node/9"})
    rows = (await client.get("/v1/export/lieux.csv")).text.lstrip("\ufeff").splitlines()
    header = rows[0].split(",")
    row = dict(zip(header, rows[1].split(","), strict=False))
    assert (row["siret"], row["osm"], row["rna"]) == (SIRET, "node/9", "")
    exported = (await client.get("/v1/export/lieux.geojson")).json()["features"][0]["properties"]
    assert (exported["siret"], exported["osm"], exported["rna"]) == (SIRET, "node/9", None)
    ogc = (await client.get(f"/ogc/collections/lieux/items/{place['id']}", params={"f": "json"})).json()
    assert (ogc["properties"]["siret"], ogc["properties"]["osm"]) == (SIRET, "node/9")
    assert "rna" not in ogc["properties"]  # OGC items leave nulls out
    listed = (await client.get("/v1/lieux", params={"f": "csv", "siret": SIRET})).text.lstrip("\ufeff").splitlines()
    assert len(listed) == 2 and SIRET in listed[1]
