"""The place filters of `/v1/lieux`, shared by every output (JSON, GeoJSON, CSV, tiles, OGC, coverage).

`PLACE_FILTERS` declares the query parameters once; the FastAPI dependency (`PlaceFiltersDep`: validation,
400 naming the parameter, OpenAPI) and the hot path's reader (places/hot.py) are derived from it
(core/params.py) and share `to_filters`. `PlaceFilters.conditions()` turns them into SQL conditions on `place p`
with bound parameters; published places only.
"""

import json
import math
import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Annotated, Any, Literal
from uuid import UUID

from fastapi import Depends
from pydantic import AfterValidator, BeforeValidator, Field
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.concurrency import run_in_threadpool

from reseau_api.core.db import raw_connection
from reseau_api.core.errors import InvalidParameter
from reseau_api.core.params import Parameters, Values, param
from reseau_api.core.sql import Params
from reseau_api.editorial import freshness
from reseau_api.editorial.freshness import Freshness
from reseau_api.places import service
from reseau_api.places.schemas import DepartmentCode, PlaceType, Service, Status
from reseau_api.places.states import WORKFLOW as PLACE_WORKFLOW
from reseau_api.shared import identifiers as ids

MAX_RADIUS_M = 200_000
DEFAULT_RADIUS_M = 20_000
# Opening hours are evaluated in Python (off the event loop), so the candidate set stays bounded.
MAX_OPEN_AT_CANDIDATES = 5_000
# A repeated filter (`type`, `statut`, `departement`, `services`, `code_insee`) takes at most this many
# values: more is a 400, not a statement that grows with the query string.
MAX_VALUES = 20
# `ouvert_le` is evaluated in Europe/Paris with French holidays: a moment outside these years means nothing
# for opening hours (and 9999-12-31T23:30Z is not a representable local time).
OPEN_AT_YEARS = (1900, 2199)


@dataclass(frozen=True)
class BBox:
    min_lon: float
    min_lat: float
    max_lon: float
    max_lat: float


@dataclass(frozen=True)
class Near:
    lat: float
    lon: float
    radius_m: int


