"""Two edits of the same version never both win: real concurrent transactions on separate connections.

These tests cannot run in the rolled-back `session` (one connection, one transaction): they commit
through their own engine and delete what they wrote.
"""

import asyncio
import itertools
import time
import uuid

import pytest
from sqlalchemy import select, text

from reseau_api.core.auth import Member
from reseau_api.core.keys import ApiKey
from reseau_api.editorial import kernel
from reseau_api.editorial.preconditions import IfMatch
from tests.editorial.conftest import RESOURCES, Api, Kind, tag
from tests.members.factories import committed_client, make_key, make_organisation, purge

ROUNDS = 5


async def test_two_concurrent_patches_with_the_same_etag_give_one_200_and_one_412(
    test_database: str, kind: Kind,
) -> None:
    async with committed_client(test_database) as (client, sessions):
        async with sessions() as s:
            org = await make_organisation(s)
            key_1, key_2 = await make_key(s, org), await make_key(s, org)
            await s.commit()
        api = Api(client, kind)
        try:
            record = (await api.create(key_1))["id"]
            for round_ in range(ROUNDS):
                first, second = await asyncio.gather(
                    api.patch(key_1, record, {kind.title_field: f"Tour {round_} par un"}, round_ + 1),
                    api.patch(key_2, record, {kind.title_field: f"Tour {round_} par deux"}, round_ + 1),
                )
                assert sorted([first.status_code, second.status_code]) == [200, 412], (first.text, second.text)
                winner, loser = (first, second) if first.status_code == 200 else (second, first)
                assert winner.headers["etag"] == loser.headers["etag"] == tag(record, round_ + 2)
                assert loser.json()["version_actuelle"] == round_ + 2
            res = RESOURCES[kind.objet]
            async with sessions() as s:
                rev = res.revision
                revisions = (await s.execute(
                    select(rev.version, rev.changes).where(rev.subject_id == uuid.UUID(record)).order_by(rev.version)
                )).all()
            assert [r.version for r in revisions] == list(range(1, ROUNDS + 2))
            # Each stored change is a winner's, recorded against the value it really replaced.
            for previous, current in itertools.pairwise(revisions[1:]):
                assert current.changes[kind.title_field][0] == previous.changes[kind.title_field][1]
        finally:
            await purge(sessions, [org.id])


async def _wait_for_lock_wait(sessions, application_pid: int, deadline_s: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Until the backend `application_pid` waits on a lock (pg_stat_activity), or fail."""
    started = time.monotonic()
    async with sessions() as watcher:
        while time.monotonic() - started < deadline_s:
            waiting = (await watcher.execute(text(
                "SELECT wait_event_type FROM pg_stat_activity WHERE pid = :pid"), {"pid": application_pid},
            )).scalar_one_or_none()
            if waiting == "Lock":
                return
            await watcher.rollback()  # a fresh snapshot of pg_stat_activity on the next read
            await asyncio.sleep(0.01)
    pytest.fail("the second writer never waited on the row lock")


async def test_a_writer_waits_for_the_lock_then_sees_the_new_version(test_database: str, kind: Kind) -> None:
    """The version check happens under the row lock: a second writer blocks (seen in pg_stat_activity as a
    lock wait), then gets 412 once the first commits."""
    res = RESOURCES[kind.objet]
    async with committed_client(test_database) as (client, sessions):
        async with sessions() as s:
            org = await make_organisation(s)
            key = await make_key(s, org)
            await s.commit()
        try:
            record = uuid.UUID((await Api(client, kind).create(key))["id"])
            prefix = key.split("_")[1]
            async with sessions() as s:
                key_id = (await s.execute(select(ApiKey.id).where(ApiKey.prefix == prefix))).scalar_one()
            member = Member(key_id=key_id, prefix=prefix, role="membre", organisation_id=org.id)
            async with sessions() as holder, sessions() as writer:
                await holder.execute(text(f"SELECT 1 FROM {res.table} WHERE id = :id FOR UPDATE"), {"id": record})
                await holder.execute(text(f"UPDATE {res.table} SET version = version + 1 WHERE id = :id"),
                                     {"id": record})
                obj = await res.get(writer, str(record))
                assert obj is not None and obj.version == 1  # read before the other change committed
                writer_pid = (await writer.execute(text("SELECT pg_backend_pid()"))).scalar_one()
                attempt = asyncio.create_task(kernel.update(
                    writer, res, obj, {kind.title_field: "Trop tard"}, actor=member,
                    if_match=IfMatch.parse(tag(record, 1)),
                ))
                await _wait_for_lock_wait(sessions, writer_pid)
                assert not attempt.done()
                await holder.commit()
                with pytest.raises(kernel.Stale):
                    await attempt
                await writer.rollback()
            async with sessions() as s:
                version = (await s.execute(text(f"SELECT version FROM {res.table} WHERE id = :id"),
                                           {"id": record})).scalar_one()
                count = (await s.execute(text(f"SELECT count(*) FROM {res.revision_table} "
                                              f"WHERE {res.revision_fk} = :id"), {"id": record})).scalar_one()
            assert (version, count) == (2, 1)
        finally:
            await purge(sessions, [org.id])
