"""Export + feed give an exact copy, whatever order concurrent writers commit in (committed data, a
real server, several writer connections)."""

import asyncio
import json
import random
from collections.abc import Iterator

import asyncpg
import httpx
import pytest

from tests.conftest import worker_db
from tests.feed import committed
from tests.servers import running_server

DB = worker_db("reseau_test_feed_sync")


@pytest.fixture(scope="module")
def database() -> tuple[str, str]:
    return committed.create(DB)


@pytest.fixture(scope="module")
def server(database: tuple[str, str]) -> Iterator[str]:
    with running_server({"DATABASE_URL": database[1]}) as base:
        yield base


async def test_interleaved_commits_lose_nothing(database: tuple[str, str], server: str) -> None:
    """A takes its change id first but commits after B: a reader of `id > last seen` would skip A."""
    dsn = database[1]
    setup, a, b = [await asyncpg.connect(dsn) for _ in range(3)]
    try:
        first = await committed.insert_place(setup, "Premier")
        second = await committed.insert_place(setup, "Second")
        async with httpx.AsyncClient(base_url=server) as client:
            start = (await client.get("/v1/changements")).json()
            while not start["a_jour"]:
                start = (await client.get(start["next"])).json()
            cursor = start["curseur"]

            tx_a = a.transaction()
            await tx_a.start()
            await a.execute("UPDATE place SET name = 'Premier (A)' WHERE id = $1", first)
            await a.execute("SET CONSTRAINTS feed_capture IMMEDIATE")  # A's capture runs now: it takes the smaller id
            async with b.transaction():
                await b.execute("UPDATE place SET name = 'Second (B)' WHERE id = $1", second)
            seen_b = (await client.get("/v1/changements", params={"depuis": cursor})).json()
            assert [(i["id"], i["donnees"]["nom"]) for i in seen_b["items"]] == [(str(second), "Second (B)")]
            await tx_a.commit()
            seen_a = (await client.get("/v1/changements", params={"depuis": seen_b["curseur"]})).json()
            assert [(i["id"], i["donnees"]["nom"]) for i in seen_a["items"]] == [(str(first), "Premier (A)")]
            assert seen_a["items"][0]["curseur"] == seen_b["items"][0]["curseur"] + 1

        ids = await setup.fetch("SELECT resource_id, id FROM feed_change WHERE resource_id = ANY($1) "
                                "AND action = 'modification'", [first, second])
        by_place = {r["resource_id"]: r["id"] for r in ids}
        assert by_place[first] < by_place[second]  # the hazard was real: insertion order != commit order
    finally:
        for conn in (setup, a, b):
            await conn.close()


async def _writer(dsn: str, seed: int, places: list, rounds: int, counts: dict[str, int]) -> None:
    rng = random.Random(seed)
    conn = await asyncpg.connect(dsn)
    try:
        for n in range(rounds):
            while True:  # two writers that lock the same places in opposite orders deadlock: retry, as a client would
                created: list = []
                try:
                    async with conn.transaction():
                        await _round(conn, rng, seed, n, places, created, counts)
                    break
                except asyncpg.exceptions.DeadlockDetectedError:
                    for pid in created:
                        places.remove(pid)
            await asyncio.sleep(0)  # let the others interleave
    finally:
        await conn.close()


async def _round(conn: asyncpg.Connection, rng: random.Random, seed: int, n: int, places: list, created: list,
                 counts: dict[str, int]) -> None:
    for _ in range(rng.randint(1, 3)):  # a transaction may touch several places
        action = rng.choice(["create", "draft", "edit", "edit", "archive", "restore"])
        counts[action] += 1
        if action in ("create", "draft") or not places:
            pid = await committed.insert_place(
                conn, f"Lieu {seed}-{n}", moderation="a_valider" if action == "draft" else "publie")
            places.append(pid)
            created.append(pid)
            continue
        pid = rng.choice(places)
        if action == "edit":
            await conn.execute("UPDATE place SET name = $2, desks = $3, version = version + 1, "
                               "updated_at = clock_timestamp() WHERE id = $1",
                               pid, f"Lieu {seed}-{n} modifié", rng.randint(0, 50))
        else:
            await conn.execute("UPDATE place SET moderation = $2, version = version + 1 WHERE id = $1",
                               pid, "archive" if action == "archive" else "publie")


async def _follow(client: httpx.AsyncClient, copy: dict[str, dict], cursor: int) -> tuple[int, int]:
    """Apply every change after `cursor` to `copy`; the new cursor and the number applied."""
    applied = 0
    url: str | None = f"/v1/changements?depuis={cursor}&limit=50"
    while url:
        page = await client.get(url)
        assert page.status_code == 200, page.text
        body = page.json()
        for item in body["items"]:
            assert item["curseur"] == cursor + 1  # never a gap, never a repeat
            cursor = item["curseur"]
            if item["ressource"] != "lieu":
                continue
            if item["action"] == "retrait":
                copy.pop(item["id"])
            else:
                copy[item["id"]] = item["donnees"]
            applied += 1
        url = body["next"]
    return cursor, applied


async def test_export_then_feed_ends_with_exactly_the_published_set(database: tuple[str, str], server: str) -> None:
    dsn = database[1]
    setup = await asyncpg.connect(dsn)
    places = [await committed.insert_place(setup, f"Initial {n}") for n in range(10)]
    counts = {k: 0 for k in ("create", "draft", "edit", "archive", "restore")}
    writers = [asyncio.create_task(_writer(dsn, seed, places, 25, counts)) for seed in range(4)]
    async with httpx.AsyncClient(base_url=server, timeout=30) as client:
        await asyncio.sleep(0)
        export = await client.get("/v1/export/annuaire.json")  # taken while the writers write
        assert export.status_code == 200
        snapshot = export.json()
        assert export.headers["changements-curseur"] == str(snapshot["curseur"])
        copy = {p["id"]: p for p in snapshot["lieux"]}
        cursor, applied = snapshot["curseur"], 0
        while not all(w.done() for w in writers):
            cursor, n = await _follow(client, copy, cursor)
            applied += n
        await asyncio.gather(*writers)
        cursor, n = await _follow(client, copy, cursor)
        applied += n
    truth = await committed.public_truth(setup)
    await setup.close()
    assert applied > 0 and all(counts.values()), counts
    assert copy.keys() == truth.keys()
    for pid, record in truth.items():
        assert copy[pid] == record, pid  # field by field
    assert json.dumps(copy, sort_keys=True) == json.dumps(truth, sort_keys=True)