@dataclass
class PlaceFilters:
    q: str | None = None
    types: list[str] = field(default_factory=list)
    statuses: list[str] = field(default_factory=list)
    departements: list[str] = field(default_factory=list)
    insee_codes: list[str] = field(default_factory=list)
    services: list[str] = field(default_factory=list)
    telework: bool | None = None
    desks_min: int | None = None
    price_day_max: Decimal | None = None
    open_at: datetime | None = None
    bbox: BBox | None = None
    near: Near | None = None
    freshness_in: list[str] = field(default_factory=list)  # `fraicheur`: ranges on verified_at
    # Resolved from open_at by `resolve_open_at`: the ids open at that moment.
    open_ids: list[UUID] | None = None
    # Identifiers in other registries, by column: `?siret=…` finds the published place that holds it.
    identifiers: dict[str, str] = field(default_factory=dict)
    # `q` by trigram similarity (typos) instead of full text: lists fall back to it when the full
    # text finds nothing, so a common word never pays for similarity over every row.
    fuzzy: bool = False

    def conditions(self, p: Params, alias: str = "p") -> list[str]:
        """SQL conditions (to be AND-ed) on the place table aliased `alias`."""
        a = alias
        where = [PLACE_WORKFLOW.public_sql(f"{a}.moderation")]
        if self.types:
            where.append(f"{a}.types && {p(self.types, 'varchar[]')}")
        if self.statuses:
            where.append(f"{a}.status = ANY({p(self.statuses, 'text[]')})")
        if self.departements:
            where.append(f"{a}.department_code = ANY({p(self.departements, 'text[]')})")
        if self.insee_codes:
            where.append(f"{a}.insee_code = ANY({p(self.insee_codes, 'text[]')})")
        if self.services:
            where.append(f"{a}.services @> {p(self.services, 'varchar[]')}")
        if self.telework is True:
            where.append(f"{a}.desks >= 1")
        elif self.telework is False:
            where.append(f"coalesce({a}.desks, 0) = 0")
        if self.desks_min is not None:
            where.append(f"{a}.desks >= {p(self.desks_min, 'int')}")
        if self.price_day_max is not None:
            where.append(f"{a}.price_day <= {p(self.price_day_max, 'numeric')}")
        if self.bbox is not None:
            b = self.bbox
            where.append(
                f"{a}.geom && ST_MakeEnvelope({p(b.min_lon, 'float8')}, {p(b.min_lat, 'float8')}, "
                f"{p(b.max_lon, 'float8')}, {p(b.max_lat, 'float8')}, 4326)"
            )
        if self.near is not None:
            where.append(
                f"ST_DWithin({a}.geom::geography, {self.near_point(p)}, {p(float(self.near.radius_m), 'float8')})"
            )
        if self.q and self.fuzzy:
            where.append(f"{p(self.q_normalised, 'text')} <% {a}.search_text")
        elif self.q:
            where.append(f"{a}.search_vector @@ {self.tsquery(p)}")
        if self.freshness_in:
            where.append(freshness.condition(f"{a}.verified_at", self.freshness_in))
        for column, value in self.identifiers.items():  # constants from IDENTIFIERS; each has its own index
            where.append(f"{a}.{column} = {p(value, 'text')}")
        if self.open_ids is not None:
            where.append(f"{a}.id = ANY({p(self.open_ids, 'uuid[]')})")
        return where

    def near_point(self, p: Params) -> str:
        assert self.near is not None
        return (f"ST_SetSRID(ST_MakePoint({p(self.near.lon, 'float8')}, "
                f"{p(self.near.lat, 'float8')}), 4326)::geography")

    def origin_point(self, p: Params) -> str | None:
        """What `tri=distance` measures from: `pres_de`, else the centre of `bbox`, else nothing."""
        if self.near is not None:
            return self.near_point(p)
        if self.bbox is None:
            return None
        b = self.bbox
        return (f"ST_SetSRID(ST_MakePoint({p((b.min_lon + b.max_lon) / 2, 'float8')}, "
                f"{p((b.min_lat + b.max_lat) / 2, 'float8')}), 4326)::geography")

    @property
    def q_normalised(self) -> str:
        return " ".join((self.q or "").lower().split())

    def tsquery(self, p: Params) -> str:
        """Every word must match, each as a prefix (`cowork` finds `coworking`), accent-free."""
        words = [w for w in "".join(c if c.isalnum() else " " for c in self.q_normalised).split()]
        query = " & ".join(f"{w}:*" for w in words)  # empty: matches nothing
        return f"to_tsquery('french_unaccent', {p(query, 'text')})"

    def rank(self, p: Params, alias: str = "p") -> str:
        """Relevance: full-text rank (name weighs most), or trigram similarity in fuzzy mode."""
        if self.fuzzy:
            return f"word_similarity({p(self.q_normalised, 'text')}, {alias}.search_text)"
        return f"ts_rank_cd({alias}.search_vector, {self.tsquery(p)})"


def parse_bbox(value: str | None) -> BBox | None:
    if value is None:
        return None
    parts = value.split(",")
    if len(parts) != 4:
        raise InvalidParameter("bbox", "expected minLon,minLat,maxLon,maxLat (4 comma-separated numbers)")
    try:
        numbers = [float(x) for x in parts]
    except ValueError:
        raise InvalidParameter("bbox", "expected 4 numbers: minLon,minLat,maxLon,maxLat") from None
    if not all(math.isfinite(n) for n in numbers):
        raise InvalidParameter("bbox", "coordinates must be finite numbers")
    min_lon, min_lat, max_lon, max_lat = numbers
    if not (-180 <= min_lon <= 180 and -180 <= max_lon <= 180):
        raise InvalidParameter("bbox", "longitudes must be within [-180, 180]")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise InvalidParameter("bbox", "latitudes must be within [-90, 90]")
    if min_lon > max_lon or min_lat > max_lat:
        raise InvalidParameter("bbox", "min must not exceed max (minLon,minLat,maxLon,maxLat)")
    return BBox(min_lon, min_lat, max_lon, max_lat)


