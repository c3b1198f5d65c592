"""Every error is an RFC 9457 problem; nothing internal leaks."""

import logging

import httpx
import pytest

PROBLEM = "application/problem+json"


async def test_unknown_route_is_a_404_problem(client: httpx.AsyncClient) -> None:
    response = await client.get("/v1/nothing-here")
    assert response.status_code == 404
    assert response.headers["content-type"] == PROBLEM
    body = response.json()
    assert body["status"] == 404
    assert body["type"] == "/problemes/introuvable"
    assert body["title"] == "Not found"
    assert "/v1/nothing-here" in body["detail"]
    assert body["instance"] == "/v1/nothing-here"


async def test_wrong_method_is_a_405_problem_with_allow(client: httpx.AsyncClient) -> None:
    response = await client.delete("/health/live")
    assert response.status_code == 405
    assert response.headers["content-type"] == PROBLEM
    assert response.headers["allow"] == "GET, HEAD"  # HEAD is served wherever GET is
    assert response.json()["type"] == "/problemes/methode-non-autorisee"


@pytest.mark.parametrize(("method", "path", "allow"), [
    ("DELETE", "/v1/cles/moi", "GET, HEAD"),  # not DELETE /v1/cles/{key_id} with key_id "moi"
    ("GET", "/v1/bonnes-pratiques/apercu", "POST"),  # not the practice whose slug would be "apercu"
    ("PATCH", "/v1/bonnes-pratiques/apercu", "POST"),
])
async def test_a_literal_path_answers_405_for_a_method_of_its_templated_sibling(
    client: httpx.AsyncClient, method: str, path: str, allow: str,
) -> None:
    response = await client.request(method, path, headers={"Authorization": "Bearer rsx_unknown"})
    assert response.status_code == 405
    assert response.headers["allow"] == allow
    assert response.json() == {"type": "/problemes/methode-non-autorisee", "title": "Method not allowed",
                               "status": 405, "detail": f"Method {method} is not allowed on {path}.",
                               "instance": path}


async def test_problem_types_resolve_to_prose(client: httpx.AsyncClient) -> None:
    response = await client.get("/problemes/parametre-invalide")
    assert response.status_code == 200
    assert "Invalid parameter" in response.text
    missing = await client.get("/problemes/no-such-problem")
    assert missing.status_code == 404
    assert missing.headers["content-type"] == PROBLEM


async def test_oversized_body_is_refused_before_reading(client: httpx.AsyncClient) -> None:
    response = await client.post("/health/live", content=b"x" * (65 * 1024))
    assert response.status_code == 413
    assert response.headers["content-type"] == PROBLEM
    assert "65536 bytes" in response.json()["detail"]


async def test_unexpected_errors_leak_nothing(
    client: httpx.AsyncClient, caplog: pytest.LogCaptureFixture,
) -> None:
    from reseau_api.main import create_app

    app = create_app()  # a private instance: the shared app and its contract stay untouched

    @app.get("/__boom")
    async def boom() -> None:
        raise RuntimeError("SELECT secret FROM api_key")  # an internal message that must not leak

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as c:
        logger = logging.getLogger("reseau_api")  # it does not propagate to the root, where caplog listens
        logger.addHandler(caplog.handler)
        try:
            response = await c.get("/__boom", headers={"X-Request-ID": "trace-500"})
        finally:
            logger.removeHandler(caplog.handler)
    assert response.status_code == 500
    assert response.headers["content-type"] == PROBLEM
    assert "secret" not in response.text
    assert "Traceback" not in response.text
    # The error page answers inside the project's layers: the 500 has the request id, the security
    # headers, and its log line names the same id.
    assert response.headers["x-request-id"] == "trace-500"
    assert response.headers["x-content-type-options"] == "nosniff"
    assert [r.getMessage() for r in caplog.records if r.name == "reseau_api.errors"] == [
        "unhandled error on GET /__boom id=trace-500"]


async def test_nul_bytes_in_the_url_are_a_400_not_a_500(client: httpx.AsyncClient) -> None:
    for url in ("/v1/lieux?q=a%00b", "/v1/lieux?code_insee=3155%00", "/v1/lieux/a%00b"):
        response = await client.get(url)
        assert response.status_code == 400, url
        assert response.headers["content-type"] == PROBLEM
        assert "NUL" in response.json()["detail"]
