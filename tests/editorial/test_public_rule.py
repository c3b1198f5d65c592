"""The rule "may the public see it?" exists twice by necessity: in Python (`Workflow.is_public`,
`public_sql`) and as the SQL functions the feed's triggers call (fixed migration text). They must agree."""

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.editorial.states import Workflow
from reseau_api.places.states import WORKFLOW as PLACES
from reseau_api.practices.states import WORKFLOW as PRACTICES


@pytest.mark.parametrize(("workflow", "function"), [(PLACES, "place_is_public"), (PRACTICES, "practice_is_public")])
async def test_the_feed_functions_say_what_the_workflow_says(
    session: AsyncSession, workflow: Workflow, function: str,
) -> None:
    for state in workflow.states:
        in_sql = (await session.execute(text(f"SELECT {function}(:s)"), {"s": state.value})).scalar()
        by_fragment = (await session.execute(text(f"SELECT {workflow.public_sql(':s')}"), {"s": state.value})).scalar()
        assert in_sql is by_fragment is workflow.is_public(state), state