def parse_near(value: str | None, radius_m: int) -> Near | None:
    if value is None:
        return None
    parts = value.split(",")
    try:
        lat, lon = (float(x) for x in parts)
    except ValueError:
        raise InvalidParameter("pres_de", "expected lat,lon (two comma-separated numbers)") from None
    if not (math.isfinite(lat) and math.isfinite(lon)):
        raise InvalidParameter("pres_de", "coordinates must be finite numbers")
    if not (-90 <= lat <= 90 and -180 <= lon <= 180):
        raise InvalidParameter("pres_de", "latitude must be within [-90, 90] and longitude within [-180, 180]")
    return Near(lat, lon, radius_m)


async def resolve_open_at(session: AsyncSession, filters: PlaceFilters) -> PlaceFilters:
    """Evaluate `horaires` at `open_at` for the candidates of the other filters (French holidays)."""
    if filters.open_at is None:
        return filters
    p = Params()
    conditions = filters.conditions(p)
    raw = await raw_connection(session)
    rows = await raw.fetch(
        f"SELECT p.id, p.opening_hours, p.closures FROM place p WHERE {' AND '.join(conditions)} "
        f"AND p.opening_hours IS NOT NULL LIMIT {MAX_OPEN_AT_CANDIDATES + 1}",
        *p.values,
    )
    if len(rows) > MAX_OPEN_AT_CANDIDATES:
        raise InvalidParameter(
            "ouvert_le", f"more than {MAX_OPEN_AT_CANDIDATES} candidates: narrow with bbox, departement or type")
    filters.open_ids = await run_in_threadpool(_open_ids, rows, filters.open_at)
    return filters


def _open_ids(rows: list[Any], moment: datetime) -> list[UUID]:
    """The ids open at `moment`, each distinct expression evaluated once (many places share theirs); a
    place with a closure covering that day (Europe/Paris) is closed whatever its hours say."""
    verdicts: dict[str, bool | None] = {}
    open_ids = []
    day = (moment.astimezone(service.PARIS) if moment.tzinfo else moment.replace(tzinfo=service.PARIS)).date()
    for row in rows:
        closures = row["closures"]
        if closures and service.closure_on(json.loads(closures) if isinstance(closures, str) else closures, day):
            continue
        expression = row["opening_hours"]
        if expression not in verdicts:
            verdicts[expression] = service.is_open_at(expression, moment)
        if verdicts[expression]:
            open_ids.append(row["id"])
    return open_ids


def iso_datetime_only(value: object) -> object:
    """Pydantic would read `0.5` as a Unix timestamp; the API promises ISO 8601 only."""
    if isinstance(value, str) and not re.match(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}", value):
        raise ValueError("expected an ISO 8601 date-time, e.g. 2026-12-01T10:00:00+01:00")
    return value


def within_open_at_years(value: datetime) -> datetime:
    first, last = OPEN_AT_YEARS
    if not first <= value.year <= last:
        raise ValueError(f"must be within the years {first} to {last}")
    return value


IsoDatetime = Annotated[datetime, BeforeValidator(iso_datetime_only), AfterValidator(within_open_at_years)]
InseeCode = Annotated[str, Field(pattern=r"^(?:\d{5}|2[AB]\d{3})$")]

