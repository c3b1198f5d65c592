"""The change feed through the API's write paths, in the test's transaction: what appears, with which
representation and fields, tombstones, drafts never, practices following their places, 410, 304."""

from datetime import datetime

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places.fields import CLOCK_FIELDS
from tests.members.factories import auth, make_key, make_organisation, patch_place, post_place, tag

PROBLEM = "application/problem+json"
PUBLISH = "?publier=true"


async def commit_point(session: AsyncSession) -> None:
    """What COMMIT does to the capture (deferred triggers), inside the test's rolled-back transaction."""
    await session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
    await session.execute(text("SET CONSTRAINTS ALL DEFERRED"))


async def last_cursor(client: httpx.AsyncClient) -> int:
    """Where the feed ends now (earlier committed tests may have left changes in this database)."""
    body = (await client.get("/v1/export/annuaire.json")).json()
    return body["curseur"]


async def changes(client: httpx.AsyncClient, since: int) -> list[dict]:
    response = await client.get("/v1/changements", params={"depuis": since, "limit": 1000})
    assert response.status_code == 200, response.text
    return response.json()["items"]


@pytest.fixture
async def admin(session: AsyncSession) -> str:
    return await make_key(session, admin=True)


async def test_a_place_published_edited_archived_and_republished(
    client: httpx.AsyncClient, session: AsyncSession, admin: str,
) -> None:
    start = await last_cursor(client)
    created = (await post_place(client, admin, PUBLISH, nom="Le Hangar Numérique")).json()
    await commit_point(session)
    pid = created["id"]
    edited = await patch_place(client, admin, pid, {"nom": "Le Hangar", "teletravail": {"postes": 3}}, 1)
    assert edited.status_code == 200, edited.text
    await commit_point(session)
    archived = await client.delete(f"/v1/lieux/{pid}", headers=auth(admin, **{"If-Match": tag(pid, 2)}))
    assert archived.status_code == 200, archived.text
    await commit_point(session)
    published = await client.post(f"/v1/lieux/{pid}/moderation", json={"decision": "publier"},
                                  headers=auth(admin, **{"If-Match": tag(pid, 3)}))
    assert published.status_code == 200, published.text
    await commit_point(session)

    items = await changes(client, start)
    assert [(i["action"], i["ressource"], i["id"]) for i in items] == [
        ("publication", "lieu", pid), ("modification", "lieu", pid), ("retrait", "lieu", pid),
        ("publication", "lieu", pid)]
    assert [i["curseur"] for i in items] == list(range(start + 1, start + 5))
    first, edit, tombstone, back = items
    detail = (await client.get(f"/v1/lieux/{pid}")).json()
    assert first["donnees"]["nom"] == "Le Hangar Numérique"
    assert first["champs"] == sorted(first["donnees"])
    # (maj_le is now(), which does not move inside the test's single transaction)
    assert edit["champs"] == ["nom", "teletravail", "version"]
    assert edit["donnees"]["nom"] == "Le Hangar" and edit["donnees"]["teletravail"]["postes"] == 3
    assert tombstone["donnees"] is None and tombstone["champs"] == []
    # The representation is the detail's (without the practices, which their own entries carry).
    # The feed carries the stored fields; those the clock decides (fraicheur…) are the reader's to compute.
    assert set(back["donnees"]) == set(detail) - {"bonnes_pratiques", *CLOCK_FIELDS}
    for field in ("id", "slug", "nom", "statut", "types", "services", "departement", "teletravail", "version",
                  "moderation", "organisation", "horaires", "telephone", "site_web", "images", "position"):
        assert back["donnees"][field] == detail[field], field


async def test_drafts_and_rejected_places_never_appear(
    client: httpx.AsyncClient, session: AsyncSession, admin: str,
) -> None:
    start = await last_cursor(client)
    organisation = await make_organisation(session)
    member = await make_key(session, organisation)
    draft = (await post_place(client, member, nom="Brouillon secret")).json()
    assert draft["moderation"] == "a_valider"
    assert (await patch_place(client, member, draft["id"], {"description": "privé"}, 1)).status_code == 200
    rejected = await client.post(f"/v1/lieux/{draft['id']}/moderation",
                                 json={"decision": "rejeter", "motif": "hors réseau"},
                                 headers=auth(admin, **{"If-Match": tag(draft["id"], 2)}))
    assert rejected.status_code == 200, rejected.text
    assert await changes(client, start) == []


