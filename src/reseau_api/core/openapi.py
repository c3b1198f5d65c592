"""OpenAPI helpers: the problem+json schema and per-operation error declarations."""

from typing import Any

from pydantic import BaseModel, Field

from reseau_api.core.errors import PROBLEM_MEDIA_TYPE, PROBLEM_TYPES


class ProblemError(BaseModel):
    in_: str = Field(alias="in", description="Where the error is: query, path, header or body.")
    name: str | None = Field(default=None, description="The offending parameter (query, path, header).")
    pointer: str | None = Field(default=None, description="JSON Pointer to the offending body field.")
    detail: str


class Problem(BaseModel):
    """An RFC 9457 problem details object."""

    type: str = Field(description="URI reference identifying the problem type; it resolves to prose.")
    title: str
    status: int
    detail: str
    instance: str | None = None
    errors: list[ProblemError] | None = None


_DESCRIPTIONS = {
    400: "Invalid parameter", 401: "Missing, malformed, revoked or unknown API key",
    403: "Not allowed for this key", 404: "Not found", 409: "Conflict", 412: "Stale If-Match",
    413: "Body too large", 415: "Unsupported media type", 422: "Invalid body",
    410: "Past the retention: resynchronise from the export", 428: "If-Match required", 429: "Rate limited",
    503: "Database unavailable",
}


def problem_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """`responses=` for a route: each status documented as application/problem+json."""
    return {
        status: {
            "description": _DESCRIPTIONS.get(status, PROBLEM_TYPES["erreur-interne"][0]),
            "content": {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}},
        }
        for status in statuses
    }


BODY_ID = "$response.body#/id"
IF_MATCH_ETAG = {"header.If-Match": "$response.header.ETag"}


def links(targets: dict[str, dict[str, str]]) -> dict[str, Any]:
    """OpenAPI links of a response: operation id → its parameters taken from this response (`BODY_ID`,
    `IF_MATCH_ETAG`…). Clients see which call comes next; schemathesis's stateful phase chains them."""
    return {"links": {operation: {"operationId": operation, "parameters": parameters}
                      for operation, parameters in targets.items()}}


def _problem_ref() -> dict[str, Any]:
    return {PROBLEM_MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}


def _declare(responses: dict[str, Any], status: int) -> None:
    responses.setdefault(str(status), {"description": _DESCRIPTIONS[status], "content": _problem_ref()})


def finish_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """Make the generated contract honest about errors.

    FastAPI documents every validation failure as a 422 `HTTPValidationError`; this API answers 400
    for bad parameters and 422 for bad bodies, both as problem+json, and 503 when the database is
    away. Only `/health/live` never touches the database.
    """
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components.pop("HTTPValidationError", None)
    components.pop("ValidationError", None)
    components["Problem"] = Problem.model_json_schema(ref_template="#/components/schemas/{model}")
    components["Problem"].pop("$defs", None)
    components["ProblemError"] = ProblemError.model_json_schema(by_alias=True)
    components["Problem"]["properties"]["errors"] = {
        "anyOf": [{"type": "array", "items": {"$ref": "#/components/schemas/ProblemError"}},
                  {"type": "null"}],
    }
    for path, item in schema.get("paths", {}).items():
        for method, operation in item.items():
            if method not in {"get", "post", "put", "patch", "delete", "head"}:
                continue
            responses = operation.setdefault("responses", {})
            default_422 = responses.get("422", {})
            if "HTTPValidationError" in str(default_422):
                del responses["422"]
            if operation.get("parameters") or operation.get("requestBody"):
                _declare(responses, 400)  # bad parameter, or a body that cannot even be parsed
            if operation.get("requestBody"):
                _declare(responses, 413)
                _declare(responses, 422)
            if operation.get("security"):  # any key sent is checked; failures are throttled per client
                _declare(responses, 401)
                _declare(responses, 429)
            if path != "/health/live":
                _declare(responses, 503)
    return schema


def install_openapi(app: Any) -> None:
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = finish_schema(get_openapi(
                title=app.title, version=app.version, summary=app.summary,
                description=app.description, routes=app.routes, license_info=app.license_info,
                tags=getattr(app, "openapi_tags", None),
            ))
        schema: dict[str, Any] = app.openapi_schema
        return schema

    app.openapi = openapi
