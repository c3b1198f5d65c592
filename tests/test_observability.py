"""Request ids and metrics that operators rely on."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx

from tests.servers import free_port


async def test_request_id_is_generated_and_echoed(client: httpx.AsyncClient) -> None:
    generated = await client.get("/health/live")
    assert len(generated.headers["x-request-id"]) == 32
    echoed = await client.get("/health/live", headers={"X-Request-ID": "abc-123"})
    assert echoed.headers["x-request-id"] == "abc-123"
    # An id that could forge log lines is replaced, not echoed.
    forged = await client.get("/health/live", headers={"X-Request-ID": "a\tb c" * 50})
    assert forged.headers["x-request-id"] != "a\tb c" * 50


async def test_metrics_count_requests_per_route_template(client: httpx.AsyncClient) -> None:
    await client.get("/health/live")
    await client.get("/problemes/introuvable")
    metrics = (await client.get("/metrics")).text
    assert 'reseau_http_requests_total{method="GET",route="/health/live",status="200"}' in metrics
    assert 'route="/problemes/{slug}"' in metrics
    assert "reseau_http_request_duration_seconds_bucket" in metrics


async def test_public_reads_are_cors_open_without_credentials(client: httpx.AsyncClient) -> None:
    response = await client.get("/health/live", headers={"Origin": "https://tiers-lieux.example"})
    assert response.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in response.headers


def test_metrics_add_up_every_worker(tmp_path: Path) -> None:
    """`reseau-api serve --workers 2`: /metrics counts the requests of both workers, whichever answers."""
    port = free_port()
    process = subprocess.Popen(  # noqa: S603
        [str(Path(sys.executable).with_name("reseau-api")), "serve", "--port", str(port), "--workers", "2"],
        env={**os.environ, "PROMETHEUS_MULTIPROC_DIR": str(tmp_path), "RESEAU_LOG_LEVEL": "warning"},
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    sent = 0
    try:
        deadline = time.monotonic() + 60
        # Until both workers have answered some (each writes its own counter_<pid>.db), then 20 more.
        while len(list(tmp_path.glob("counter_*.db"))) < 2 or sent < 20:
            assert time.monotonic() < deadline, "the two workers did not both answer within 60 s"
            try:
                with httpx.Client() as fresh:  # a new connection each time: the kernel spreads them
                    assert fresh.get(f"{base}/health/live").status_code == 200
                sent += 1
            except httpx.TransportError:
                time.sleep(0.1)  # still starting
        counts = []
        for _ in range(6):
            with httpx.Client() as fresh:
                metrics = fresh.get(f"{base}/metrics").text
            line = next(x for x in metrics.splitlines()
                        if x.startswith('reseau_http_requests_total{method="GET",route="/health/live",status="200"}'))
            counts.append(float(line.split()[-1]))
        assert counts == [sent] * 6  # every request, whichever worker answers /metrics
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(30)
