"""Members write their organisation's good practices; admins moderate, restore; history; If-Match."""

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.members.models import Organisation
from tests.factories import make_place
from tests.members.factories import auth, make_key, make_organisation
from tests.practices.factories import make_practice, patch_practice, post_practice, practice_payload, tag

PROBLEM = "application/problem+json"
URL = "/v1/bonnes-pratiques"


@pytest.fixture
async def org(session: AsyncSession) -> Organisation:
    return await make_organisation(session)


@pytest.fixture
async def member(session: AsyncSession, org: Organisation) -> str:
    return await make_key(session, org)


@pytest.fixture
async def admin(session: AsyncSession) -> str:
    return await make_key(session, admin=True)


async def test_a_member_creates_a_draft_of_its_organisation(
    client: httpx.AsyncClient, session: AsyncSession, member: str, org: Organisation,
) -> None:
    place = await make_place(session, organisation_id=org.id)
    created = await post_practice(client, member, lieux=[str(place.id)], contenu="Du *Markdown*")
    body = created.json()
    assert body["statut"] == "brouillon" and body["organisation"] == str(org.id) and body["version"] == 1
    assert body["contenu_html"] == "<p>Du <em>Markdown</em></p>\n"
    assert body["publiee_le"] is None and body["lieux"][0]["id"] == str(place.id)
    assert created.headers["location"] == f"/v1/bonnes-pratiques/{body['id']}"
    assert created.headers["etag"] == tag(body["id"], 1)
    assert (await client.get(f"{URL}/{body['id']}")).status_code == 404  # the public does not see drafts
    assert (await client.get(f"{URL}/{body['slug']}", headers=auth(member))).status_code == 200
    other = await make_key(session, await make_organisation(session))
    assert (await client.get(f"{URL}/{body['id']}", headers=auth(other))).status_code == 404


@pytest.mark.parametrize("field,value", [
    ("id", "5b1a1f2e-8f5c-4a57-9c43-0c7b3f7e2d11"), ("slug", "pirate"), ("statut", "publiee"),
    ("organisation", None), ("version", 3), ("publiee_le", "2020-01-01T00:00:00Z"), ("contenu_html", "<b>x</b>"),
    ("maj_le", "2020-01-01T00:00:00Z"),
])
async def test_server_managed_fields_are_422_naming_them(
    client: httpx.AsyncClient, member: str, field: str, value: object,
) -> None:
    response = await client.post(URL, json=practice_payload(**{field: value}), headers=auth(member))
    assert response.status_code == 422 and response.headers["content-type"] == PROBLEM
    assert [e["pointer"] for e in response.json()["errors"]] == [f"/{field}"]


async def test_invalid_content_is_422(client: httpx.AsyncClient, session: AsyncSession, member: str) -> None:
    draft_place = await make_place(session, moderation="a_valider", nom="Pas encore publié")
    cases = [({"thematiques": ["cuisine"]}, "/thematiques/0"), ({"thematiques": []}, "/thematiques"),
             ({"liens": ["javascript:alert(1)"]}, "/liens/0"), ({"lieux": [str(draft_place.id)]}, "/lieux/0"),
             ({"titre": "x"}, "/titre"), ({"contenu": "a\x00b"}, "/contenu")]
    for over, pointer in cases:
        response = await client.post(URL, json=practice_payload(**over), headers=auth(member))
        assert response.status_code == 422, over
        assert response.json()["errors"][0]["pointer"] == pointer, over


async def test_only_admins_publish_at_once_or_name_the_organisation(
    client: httpx.AsyncClient, session: AsyncSession, member: str, admin: str, org: Organisation,
) -> None:
    forbidden = await client.post(f"{URL}?publier=true", json=practice_payload(), headers=auth(member))
    assert forbidden.status_code == 403
    assert (await client.post(URL, json=practice_payload())).status_code == 401
    published = (await post_practice(client, admin, f"?publier=true&organisation={org.id}")).json()
    assert published["statut"] == "publiee" and published["publiee_le"] and published["organisation"] == str(org.id)
    assert (await client.get(f"{URL}/{published['id']}")).status_code == 200


