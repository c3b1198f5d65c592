"""Scripted reliability checks (see docs/reliability.md). Traffic stays on 127.0.0.1.

    .venv/bin/python scripts/reliability.py outage   # PostgreSQL killed and restarted 5 times under load
    .venv/bin/python scripts/reliability.py soak     # 60 s at 32 connections on list, GeoJSON and tiles

Each check starts its own throwaway PostgreSQL cluster and API server, so it never touches the
development database, and prints a Markdown report; the exit code says whether the targets are met.
"""

import argparse
import asyncio
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from reseau_api.core import cluster  # noqa: E402
from reseau_api.core.config import Settings  # noqa: E402


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Sample:
    at: float
    kind: str
    status: int  # 0 = transport error (dropped connection, timeout)
    latency: float
    problem: bool = False
    retry_after: bool = False
    created: str | None = None
    error: str | None = None


@dataclass
class Environment:
    settings: Settings
    base: str
    process: subprocess.Popen
    root: Path
    admin_key: str | None = None
    samples: list[Sample] = field(default_factory=list)


def start_environment() -> Environment:
    root = Path(tempfile.mkdtemp(prefix="reseau-reliability-"))
    root.chmod(0o755)  # the postgres user must reach it when run as root
    settings = Settings(pg_data_dir=root / "pg", pg_port=free_port(), db_name="reseau_reliability")
    cluster.start(settings)
    cluster.create_database(settings, settings.db_name)
    # The write limiter would turn most writes into 429s: this check is about durability, not throttling.
    env = {**os.environ, "DATABASE_URL": settings.effective_database_url, "RESEAU_LOG_LEVEL": "warning",
           "RESEAU_WRITE_RATE_PER_MINUTE": "60000", "RESEAU_WRITE_BURST": "1000"}
    cli = [sys.executable, "-m", "reseau_api.cli"]
    subprocess.run([*cli, "migrate"], env=env, check=True, capture_output=True)
    subprocess.run([*cli, "seed"], env=env, check=True, capture_output=True)
    admin_key = create_admin_key(cli, env)
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", "reseau_api.main:app", "--port", str(port), "--log-level", "warning"],
        env=env,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{base}/health/ready", timeout=1).status_code == 200:
                break
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    return Environment(settings, base, process, root, admin_key)


def create_admin_key(cli: list[str], env: dict[str, str]) -> str | None:
    """An admin key for acknowledged writes, when the members domain provides the CLI."""
    result = subprocess.run([*cli, "cles", "create", "--admin", "--libelle", "fiabilite"], env=env,
                            capture_output=True, text=True)
    if result.returncode != 0:
        return None
    return next((w for w in result.stdout.split() if w.startswith("rsx_")), None)


def stop_environment(env: Environment) -> None:
    env.process.terminate()
    env.process.wait(10)
    cluster.stop(env.settings, mode="immediate")
    shutil.rmtree(env.root, ignore_errors=True)


READS = [
    ("list", "/v1/lieux?limit=50"),
    ("geojson", "/v1/lieux?f=geojson&bbox=1.2,43.4,1.7,43.8&limit=100"),
    ("near", "/v1/lieux?pres_de=43.6045,1.4440&limit=10"),
    ("detail", "/v1/lieux/la-serre"),
]


async def reader(client: httpx.AsyncClient, env: Environment, stop: asyncio.Event, offset: int) -> None:
    i = offset
    while not stop.is_set():
        kind, path = READS[i % len(READS)]
        i += 1
        await record(client, env, kind, "GET", path)


async def writer(client: httpx.AsyncClient, env: Environment, stop: asyncio.Event, worker: int) -> None:
    n = 0
    while not stop.is_set():
        n += 1
        body = {"nom": f"Fiabilité {worker}-{n}", "statut": "en_projet", "departement": "31"}
        await record(client, env, "write", "POST", "/v1/lieux", json=body)
        await asyncio.sleep(0.05)


