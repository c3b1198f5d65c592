"""Good-practice use cases shared by reads and edits: lookup, mapping to the API, creation, places."""

import uuid
from typing import Any

from pydantic_core import to_jsonable_python
from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.auth import Member
from reseau_api.editorial import freshness, slugs
from reseau_api.places.models import Place
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW
from reseau_api.practices import fields, rendering
from reseau_api.practices.exceptions import ForeignPlaces, UnknownPlaces
from reseau_api.practices.models import Practice, PracticePlace
from reseau_api.practices.schemas import PlaceRef, PracticeRead, PracticeWrite
from reseau_api.practices.states import WORKFLOW

PLACE_PUBLIC = PLACE_WORKFLOW.public_sql(Place.moderation)

# API field -> column (the field table), for the write fields stored on the practice row (`lieux` lives in
# practice_place).
_FIELDS = fields.WRITE_COLUMNS


def etag(practice: Practice) -> str:
    """Strong ETag of a practice's representation: it changes exactly when `version` does."""
    return f'"{practice.id}-v{practice.version}"'


def detail_etag(practice: Practice) -> str:
    """The detail's ETag: `etag()`, plus the freshness when it is not `a_jour` (it changes with the clock
    alone, so a cached detail must revalidate when a threshold passes). `IfMatch` drops the suffix."""
    status = freshness.status(practice.verified_at)
    return etag(practice) if status == "a_jour" else f'"{practice.id}-v{practice.version}.t-{status}"'


async def get(session: AsyncSession, key: str) -> Practice | None:
    """A practice by UUID or slug, whatever its status (visibility is checked by the caller)."""
    try:
        condition = Practice.id == uuid.UUID(key)
    except ValueError:
        condition = Practice.slug == key
    return (await session.execute(select(Practice).where(condition))).scalar_one_or_none()


async def places_of(session: AsyncSession, practice_id: uuid.UUID) -> list[PlaceRef]:
    """The practice's places, published ones only (a place hidden since stays linked but unlisted)."""
    rows = (await session.execute(
        select(Place.id, Place.slug, Place.name, Place.department_code)
        .join(PracticePlace, PracticePlace.place_id == Place.id)
        .where(PracticePlace.practice_id == practice_id, PLACE_PUBLIC)
        .order_by(Place.sort_name, Place.id)
    )).all()
    return [PlaceRef(id=r.id, slug=r.slug, nom=r.name, departement=r.department_code) for r in rows]


async def place_ids(session: AsyncSession, practice_id: uuid.UUID) -> list[uuid.UUID]:
    """Every linked place id (for the editable representation)."""
    return list((await session.execute(
        select(PracticePlace.place_id).where(PracticePlace.practice_id == practice_id)
        .order_by(PracticePlace.place_id)
    )).scalars())


def to_read(practice: Practice, places: list[PlaceRef]) -> PracticeRead:
    api = {field: getattr(practice, column) for field, column in fields.DETAIL_COLUMNS.items()}
    api["fraicheur"] = freshness.status(practice.verified_at)  # decided by the clock, not stored
    return PracticeRead(lieux=places, **api)


def representation(practice: Practice, places: list[uuid.UUID]) -> dict[str, Any]:
    """The practice as PracticeWrite fields, JSON-ready: what a merge patch applies to and history stores."""
    data: dict[str, Any] = {field: getattr(practice, column) for field, column in _FIELDS.items()}
    data["lieux"] = sorted(str(p) for p in places)
    return to_jsonable_python(data)


async def apply(practice: Practice, data: PracticeWrite) -> None:
    """Copy validated content onto the row; render its HTML only when the Markdown changed (bounded, off
    the event loop: a 422 on `/contenu` when it takes too long)."""
    if practice.content_html is None or practice.content_md != data.contenu:
        practice.content_html = await rendering.render_bounded(data.contenu)
    for field, column in _FIELDS.items():
        setattr(practice, column, list(getattr(data, field)) if isinstance(getattr(data, field), list)
                else getattr(data, field))


async def set_places(session: AsyncSession, practice: Practice, ids: list[uuid.UUID], *,
                     actor: Member | None = None) -> None:
    """Replace the practice's places; each must be a published place (else 422 naming `/lieux/<i>`), and
    a member may only add its own organisation's places (a practice shows on every place it names)."""
    linked = set(await place_ids(session, practice.id)) if practice.id else set()
    if ids:
        rows = {r.id: r.organisation_id for r in (await session.execute(
            select(Place.id, Place.organisation_id).where(Place.id.in_(ids), PLACE_PUBLIC)
        )).all()}
        missing = [i for i, place_id in enumerate(ids) if place_id not in rows]
        if missing:
            raise UnknownPlaces(missing)
        if actor is not None and not actor.is_admin:
            foreign = [i for i, place_id in enumerate(ids)
                       if place_id not in linked and rows[place_id] != actor.organisation_id]
            if foreign:
                raise ForeignPlaces(foreign)
    await session.execute(delete(PracticePlace).where(PracticePlace.practice_id == practice.id))
    session.add_all([PracticePlace(practice_id=practice.id, place_id=place_id) for place_id in ids])
    await session.flush()


async def create(
    session: AsyncSession, data: PracticeWrite, *, organisation_id: uuid.UUID | None, publish: bool,
) -> Practice:
    """Insert a practice without history (demo data and tests; the API goes through the editorial kernel)."""
    state = WORKFLOW.public if publish else WORKFLOW.pending
    practice = Practice(slug=await slugs.allocate(session, Practice, [data.titre], public=publish,
                                                  fallback="bonne-pratique"),
                        organisation_id=organisation_id, status=state, published_at=func.now() if publish else None,
                        verified_at=func.now())
    await apply(practice, data)
    session.add(practice)
    await session.flush()
    await set_places(session, practice, data.lieux)
    await session.refresh(practice)
    return practice
