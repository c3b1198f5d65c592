"""Place use cases: read one, create (validated against the department), and the mapping
between the French API fields and the columns."""

import hashlib
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, date, datetime
from typing import Any

from geoalchemy2 import WKTElement
from opening_hours import OpeningHours
from pydantic_core import to_jsonable_python
from sqlalchemy import ARRAY, Text, cast, func, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.geo import SRID
from reseau_api.editorial import freshness, history, slugs
from reseau_api.places import fields
from reseau_api.places.exceptions import PositionOutsideDepartment
from reseau_api.places.models import Place
from reseau_api.places.schemas import Closure, Identifiers, PlaceRead, PlaceWrite, Position, Telework
from reseau_api.places.states import WORKFLOW
from reseau_api.shared.time import PARIS

PRACTICES_TAG_SEPARATOR = ".bp-"

# What a place's detail lists from domains above places (good practices register their query here at
# import), so that places imports none of them: (session, place id) -> rows with id, slug, title, version.
LinkedRecords = Callable[[AsyncSession, uuid.UUID], Awaitable[list[Any]]]
linked_practices: LinkedRecords | None = None


# The same rows as SQL over the place aliased `p` (id, slug, title, version, and `n`, their rank), for the
# detail's single statement (queries.detail); registered with `linked_practices`.
linked_practices_sql: str | None = None


async def practices_of(session: AsyncSession, place_id: uuid.UUID) -> list[Any]:
    return await linked_practices(session, place_id) if linked_practices is not None else []

DEPARTMENT_TOLERANCE_M = 2000

# API field -> column (the field table), for the flat write fields; position and teletravail are nested.
_FIELDS = fields.WRITE_COLUMNS
_TELEWORK = fields.TELEWORK_COLUMNS

IDENTIFIERS = fields.IDENTIFIER_COLUMNS  # identifiants.<field> -> column


def to_columns(data: PlaceWrite) -> dict[str, Any]:
    values = {column: getattr(data, field) for field, column in _FIELDS.items()}
    values["email"] = str(data.email) if data.email else None
    values.update({column: getattr(data.teletravail, field) for field, column in _TELEWORK.items()})
    values.update({column: getattr(data.identifiants, field) for field, column in IDENTIFIERS.items()})
    values["geom"] = point(data.position) if data.position else None
    values["closures"] = [c.model_dump(mode="json") for c in data.fermetures]
    return values


# --- Dated closures: they expire by themselves (a closure whose last day has passed counts for nothing) ---

def _closure_days(closure: dict[str, Any]) -> tuple[date, date]:
    return date.fromisoformat(closure["du"]), date.fromisoformat(closure["au"])


def closure_on(closures: list[dict[str, Any]] | None, day: date) -> dict[str, Any] | None:
    """The stored closure covering `day` (a Europe/Paris date), if any."""
    for closure in closures or []:
        first, last = _closure_days(closure)
        if first <= day <= last:
            return closure
    return None


def pending_closures(closures: list[dict[str, Any]] | None, day: date) -> list[dict[str, Any]]:
    """The closures not ended on `day`: what the public sees."""
    return [c for c in closures or [] if _closure_days(c)[1] >= day]


def today() -> date:
    return datetime.now(PARIS).date()


def point(position: Position) -> WKTElement:
    return WKTElement(f"POINT({float(position.lon)} {float(position.lat)})", srid=SRID)


def is_open_at(expression: str | None, moment: datetime,
               closures: list[dict[str, Any]] | None = None) -> bool | None:
    """Open at `moment` per an opening_hours expression (French holidays) and the dated closures (a closed
    day is closed whatever the hours say); None when unknown."""
    local_day = (moment.astimezone(PARIS) if moment.tzinfo else moment.replace(tzinfo=PARIS)).date()
    if closure_on(closures, local_day) is not None:
        return False
    if not expression:
        return None
    try:
        hours = OpeningHours(expression, timezone=PARIS, country="FR")
        local = moment.astimezone(PARIS) if moment.tzinfo else moment.replace(tzinfo=PARIS)
        if hours.is_unknown(local):
            return None
        return hours.is_open(local)
    except (SyntaxError, ValueError):
        return None


def etag(place: Place) -> str:
    """Strong ETag of a place's representation: it changes exactly when `version` does."""
    return f'"{place.id}-v{place.version}"'


def detail_etag(place: Place, practices: list[Any], read: PlaceRead | None = None) -> str:
    """ETag of the place's detail: its version, plus a digest of its listed good practices' (id, version)
    when it has any, plus a digest of what the clock changes (`fraicheur`, the closures shown) when that
    is not "a_jour, no closure": a cached detail then revalidates when a threshold passes or a closure
    starts or ends. `IfMatch` reduces it to `etag(place)` (see editing.py)."""
    tag = version_tag(place.id, place.version, ",".join(f"{p.id}:{p.version}" for p in practices))
    if read is not None:
        tag += time_tag(read.fraicheur, [read.fermeture_en_cours, *read.fermetures])
    return f'"{tag}"'