async def record(client: httpx.AsyncClient, env: Environment, kind: str, method: str, path: str,
                 **kwargs: object) -> None:
    started = time.monotonic()
    try:
        response = await client.request(method, path, **kwargs)
        sample = Sample(started, kind, response.status_code, time.monotonic() - started,
                        problem=response.headers.get("content-type") == "application/problem+json",
                        retry_after="retry-after" in response.headers)
        if kind == "write" and 200 <= response.status_code < 300:
            sample.created = response.json()["id"]
    except httpx.HTTPError as exc:
        sample = Sample(started, kind, 0, time.monotonic() - started, error=f"{type(exc).__name__}: {exc}")
    env.samples.append(sample)


async def outage(restarts: int, up_s: float, down_s: float) -> int:
    env = await asyncio.to_thread(start_environment)
    windows: list[tuple[float, float]] = []  # (stopped at, accepting connections again at)
    try:
        headers = {"Authorization": f"Bearer {env.admin_key}"} if env.admin_key else {}
        limits = httpx.Limits(max_connections=16)
        async with httpx.AsyncClient(base_url=env.base, timeout=5, limits=limits, headers=headers) as client:
            stop = asyncio.Event()
            tasks = [asyncio.create_task(reader(client, env, stop, i)) for i in range(6)]
            if env.admin_key:
                tasks += [asyncio.create_task(writer(client, env, stop, i)) for i in range(2)]
            for _ in range(restarts):
                await asyncio.sleep(up_s)
                stopped = time.monotonic()
                await asyncio.to_thread(cluster.stop, env.settings, mode="immediate")
                await asyncio.sleep(down_s)
                await asyncio.to_thread(cluster.start, env.settings)
                windows.append((stopped, time.monotonic()))
            await asyncio.sleep(up_s)
            stop.set()
            await asyncio.gather(*tasks)
        acknowledged = [s.created for s in env.samples if s.created]
        missing = await missing_places(env.settings, acknowledged)
        return report_outage(env, windows, acknowledged, missing)
    finally:
        stop_environment(env)


async def missing_places(settings: Settings, ids: list[str]) -> list[str]:
    import asyncpg

    from reseau_api.core.cluster import admin_dsn

    dsn = admin_dsn(settings).rsplit("/", 1)[0] + f"/{settings.db_name}"
    conn = await asyncpg.connect(dsn)
    try:
        found = {str(r["id"]) for r in await conn.fetch("SELECT id FROM place WHERE id = ANY($1::uuid[])", ids)}
    finally:
        await conn.close()
    return [i for i in ids if i not in found]


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def report_outage(env: Environment, windows: list[tuple[float, float]], acknowledged: list[str],
                  missing: list[str]) -> int:
    samples = env.samples
    server_errors = [s for s in samples if s.status >= 500 and s.status != 503]
    dropped = [s for s in samples if s.status == 0]
    unavailable = [s for s in samples if s.status == 503]
    bad_503 = [s for s in unavailable if not (s.problem and s.retry_after)]
    in_outage = [s for s in samples if any(a <= s.at <= b for a, b in windows)]
    recoveries = []
    for _, back in windows:
        ok = [s.at + s.latency for s in samples if s.at >= back and 200 <= s.status < 400]
        recoveries.append(min(ok) - back if ok else float("inf"))
    p99_outage = percentile([s.latency for s in in_outage], 0.99)
    checks = {
        "no 500 (other than 503)": not server_errors,
        "no dropped connection": not dropped,
        "503s are problem+json with Retry-After": not bad_503,
        "p99 latency while the database is away < 500 ms": p99_outage < 0.5,
        "first success within 2 s of PostgreSQL accepting connections": max(recoveries) < 2.0,
        "every acknowledged write is present (0 lost)": not missing,
    }
    print("# Database outage under load\n")
    print(f"- restarts: {len(windows)} (`pg_ctl stop -m immediate`, then start)")
    print(f"- requests: {len(samples)}; 2xx: {sum(200 <= s.status < 300 for s in samples)}; "
          f"503: {len(unavailable)}; other 5xx: {len(server_errors)}; dropped: {len(dropped)}")
    p50_outage = statistics.median([s.latency for s in in_outage] or [0])
    print(f"- latency while the database is away: p50 {p50_outage * 1000:.0f} ms, "
          f"p99 {p99_outage * 1000:.0f} ms over {len(in_outage)} requests")
    print("- first success after each restart: " + ", ".join(f"{r * 1000:.0f} ms" for r in recoveries))
    print(f"- acknowledged writes: {len(acknowledged)}; missing afterwards: {len(missing)}"
          + ("" if env.admin_key else " (no write API available: reads only)"))
    for s in dropped[:5]:
        print(f"  - dropped: {s.kind} after {s.latency * 1000:.0f} ms: {s.error}")
    print("\n| check | result |\n|---|---|")
    for name, passed in checks.items():
        print(f"| {name} | {'met' if passed else 'MISSED'} |")
    return 0 if all(checks.values()) else 1


