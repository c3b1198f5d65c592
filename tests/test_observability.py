"""Request ids and metrics that operators rely on."""

import httpx


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
