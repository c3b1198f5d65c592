"""`GET /v1/horaires`: check an OpenStreetMap opening_hours expression and say when it next opens, so
that an editing form can give live feedback with the rules the API applies on write."""

from datetime import UTC, datetime, timedelta
from typing import Annotated

from fastapi import APIRouter, Query, Response
from opening_hours import OpeningHours, State
from pydantic import AwareDatetime, BaseModel, Field
from starlette.concurrency import run_in_threadpool

from reseau_api.core.errors import InvalidParameter
from reseau_api.core.openapi import problem_responses
from reseau_api.places.schemas import opening_hours_expression
from reseau_api.places.service import PARIS

router = APIRouter(prefix="/horaires", tags=["lieux"])
HORIZON = timedelta(days=366)
MAX_INTERVALS = 2000  # bounded work whatever the expression


class HoursCheck(BaseModel):
    expression: str
    ouvert: bool | None = Field(description="Open at `a_partir_de`; null when the expression says unknown")
    prochain_changement: datetime | None = Field(description="Next change of state, within a year")
    prochaine_ouverture: datetime | None = Field(
        description="Start of the next opening after `a_partir_de`, within a year (Europe/Paris time)")


def _check(expression: str, moment: datetime) -> HoursCheck:
    try:
        opening_hours_expression(expression)
    except ValueError as exc:
        raise InvalidParameter("expression", str(exc)) from exc
    hours = OpeningHours(expression, timezone=PARIS, country="FR")
    local = moment.astimezone(PARIS)
    change = hours.next_change(local)
    next_open = None
    for count, (start, _end, state, _comment) in enumerate(hours.intervals(local, local + HORIZON)):
        if state == State.OPEN and start > local:
            next_open = start
            break
        if count >= MAX_INTERVALS:
            break
    return HoursCheck(
        expression=expression, ouvert=None if hours.is_unknown(local) else hours.is_open(local),
        prochain_changement=change if change is not None and change - local <= HORIZON else None,
        prochaine_ouverture=next_open,
    )


@router.get("", response_model=HoursCheck, summary="Check an opening_hours expression",
            responses=problem_responses(400))
async def check_opening_hours(
    response: Response,
    expression: Annotated[str, Query(min_length=1, max_length=500, description="OpenStreetMap opening_hours",
                                     examples=["Mo-Fr 09:00-18:00; PH off"])],
    a_partir_de: Annotated[AwareDatetime | None, Query(description="The moment to evaluate at (default: now)")]
    = None,
) -> HoursCheck:
    """Validates `expression` as a place's `horaires` is validated on write (400 naming `expression` with
    the parser's message otherwise) and evaluates it in Europe/Paris time with French public holidays:
    open or not at `a_partir_de`, the next change, the next opening."""
    result = await run_in_threadpool(_check, expression.strip(), a_partir_de or datetime.now(UTC))
    response.headers["Cache-Control"] = "public, max-age=60" if a_partir_de else "no-cache"
    return result
