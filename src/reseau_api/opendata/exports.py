"""The open data files: the directory as CSV and GeoJSON, the digital-mediation places in the national
schema (CSV and JSON), the open places as data·inclusion structures and services (JSON). The API builds
each once per data version of the places (`core.versions`) and serves it from memory with a strong ETag
and an RFC 9530 `Repr-Digest`; `reseau-api export` writes the same bytes to a folder, with a SHA256SUMS file.
"""

import asyncio
import base64
import csv
import hashlib
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request
from starlette.responses import Response

from reseau_api.core import versions
from reseau_api.core.db import raw_connection
from reseau_api.core.http import not_modified
from reseau_api.core.spreadsheet import escape_cell
from reseau_api.opendata import datainclusion, mednum, queries
from reseau_api.places.filters import PlaceFilters
from reseau_api.places.queries import csv_body

CACHE_CONTROL = "public, max-age=300, stale-while-revalidate=600"
CSV = "text/csv; charset=utf-8"
GEOJSON = "application/geo+json"
JSON = "application/json"


async def places_csv(session: AsyncSession) -> bytes:
    """Every published place, with the columns of `/v1/lieux?f=csv` (same code), UTF-8 with BOM."""
    body = await csv_body(session, PlaceFilters())
    assert body is not None  # no row limit
    return body


async def places_geojson(session: AsyncSession) -> bytes:
    return (await queries.places_feature_collection(session)).encode()


async def mediation_csv(session: AsyncSession) -> bytes:
    """The schema's columns in its order, UTF-8 without BOM, comma-separated."""
    records, _ = await mednum.records(session)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=mednum.FIELDS, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows({k: escape_cell(v) for k, v in r.items()} for r in records)
    return buffer.getvalue().encode()


async def mediation_json(session: AsyncSession) -> bytes:
    """The same records as a JSON array, empty fields left out."""
    records, _ = await mednum.records(session)
    compact = [{k: v for k, v in r.items() if v != ""} for r in records]
    return json.dumps(compact, ensure_ascii=False, separators=(",", ":")).encode()


async def data_inclusion_structures(session: AsyncSession) -> bytes:
    """The open published places as data·inclusion structures (a JSON array, absent fields left out)."""
    return json.dumps(await datainclusion.structures_records(session), ensure_ascii=False,
                      separators=(",", ":")).encode()


async def data_inclusion_services(session: AsyncSession) -> bytes:
    return json.dumps(await datainclusion.services_records(session), ensure_ascii=False,
                      separators=(",", ":")).encode()


@dataclass(frozen=True)
class ExportFile:
    name: str
    media_type: str
    build: Callable[[AsyncSession], Awaitable[bytes]]


FILES = (
    ExportFile("lieux.csv", CSV, places_csv),
    ExportFile("lieux.geojson", GEOJSON, places_geojson),
    ExportFile("mediation-numerique.csv", CSV, mediation_csv),
    ExportFile("mediation-numerique.json", JSON, mediation_json),
    ExportFile("data-inclusion-structures.json", JSON, data_inclusion_structures),
    ExportFile("data-inclusion-services.json", JSON, data_inclusion_services),
)


def sha256_hex(body: bytes) -> str:
    return hashlib.sha256(body).hexdigest()


def repr_digest(body: bytes) -> str:
    """RFC 9530 `Repr-Digest` value: `sha-256=:<base64 of the SHA-256 of the body>:`."""
    return f"sha-256=:{base64.b64encode(hashlib.sha256(body).digest()).decode()}:"


@dataclass(frozen=True)
class Built:
    """One export file as built for one data version of the places."""

    version: int
    body: bytes
    etag: str  # the body's SHA-256, hex, quoted
    digest: str  # RFC 9530 Repr-Digest value


_built: dict[str, Built] = {}
_building: dict[str, asyncio.Lock] = {}


async def current(session: AsyncSession, name: str) -> Built:
    """The export file `name` for the data this session sees: built once per data version (per worker
    process) and served from memory until a write changes the places; a 304 costs one indexed read."""
    export = next(e for e in FILES if e.name == name)
    version = await versions.current(await raw_connection(session), "place")  # before the data: see versions
    built = _built.get(name)
    if built is not None and built.version == version:
        return built
    async with _building.setdefault(name, asyncio.Lock()):  # concurrent requests: one build, the rest wait
        built = _built.get(name)
        if built is None or built.version != version:
            body = await export.build(session)
            built = Built(version, body, f'"{sha256_hex(body)}"', repr_digest(body))
            _built[name] = built
    return built


def hashed_response(request: Request, built: Built, *, media_type: str, filename: str) -> Response:
    """200 with the body, or 304 when If-None-Match names its ETag (the body's SHA-256)."""
    headers = {"ETag": built.etag, "Repr-Digest": built.digest, "Cache-Control": CACHE_CONTROL,
               "Content-Disposition": f'attachment; filename="{filename}"'}
    if not_modified(request, built.etag):
        del headers["Content-Disposition"]
        return Response(status_code=304, headers=headers)
    return Response(built.body, media_type=media_type, headers=headers)


async def build_all(session: AsyncSession) -> list[tuple[str, bytes]]:
    """Every export file's name and bytes (the bytes the API serves)."""
    return [(export.name, await export.build(session)) for export in FILES]


def write_folder(folder: Path, files: list[tuple[str, bytes]]) -> list[tuple[str, int, str]]:
    """Write the files and a SHA256SUMS; return (name, size, sha256) of each."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for name, body in files:
        (folder / name).write_bytes(body)
        written.append((name, len(body), sha256_hex(body)))
    (folder / "SHA256SUMS").write_text("".join(f"{digest}  {name}\n" for name, _, digest in written))
    return written