# The filters of `/v1/lieux`, declared once: FastAPI's dependency (the contract: OpenAPI, 400 problems) and
# the hot path's reader (places/hot.py) are both derived from this (core/params.py). A new filter: a
# `param` here, its field in `PlaceFilters` (and its SQL in `conditions`), its line in `to_filters`.
PLACE_FILTERS = Parameters(
    param("q", str, "French full text over name, description, commune and types; accent-insensitive, prefix- "
                    "and typo-tolerant", min_length=1, max_length=200),
    param("type", PlaceType, f"Place type (repeatable: any of; at most {MAX_VALUES})", many=MAX_VALUES),
    param("statut", Status, f"Life-cycle status (repeatable: any of; at most {MAX_VALUES})", many=MAX_VALUES),
    param("departement", DepartmentCode, f"Department code (repeatable: any of; at most {MAX_VALUES})",
          many=MAX_VALUES),
    param("code_insee", InseeCode, f"INSEE commune code (repeatable: any of; at most {MAX_VALUES})",
          many=MAX_VALUES),
    param("services", Service, f"Services (repeatable: all required; at most {MAX_VALUES})", many=MAX_VALUES),
    param("teletravail", bool, "true: at least one desk for telework"),
    param("postes_min", int, "At least this many desks", ge=1, le=10000),
    param("prix_journee_max", Decimal, "Day price at most (euros)", ge=0, le=100000, allow_inf_nan=False),
    param("ouvert_le", IsoDatetime, "Open at this ISO 8601 moment per `horaires` (Europe/Paris when no offset)"),
    param("ouvert_maintenant", bool, "true: open right now per `horaires` (false has no effect, so it is refused)"),
    param("bbox", str, "minLon,minLat,maxLon,maxLat (WGS 84)", examples=["1.35,43.55,1.50,43.65"],
          pattern=r"^[^,]+,[^,]+,[^,]+,[^,]+$", max_length=120),
    param("pres_de", str, "lat,lon: places within `rayon` metres, nearest first, with `distance_m`",
          examples=["43.6045,1.4440"], max_length=60),
    param("rayon", int, f"Radius in metres around pres_de (default {DEFAULT_RADIUS_M}; only with pres_de)",
          ge=1, le=MAX_RADIUS_M),
    param("fraicheur", Freshness, "Freshness from `verifie_le` (repeatable: any of): a_jour (confirmed or edited "
                                  "within RESEAU_FRAICHEUR_A_VERIFIER_JOURS, default 180 days), a_verifier, "
                                  "obsolete (not within RESEAU_FRAICHEUR_OBSOLETE_JOURS, default 365)", many=3),
    param("siret", ids.Siret, "The place with this SIRET (14 digits, Luhn-checked)"),
    param("rna", ids.Rna, "The place with this RNA number (W and 9 digits)"),
    param("osm", ids.Osm, "The place mapped as this OpenStreetMap object (node/<id>, way/<id>, relation/<id>)"),
    param("acceslibre", ids.Acceslibre, "The place with this acceslibre slug or UUID"),
    param("data_inclusion", ids.DataInclusion, "The place with this data·inclusion id"),
    param("recensement_2019", ids.Census, "The place with this 2019 census id"),
)
# Identifier filters: parameter -> column (constants: each column has its own index).
IDENTIFIERS = {"siret": "siret", "rna": "rna", "osm": "osm_id", "acceslibre": "acceslibre_id",
               "data_inclusion": "data_inclusion_id", "recensement_2019": "census_id"}


def to_filters(v: Values) -> PlaceFilters:
    """The values of the filters given (absent ones left out), from either path, as `PlaceFilters`."""
    get = v.get
    # A parameter without effect is refused: otherwise it only mints uncached variants of one answer.
    near, radius, now, open_at = get("pres_de"), get("rayon"), get("ouvert_maintenant"), get("ouvert_le")
    if radius is not None and near is None:
        raise InvalidParameter("rayon", "has no effect without pres_de")
    if now is False:
        raise InvalidParameter("ouvert_maintenant", "false has no effect; leave the parameter out")
    if open_at is not None and now:
        raise InvalidParameter("ouvert_maintenant", "give either ouvert_le or ouvert_maintenant, not both")
    q = get("q")
    return PlaceFilters(
        q=q.strip() or None if q else None,
        types=get("type") or [], statuses=get("statut") or [], departements=get("departement") or [],
        insee_codes=get("code_insee") or [], services=get("services") or [], telework=get("teletravail"),
        desks_min=get("postes_min"), price_day_max=get("prix_journee_max"),
        open_at=datetime.now(service.PARIS) if now else open_at,
        bbox=parse_bbox(get("bbox")), near=parse_near(near, radius or DEFAULT_RADIUS_M),
        freshness_in=get("fraicheur") or [],
        identifiers={} if v.keys().isdisjoint(IDENTIFIERS) else {
            column: v[name] for name, column in IDENTIFIERS.items() if name in v},
    )


# Called by keyword (the directory page, coverage's renamed dependency) with the declared signature.
place_filters = PLACE_FILTERS.function(to_filters)
PlaceFiltersDep = Annotated[PlaceFilters, Depends(PLACE_FILTERS.dependency(to_filters))]
Sort = Literal["nom", "-maj_le", "distance", "pertinence"]
