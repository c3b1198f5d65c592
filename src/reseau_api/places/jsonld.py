"""schema.org JSON-LD of a place, for third-party sites to embed (`<script type="application/ld+json">`)
so that search engines understand the listing.

The place is a `Place` and a `LocalBusiness` (schema.org has no coworking or fablab type), with `geo`
(GeoCoordinates), `address` (PostalAddress), `openingHoursSpecification` derived from `horaires`,
one `amenityFeature` (LocationFeatureSpecification) per service, its ids in other registries as
`identifier` PropertyValues (SIRET, RNA, OpenStreetMap, acceslibre, data.inclusion, 2019 census) and its
OpenStreetMap object and acceslibre sheet as `sameAs`.

Opening hours: the OpenStreetMap expression is evaluated (opening-hours-py, Europe/Paris, French
holidays) over reference weeks spread over a year and free of public holidays. When every reference
week opens at the same times, those weekly times become the specification (an interval that ends at
midnight closes at "23:59", an overnight interval closes the next morning, as schema.org allows);
when the weeks differ (seasonal hours, week numbers…) or an open period carries a comment ("sur
rendez-vous"), no specification is given rather than a wrong one.
"""

from collections import defaultdict
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

from opening_hours import OpeningHours, ParserError, State
from sqlalchemy.ext.asyncio import AsyncSession
from starlette.requests import Request

from reseau_api.core.html import script_json
from reseau_api.core.urls import base_url
from reseau_api.editorial.slugs import slugify
from reseau_api.places import vocabulary as vocab
from reseau_api.places.models import Place
from reseau_api.shared.identifiers import acceslibre_url, osm_url
from reseau_api.shared.time import PARIS
from reseau_api.territories.queries import department_name

MEDIA_TYPE = "application/ld+json"
SCHEMA = "https://schema.org"
DAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
# One Monday per month of 2025 whose week (and the day on each side) has no French public holiday and
# no clock change: seasonal rules ("Aug off") and week-number rules make the weeks differ.
REFERENCE_MONDAYS = tuple(datetime(2025, month, day, tzinfo=PARIS) for month, day in (
    (1, 13), (2, 10), (3, 10), (4, 7), (5, 12), (6, 16), (7, 21), (8, 4), (9, 8), (10, 6), (11, 17), (12, 8),
))


class NotWeekly(ValueError):
    """The hours cannot be told as the same times every week."""
Slot = tuple[int, str, str]  # weekday (0 = Monday), opens, closes


def wanted(accept: str | None) -> bool:
    """True when the Accept header asks for JSON-LD (and does not refuse it with q=0)."""
    for part in (accept or "").split(","):
        media, *params = (x.strip() for x in part.split(";"))
        if media.lower() == MEDIA_TYPE:
            return not any(p.replace(" ", "") in ("q=0", "q=0.0", "q=0.00", "q=0.000") for p in params)
    return False


def etag(place: Place) -> str:
    """Strong ETag of the JSON-LD representation (distinct from the JSON one, same life cycle)."""
    return f'"{place.id}-v{place.version}-ld"'


def place_document(place: Place, *, url: str, department_name: str | None = None) -> dict[str, Any]:
    """The JSON-LD object of a place; `url` is its address in this API (its `@id`)."""
    document: dict[str, Any] = {
        "@context": SCHEMA,
        "@type": ["Place", "LocalBusiness"],
        "@id": url,
        "identifier": identifiers(place),
        "name": place.name,
    }
    same_as = [url for url in (osm_url(place.osm_id) if place.osm_id else None, acceslibre_sheet(place)) if url]
    if same_as:
        document["sameAs"] = same_as
    if place.description:
        document["description"] = place.description
    if place.website:
        document["url"] = place.website
    if place.phone:
        document["telephone"] = international_phone(place.phone)
    if place.email:
        document["email"] = place.email
    if place.images:
        document["image"] = list(place.images)
    address = {
        "@type": "PostalAddress", "streetAddress": place.address, "postalCode": place.postcode,
        "addressLocality": place.commune, "addressRegion": department_name, "addressCountry": "FR",
    }
    document["address"] = {k: v for k, v in address.items() if v}
    if place.lon is not None and place.lat is not None:
        document["geo"] = {"@type": "GeoCoordinates", "latitude": round(place.lat, 6),
                           "longitude": round(place.lon, 6)}
    hours = opening_hours_specification(place.opening_hours)
    if hours:
        document["openingHoursSpecification"] = hours
    if place.services:
        document["amenityFeature"] = [
            {"@type": "LocationFeatureSpecification", "name": vocab.SERVICES[code], "value": True}
            for code in place.services if code in vocab.SERVICES
        ]
    if place.types:
        document["keywords"] = [vocab.PLACE_TYPES[code] for code in place.types if code in vocab.PLACE_TYPES]
    return document


