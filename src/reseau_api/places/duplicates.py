"""Identifiers unique among published places, and the possible duplicates of a new place.

Two rules, one per kind of evidence:
- An identifier (SIRET, RNA, OpenStreetMap, acceslibre, data·inclusion, census) names one establishment:
  two published places never share one (partial unique indexes; a write that would break it is a 409
  naming the other listing and the field).
- A new place that shares an identifier with a published place, or lies within PROXIMITY_M metres
  (geodesic) of a published or pending place with a similar name (pg_trgm `similarity` of the
  accent-free, lower-case names at least NAME_SIMILARITY), is a *possible duplicate*. A member's place
  waits for moderation anyway; it is recorded (place_duplicate) and the admins' queue lists it as
  `doublon` with links to the other listings. What would make a second *published* listing is stopped:
  the import creates a row that may duplicate a published place pending instead of published (the report
  says so); an admin's `publier=true` creation of one is a 409 (create it pending, decide in the queue);
  publishing a pending place whose identifier a published place holds is a 409.
"""

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.errors import Conflict
from reseau_api.places.models import Place, PlaceDuplicate
from reseau_api.places.schemas import PlaceWrite, Position
from reseau_api.places.service import IDENTIFIERS
from reseau_api.places.states import WORKFLOW

PROXIMITY_M = 50
NAME_SIMILARITY = 0.3  # pg_trgm's own default threshold: "la fabrique" / "la fabrique coworking montpellier" 0.35
MAX_FOUND = 10

_FIELD_OF = {column: field for field, column in IDENTIFIERS.items()}
_LABEL = {"siret": "SIRET", "rna": "RNA number", "osm": "OpenStreetMap id", "acceslibre": "acceslibre id",
          "data_inclusion": "data·inclusion id", "recensement_2019": "2019 census id"}


@dataclass
class Duplicate:
    id: uuid.UUID
    slug: str
    name: str
    moderation: str
    reasons: list[str]
    distance_m: int | None = None
    similarity: float | None = None


def link(place_id: uuid.UUID) -> str:
    return f"/v1/lieux/{place_id}"


class IdentifierTaken(Conflict):
    def __init__(self, field: str, value: str, other: Duplicate) -> None:
        self.field = field
        detail = (f"{_LABEL[field]} {value} is already the identifier of the published place {other.name!r} "
                  f"({link(other.id)}): two published places never share one.")
        super().__init__(detail, errors=[{"in": "body", "pointer": f"/identifiants/{field}", "detail": detail}],
                         extra={"lieu_en_conflit": _ref(other)})


class PossibleDuplicate(Conflict):
    def __init__(self, other: Duplicate) -> None:
        super().__init__(
            f"This place may duplicate {other.name!r} ({link(other.id)}, {other.distance_m} m away, similar name): "
            "create it without `publier` so that it waits in the moderation queue (`doublon`), then decide there.",
            extra={"lieu_en_conflit": _ref(other)})


def _ref(other: Duplicate) -> dict[str, Any]:
    return {"id": str(other.id), "slug": other.slug, "nom": other.name, "lien": link(other.id)}


@dataclass(frozen=True)
class Candidate:
    """What a place will be: its id (None when new), name, identifiers (column -> value) and position."""

    id: uuid.UUID | None
    name: str
    identifiers: dict[str, str]
    position: Position | None


def candidate(data: PlaceWrite, place_id: uuid.UUID | None = None) -> Candidate:
    """A place with the content of `data`, before anything is written."""
    values = {column: getattr(data.identifiants, field) for field, column in IDENTIFIERS.items()}
    return Candidate(place_id, data.nom, {k: v for k, v in values.items() if v}, data.position)


def stored(place: Place) -> Candidate:
    values = {column: getattr(place, column) for column in IDENTIFIERS.values()}
    position = Position(lon=place.lon, lat=place.lat) if place.lon is not None else None
    return Candidate(place.id, place.name, {k: v for k, v in values.items() if v}, position)


async def identifier_holders(session: AsyncSession, place: Candidate) -> list[tuple[str, Duplicate]]:
    """(API field, published place) for each identifier of `place` that another published place holds.
    Each branch of the OR walks its partial unique index."""
    values = place.identifiers
    if not values:
        return []
    branches = " OR ".join(f"{column} = :{column}" for column in values)
    rows = (await session.execute(text(f"""
        SELECT id, slug, name, moderation, {', '.join(values)} FROM place
        WHERE {WORKFLOW.public_sql('moderation')} AND ({branches}) AND id IS DISTINCT FROM CAST(:self AS uuid)
        ORDER BY id LIMIT {MAX_FOUND}
    """), {**values, "self": place.id})).mappings().all()
    return [(_FIELD_OF[column], Duplicate(row["id"], row["slug"], row["name"], row["moderation"], [_FIELD_OF[column]]))
            for row in rows for column in values if row[column] == values[column]]


