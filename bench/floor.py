"""The floor: the SQL the API issues for a list of `/v1/lieux` requests, sent directly with asyncpg.

No HTTP, no FastAPI, no SQLAlchemy pool or session: the request's query string is parsed into the
API's own `PlaceFilters` and handed to the API's own `queries.page`, whose hot path runs on the raw
asyncpg connection (`core.db.raw_connection`); here that connection is a plain asyncpg one, with the
API's session settings. So the statements (and the follow-up estimated count, when there is one) are
exactly the API's. N tasks, each with its own connection, loop over the list for the given time;
prints one JSON line with requests/s and latencies.

    python -m bench.floor --dsn postgresql://... --paths paths.txt --duration 20 --warmup 5
"""

import argparse
import asyncio
import json
import sys
import time
from urllib.parse import parse_qs, urlsplit

import asyncpg

from reseau_api.core.config import get_settings
from reseau_api.core.db import server_settings
from reseau_api.places import queries
from reseau_api.places.filters import DEFAULT_RADIUS_M, PlaceFilters, parse_bbox, parse_near


def parse(path: str) -> dict:
    """The arguments of `queries.page` for a `/v1/lieux?...` path (the parameters the bench uses)."""
    query = {k: v[-1] for k, v in parse_qs(urlsplit(path).query).items()}
    filters = PlaceFilters(
        q=query.get("q"), bbox=parse_bbox(query.get("bbox")),
        near=parse_near(query.get("pres_de"), int(query.get("rayon", DEFAULT_RADIUS_M))),
    )
    return {"filters": filters, "sort": queries.default_sort(filters), "limit": int(query.get("limit", 20)),
            "cursor": None, "geojson": query.get("f") == "geojson"}


class DirectSession:
    """Just enough of an AsyncSession for `core.db.raw_connection`: it yields our asyncpg connection."""

    def __init__(self, conn: asyncpg.Connection) -> None:
        self.driver_connection = conn

    async def connection(self) -> "DirectSession":
        return self

    async def get_raw_connection(self) -> "DirectSession":
        return self


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    return sorted_values[min(len(sorted_values) - 1, int(q * len(sorted_values)))]


async def run(dsn: str, requests: list[dict], duration: float, warmup: float, concurrency: int) -> dict:
    settings = server_settings(get_settings().db_statement_timeout_ms, "bench-floor")
    conns = [await asyncpg.connect(dsn, server_settings=settings) for _ in range(concurrency)]
    latencies: list[float] = []
    errors = 0
    measuring = False

    async def worker(n: int, conn: asyncpg.Connection, until: float) -> None:
        nonlocal errors
        session = DirectSession(conn)
        i = n * (len(requests) // concurrency)
        while time.perf_counter() < until:
            args = requests[i % len(requests)]
            i += 1
            started = time.perf_counter()
            try:
                await queries.page(session, **args)  # type: ignore[arg-type]
            except Exception:  # counted, like an HTTP error
                errors += 1
                continue
            if measuring:
                latencies.append(time.perf_counter() - started)

    try:
        if warmup > 0:
            until = time.perf_counter() + warmup
            await asyncio.gather(*(worker(n, c, until) for n, c in enumerate(conns)))
        measuring, errors = True, 0
        started = time.perf_counter()
        until = started + duration
        await asyncio.gather(*(worker(n, c, until) for n, c in enumerate(conns)))
        elapsed = time.perf_counter() - started
    finally:
        for conn in conns:
            await conn.close()
    latencies.sort()
    return {
        "requests": len(latencies), "errors": errors, "duration_s": round(elapsed, 3),
        "rps": round(len(latencies) / elapsed, 1),
        "p50_ms": round(percentile(latencies, 0.50) * 1000, 2),
        "p99_ms": round(percentile(latencies, 0.99) * 1000, 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--dsn", required=True)
    parser.add_argument("--paths", required=True, help="file with one /v1/lieux?... path per line")
    parser.add_argument("--duration", type=float, default=20)
    parser.add_argument("--warmup", type=float, default=5)
    parser.add_argument("--concurrency", type=int, default=16)
    args = parser.parse_args()
    with open(args.paths, encoding="utf-8") as handle:
        requests = [parse(line.strip()) for line in handle if line.strip()]
    result = asyncio.run(run(args.dsn, requests, args.duration, args.warmup, args.concurrency))
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
