"""Moderation, history (every change: who, when, old -> new) and restoring an earlier version."""

from datetime import datetime

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places import service as places_service
from reseau_api.places.schemas import PlaceWrite
from tests.members.factories import auth, make_key, make_organisation, patch_place, place_payload, post_place, tag


@pytest.fixture
async def keys(session: AsyncSession) -> dict[str, str]:
    org = await make_organisation(session)
    return {"member": await make_key(session, org), "admin": await make_key(session, admin=True)}


async def _moderate(client: httpx.AsyncClient, key: str, place: str, version: int, **body: str) -> httpx.Response:
    return await client.post(f"/v1/lieux/{place}/moderation", json=body,
                             headers=auth(key, **{"If-Match": tag(place, version)}))


async def _history(client: httpx.AsyncClient, key: str, place: str, query: str = "") -> dict:
    response = await client.get(f"/v1/lieux/{place}/historique{query}", headers=auth(key))
    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "private, no-store"
    return response.json()


async def test_admins_publish_and_reject_with_a_reason(client: httpx.AsyncClient, keys: dict[str, str]) -> None:
    place = (await post_place(client, keys["member"])).json()["id"]
    assert (await _moderate(client, keys["admin"], place, 1, decision="rejeter")).status_code == 422
    rejected = await _moderate(client, keys["admin"], place, 1, decision="rejeter", motif="Adresse manquante")
    assert rejected.status_code == 200
    assert (rejected.json()["moderation"], rejected.headers["etag"]) == ("rejete", tag(place, 2))
    again = await _moderate(client, keys["admin"], place, 2, decision="rejeter", motif="Encore")
    assert again.status_code == 409
    # The owner fixes it: a rejected place goes back to a_valider.
    fixed = await patch_place(client, keys["member"], place, {"adresse": "1 place du Capitole"}, 2)
    assert fixed.json()["moderation"] == "a_valider"
    # An admin publishes the version it reviewed, not one edited in between.
    assert (await _moderate(client, keys["admin"], place, 2, decision="publier")).status_code == 412
    assert (await _moderate(client, keys["admin"], place, 3)).status_code == 422
    published = await _moderate(client, keys["admin"], place, 3, decision="publier")
    assert (published.json()["moderation"], published.headers["etag"]) == ("publie", tag(place, 4))
    assert (await _moderate(client, keys["admin"], place, 4, decision="publier")).status_code == 409
    missing = await client.post(f"/v1/lieux/{place}/moderation", json={"decision": "publier"},
                                headers=auth(keys["admin"]))
    assert missing.status_code == 428


async def test_a_members_edit_of_a_published_place_is_published_directly(
    client: httpx.AsyncClient, keys: dict[str, str],
) -> None:
    place = (await post_place(client, keys["member"])).json()["id"]
    await _moderate(client, keys["admin"], place, 1, decision="publier")
    edited = await patch_place(client, keys["member"], place, {"teletravail": {"prix_journee": 20}}, 2)
    assert edited.json()["moderation"] == "publie"
    assert float(edited.json()["teletravail"]["prix_journee"]) == 20
    latest = (await _history(client, keys["admin"], place))["items"][0]
    assert latest["action"] == "modification"
    assert latest["changements"] == [{"champ": "teletravail.prix_journee", "avant": "15.00", "apres": "20.00"}]