# The place's ids in other registries as schema.org PropertyValue `propertyID`s.
PROPERTY_IDS = (("siret", "SIRET"), ("rna", "RNA"), ("osm_id", "OpenStreetMap"), ("acceslibre_id", "acceslibre"),
                ("data_inclusion_id", "data.inclusion"), ("census_id", "recensement-tiers-lieux-2019"))


def identifiers(place: Place) -> str | list[Any]:
    """The place's id in this API, then one PropertyValue per identifier it has in another registry
    (the id alone, as text, when it has none)."""
    others = [{"@type": "PropertyValue", "propertyID": name, "value": getattr(place, column)}
              for column, name in PROPERTY_IDS if getattr(place, column)]
    return [str(place.id), *others] if others else str(place.id)


def acceslibre_sheet(place: Place) -> str | None:
    """The URL of the place's accessibility sheet on acceslibre, when it has one."""
    if not place.acceslibre_id:
        return None
    return acceslibre_url(place.acceslibre_id, department=place.department_code, commune_slug=slugify(place.commune))


def international_phone(phone: str) -> str:
    """`05 61 00 00 00` -> `+33561000000` (stored phones are French, normalised by the write rules)."""
    digits = "".join(c for c in phone if c.isdigit())
    return "+33" + digits[1:] if digits.startswith("0") and len(digits) == 10 else phone


def opening_hours_specification(expression: str | None) -> list[dict[str, Any]] | None:
    """Weekly OpeningHoursSpecification objects, or None when the hours are not the same every week."""
    if not expression:
        return None
    specification = _specification(expression)
    return None if specification is None else list(specification)


@lru_cache(maxsize=4096)  # 12 weeks evaluated per call (~1.5 ms); few distinct expressions. Read-only results.
def _specification(expression: str) -> tuple[dict[str, Any], ...] | None:
    try:
        hours = OpeningHours(expression, timezone=PARIS, country="FR")
        weeks = [_week(hours, monday) for monday in REFERENCE_MONDAYS]
    except (SyntaxError, ParserError, ValueError):  # NotWeekly included
        return None
    if any(week != weeks[0] for week in weeks[1:]) or not weeks[0]:
        return None
    days_by_times: dict[tuple[str, str], list[int]] = defaultdict(list)
    for day, opens, closes in sorted(weeks[0]):
        days_by_times[(opens, closes)].append(day)
    specification = [
        {"@type": "OpeningHoursSpecification", "dayOfWeek": [f"{SCHEMA}/{DAYS[d]}" for d in days],
         "opens": opens, "closes": closes}
        for (opens, closes), days in days_by_times.items()
    ]
    return tuple(sorted(specification, key=lambda s: (DAYS.index(s["dayOfWeek"][0].rsplit("/", 1)[1]), s["opens"])))


def _week(hours: OpeningHours, monday: datetime) -> frozenset[Slot]:
    """The open slots of the week starting `monday`, each attached to the day it starts on."""
    window_end = monday + timedelta(days=7)
    merged: list[list[datetime]] = []
    for start, end, state, comment in hours.intervals(monday - timedelta(days=1), window_end + timedelta(days=1)):
        if state != State.OPEN:
            continue
        if comment:  # "sur rendez-vous" and the like: open, but not at times one can tell
            raise NotWeekly(comment)
        if merged and merged[-1][1] == start:
            merged[-1][1] = end
        else:
            merged.append([start, end])
    slots: set[Slot] = set()
    for start, end in merged:
        if end - start < timedelta(days=1) and start.date() != end.date() and end.time() != datetime.min.time():
            if monday <= start < window_end:  # overnight: closes the next morning
                slots.add((start.weekday(), _hhmm(start), _hhmm(end)))
            continue
        cursor = start
        while cursor < end:
            midnight = datetime.combine(cursor.date() + timedelta(days=1), datetime.min.time(), tzinfo=PARIS)
            piece_end = min(end, midnight)
            if monday <= cursor < window_end:
                slots.add((cursor.weekday(), _hhmm(cursor), "23:59" if piece_end == midnight else _hhmm(piece_end)))
            cursor = piece_end
    return frozenset(slots)


def _hhmm(moment: datetime) -> str:
    return moment.strftime("%H:%M")


async def place_json_ld(session: AsyncSession, place: Place, *, url: str) -> dict[str, Any]:
    """`place_document` with the department's name as `addressRegion`."""
    return place_document(place, url=url, department_name=await department_name(session, place.department_code))


def place_url(request: Request, place: Place) -> str:
    """The `@id` of a place: its JSON record in this API."""
    return f"{base_url(request)}/v1/lieux/{place.id}"


async def place_json_ld_text(session: AsyncSession, request: Request, place: Place) -> str:
    """The JSON-LD document as served and as embedded in the place's page: made to be pasted into
    `<script type="application/ld+json">`, so `<`, `>` and `&` are escaped (a name holding `</script>`
    cannot end the element)."""
    return script_json(await place_json_ld(session, place, url=place_url(request, place)))
