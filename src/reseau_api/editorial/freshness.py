"""How current a listing is: `a_jour`, `a_verifier` or `obsolete`, from `verified_at` and the clock.

`verified_at` (`verifie_le`) is when the owner or an admin last said the record is accurate: a
confirmation (`POST …/confirmation`, which changes no field) or any edit written with a key. The status
compares it with two thresholds (RESEAU_FRAICHEUR_A_VERIFIER_JOURS, default 180, and
RESEAU_FRAICHEUR_OBSOLETE_JOURS, default 365): verified within the first → `a_jour`; before the second →
`obsolete`; in between, or never verified (NULL: the census places) → `a_verifier`.

It is a function of `verified_at` and now only, so a filter on it is a range on `verified_at` (the btree
`ix_<table>_verified_at` walks it), never a per-row expression; lists compute the label in the same
statement with the same `now()`.
"""

from datetime import UTC, datetime, timedelta
from typing import Literal

from reseau_api.core.config import get_settings

FRESHNESS = ("a_jour", "a_verifier", "obsolete")
Freshness = Literal["a_jour", "a_verifier", "obsolete"]


def _days() -> tuple[int, int]:
    settings = get_settings()
    return int(settings.fraicheur_a_verifier_jours), int(settings.fraicheur_obsolete_jours)


def status(verified_at: datetime | None, now: datetime | None = None) -> Freshness:
    if verified_at is None:
        return "a_verifier"
    now = now or datetime.now(UTC)
    check, obsolete = _days()
    if verified_at >= now - timedelta(days=check):
        return "a_jour"
    return "obsolete" if verified_at < now - timedelta(days=obsolete) else "a_verifier"


def _cutoffs() -> tuple[str, str]:
    check, obsolete = _days()  # integers from the settings: constants, not client text
    return f"now() - interval '{check} days'", f"now() - interval '{obsolete} days'"


def status_sql(column: str) -> str:
    """The status as a SQL expression (the same rule as `status`, at the statement's `now()`)."""
    check, obsolete = _cutoffs()
    return (f"CASE WHEN {column} >= {check} THEN 'a_jour' WHEN {column} < {obsolete} THEN 'obsolete' "
            "ELSE 'a_verifier' END")


def condition(column: str, statuses: list[str]) -> str:
    """Records in any of `statuses`, as ranges on `column` (indexable)."""
    check, obsolete = _cutoffs()
    ranges = {
        "a_jour": f"{column} >= {check}",
        "a_verifier": f"({column} < {check} AND {column} >= {obsolete}) OR {column} IS NULL",
        "obsolete": f"{column} < {obsolete}",
    }
    return "(" + " OR ".join(f"({ranges[s]})" for s in sorted(set(statuses))) + ")"