async def test_any_write_path_is_captured_even_raw_sql(client: httpx.AsyncClient, session: AsyncSession,
                                                        admin: str) -> None:
    """The capture is a trigger: an import, a restore or a hand-written UPDATE are in the feed too."""
    start = await last_cursor(client)
    pid = (await post_place(client, admin, PUBLISH)).json()["id"]
    await commit_point(session)
    await session.execute(text("UPDATE place SET moderation = 'archive' WHERE id = :id"), {"id": pid})
    await commit_point(session)
    await session.execute(text("UPDATE place SET accessibility = 'rampe' WHERE id = :id"), {"id": pid})  # hidden
    await commit_point(session)
    await session.execute(text("DELETE FROM place WHERE id = :id"), {"id": pid})  # already gone: nothing
    await commit_point(session)
    assert [i["action"] for i in await changes(client, start)] == ["publication", "retrait"]


async def test_a_practice_follows_the_visibility_of_its_places(
    client: httpx.AsyncClient, session: AsyncSession, admin: str,
) -> None:
    start = await last_cursor(client)
    place = (await post_place(client, admin, PUBLISH, nom="Tiers-lieu des Pratiques")).json()
    await commit_point(session)
    created = await client.post("/v1/bonnes-pratiques?publier=true", headers=auth(admin), json={
        "titre": "Une pratique partagée", "resume": "Un résumé suffisamment long.",
        "contenu": "# Texte\n\nDu **gras**.",
        "thematiques": ["gouvernance"], "lieux": [place["id"]]})
    assert created.status_code == 201, created.text
    practice = created.json()
    await commit_point(session)
    archived = await client.delete(f"/v1/lieux/{place['id']}", headers=auth(admin, **{"If-Match": tag(place["id"], 1)}))
    assert archived.status_code == 200
    await commit_point(session)

    items = [i for i in await changes(client, start) if i["ressource"] == "bonne_pratique"]
    assert [i["action"] for i in items][-1] == "modification"
    assert items[-1]["champs"] == ["lieux"] and items[-1]["donnees"]["lieux"] == []
    published = [i for i in items if i["action"] == "publication"]
    assert len(published) == 1 and published[0]["donnees"]["statut"] == "publiee"
    assert published[0]["donnees"]["contenu_html"] == practice["contenu_html"]
    assert "motif_moderation" not in published[0]["donnees"]


