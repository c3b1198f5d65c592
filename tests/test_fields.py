"""The generic builders of core/fields.py, run by PostgreSQL: beyond 50 members (100 function arguments)
an object is still one object, in order."""

from typing import Any

import orjson
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.db import raw_connection
from reseau_api.core.fields import MAX_PAIRS, json_object


@pytest.mark.parametrize("size", [0, 1, MAX_PAIRS, MAX_PAIRS + 1, 3 * MAX_PAIRS + 7])
@pytest.mark.parametrize("builder", ["json_build_object", "jsonb_build_object"])
async def test_objects_of_any_size(session: AsyncSession, size: int, builder: str) -> None:
    members = [(f"k{i}", f"{i} * 2") for i in range(size)]
    raw: Any = await raw_connection(session)
    value = await raw.fetchval(f"SELECT ({json_object(members, builder=builder)})::text")
    expected = {f"k{i}": i * 2 for i in range(size)}
    assert orjson.loads(value) == expected
    if builder == "json_build_object":  # json keeps the order
        assert list(orjson.loads(value)) == list(expected)
