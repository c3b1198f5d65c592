"""Latency of the coverage endpoints on the demo data, whole region (not collected by pytest).

    make run   # or: reseau-api migrate && reseau-api seed   (then let autovacuum ANALYZE, or run ANALYZE)
    .venv/bin/python -m tests.coverage.benchmark [rounds]

Requests go through the whole ASGI app in-process (httpx.ASGITransport), one at a time, on the
database of the settings (the local cluster). Prints min / median / max wall time per URL, and the CPU
time spent per request by this process (the app) and by the local PostgreSQL server: on a busy machine
wall times inflate, CPU times much less, and on an idle one wall ≈ app CPU + database CPU.
"""

import asyncio
import os
import statistics
import sys
import time

import httpx

from reseau_api.core.config import get_settings
from reseau_api.main import app

TICK = os.sysconf("SC_CLK_TCK")

URLS = [
    "/v1/maillage?rayon_km=15",
    "/v1/maillage?rayon_km=100",
    "/v1/maillage?rayon_km=15&teletravail=true",
    "/v1/maillage/communes?rayon_km=15",
    "/v1/maillage/communes?rayon_km=15&couverte=false&limit=200",
    "/v1/maillage/communes?rayon_km=15&tri=distance&limit=200",
    "/v1/maillage/communes?rayon_km=15&tri=-distance&f=geojson&limit=200",
    "/v1/maillage/communes?departement=46&couverte=false&f=geojson&limit=200",
    "/v1/maillage/suggestions?rayon_km=15&n=5",
    "/v1/maillage/suggestions?rayon_km=15&n=50",
    "/v1/maillage/suggestions?rayon_km=15&n=5&teletravail=true",
    "/v1/maillage/suggestions?rayon_km=50&n=5&teletravail=true",
    "/v1/maillage/suggestions?rayon_km=100&n=50&teletravail=true",
]


def database_cpu_s() -> float:
    """CPU seconds used so far by the local cluster's server processes (postmaster and children)."""
    pid_file = get_settings().pg_data_dir / "postmaster.pid"
    postmaster = int(pid_file.read_text().split()[0])
    total = 0.0
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(entry) == postmaster or int(fields[1]) == postmaster:
            total += (int(fields[11]) + int(fields[12])) / TICK
    return total


async def main(rounds: int) -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        print(f"{'min':>7} {'median':>7} {'max':>7} {'app cpu':>8} {'db cpu':>7}  (ms)")
        for url in URLS:
            timings = []
            assert (await client.get(url)).status_code == 200  # warm up: plans and caches statements
            app_cpu, db_cpu = time.process_time(), database_cpu_s()
            for _ in range(rounds):
                started = time.perf_counter()
                response = await client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.text)
            app_ms = (time.process_time() - app_cpu) * 1000 / rounds
            db_ms = (database_cpu_s() - db_cpu) * 1000 / rounds
            print(f"{min(timings):7.1f} {statistics.median(timings):7.1f} {max(timings):7.1f} "
                  f"{app_ms:8.1f} {db_ms:7.1f}  {url}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
