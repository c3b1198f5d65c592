"""Latency of the coverage endpoints on the demo data, whole region (not collected by pytest).

    make run   # or: reseau-api migrate && reseau-api seed   (then let autovacuum ANALYZE, or run ANALYZE)
    .venv/bin/python -m tests.coverage.benchmark [rounds]

Requests go through the whole ASGI app in-process (httpx.ASGITransport), one at a time, on the
database of the settings (the local cluster). Prints min / median / max wall time per URL, and the
load average, since a busy machine inflates every figure.
"""

import asyncio
import os
import statistics
import sys
import time

import httpx

from reseau_api.main import app

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


async def main(rounds: int) -> None:
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        print(f"{'min':>7} {'median':>7} {'max':>7}  (ms)")
        for url in URLS:
            timings = []
            for _ in range(rounds + 1):
                started = time.perf_counter()
                response = await client.get(url)
                timings.append((time.perf_counter() - started) * 1000)
                assert response.status_code == 200, (url, response.text)
            timings = timings[1:]  # the first request also plans and caches the statement
            print(f"{min(timings):7.1f} {statistics.median(timings):7.1f} {max(timings):7.1f}  {url}")
    print(f"load average after: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]) if len(sys.argv) > 1 else 10))
