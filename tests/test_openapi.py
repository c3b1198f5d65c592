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


def test_links_lead_to_operations_with_the_parameters_they_fill() -> None:
    """A create (or an edit) links to the calls on the record it answers: each link names a real operation
    and only parameters that operation declares, filled from the response's body or headers."""
    schema = json.loads((PROJECT_ROOT / "openapi" / "openapi.json").read_text())
    operations = {op["operationId"]: op for item in schema["paths"].values() for op in item.values()}
    found = 0
    for item in schema["paths"].values():
        for operation in item.values():
            for code, response in operation["responses"].items():
                for name, link in response.get("links", {}).items():
                    where = f"{operation['operationId']} {code} → {name}"
                    target = operations[link["operationId"]]
                    declared = {f"{p['in']}.{p['name']}" for p in target.get("parameters", [])}
                    for parameter, value in link["parameters"].items():
                        qualified = parameter if "." in parameter else f"path.{parameter}"
                        assert qualified in declared, where
                        assert value in ("$response.body#/id", "$response.header.ETag", "$response.body#/version")
                        if value.startswith("$response.body#/"):
                            body = response["content"]["application/json"]["schema"]["$ref"].split("/")[-1]
                            field = value.removeprefix("$response.body#/")
                            assert field in schema["components"]["schemas"][body]["properties"], where
                    found += 1
    assert found == 80  # 2 editorial resources × 5 writes × 7 links, claims 2, webhooks 4, organisations 3, keys 1
