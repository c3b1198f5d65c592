"""Opening hours told in French: open now, until when, the next opening past French public holidays."""

from datetime import datetime

import pytest

from reseau_api.pages import hours
from reseau_api.shared.time import PARIS

WEEKDAYS = "Mo-Fr 09:00-12:30,14:00-18:00; PH off"


@pytest.mark.parametrize(("expression", "now", "expected"), [
    (WEEKDAYS, datetime(2026, 12, 1, 10, 0), (True, "Ouvert maintenant, ferme aujourd'hui à 12 h 30")),
    (WEEKDAYS, datetime(2026, 12, 1, 13, 0), (False, "Fermé, ouvre aujourd'hui à 14 h")),
    (WEEKDAYS, datetime(2026, 12, 1, 19, 0), (False, "Fermé, ouvre demain à 9 h")),
    # Thursday 24 December in the evening: Christmas (Friday) is a public holiday, then the weekend.
    (WEEKDAYS, datetime(2026, 12, 24, 19, 0), (False, "Fermé, ouvre lundi 28 décembre à 9 h")),
    # New Year's Eve: 1 January 2027 (Friday) is off, and the next opening is in another year.
    (WEEKDAYS, datetime(2026, 12, 31, 19, 0), (False, "Fermé, ouvre lundi 4 janvier 2027 à 9 h")),
    ('Tu 14:00-18:00 "sur rendez-vous"', datetime(2026, 12, 1, 15, 0),
     (True, "Ouvert maintenant (sur rendez-vous), ferme aujourd'hui à 18 h")),
    ("24/7", datetime(2026, 12, 1, 3, 0), (True, "Ouvert maintenant")),
    ("Mo-Fr 09:00-18:00; 2026 Dec 01 off", datetime(2026, 12, 1, 10, 0), (False, "Fermé, ouvre demain à 9 h")),
    ("not hours ((", datetime(2026, 12, 1, 10, 0), (None, "Horaires non reconnus")),
    (None, datetime(2026, 12, 1, 10, 0), (None, "Horaires non renseignés")),
])
def test_open_now(expression: str | None, now: datetime, expected: tuple[bool | None, str]) -> None:
    state = hours.open_now(expression, now.replace(tzinfo=PARIS))
    assert (state.open, state.text) == expected


def test_the_state_says_until_when_it_holds() -> None:
    state = hours.open_now(WEEKDAYS, datetime(2026, 12, 1, 10, 0, tzinfo=PARIS))
    assert state.until == datetime(2026, 12, 1, 12, 30, tzinfo=PARIS)


@pytest.mark.parametrize(("expression", "rows"), [
    (WEEKDAYS, [("Du lundi au vendredi", "9 h – 12 h 30, 14 h – 18 h")]),
    ("Tu,Th 14:00-18:00; Sa 10:00-12:00", [("Mardi et jeudi", "14 h – 18 h"), ("Samedi", "10 h – 12 h")]),
    ("Mo,We,Fr 08:00-20:00", [("Lundi, mercredi et vendredi", "8 h – 20 h")]),
    ("24/7", [("Du lundi au dimanche", "24 h sur 24")]),
    ("Mo-Fr 18:00-24:00", [("Du lundi au vendredi", "18 h – minuit")]),
    ("Jan-Jun Mo 09:00-12:00", []),  # seasonal: no weekly table rather than a wrong one
])
def test_weekly_rows(expression: str, rows: list[tuple[str, str]]) -> None:
    assert [(r.days, r.times) for r in hours.weekly(expression)] == rows