async def test_history_records_every_change(client: httpx.AsyncClient, keys: dict[str, str]) -> None:
    member, admin = keys["member"], keys["admin"]
    me = (await client.get("/v1/cles/moi", headers=auth(member))).json()
    admin_prefix = (await client.get("/v1/cles/moi", headers=auth(admin))).json()["prefixe"]
    place = (await post_place(client, member)).json()["id"]
    await patch_place(client, member, place, {"nom": "La Cantine", "telephone": "0562000000", "site_web": None},
                      1)
    await _moderate(client, admin, place, 2, decision="publier", motif="Vérifié sur place")
    await client.delete(f"/v1/lieux/{place}", headers=auth(member, **{"If-Match": tag(place, 3)}))

    items = (await _history(client, member, place))["items"]
    assert [(r["version"], r["action"], r["moderation"]) for r in items] == [
        (4, "archivage", "archive"), (3, "moderation", "publie"), (2, "modification", "a_valider"),
        (1, "creation", "a_valider"),
    ]
    authors = [r["auteur"] for r in items]
    assert authors[2] == {"cle": me["prefixe"], "role": "membre", "organisation": me["organisation"]}
    assert authors[1] == {"cle": admin_prefix, "role": "admin", "organisation": None}
    assert items[1]["motif"] == "Vérifié sur place"
    assert items[2]["changements"] == [
        {"champ": "nom", "avant": "La Cantine du Capitole", "apres": "La Cantine"},
        {"champ": "site_web", "avant": "https://cantine.example", "apres": None},
        {"champ": "telephone", "avant": "05 61 00 00 00", "apres": "05 62 00 00 00"},
    ]
    assert items[0]["changements"] == [{"champ": "moderation", "avant": "publie", "apres": "archive"}]
    created = {c["champ"]: c["apres"] for c in items[3]["changements"]}
    assert created["nom"] == "La Cantine du Capitole"
    assert created["teletravail.postes"] == 12
    assert all(c["avant"] is None for c in items[3]["changements"])
    # Every revision is dated when its version was stored: the latest one when the place last changed.
    stored = (await client.get(f"/v1/lieux/{place}", headers=auth(member))).json()
    assert items[0]["date"] == stored["maj_le"]
    assert all(datetime.fromisoformat(r["date"]).tzinfo is not None for r in items)

    page = await _history(client, member, place, "?limit=3")
    assert [r["version"] for r in page["items"]] == [4, 3, 2]
    rest = await _history(client, member, place, page["next"].split("historique")[1])
    assert [r["version"] for r in rest["items"]] == [1]
    assert rest["next"] is None


async def test_an_admin_restores_an_earlier_version(client: httpx.AsyncClient, keys: dict[str, str]) -> None:
    member, admin = keys["member"], keys["admin"]
    place = (await post_place(client, member)).json()["id"]
    await patch_place(client, member, place, {"nom": "Vandalisé", "teletravail": None}, 1)
    url = f"/v1/lieux/{place}/historique/1/restauration"
    assert (await client.post(url, headers=auth(member, **{"If-Match": tag(place, 2)}))).status_code == 403
    assert (await client.post(url, headers=auth(admin))).status_code == 428
    assert (await client.post(url, headers=auth(admin, **{"If-Match": tag(place, 1)}))).status_code == 412
    missing = await client.post(f"/v1/lieux/{place}/historique/9/restauration",
                                headers=auth(admin, **{"If-Match": tag(place, 2)}))
    assert missing.status_code == 404
    restored = await client.post(url, headers=auth(admin, **{"If-Match": tag(place, 2)}))
    assert restored.status_code == 200
    assert restored.headers["etag"] == tag(place, 3)
    body = restored.json()
    assert body["nom"] == "La Cantine du Capitole"
    assert body["teletravail"]["postes"] == 12
    assert body["moderation"] == "a_valider"
    latest = (await _history(client, admin, place))["items"][0]
    assert (latest["version"], latest["action"], latest["motif"]) == (3, "restauration", "restauration de la version 1")
    assert {"champ": "nom", "avant": "Vandalisé", "apres": "La Cantine du Capitole"} in latest["changements"]


async def test_imported_places_get_a_baseline_on_first_change(
    client: httpx.AsyncClient, session: AsyncSession, keys: dict[str, str],
) -> None:
    imported = await places_service.create(
        session, PlaceWrite.model_validate(place_payload(nom="Importé")), moderation="publie",
        source="Recensement test", source_id="T-1",
    )
    await session.commit()
    place = str(imported.id)
    assert (await _history(client, keys["admin"], place))["items"] == []
    await patch_place(client, keys["admin"], place, {"nom": "Importé puis corrigé"}, 1)
    items = (await _history(client, keys["admin"], place))["items"]
    assert [(r["version"], r["action"], r["auteur"]["cle"]) for r in items] == [
        (2, "modification", items[0]["auteur"]["cle"]), (1, "creation", None),
    ]
    assert items[1]["motif"] == "initial state (Recensement test)"
    restored = await client.post(f"/v1/lieux/{place}/historique/1/restauration",
                                 headers=auth(keys["admin"], **{"If-Match": tag(place, 2)}))
    assert restored.json()["nom"] == "Importé"


async def test_archived_places_can_be_published_again(client: httpx.AsyncClient, keys: dict[str, str]) -> None:
    place = (await post_place(client, keys["member"])).json()["id"]
    await client.delete(f"/v1/lieux/{place}", headers=auth(keys["member"], **{"If-Match": tag(place, 1)}))
    rejected = await _moderate(client, keys["admin"], place, 2, decision="rejeter", motif="Archivé")
    assert rejected.status_code == 409
    back = await _moderate(client, keys["admin"], place, 2, decision="publier")
    assert back.json()["moderation"] == "publie"
