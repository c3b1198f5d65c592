"""Forged cursors are 400 problems naming `curseur` (issue #14 item 19), never a 500 or a 503."""

import base64

import httpx
import pytest


def forged(raw: str) -> str:
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


@pytest.mark.parametrize("key", ['"x"', "-1", "1e999", "1.5", "true", str(2**63), str(2**31)])
async def test_organisations_cursor_with_a_bad_offset_is_a_400(client: httpx.AsyncClient, key: str) -> None:
    response = await client.get("/v1/organisations", params={"curseur": forged(f'["organisations",{key}]')})
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert response.json()["errors"] == [
        {"in": "query", "name": "curseur", "detail": "malformed cursor; use the `next` link as given"}]