async def test_the_export_states_its_cursor_and_holds_the_public_set(client: httpx.AsyncClient,
                                                                       session: AsyncSession, admin: str) -> None:
    pid = (await post_place(client, admin, PUBLISH, nom="Lieu Exporté")).json()["id"]
    await commit_point(session)
    response = await client.get("/v1/export/annuaire.json")
    assert response.status_code == 200
    body = response.json()
    assert response.headers["changements-curseur"] == str(body["curseur"])
    assert [p["nom"] for p in body["lieux"] if p["id"] == pid] == ["Lieu Exporté"]
    public = (await session.execute(text("SELECT count(*) FROM place WHERE place_is_public(moderation)"))).scalar()
    assert len(body["lieux"]) == public
    again = await client.get("/v1/export/annuaire.json", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


async def test_an_empty_tail_is_cheap_to_poll(client: httpx.AsyncClient) -> None:
    end = await last_cursor(client)
    response = await client.get("/v1/changements", params={"depuis": end})
    assert response.status_code == 200
    assert response.json() == {"items": [], "curseur": end, "a_jour": True, "next": None}
    assert response.headers["cache-control"] == "public, max-age=5"
    again = await client.get("/v1/changements", params={"depuis": end},
                             headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


async def test_pages_link_to_the_next_one(client: httpx.AsyncClient, session: AsyncSession, admin: str) -> None:
    start = await last_cursor(client)
    for n in range(3):
        await post_place(client, admin, PUBLISH, nom=f"Lieu {n}", position={"lon": 1.40 + n / 100, "lat": 43.6})
        await commit_point(session)
    page = await client.get("/v1/changements", params={"depuis": start, "limit": 2})
    body = page.json()
    assert [i["curseur"] for i in body["items"]] == [start + 1, start + 2]
    assert body["a_jour"] is False and body["curseur"] == start + 2
    assert body["next"] == f"http://test/v1/changements?depuis={start + 2}&limit=2"
    assert page.headers["link"] == f'<{body["next"]}>; rel="next"'
    assert page.headers["cache-control"] == "public, max-age=86400"
    last = (await client.get(body["next"])).json()
    assert [i["curseur"] for i in last["items"]] == [start + 3] and last["next"] is None


async def test_a_cursor_past_the_retention_gets_410(client: httpx.AsyncClient, session: AsyncSession,
                                                    admin: str) -> None:
    start = await last_cursor(client)
    await post_place(client, admin, PUBLISH, nom="Ancien")
    await commit_point(session)
    await post_place(client, admin, PUBLISH, nom="Récent")
    await commit_point(session)
    await client.get("/v1/changements", params={"depuis": start})  # numbers them
    await session.execute(text("UPDATE feed_change SET changed_at = now() - interval '100 days' "
                               "WHERE position = :p"), {"p": start + 1})
    await session.execute(text("SELECT feed_purge(now() - interval '90 days')"))
    gone = await client.get("/v1/changements", params={"depuis": start})
    assert gone.status_code == 410
    assert gone.headers["content-type"] == PROBLEM
    assert gone.json() == {
        "type": "/problemes/changements-expires", "title": "Cursor expired", "status": 410,
        "detail": f"changes up to {start + 1} are past the retention; download /v1/export/annuaire.json again "
                  "and follow the feed from its curseur",
        "instance": "/v1/changements", "curseur_minimal": start + 1}
    kept = await client.get("/v1/changements", params={"depuis": start + 1})
    assert [i["donnees"]["nom"] for i in kept.json()["items"]] == ["Récent"]


@pytest.mark.parametrize(("params", "name"), [
    ({"depuis": "-1"}, "depuis"), ({"depuis": "abc"}, "depuis"), ({"limit": "0"}, "limit"),
    ({"limit": "1001"}, "limit"),
])
async def test_bad_parameters_are_400(client: httpx.AsyncClient, params: dict, name: str) -> None:
    response = await client.get("/v1/changements", params=params)
    assert response.status_code == 400
    assert [e["name"] for e in response.json()["errors"]] == [name]


async def test_a_cursor_from_the_future_is_400(client: httpx.AsyncClient) -> None:
    end = await last_cursor(client)
    response = await client.get("/v1/changements", params={"depuis": end + 5})
    assert response.status_code == 400
    assert response.json()["errors"] == [
        {"in": "query", "name": "depuis", "detail": f"no change has this cursor yet (the last one is {end})"}]


async def test_a_confirmation_is_a_modification_of_verifie_le_only(
    client: httpx.AsyncClient, session: AsyncSession, admin: str,
) -> None:
    pid = (await post_place(client, admin, PUBLISH, nom="Le Relais Confirmé")).json()["id"]
    await session.execute(text("UPDATE place SET verified_at = now() - interval '400 days' WHERE id = :id"),
                          {"id": pid})
    await commit_point(session)
    start = await last_cursor(client)
    confirmed = await client.post(f"/v1/lieux/{pid}/confirmation", headers=auth(admin, **{"If-Match": tag(pid, 1)}))
    assert confirmed.status_code == 200, confirmed.text
    await commit_point(session)
    (item,) = await changes(client, start)
    assert (item["action"], item["champs"]) == ("modification", ["verifie_le", "version"])
    assert datetime.fromisoformat(item["donnees"]["verifie_le"]) == datetime.fromisoformat(
        confirmed.json()["verifie_le"])
    assert "fraicheur" not in item["donnees"]
