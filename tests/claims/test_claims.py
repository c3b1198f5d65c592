"""Claims: a member organisation asks for a place no organisation owns; admins accept or refuse it."""

import uuid
from typing import Any

import httpx
import pytest
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.members.models import Organisation
from reseau_api.places.models import Place
from tests.members.factories import auth, make_key, make_organisation, post_place, tag

PROBLEM = "application/problem+json"
MESSAGE = "Nous animons ce lieu depuis 2021, contact@fabrique.example."


@pytest.fixture
async def org(session: AsyncSession) -> Organisation:
    return await make_organisation(session, nom="La Fabrique du Lauragais")


@pytest.fixture
async def member(session: AsyncSession, org: Organisation) -> str:
    return await make_key(session, org)


@pytest.fixture
async def admin(session: AsyncSession) -> str:
    return await make_key(session, admin=True)


@pytest.fixture
async def census(client: httpx.AsyncClient, admin: str) -> dict[str, Any]:
    """A published place without an organisation, like the 165 census places."""
    return (await post_place(client, admin, "?publier=true", nom="Tiers-lieu du recensement")).json()


def problem(status: int, slug: str, title: str, detail: str) -> dict[str, Any]:
    return {"type": f"/problemes/{slug}", "title": title, "status": status, "detail": detail}


async def claim(client: httpx.AsyncClient, key: str, place_id: str, message: str = MESSAGE) -> httpx.Response:
    return await client.post(f"/v1/lieux/{place_id}/revendication", json={"message": message}, headers=auth(key))


async def decide(client: httpx.AsyncClient, key: str, claim_id: str, **body: Any) -> httpx.Response:
    return await client.post(f"/v1/revendications/{claim_id}/decision", json=body, headers=auth(key))


def without_instance(body: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in body.items() if k != "instance"}


async def test_a_member_claims_a_census_place_and_an_admin_accepts(
    client: httpx.AsyncClient, session: AsyncSession, org: Organisation, member: str, admin: str,
    census: dict[str, Any],
) -> None:
    created = await claim(client, member, census["slug"])
    assert created.status_code == 201, created.text
    body = created.json()
    assert created.headers["location"] == f"/v1/revendications/{body['id']}"
    assert {k: v for k, v in body.items() if k not in ("id", "cree_le")} == {
        "lieu": {"id": census["id"], "slug": census["slug"], "nom": "Tiers-lieu du recensement",
                 "commune": "Toulouse", "departement": "31"},
        "organisation": {"id": str(org.id), "nom": "La Fabrique du Lauragais"},
        "message": MESSAGE, "etat": "en_attente", "motif": None, "decidee_le": None,
    }
    queue = (await client.get("/v1/revendications?etat=en_attente", headers=auth(admin))).json()
    assert [c["id"] for c in queue["items"]] == [body["id"]] and queue["total"] == 1 and queue["next"] is None

    accepted = await decide(client, admin, body["id"], decision="accepter", motif="Vérifié par téléphone")
    assert accepted.status_code == 200, accepted.text
    assert (accepted.json()["etat"], accepted.json()["motif"]) == ("acceptee", "Vérifié par téléphone")
    assert accepted.json()["decidee_le"] is not None

    place = (await client.get(f"/v1/lieux/{census['id']}")).json()
    assert (place["organisation"], place["version"]) == (str(org.id), 2)
    history = (await client.get(f"/v1/lieux/{census['id']}/historique", headers=auth(member))).json()["items"]
    assert [(h["version"], h["action"]) for h in history] == [(2, "revendication"), (1, "creation")]
    assert history[0]["motif"] == "Vérifié par téléphone"
    assert history[0]["changements"] == [{"champ": "organisation", "avant": None, "apres": str(org.id)}]
    assert history[0]["auteur"]["role"] == "admin"
    # The member now edits its place with the new ETag.
    edited = await client.patch(
        f"/v1/lieux/{census['id']}", json={"teletravail": {"prix_journee": 12}},
        headers=auth(member, **{"If-Match": tag(census["id"], 2)}))
    assert edited.status_code == 200, edited.text
    assert (edited.json()["version"], edited.json()["teletravail"]["prix_journee"]) == (3, "12.00")


async def test_accepting_refuses_the_other_pending_claims_on_the_place(
    client: httpx.AsyncClient, session: AsyncSession, member: str, admin: str, census: dict[str, Any],
) -> None:
    rival = await make_key(session, await make_organisation(session, nom="Les Voisins"))
    first = (await claim(client, member, census["id"])).json()
    second = (await claim(client, rival, census["id"])).json()
    assert (await decide(client, admin, first["id"], decision="accepter")).json()["motif"] == \
        "revendication acceptée"
    other = (await client.get(f"/v1/revendications/{second['id']}", headers=auth(rival))).json()
    assert (other["etat"], other["motif"]) == ("refusee", "lieu attribué à une autre organisation")
    again = await decide(client, admin, second["id"], decision="accepter")
    assert (again.status_code, without_instance(again.json())) == (409, problem(
        409, "conflit", "Conflict", "This claim is already decided (refusee)."))
    # The place is owned now: a new claim is refused for the loser and for the winner alike.
    for key, detail in ((rival, "This place already belongs to an organisation; only places without one can "
                                "be claimed."),
                        (member, "This place already belongs to your organisation.")):
        response = await claim(client, key, census["id"])
        assert (response.status_code, response.headers["content-type"]) == (409, PROBLEM)
        assert without_instance(response.json()) == problem(409, "conflit", "Conflict", detail)


