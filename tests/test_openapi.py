"""The committed contract is the served contract, and it is useful to a third-party developer."""

import json

import httpx

from reseau_api.core.config import PROJECT_ROOT


async def test_committed_openapi_matches_the_app(client: httpx.AsyncClient) -> None:
    served = (await client.get("/openapi.json")).json()
    committed = json.loads((PROJECT_ROOT / "openapi" / "openapi.json").read_text())
    assert served == committed, "openapi/openapi.json is stale: run `reseau-api openapi`"


async def test_every_operation_is_documented(client: httpx.AsyncClient) -> None:
    schema = (await client.get("/openapi.json")).json()
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            where = f"{method.upper()} {path}"
            assert operation.get("summary"), f"{where} has no summary"
            assert operation.get("description"), f"{where} has no description"
            ok = [code for code in operation["responses"] if code.startswith("2") or code == "304"]
            assert ok, f"{where} documents no success response"
            for code, response in operation["responses"].items():
                if code.startswith(("4", "5")):
                    assert "application/problem+json" in response["content"], f"{where} {code}"
            if operation.get("parameters"):
                assert "400" in operation["responses"], f"{where} does not declare 400"
