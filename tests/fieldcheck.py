"""Checks shared by the field-table tests: a table and a Pydantic model say the same thing."""

from typing import Any

from pydantic import BaseModel

from reseau_api.core.fields import NESTED, Field, Out, fields


def _resolve(schema: dict[str, Any], defs: dict[str, Any]) -> dict[str, Any]:
    if "$ref" in schema:
        return defs[schema["$ref"].rsplit("/", 1)[1]]
    return schema


def _variants(schema: dict[str, Any], defs: dict[str, Any]) -> list[dict[str, Any]]:
    schema = _resolve(schema, defs)
    if "anyOf" in schema:
        return [v for s in schema["anyOf"] for v in _variants(s, defs)]
    return [schema]


def disagreements(table: tuple[Field, ...], output: Out, model: type[BaseModel], *,
                  extra: frozenset[str] = frozenset()) -> list[str]:
    """What differs between the output's fields (nested by `path`) and the model: missing or extra fields,
    JSON types, enums. `extra`: model fields that are not in the table (request-dependent ones)."""
    problems: list[str] = []
    schema = model.model_json_schema(mode="validation")
    defs = schema.get("$defs", {})
    declared: dict[tuple[str, ...], Field] = {
        f.key if output in NESTED else (f.name,): f for f in fields(table, output)}
    groups = {key[0] for key in declared if len(key) > 1}

    def walk(properties: dict[str, Any], prefix: tuple[str, ...]) -> set[tuple[str, ...]]:
        seen = set()
        for name, sub in properties.items():
            key = (*prefix, name)
            if not prefix and name in extra:
                continue
            if not prefix and name in groups:
                nested = [v for v in _variants(sub, defs) if v.get("type") == "object" and "properties" in v]
                seen |= walk(nested[0]["properties"], key)
                continue
            seen.add(key)
            field = declared.get(key)
            if field is None:
                problems.append(f"{model.__name__}.{'.'.join(key)} is not in the table ({output})")
                continue
            variants = [v for v in _variants(sub, defs) if v.get("type") != "null"]
            want = field.kind.schema["type"]
            types = {v.get("type", "object" if "properties" in v else None) for v in variants}
            if want not in types and not (want == "number" and "integer" in types):
                problems.append(f"{'.'.join(key)}: table says {want}, {model.__name__} says {sorted(map(str, types))}")
            for path in (("enum",), ("items", "enum")):
                table_enum = field.kind.schema
                for part in path:
                    table_enum = table_enum.get(part, {}) if isinstance(table_enum, dict) else {}
                for v in variants:
                    model_enum = _resolve(v.get("items", {}), defs).get("enum") if path[0] == "items" \
                        else v.get("enum")
                    if table_enum and model_enum is not None and list(table_enum) != list(model_enum):
                        problems.append(f"{'.'.join(key)}: enums differ")
        return seen

    seen = walk(schema["properties"], ())
    problems += [f"{'.'.join(key)} ({output}) is not in {model.__name__}" for key in declared if key not in seen]
    return problems