async def test_refusal_needs_a_reason_and_leaves_the_place_alone(
    client: httpx.AsyncClient, member: str, admin: str, census: dict[str, Any],
) -> None:
    created = (await claim(client, member, census["id"])).json()
    no_reason = await decide(client, admin, created["id"], decision="refuser")
    assert no_reason.status_code == 422
    assert no_reason.json()["errors"] == [
        {"in": "body", "pointer": "/", "detail": "Value error, a refusal needs a `motif`"}]
    refused = await decide(client, admin, created["id"], decision="refuser", motif="Aucun lien avec le lieu")
    assert (refused.status_code, refused.json()["etat"], refused.json()["motif"]) == \
        (200, "refusee", "Aucun lien avec le lieu")
    place = (await client.get(f"/v1/lieux/{census['id']}")).json()
    assert (place["organisation"], place["version"]) == (None, 1)
    # Refused: the organisation may ask again (a new pending claim).
    assert (await claim(client, member, census["id"])).status_code == 201


async def test_claim_problems(
    client: httpx.AsyncClient, session: AsyncSession, member: str, admin: str, census: dict[str, Any],
) -> None:
    assert (await claim(client, member, census["id"])).status_code == 201
    duplicate = await claim(client, member, census["id"])
    assert (duplicate.status_code, without_instance(duplicate.json())) == (409, problem(
        409, "conflit", "Conflict",
        "Your organisation already has a pending claim on this place; wait for the decision."))

    by_admin = await claim(client, admin, census["id"])
    assert (by_admin.status_code, without_instance(by_admin.json())) == (403, problem(
        403, "interdit", "Forbidden",
        "Only a member organisation's key may claim a place: an admin key belongs to no organisation "
        "(admins assign a place with `POST /v1/lieux?organisation=`)."))

    anonymous = await client.post(f"/v1/lieux/{census['id']}/revendication", json={"message": MESSAGE})
    assert anonymous.status_code == 401
    assert anonymous.headers["www-authenticate"] == 'Bearer realm="reseau-api"'

    short = await claim(client, member, census["id"], message="svp")
    assert short.status_code == 422
    assert [e["pointer"] for e in short.json()["errors"]] == ["/message"]
    extra = await client.post(f"/v1/lieux/{census['id']}/revendication", headers=auth(member),
                              json={"message": MESSAGE, "etat": "acceptee"})
    assert (extra.status_code, [e["pointer"] for e in extra.json()["errors"]]) == (422, ["/etat"])

    missing = await claim(client, member, "lieu-inexistant")
    assert (missing.status_code, missing.json()["detail"]) == \
        (404, "No published place with id or slug 'lieu-inexistant'.")

    # Another organisation's draft is invisible (404), not claimable.
    other = await make_key(session, await make_organisation(session))
    draft = (await post_place(client, other, nom="Brouillon d'un autre")).json()
    hidden = await claim(client, member, draft["id"])
    assert (hidden.status_code, hidden.json()["detail"]) == \
        (404, f"No published place with id or slug '{draft['id']}'.")


async def test_who_sees_and_decides_claims(
    client: httpx.AsyncClient, session: AsyncSession, member: str, admin: str, census: dict[str, Any],
) -> None:
    created = (await claim(client, member, census["id"])).json()
    stranger = await make_key(session, await make_organisation(session))
    assert (await client.get(f"/v1/revendications/{created['id']}", headers=auth(stranger))).status_code == 404
    assert (await client.get("/v1/revendications", headers=auth(stranger))).json() == \
        {"items": [], "total": 0, "next": None}
    mine = (await client.get("/v1/revendications", headers=auth(member))).json()
    assert [c["id"] for c in mine["items"]] == [created["id"]]
    by_member = await decide(client, member, created["id"], decision="accepter")
    assert (by_member.status_code, by_member.json()["detail"]) == \
        (403, "Only the network's animators (admin keys) may do this.")
    unknown = await decide(client, admin, str(uuid.uuid4()), decision="accepter")
    assert unknown.status_code == 404
    bad_state = await client.get("/v1/revendications?etat=ouverte", headers=auth(admin))
    assert (bad_state.status_code, bad_state.json()["errors"][0]["name"]) == (400, "etat")
    assert (await client.get("/v1/revendications")).status_code == 401


async def test_pages_of_claims_follow_next(
    client: httpx.AsyncClient, session: AsyncSession, admin: str,
) -> None:
    ids = []
    for n in range(3):
        key = await make_key(session, await make_organisation(session))
        place = (await post_place(client, admin, "?publier=true", nom=f"Lieu {n}",
                                  position={"lon": 1.40 + n / 100, "lat": 43.6})).json()  # not duplicates
        ids.append((await claim(client, key, place["id"])).json()["id"])
        # One test transaction: now() does not move, so date the claims a minute apart.
        await session.execute(text("UPDATE place_claim SET created_at = now() - make_interval(mins => :n) "
                                   "WHERE id = :id"), {"n": 10 - n, "id": ids[-1]})
    first = (await client.get("/v1/revendications?etat=en_attente&limit=2", headers=auth(admin))).json()
    assert first["total"] == 3 and len(first["items"]) == 2
    second = (await client.get(first["next"].removeprefix("http://test"), headers=auth(admin))).json()
    assert [c["id"] for c in first["items"] + second["items"]] == ids
    assert second["next"] is None
    mixed = await client.get(first["next"].replace("etat=en_attente", "etat=refusee").removeprefix("http://test"),
                             headers=auth(admin))
    assert mixed.status_code == 400


async def test_the_owner_is_stored(
    client: httpx.AsyncClient, session: AsyncSession, org: Organisation, member: str, admin: str,
    census: dict[str, Any],
) -> None:
    created = (await claim(client, member, census["id"])).json()
    await decide(client, admin, created["id"], decision="accepter")
    owner = (await session.execute(select(Place.organisation_id).where(Place.id == uuid.UUID(census["id"])))
             ).scalar_one()
    assert owner == org.id
