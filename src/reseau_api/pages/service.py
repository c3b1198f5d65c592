"""What each public page shows, gathered with the API's own reads: the place's record and its JSON-LD
(places.jsonld), its published practices, the list query of /v1/lieux and the AMI statistics."""

import hashlib
import html
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

import orjson
from fastapi import Request
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami import stats as ami_stats
from reseau_api.ami.schemas import AmiFilters
from reseau_api.editorial import freshness
from reseau_api.members.models import Organisation
from reseau_api.pages import hours, queries
from reseau_api.pages.render import SITE_NAME, TEMPLATES_DIGEST, date_fr, links
from reseau_api.places import jsonld
from reseau_api.places import queries as places_queries
from reseau_api.places import service as places_service
from reseau_api.places import vocabulary as vocab
from reseau_api.places.filters import PlaceFilters, resolve_open_at
from reseau_api.places.models import Place
from reseau_api.practices import queries as practices_queries
from reseau_api.territories import queries as territories

PAGE_SIZE = 20
DESCRIPTION_MAX = 200


@dataclass
class PlacePage:
    context: dict[str, Any]
    etag: str
    until: datetime | None  # when the "open now" line changes


def place_path(place: Place | dict[str, Any]) -> str:
    slug = place.slug if isinstance(place, Place) else place["slug"]
    return f"/lieux/{slug}"


def summary(place: Place, department: str | None) -> str:
    """One sentence for search results and link previews."""
    if place.description:
        text = " ".join(place.description.split())
    else:
        kinds = ", ".join(vocab.PLACE_TYPES[t] for t in place.types if t in vocab.PLACE_TYPES) or "Tiers-lieu"
        where = " à " + place.commune if place.commune else ""
        text = f"{kinds}{where}{f' ({department})' if department else ''}"
        if place.desks:
            text += f", {place.desks} poste{'s' if place.desks > 1 else ''} de télétravail"
        if place.services:
            text += ". Services : " + ", ".join(vocab.SERVICES[s] for s in place.services[:5] if s in vocab.SERVICES)
        text += "."
    return text if len(text) <= DESCRIPTION_MAX else text[:DESCRIPTION_MAX - 1].rsplit(" ", 1)[0] + "…"


async def place_page(session: AsyncSession, request: Request, place: Place, now: datetime) -> PlacePage:
    practices = await practices_queries.published_for_place(session, place.id)
    organisation = await session.get(Organisation, place.organisation_id) if place.organisation_id else None
    department_name = await territories.department_name(session, place.department_code)
    day = now.astimezone(places_service.PARIS).date()
    closure = places_service.closure_on(place.closures, day)
    if closure is not None:  # a dated closure wins over the hours until its last day ends
        last = datetime.fromisoformat(closure["au"]).date()
        state = hours.OpenNow(False, f"Fermé temporairement jusqu'au {date_fr(last)} inclus ({closure['motif']})",
                              datetime.combine(last + timedelta(days=1), time(), places_service.PARIS))
    else:
        state = hours.open_now(place.opening_hours, now)
    status = freshness.status(place.verified_at, now)
    closures = places_service.pending_closures(place.closures, day)
    base = links(request)["base"]
    # Everything the page shows that can change without the place's version: its practices (in the
    # detail ETag), its organisation, the open-now line, freshness and closures shown, the templates and
    # the base URL.
    tag = "|".join((places_service.detail_etag(place, practices), str(organisation and organisation.updated_at),
                    state.text, status, repr(closures), TEMPLATES_DIGEST, base))
    etag = f'"{place.id}-v{place.version}-html-{hashlib.sha256(tag.encode()).hexdigest()[:16]}"'
    context = {
        "place": place, "department_name": department_name, "organisation": organisation,
        "practices": practices, "state": state, "weekly": hours.weekly(place.opening_hours),
        "fraicheur": status, "closures": closures,
        "description": summary(place, department_name), "path": place_path(place),
        "position": (place.lon, place.lat) if place.lon is not None and place.lat is not None else None,
    }
    return PlacePage(context, etag, state.until)


async def place_page_body(session: AsyncSession, request: Request, page: PlacePage) -> dict[str, Any]:
    """What only the full page needs (not the 304, not the card): the JSON-LD and the small map."""
    place = page.context["place"]
    outline = (await queries.outline(session, place.department_code, place.lon, place.lat)
               if page.context["position"] else None)
    return {"jsonld": await jsonld.place_json_ld_text(session, request, place), "outline": outline,
            "snippet": card_snippet(request, place)}


def card_snippet(request: Request, place: Place) -> str:
    """The HTML a partner site pastes to show the card (escaped here for its attributes; the page escapes
    it once more to show it as text)."""
    url = f"{links(request)['base']}{place_path(place)}/vignette"
    title = f"{place.name} – {SITE_NAME}"
    return (f'<iframe src="{_attribute(url)}" title="{_attribute(title)}" width="360" height="220" '
            f'loading="lazy"></iframe>')


def _attribute(value: str) -> str:
    return html.escape(value, quote=False).replace('"', "&quot;")


@dataclass
class Listing:
    items: list[dict[str, Any]]
    total: int
    estimated: bool
    next_cursor: str | None


async def listing(session: AsyncSession, filters: PlaceFilters, cursor: str | None) -> Listing:
    """A page of the directory: the /v1/lieux query, its JSON items read back."""
    filters = await resolve_open_at(session, filters)
    page = await places_queries.page(session, filters, sort=places_queries.default_sort(filters), limit=PAGE_SIZE,
                                     cursor=cursor)
    return Listing([orjson.loads(item) for item in page.items], page.total, page.total_estimated, page.next_cursor)


async def ami_figures(session: AsyncSession, department: str) -> dict[str, Any]:
    """The 2017 AMI's figures for one department (the /v1/ami/stats computations, filtered)."""
    filters = AmiFilters(departement=[department])
    projects = await ami_stats.projets(session, filters)
    financing = await ami_stats.financement(session, filters) if projects.total else None
    challenges = await ami_stats.defis(session, filters) if projects.total else None
    top = sorted((c for c in challenges.defis if c.nombre), key=lambda c: -c.nombre)[:3] if challenges else []
    return {"projects": projects, "financing": financing, "challenges": top}
