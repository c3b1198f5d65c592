"""The import report: one entry per row (accepted, updated, unchanged or rejected, with reasons), as JSON
(French field names, like the rest of the API) and as a readable summary."""

from dataclasses import dataclass, field
from typing import Any, Literal
from uuid import UUID

from reseau_api.opendata.native import Reason

Status = Literal["accepted", "updated", "unchanged", "rejected"]
STATUSES: tuple[Status, ...] = ("accepted", "updated", "unchanged", "rejected")
# Report codes, in the API's French vocabulary.
STATUS_CODES: dict[str, str] = {
    "accepted": "accepte", "updated": "mis_a_jour", "unchanged": "inchange", "rejected": "rejete",
}


@dataclass
class RowResult:
    line: int
    source_id: str | None
    status: Status
    place_id: UUID | None = None
    reasons: list[Reason] = field(default_factory=list)
    warnings: list[Reason] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # native columns that changed (updated rows)

    def as_json(self) -> dict[str, Any]:
        return {
            "ligne": self.line, "source_id": self.source_id, "statut": STATUS_CODES[self.status],
            "lieu": str(self.place_id) if self.place_id else None,
            "raisons": [r.as_json() for r in self.reasons],
            "avertissements": [w.as_json() for w in self.warnings],
            "champs_modifies": self.changed,
        }


@dataclass
class ImportReport:
    file: str
    format: str
    encoding: str
    delimiter: str | None
    mapping: str | None
    partial: bool
    dry_run: bool
    rows: list[RowResult] = field(default_factory=list)
    applied: bool = False
    ignored_columns: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def count(self, status: Status) -> int:
        return sum(1 for r in self.rows if r.status == status)

    @property
    def rejected(self) -> int:
        return self.count("rejected")

    def as_json(self) -> dict[str, Any]:
        return {
            "fichier": self.file, "format": self.format, "encodage": self.encoding,
            "separateur": self.delimiter, "mapping": self.mapping,
            "mode": "partiel" if self.partial else "tout_ou_rien", "simulation": self.dry_run,
            "applique": self.applied,
            "totaux": {"lignes": len(self.rows), **{STATUS_CODES[s]: self.count(s) for s in STATUSES}},
            "colonnes_ignorees": self.ignored_columns, "avertissements": self.warnings,
            "lignes": [r.as_json() for r in self.rows],
        }

    def summary(self, *, max_rejected: int = 200) -> str:
        """Counts per status, then the rejected rows with their reasons, then what happened."""
        separator = {";": "';'", ",": "','", "\t": "tab"}.get(self.delimiter or "", "")
        shape = ", ".join(x for x in (self.format, self.encoding, separator) if x)
        lines = [f"{self.file} ({shape})" + (f", mapping {self.mapping}" if self.mapping else "")
                 + f": {len(self.rows)} rows" + (" [dry run]" if self.dry_run else "")]
        lines += [f"  {status:<10} {self.count(status):>6}" for status in STATUSES]
        if self.ignored_columns:
            lines.append(f"  columns not read: {', '.join(self.ignored_columns)}")
        lines += [f"  note: {w}" for w in self.warnings]
        rejected = [r for r in self.rows if r.status == "rejected"]
        if rejected:
            lines.append("Rejected rows:")
            for row in rejected[:max_rejected]:
                why = "; ".join(f"{r.field}: {r.message}" if r.field else r.message for r in row.reasons)
                ident = f" (source_id {row.source_id})" if row.source_id else ""
                lines.append(f"  line {row.line}{ident}: {why}")
            if len(rejected) > max_rejected:
                lines.append(f"  … and {len(rejected) - max_rejected} more (see the JSON report)")
        lines.append(self.outcome())
        return "\n".join(lines)

    def outcome(self) -> str:
        if self.dry_run:
            if self.rejected and not self.partial:
                return (f"Dry run: nothing stored. As is, the import would fail: {self.rejected} row(s) "
                        "rejected (all-or-nothing).")
            return "Dry run: nothing stored. Run again without --dry-run to apply these changes."
        if not self.applied:
            return (f"Nothing was stored: {self.rejected} row(s) rejected (all-or-nothing). "
                    "Fix them, or use --partiel to keep the valid rows.")
        kept = f"; {self.rejected} rejected row(s) left out" if self.rejected else ""
        return (f"Stored: {self.count('accepted')} place(s) created, {self.count('updated')} updated, "
                f"{self.count('unchanged')} unchanged{kept}.")