async def test_edit_with_if_match(client: httpx.AsyncClient, member: str) -> None:
    practice = (await post_practice(client, member)).json()
    pid = practice["id"]
    assert (await patch_practice(client, member, pid, {"titre": "Nouveau titre"}, None)).status_code == 428
    edited = await patch_practice(client, member, pid, {"contenu": "# Titre\n\n<script>x</script>",
                                                       "liens": ["https://exemple.fr"]}, 1)
    assert edited.status_code == 200, edited.text
    body = edited.json()
    assert body["version"] == 2 and edited.headers["etag"] == tag(pid, 2)
    assert body["contenu_html"] == "<h1>Titre</h1>\n<p>&lt;script&gt;x&lt;/script&gt;</p>\n"
    assert body["titre"] == practice["titre"] and body["liens"] == ["https://exemple.fr"]
    stale = await patch_practice(client, member, pid, {"titre": "Perdu"}, 1)
    assert stale.status_code == 412 and stale.json()["version_actuelle"] == 2
    bad = await patch_practice(client, member, pid, {"titre": None}, 2)
    assert bad.status_code == 422 and bad.json()["errors"][0]["pointer"] == "/titre"
    server_field = await patch_practice(client, member, pid, {"statut": "publiee"}, 2)
    assert server_field.status_code == 422 and server_field.json()["errors"][0]["pointer"] == "/statut"
    nothing = await patch_practice(client, member, pid, {"titre": practice["titre"]}, 2)
    assert nothing.status_code == 200 and nothing.json()["version"] == 2  # a no-op stores nothing


async def test_ownership(client: httpx.AsyncClient, session: AsyncSession, member: str) -> None:
    other_org = await make_organisation(session)
    published = await make_practice(session, organisation_id=other_org.id)
    draft = await make_practice(session, organisation_id=other_org.id, publish=False, titre="Brouillon d'autrui")
    assert (await patch_practice(client, member, str(published.id), {"titre": "Pris"}, 1)).status_code == 403
    assert (await patch_practice(client, member, str(draft.id), {"titre": "Pris"}, 1)).status_code == 404
    delete = await client.delete(f"{URL}/{published.id}", headers=auth(member, **{"If-Match": tag(published.id, 1)}))
    assert delete.status_code == 403
    assert (await client.get(f"{URL}/{published.id}/historique", headers=auth(member))).status_code == 403


async def test_moderation_publish_reject_and_history(
    client: httpx.AsyncClient, member: str, admin: str,
) -> None:
    pid = (await post_practice(client, member)).json()["id"]
    decision = {"decision": "publier"}
    by_member = await client.post(f"{URL}/{pid}/moderation", json=decision,
                                  headers=auth(member, **{"If-Match": tag(pid, 1)}))
    assert by_member.status_code == 403
    rejected = await client.post(f"{URL}/{pid}/moderation", json={"decision": "rejeter", "motif": "Trop court"},
                                 headers=auth(admin, **{"If-Match": tag(pid, 1)}))
    assert rejected.status_code == 200
    assert rejected.json()["statut"] == "brouillon" and rejected.json()["motif_moderation"] == "Trop court"
    fixed = await patch_practice(client, member, pid, {"contenu": "Un contenu plus complet."}, 2)
    assert fixed.json()["version"] == 3
    published = await client.post(f"{URL}/{pid}/moderation", json=decision,
                                  headers=auth(admin, **{"If-Match": tag(pid, 3)}))
    body = published.json()
    assert body["statut"] == "publiee" and body["publiee_le"] and body["motif_moderation"] is None
    again = await client.post(f"{URL}/{pid}/moderation", json=decision,
                              headers=auth(admin, **{"If-Match": tag(pid, 4)}))
    assert again.status_code == 409
    assert [i["id"] for i in (await client.get(URL)).json()["items"]] == [pid]
    # A member's edit of a published practice stays published, and is recorded.
    edited = await patch_practice(client, member, pid, {"titre": "Titre revu"}, 4)
    assert edited.json()["statut"] == "publiee" and (await client.get(f"{URL}/{pid}")).json()["titre"] == "Titre revu"
    history = (await client.get(f"{URL}/{pid}/historique", headers=auth(member))).json()["items"]
    assert [(h["version"], h["action"], h["statut"]) for h in history] == [
        (5, "modification", "publiee"), (4, "moderation", "publiee"), (3, "modification", "brouillon"),
        (2, "moderation", "brouillon"), (1, "creation", "brouillon")]
    assert history[0]["changements"] == [
        {"champ": "titre", "avant": "Animer une communauté de coworkers", "apres": "Titre revu"}]
    assert history[3]["motif"] == "Trop court" and history[0]["auteur"]["role"] == "membre"
    # Admins restore an earlier version's content, as a new version.
    restored = await client.post(f"{URL}/{pid}/historique/1/restauration",
                                 headers=auth(admin, **{"If-Match": tag(pid, 5)}))
    assert restored.status_code == 200
    assert restored.json()["titre"] == "Animer une communauté de coworkers" and restored.json()["version"] == 6
    assert restored.json()["contenu"] == practice_payload()["contenu"] and restored.json()["statut"] == "publiee"
    by_member = await client.post(f"{URL}/{pid}/historique/1/restauration",
                                  headers=auth(member, **{"If-Match": tag(pid, 6)}))
    assert by_member.status_code == 403
    missing = await client.post(f"{URL}/{pid}/historique/99/restauration",
                                headers=auth(admin, **{"If-Match": tag(pid, 6)}))
    assert missing.status_code == 404


