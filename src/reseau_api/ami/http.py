"""Response helpers of the AMI read endpoints: ETag / 304, Cache-Control, and spreadsheet-friendly CSV.

CSV choice (documented in the README): UTF-8 with a BOM, `;` between fields, `,` as the decimal
mark, CRLF line ends. That is what a spreadsheet set to French opens directly (Excel reads the BOM
as UTF-8 and `;` as its list separator); elsewhere, choose `;` in the import dialog.
"""

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.responses import Response

from reseau_api.core.http import body_etag, not_modified
from reseau_api.core.spreadsheet import escape_cell

CACHE_CONTROL = "public, max-age=300"
CSV_MEDIA_TYPE = "text/csv; charset=utf-8"
BOM = "\ufeff"


class GeoJSONBody(JSONResponse):
    """`application/geo+json` built by PostGIS and sent as is.

    A JSONResponse subclass only so that FastAPI documents the route's response model under this
    media type (core's GeoJSONResponse is a plain Response, documented as a bare string).
    """

    media_type = "application/geo+json"

    def render(self, content: Any) -> bytes:
        return content if isinstance(content, bytes) else super().render(content)


def cached(
    request: Request, body: bytes, media_type: str, headers: dict[str, str] | None = None,
    response_class: type[Response] = Response,
) -> Response:
    """200 with ETag and Cache-Control, or 304 when the client already holds this exact body."""
    etag = body_etag(body)
    common = {"ETag": etag, "Cache-Control": CACHE_CONTROL}
    if not_modified(request, etag):
        return Response(status_code=304, headers=common)
    return response_class(body, media_type=media_type, headers={**common, **(headers or {})})


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        text = f"{value:.4f}".rstrip("0").rstrip(".")
        return text.replace(".", ",")
    if isinstance(value, list | tuple):
        return escape_cell("|".join(str(v) for v in value))
    return escape_cell(value)


def csv_bytes(
    header: Sequence[str], rows: Iterable[Sequence[Any]], footer: Sequence[Sequence[str]] = (),
) -> bytes:
    """The table, then (after an empty line) the footer lines, e.g. the source of the figures."""
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([_cell(v) for v in row] for row in rows)
    if footer:
        writer.writerow([])
        writer.writerows([escape_cell(v) for v in row] for row in footer)
    return (BOM + out.getvalue()).encode("utf-8")


def csv_response(request: Request, body: bytes, filename: str) -> Response:
    return cached(request, body, CSV_MEDIA_TYPE,
                  headers={"Content-Disposition": f'attachment; filename="{filename}"'})


def provenance_footer(source: str | None, reconstructed: bool | None) -> list[list[str]]:
    label = {True: "oui", False: "non", None: ""}[reconstructed]
    return [["source", source or ""], ["reconstruit", label]]