SOAK_PATHS = [
    "/v1/lieux?limit=50",
    "/v1/lieux?departement=31&limit=100",
    "/v1/lieux?f=geojson&bbox=1.2,43.4,1.7,43.8&limit=100",
    "/v1/lieux?f=geojson&limit=200",
    "/v1/tuiles/12/2064/1495.mvt",
    "/v1/tuiles/8/129/93.mvt",
    "/v1/tuiles/6/32/23.mvt",
]


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def soak(seconds: int, connections: int) -> int:
    """Sustained reads with wrk; memory of the API worker sampled every second."""
    import json
    import threading

    if shutil.which("wrk") is None:
        print("wrk is missing: apt-get install wrk (make bench installs it)", file=sys.stderr)
        return 2
    env = start_environment()
    try:
        paths_file = env.root / "paths.txt"
        paths_file.write_text("\n".join(SOAK_PATHS) + "\n")
        memory: list[float] = []
        done = threading.Event()

        def sample() -> None:
            while not done.wait(1.0):
                memory.append(rss_mb(env.process.pid))

        sampler = threading.Thread(target=sample, daemon=True)
        sampler.start()
        result = subprocess.run(
            ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", "-s", str(ROOT / "bench" / "wrk.lua"),
             env.base, "--", str(paths_file)],
            capture_output=True, text=True, check=True,
        )
        done.set()
        sampler.join()
        line = next(x for x in result.stdout.splitlines() if x.startswith("BENCH_JSON"))
        stats = json.loads(line.removeprefix("BENCH_JSON").strip())
    finally:
        stop_environment(env)
    third = max(1, len(memory) // 3)
    early, late = statistics.mean(memory[:third]), statistics.mean(memory[-third:])
    checks = {
        "0 errors (status >= 400 or socket errors)":
            stats["errors_status"] == 0 and not any(stats["socket_errors"].values()),
        "memory does not keep growing (last third within 10 % of the first)": late <= early * 1.10,
    }
    print(f"# Sustained read load\n\n- {seconds} s at {connections} connections over {len(SOAK_PATHS)} "
          "paths (lists, GeoJSON, tiles at z6, z8, z12)")
    latency = stats["latency_us"]
    print(f"- requests: {stats['requests']}, {stats['requests'] / seconds:.0f}/s; status errors: "
          f"{stats['errors_status']}; socket errors: {stats['socket_errors']}; "
          f"latency p50 {latency['p50'] / 1000:.1f} ms, p99 {latency['p99'] / 1000:.1f} ms")
    print(f"- API worker RSS: first third {early:.0f} MB, last third {late:.0f} MB, peak {max(memory):.0f} MB")
    print("\n| check | result |\n|---|---|")
    for name, passed in checks.items():
        print(f"| {name} | {'met' if passed else 'MISSED'} |")
    return 0 if all(checks.values()) else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="check", required=True)
    out = sub.add_parser("outage", help="kill and restart PostgreSQL under load")
    out.add_argument("--restarts", type=int, default=5)
    out.add_argument("--up", type=float, default=3.0, help="seconds between outages")
    out.add_argument("--down", type=float, default=3.0, help="seconds PostgreSQL stays down")
    load = sub.add_parser("soak", help="sustained reads at 32 connections")
    load.add_argument("--seconds", type=int, default=60)
    load.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    if args.check == "outage":
        sys.exit(asyncio.run(outage(args.restarts, args.up, args.down)))
    sys.exit(soak(args.seconds, args.connections))


if __name__ == "__main__":
    main()
