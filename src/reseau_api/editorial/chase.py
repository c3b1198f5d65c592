"""The admins' chase list: published records to confirm (`a_verifier`, `obsolete`), oldest first, with
the contact points of a reminder campaign (the owning organisation's, and the record's own).

One statement per page on `<table> r`: the freshness condition is a range on `verified_at`, and the
order (`verified_at NULLS FIRST, id`: never verified first) is the one `ix_<table>_verified_at_id`
walks, so a page reads `limit` rows however many records are stale.
"""

import csv
import io
import uuid
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.errors import InvalidParameter
from reseau_api.core.pagination import decode_cursor, encode_cursor
from reseau_api.core.spreadsheet import escape_cell
from reseau_api.editorial import freshness

if TYPE_CHECKING:
    from reseau_api.editorial.kernel import Editable

COUNT_LIMIT = 10_000
STALE = ["a_verifier", "obsolete"]
CSV_COLUMNS = ["objet", "id", "slug", "titre", "fraicheur", "verifie_le", "maj_le", "organisation",
               "organisation_nom", "organisation_email", "organisation_telephone", "email", "telephone", "lien"]


def _malformed() -> InvalidParameter:
    return InvalidParameter("curseur", "malformed cursor; use the `next` link as given")


def _after(cursor: str, params: dict[str, Any]) -> str:
    """The keyset condition after the cursor's (verified_at or null, id): nulls come first."""
    verified, key = decode_cursor(cursor, "a-relancer", 2)
    try:
        params["c_id"] = uuid.UUID(str(key))
        moment = datetime.fromisoformat(verified) if verified is not None else None
    except (TypeError, ValueError):
        raise _malformed() from None
    if moment is None:
        return "((r.verified_at IS NULL AND r.id > :c_id) OR r.verified_at IS NOT NULL)"
    if moment.tzinfo is None:
        raise _malformed()
    params["c_verified"] = moment
    return "(r.verified_at, r.id) > (CAST(:c_verified AS timestamptz), :c_id)"


async def page(
    session: AsyncSession, res: "Editable[Any]", *, statuses: list[str], departments: list[str], limit: int,
    cursor: str | None,
) -> tuple[list[dict[str, Any]], int, bool, str | None]:
    """(items, total, total capped, next cursor), never verified first, then oldest verification."""
    email, phone = res.contact_sql
    where = [str(res.workflow.public_sql(f"r.{res.state_column}")),
             freshness.condition("r.verified_at", statuses or STALE)]
    params: dict[str, Any] = {}
    if departments:
        where.append(f"{res.departments_sql} && CAST(:departments AS text[])")
        params["departments"] = departments
    count_where = " AND ".join(where)
    count_params = dict(params)
    if cursor:
        where.append(_after(cursor, params))
    rows = (await session.execute(text(f"""
        SELECT r.id, r.slug, r.{res.title_column}::text AS titre, r.verified_at, r.updated_at,
               {freshness.status_sql("r.verified_at")} AS fraicheur, r.organisation_id,
               o.name AS organisation_nom, o.email AS organisation_email, o.phone AS organisation_telephone,
               {email} AS email, {phone} AS telephone
        FROM {res.table} r LEFT JOIN organisation o ON o.id = r.organisation_id
        WHERE {" AND ".join(where)}
        ORDER BY r.verified_at NULLS FIRST, r.id LIMIT :limit
    """), {**params, "limit": limit + 1})).mappings().all()
    total = (await session.execute(text(
        f"SELECT count(*) FROM (SELECT 1 FROM {res.table} r WHERE {count_where} LIMIT {COUNT_LIMIT + 1}) c"
    ), count_params)).scalar_one()
    more = len(rows) > limit
    rows = rows[:limit]
    items = [{
        "objet": res.kind, "id": row["id"], "slug": row["slug"], "titre": row["titre"],
        "fraicheur": row["fraicheur"], "verifie_le": row["verified_at"], "maj_le": row["updated_at"],
        "organisation": None if row["organisation_id"] is None else {
            "id": row["organisation_id"], "nom": row["organisation_nom"], "email": row["organisation_email"],
            "telephone": row["organisation_telephone"]},
        "contact": {"email": row["email"], "telephone": row["telephone"]},
        "lien": f"/v1{res.path}/{row['id']}", "confirmation": f"/v1{res.path}/{row['id']}/confirmation",
    } for row in rows]
    last = rows[-1] if rows else None
    next_cursor = (encode_cursor("a-relancer", [last["verified_at"].isoformat() if last["verified_at"] else None,
                                                str(last["id"])]) if more and last else None)
    return items, min(total, COUNT_LIMIT), total > COUNT_LIMIT, next_cursor


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    return value.isoformat() if isinstance(value, datetime) else escape_cell(str(value))


def csv_body(items: list[dict[str, Any]]) -> bytes:
    """The page as CSV (UTF-8 with BOM for spreadsheets), every text cell escaped (core/spreadsheet.py)."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    buffer.write("\ufeff")
    writer.writerow(CSV_COLUMNS)
    for item in items:
        organisation = item["organisation"] or {}
        writer.writerow([_cell(v) for v in (
            item["objet"], item["id"], item["slug"], item["titre"], item["fraicheur"], item["verifie_le"],
            item["maj_le"], organisation.get("id"), organisation.get("nom"), organisation.get("email"),
            organisation.get("telephone"), item["contact"]["email"], item["contact"]["telephone"], item["lien"],
        )])
    return buffer.getvalue().encode()
