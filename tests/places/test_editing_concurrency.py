"""Two edits of the same version never both win: real concurrent transactions on separate connections.

These tests cannot run in the rolled-back `session` (one connection, one transaction): they commit
through their own engine and delete what they wrote.
"""

import asyncio
import itertools
import uuid

import pytest
from sqlalchemy import func, select, text

from reseau_api.core.auth import Member
from reseau_api.members.models import ApiKey, Organisation
from reseau_api.places import editing
from reseau_api.places.models import Place, PlaceRevision
from tests.members.factories import committed_client, make_key, make_organisation, patch_place, post_place, purge, tag

ROUNDS = 5


async def test_two_concurrent_patches_with_the_same_etag_give_one_200_and_one_412(test_database: str) -> None:
    async with committed_client(test_database) as (client, sessions):
        async with sessions() as s:
            org = await make_organisation(s)
            key_1, key_2 = await make_key(s, org), await make_key(s, org)
        try:
            place = (await post_place(client, key_1)).json()["id"]
            for round_ in range(ROUNDS):
                etag = round_ + 1
                first, second = await asyncio.gather(
                    patch_place(client, key_1, place, {"description": f"round {round_} by 1"}, etag),
                    patch_place(client, key_2, place, {"description": f"round {round_} by 2"}, etag),
                )
                assert sorted([first.status_code, second.status_code]) == [200, 412], (first.text, second.text)
                winner, loser = (first, second) if first.status_code == 200 else (second, first)
                assert winner.headers["etag"] == tag(place, round_ + 2)
                assert loser.headers["etag"] == tag(place, round_ + 2)  # the loser learns the current version
                assert loser.json()["version_actuelle"] == round_ + 2
            async with sessions() as s:
                stored = (await s.execute(select(Place).where(Place.id == uuid.UUID(place)))).scalar_one()
                revisions = (await s.execute(
                    select(PlaceRevision.version, PlaceRevision.changes).where(PlaceRevision.place_id == stored.id)
                    .order_by(PlaceRevision.version)
                )).all()
            assert stored.version == ROUNDS + 1
            assert [r.version for r in revisions] == list(range(1, ROUNDS + 2))
            # Each stored change is a winner's, recorded against the value it really replaced.
            for previous, current in itertools.pairwise(revisions[1:]):
                assert current.changes["description"][0] == previous.changes["description"][1]
            assert stored.description == revisions[-1].changes["description"][1]
        finally:
            await purge(sessions, [org.id])


async def test_a_writer_waits_for_the_lock_then_sees_the_new_version(test_database: str) -> None:
    """The version check happens under the row lock: a second writer blocks, then gets 412."""
    async with committed_client(test_database) as (client, sessions):
        async with sessions() as s:
            org = await make_organisation(s)
            key = await make_key(s, org)
            org_id = org.id
        try:
            place_id = uuid.UUID((await post_place(client, key)).json()["id"])
            prefix = key.split("_")[1]
            async with sessions() as s:
                key_id = (await s.execute(select(ApiKey.id).where(ApiKey.prefix == prefix))).scalar_one()
            member = Member(key_id=key_id, prefix=prefix, role="membre", organisation_id=org_id)
            async with sessions() as holder, sessions() as writer:
                # Transaction 1 locks the row and bumps the version, without committing yet.
                await holder.execute(text("SELECT 1 FROM place WHERE id = :id FOR UPDATE"), {"id": place_id})
                await holder.execute(text("UPDATE place SET version = version + 1 WHERE id = :id"), {"id": place_id})
                place = (await writer.execute(select(Place).where(Place.id == place_id))).scalar_one()
                assert place.version == 1  # the writer read version 1 before the other change committed
                attempt = asyncio.create_task(editing.update(
                    writer, place, {"description": "too late"}, actor=member,
                    if_match=editing.IfMatch.parse(tag(place_id, 1)),
                ))
                await asyncio.sleep(0.3)
                assert not attempt.done(), "the second writer must wait for the row lock"
                await holder.commit()
                with pytest.raises(editing.StalePlace):
                    await attempt
                await writer.rollback()
            async with sessions() as s:
                stored = (await s.execute(select(Place.version, Place.description)
                                          .where(Place.id == place_id))).one()
                count = (await s.execute(select(func.count()).select_from(PlaceRevision)
                                         .where(PlaceRevision.place_id == place_id))).scalar_one()
            assert (stored.version, stored.description, count) == (2, None, 1)
        finally:
            await purge(sessions, [org_id])
            async with sessions() as s:
                assert (await s.execute(select(func.count()).select_from(Organisation)
                                        .where(Organisation.id == org_id))).scalar_one() == 0