async def close_places(session: AsyncSession, place: Candidate, *, published_only: bool = False) -> list[Duplicate]:
    """Published (and, unless `published_only`, pending) places within PROXIMITY_M metres with a similar
    name, nearest first (ST_DWithin on the geography index)."""
    if place.position is None:
        return []
    states = [WORKFLOW.public.value] if published_only else [WORKFLOW.public.value, WORKFLOW.pending.value]
    rows = (await session.execute(text(f"""
        WITH origin AS (SELECT ST_SetSRID(ST_MakePoint(:lon, :lat), 4326)::geography AS g,
                               lower(f_unaccent(:name)) AS name)
        SELECT p.id, p.slug, p.name, p.moderation, round(ST_Distance(p.geom::geography, o.g))::int AS distance_m,
               round(similarity(p.sort_name, o.name)::numeric, 2)::float8 AS similarity
        FROM place p, origin o
        WHERE ST_DWithin(p.geom::geography, o.g, {PROXIMITY_M})
          AND p.moderation IN ({', '.join(repr(state) for state in states)})
          AND p.id IS DISTINCT FROM CAST(:self AS uuid) AND similarity(p.sort_name, o.name) >= {NAME_SIMILARITY}
        ORDER BY distance_m, p.id LIMIT {MAX_FOUND}
    """), {"lon": float(place.position.lon), "lat": float(place.position.lat), "name": place.name,
           "self": place.id})).mappings().all()
    return [Duplicate(r["id"], r["slug"], r["name"], r["moderation"], ["proximite"], r["distance_m"], r["similarity"])
            for r in rows]


async def find(session: AsyncSession, place: Candidate, *, published_only: bool = False) -> list[Duplicate]:
    """Every possible duplicate of `place`, merged per listing: published places sharing an identifier,
    published (and pending) places close by with a similar name."""
    found: dict[uuid.UUID, Duplicate] = {}
    for _, other in await identifier_holders(session, place):
        found.setdefault(other.id, Duplicate(other.id, other.slug, other.name, other.moderation, []))
        found[other.id].reasons.extend(other.reasons)
    for other in await close_places(session, place, published_only=published_only):
        kept = found.setdefault(other.id, Duplicate(other.id, other.slug, other.name, other.moderation, []))
        kept.reasons.append("proximite")
        kept.distance_m, kept.similarity = other.distance_m, other.similarity
    return list(found.values())


async def check(session: AsyncSession, place: Candidate, *, new: bool) -> None:
    """A place about to be public: no identifier of another published place (409), and, when new, no
    possible duplicate of a published place (409: it goes through the queue)."""
    for field, other in await identifier_holders(session, place):
        raise IdentifierTaken(field, place.identifiers[IDENTIFIERS[field]], other)
    if new:
        close = await close_places(session, place, published_only=True)
        if close:
            raise PossibleDuplicate(close[0])


async def record(session: AsyncSession, place_id: uuid.UUID, found: list[Duplicate]) -> None:
    """Store what was found for a new place (flushes)."""
    for other in found:
        session.add(PlaceDuplicate(place_id=place_id, other_id=other.id, reasons=other.reasons,
                                   distance_m=other.distance_m, similarity=other.similarity))
    if found:
        await session.flush()


FLAGS_SQL = "SELECT place_id AS subject_id, min(detected_at) AS flagged_at FROM place_duplicate GROUP BY place_id"


async def of(session: AsyncSession, ids: list[uuid.UUID]) -> dict[uuid.UUID, list[dict[str, Any]]]:
    """The recorded possible duplicates of these places, as the queue shows them."""
    rows = (await session.execute(text("""
        SELECT d.place_id, o.id, o.slug, o.name, o.moderation, d.reasons, d.distance_m, d.similarity
        FROM place_duplicate d JOIN place o ON o.id = d.other_id
        WHERE d.place_id = ANY(CAST(:ids AS uuid[])) ORDER BY d.place_id, d.distance_m NULLS FIRST, o.id
    """), {"ids": ids})).mappings().all()
    found: dict[uuid.UUID, list[dict[str, Any]]] = {}
    for r in rows:
        found.setdefault(r["place_id"], []).append({
            "id": r["id"], "slug": r["slug"], "titre": r["name"], "etat": r["moderation"], "motifs": r["reasons"],
            "distance_m": r["distance_m"], "similarite": r["similarity"], "lien": link(r["id"])})
    return found
