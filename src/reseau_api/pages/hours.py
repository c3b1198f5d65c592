"""Opening hours told in French for a page: open now or not, until when, the next opening, and the weekly
times. The evaluation is the API's (opening-hours-py, Europe/Paris, French public holidays); the weekly
table is the JSON-LD's `openingHoursSpecification` (shown only when every week is the same)."""

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from opening_hours import OpeningHours, ParserError, State

from reseau_api.places.jsonld import DAYS, opening_hours_specification
from reseau_api.shared.time import PARIS

JOURS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MOIS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre",
        "novembre", "décembre")
HORIZON = timedelta(days=400)  # a next opening further away than this is not worth telling


@dataclass(frozen=True)
class OpenNow:
    open: bool | None  # None: the hours say nothing about now (or there are none)
    text: str  # "Ouvert maintenant, jusqu'à 18 h" / "Fermé, ouvre lundi 28 décembre à 9 h"
    until: datetime | None  # when this text stops being true (None: not before the horizon)


@dataclass(frozen=True)
class WeeklyRow:
    days: str  # "Du lundi au vendredi"
    times: str  # "9 h – 18 h"


def hour(moment: datetime) -> str:
    return f"{moment.hour} h" if moment.minute == 0 else f"{moment.hour} h {moment.minute:02d}"


def when(moment: datetime, now: datetime) -> str:
    """`aujourd'hui à 14 h`, `demain à 9 h`, `lundi 28 décembre à 9 h`."""
    days = (moment.date() - now.date()).days
    if days == 0:
        day = "aujourd'hui"
    elif days == 1:
        day = "demain"
    else:
        day = f"{JOURS[moment.weekday()]} {moment.day}{'er' if moment.day == 1 else ''} {MOIS[moment.month - 1]}"
        if moment.year != now.year:
            day += f" {moment.year}"
    return f"{day} à {hour(moment)}"


def open_now(expression: str | None, now: datetime) -> OpenNow:
    """What a visitor wants to know at `now` (aware datetime). Read from the intervals ahead, lazily and within
    HORIZON: `next_change` may search for seconds (measured: 1.8 s for `Mo-Su 00:00-24:00`)."""
    if not expression:
        return OpenNow(None, "Horaires non renseignés", None)
    now = now.astimezone(PARIS)
    horizon = now + HORIZON
    try:
        intervals = OpeningHours(expression, timezone=PARIS, country="FR").intervals(now, horizon)
        _start, change, state, comment = next(intervals)
        opening = None
        for start, end, next_state, next_comment in intervals:
            if (next_state, next_comment) == (state, comment) and start == change:
                change = end  # the same state goes on (one interval per day, say)
            elif state == State.OPEN or next_state == State.OPEN:
                opening = start if next_state == State.OPEN else None
                break
    except (SyntaxError, ParserError, ValueError, StopIteration):
        return OpenNow(None, "Horaires non reconnus", None)
    until = change if change < horizon else None
    if state == State.CLOSED and opening is None:
        opening = _next_opening(intervals)
    note = f" ({comment})" if comment else ""
    if state == State.OPEN:
        return OpenNow(True, f"Ouvert maintenant{note}" + (f", ferme {when(until, now)}" if until else ""), until)
    if state == State.UNKNOWN:
        return OpenNow(None, f"Ouverture à confirmer{note}", until)
    return OpenNow(False, f"Fermé{note}" + (f", ouvre {when(opening, now)}" if opening else ""), until)


def _next_opening(intervals: Iterator[tuple[datetime, datetime, State, str]]) -> datetime | None:
    for start, _end, state, _comment in intervals:
        if state == State.OPEN:
            return start
    return None


def weekly(expression: str | None) -> list[WeeklyRow]:
    """The weekly times, one row per set of days with the same times; empty when not weekly."""
    rows: list[WeeklyRow] = []
    for spec in opening_hours_specification(expression) or []:
        days = [DAYS.index(d.rsplit("/", 1)[1]) for d in spec["dayOfWeek"]]
        times = ("24 h sur 24" if (spec["opens"], spec["closes"]) == ("00:00", "23:59")
                 else f"{_hhmm(spec['opens'])} – {_hhmm(spec['closes'])}")
        if rows and rows[-1].days == _days(days):
            rows[-1] = WeeklyRow(rows[-1].days, f"{rows[-1].times}, {times}")
        else:
            rows.append(WeeklyRow(_days(days), times))
    return rows


def _days(days: list[int]) -> str:
    if len(days) > 2 and days == list(range(days[0], days[-1] + 1)):
        return f"Du {JOURS[days[0]]} au {JOURS[days[-1]]}"
    names = [JOURS[d] for d in days]
    text = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " et " + names[-1]
    return text[0].upper() + text[1:]


def _hhmm(value: str) -> str:
    h, m = (int(x) for x in value.split(":"))
    if (h, m) == (23, 59):
        return "minuit"
    return f"{h} h" if m == 0 else f"{h} h {m:02d}"
