from typing import Any

from reseau_api.core.errors import InvalidBody, PayloadTooLarge, ReseauError


class ImportFileError(ValueError):
    """The file as a whole cannot be imported (encoding, header, size, shape): no row is looked at."""


class ImportFileTooLarge(ImportFileError):
    pass


class ImportFileRejected(InvalidBody):
    """422 for a file that cannot be read as an import (bad header, unknown column, not GeoJSON…)."""

    def __init__(self, message: str) -> None:
        super().__init__([{"in": "body", "pointer": "/fichier", "detail": message}], detail=message)


class ImportTooLarge(PayloadTooLarge):
    pass


class ImportRowsRejected(ReseauError):
    """422 when rows are invalid in all-or-nothing mode: nothing was stored; the report says why."""

    status, slug = 422, "corps-invalide"

    def __init__(self, report: dict[str, Any], rejected: int) -> None:
        errors = [
            {"in": "body", "pointer": f"/fichier/lignes/{row['ligne']}" + (f"/{r['champ']}" if r["champ"] else ""),
             "detail": r["message"]}
            for row in report["lignes"] if row["statut"] == "rejete" for r in row["raisons"]
        ][:100]
        super().__init__(
            f"{rejected} row(s) rejected; nothing was stored (all-or-nothing). "
            "Fix them, or send partiel=true to keep the valid rows.",
            errors=errors, extra={"rapport": report},
        )