def version_tag(place_id: uuid.UUID, version: int, practices: str | None) -> str:
    """`<id>-v<version>`, then a digest of its practices' `id:version,…` when it has any."""
    tag = f"{place_id}-v{version}"
    if practices:
        tag += PRACTICES_TAG_SEPARATOR + hashlib.sha256(practices.encode()).hexdigest()[:16]
    return tag


def time_tag(status: str, closures: list[Any]) -> str:
    """The ETag part of what changes with the clock alone; empty for a fresh record without closures."""
    shown = [c.model_dump(mode="json") if isinstance(c, Closure) else c for c in closures if c is not None]
    if status == "a_jour" and not shown:
        return ""
    return ".t-" + hashlib.sha256(repr((status, shown)).encode()).hexdigest()[:12]


def to_read(place: Place, *, now: datetime | None = None) -> PlaceRead:
    now = now or datetime.now(UTC)
    day = now.astimezone(PARIS).date()
    position = Position(lon=place.lon, lat=place.lat) if place.lon is not None else None
    api = {field: getattr(place, column) for field, column in fields.DETAIL_COLUMNS.items()}
    telework = Telework.model_construct(**{f: getattr(place, c) for f, c in _TELEWORK.items()})
    current = closure_on(place.closures, day)
    # What the clock decides: the freshness, and which closures still show (past ones expire by themselves).
    api.update(fraicheur=freshness.status(place.verified_at, now), fermetures=pending_closures(place.closures, day),
               ferme_temporairement=current is not None, fermeture_en_cours=current,
               provenance=place.provenance or {})
    identifiers = Identifiers.model_construct(**{f: getattr(place, c) for f, c in IDENTIFIERS.items()})
    return PlaceRead(position=position, teletravail=telework, identifiants=identifiers, **api)


async def get(session: AsyncSession, key: str, *, published_only: bool = True) -> Place | None:
    """A place by UUID or slug."""
    try:
        condition = Place.id == uuid.UUID(key)
    except ValueError:
        condition = Place.slug == key
    query = select(Place).where(condition)
    if published_only:
        query = query.where(WORKFLOW.public_sql(Place.moderation))
    return (await session.execute(query)).scalar_one_or_none()


async def check_position(session: AsyncSession, departement: str, position: Position | None) -> None:
    """The point must fall in its department or within 2 km of it (geocoding slack near borders)."""
    if position is None:
        return
    distance = (await session.execute(
        text("""
            SELECT ST_Distance(geom::geography, ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography)
            FROM departement WHERE code = :code
        """),
        {"lon": position.lon, "lat": position.lat, "code": departement},
    )).scalar_one()
    if distance > DEPARTMENT_TOLERANCE_M:
        raise PositionOutsideDepartment(departement, round(distance))


async def create(
    session: AsyncSession, data: PlaceWrite, *, moderation: str = WORKFLOW.pending,
    organisation_id: uuid.UUID | None = None, source: str | None = None, source_id: str | None = None,
    verified: bool = True, provenance: str | None = None,
) -> Place:
    """Validate against the department, then insert, without history (demo data and tests; the API and
    the import go through the editorial kernel). `verified`: verified now (else never, `a_verifier`);
    `provenance`: an import source to stamp its fields with (the census). Flushes; the caller commits."""
    await check_position(session, data.departement, data.position)
    slug = await slugs.allocate(session, Place, [data.nom, data.commune], public=WORKFLOW.is_public(moderation),
                                fallback="lieu")
    place = Place(
        slug=slug, moderation=moderation,
        organisation_id=organisation_id, source=source, source_id=source_id, **to_columns(data),
    )
    if verified:
        place.verified_at = func.now()
    if provenance is not None:
        fields = sorted(history.creation_changes(data.model_dump(mode="json")))
        place.provenance = func.provenance_stamp(cast(fields, ARRAY(Text)), "import", provenance)
    session.add(place)
    await session.flush()
    await session.refresh(place)
    return place


async def count(session: AsyncSession) -> int:
    return (await session.execute(select(func.count()).select_from(Place))).scalar_one()


# --- The editable representation (used by editing and history) ---


def representation(place: Place) -> dict[str, Any]:
    """The place as PlaceWrite fields, JSON-ready: what a merge patch applies to and history stores."""
    data: dict[str, Any] = {field: getattr(place, column) for field, column in _FIELDS.items()}
    data["teletravail"] = {field: getattr(place, column) for field, column in _TELEWORK.items()}
    data["position"] = {"lon": place.lon, "lat": place.lat} if place.lon is not None else None
    data["identifiants"] = {field: getattr(place, column) for field, column in IDENTIFIERS.items()}
    return to_jsonable_python(data)
