"""Query parameters a route does not declare are refused (400 naming them), not ignored.

An ignored parameter has no effect but a cost: `?x=1`, `?x=2`… are distinct URLs to every cache, so
anyone can mint uncached variants of one answer at full price. Routers of public reads depend on
`reject_unknown_parameters`; the set of names a route declares is computed once per route.
"""

from typing import Any

from pydantic import BaseModel
from starlette.requests import Request

from reseau_api.core.errors import InvalidParameter

_KNOWN: dict[int, frozenset[str]] = {}


def declared(route: Any) -> frozenset[str]:
    known = _KNOWN.get(id(route))
    if known is None:
        names: set[str] = set()
        pending = [route.dependant]
        while pending:  # the route's own parameters and every (sub-)dependency's
            dependant = pending.pop()
            for param in dependant.query_params:
                model = getattr(param, "type_", None)
                if isinstance(model, type) and issubclass(model, BaseModel):  # a parameter model
                    names.update(f.alias or n for n, f in model.model_fields.items())
                else:
                    names.add(param.alias)
            pending.extend(dependant.dependencies)
        known = _KNOWN[id(route)] = frozenset(names)
    return known


async def reject_unknown_parameters(request: Request) -> None:
    route = request.scope.get("route")
    if route is None or not request.query_params:
        return
    known = declared(route)
    for name in request.query_params:
        if name not in known:
            raise InvalidParameter(name, "unknown parameter for this route (see the OpenAPI document)")
