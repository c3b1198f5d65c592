"""Claims under real concurrency (separate connections that commit): one owner, one pending claim."""

import asyncio

from sqlalchemy import func, select

from reseau_api.places.models import Place, PlaceRevision
from tests.members.factories import auth, committed_client, make_key, make_organisation, post_place, purge

MESSAGE = "Nous animons ce lieu depuis 2021."


async def test_two_admins_accepting_two_claims_on_one_place_give_it_once(test_database: str) -> None:
    async with committed_client(test_database) as (client, sessions):
        async with sessions() as s:
            first_org, second_org = await make_organisation(s), await make_organisation(s)
            first, second = await make_key(s, first_org), await make_key(s, second_org)
            admin_1, admin_2 = await make_key(s, admin=True), await make_key(s, admin=True)
        orgs = [first_org.id, second_org.id]
        try:
            place = (await post_place(client, admin_1, "?publier=true")).json()["id"]
            # The same organisation asking twice at once: the partial unique index keeps one pending claim.
            twice = await asyncio.gather(*(
                client.post(f"/v1/lieux/{place}/revendication", json={"message": MESSAGE}, headers=auth(first))
                for _ in range(2)))
            assert sorted(r.status_code for r in twice) == [201, 409]
            claim_1 = next(r for r in twice if r.status_code == 201).json()["id"]
            claim_2 = (await client.post(f"/v1/lieux/{place}/revendication", json={"message": MESSAGE},
                                         headers=auth(second))).json()["id"]
            answers = await asyncio.gather(
                client.post(f"/v1/revendications/{claim_1}/decision", json={"decision": "accepter"},
                            headers=auth(admin_1)),
                client.post(f"/v1/revendications/{claim_2}/decision", json={"decision": "accepter"},
                            headers=auth(admin_2)),
            )
            assert sorted(a.status_code for a in answers) == [200, 409], [a.text for a in answers]
            winner = next(a for a in answers if a.status_code == 200).json()
            loser = next(a for a in answers if a.status_code == 409).json()
            assert loser["detail"] == "This claim is already decided (refusee)."
            async with sessions() as s:
                owner = (await s.execute(select(Place.organisation_id).where(Place.id == place))).scalar_one()
                claims_recorded = (await s.execute(select(func.count()).select_from(PlaceRevision).where(
                    PlaceRevision.place_id == place, PlaceRevision.action == "revendication"))).scalar_one()
            assert str(owner) == winner["organisation"]["id"]
            assert claims_recorded == 1
        finally:
            await purge(sessions, orgs, [admin_1.split("_")[1], admin_2.split("_")[1]])