async def test_archive_hides_and_freezes(client: httpx.AsyncClient, member: str, admin: str) -> None:
    pid = (await post_practice(client, admin, "?publier=true")).json()["id"]
    assert (await client.delete(f"{URL}/{pid}", headers=auth(admin))).status_code == 428
    archived = await client.delete(f"{URL}/{pid}", headers=auth(admin, **{"If-Match": tag(pid, 1)}))
    assert archived.status_code == 200 and archived.json()["statut"] == "archivee"
    assert (await client.get(f"{URL}/{pid}")).status_code == 404
    assert (await client.get(URL)).json()["total"] == 0
    assert (await patch_practice(client, admin, pid, {"titre": "Non"}, 2)).status_code == 409
    back = await client.post(f"{URL}/{pid}/moderation", json={"decision": "publier"},
                             headers=auth(admin, **{"If-Match": tag(pid, 2)}))
    assert back.json()["statut"] == "publiee" and (await client.get(f"{URL}/{pid}")).status_code == 200


async def test_a_member_links_practices_only_to_its_organisations_places(
    client: httpx.AsyncClient, session: AsyncSession, member: str, admin: str, org: Organisation,
) -> None:
    """Issue #14 item 17: a practice shows on every place it names, so a member may only name its own."""
    own = await make_place(session, organisation_id=org.id, nom="Chez nous")
    foreign = await make_place(session, organisation_id=(await make_organisation(session)).id, nom="Chez eux")
    unowned = await make_place(session, nom="Recensé")
    for place in (foreign, unowned):
        refused = await client.post(URL, json=practice_payload(lieux=[str(own.id), str(place.id)]),
                                    headers=auth(member))
        assert refused.status_code == 422
        assert refused.json()["errors"] == [{"in": "body", "pointer": "/lieux/1", "detail":
                                             "a member links good practices to its own organisation's places only"}]
    created = (await post_practice(client, member, lieux=[str(own.id)])).json()
    patched = await patch_practice(client, member, created["id"], {"lieux": [str(own.id), str(foreign.id)]}, 1)
    assert (patched.status_code, patched.json()["errors"][0]["pointer"]) == (422, "/lieux/1")
    # Admins link any published place; a member's later edit keeps links it did not add.
    by_admin = await patch_practice(client, admin, created["id"], {"lieux": [str(own.id), str(foreign.id)]}, 1)
    assert by_admin.status_code == 200
    kept = await patch_practice(client, member, created["id"], {"titre": "Un titre retouché"}, 2)
    assert (kept.status_code, sorted(p["id"] for p in kept.json()["lieux"])) == (
        200, sorted([str(own.id), str(foreign.id)]))
