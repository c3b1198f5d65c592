"""Routes of the public pages (HTML for people and search engines; not part of the API's OpenAPI)."""

from datetime import datetime
from email.utils import format_datetime
from typing import Annotated

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import FileResponse, RedirectResponse, Response

from reseau_api.core.config import PROJECT_ROOT, get_settings
from reseau_api.core.db import ReadSessionDep
from reseau_api.core.errors import NotFound
from reseau_api.core.http import body_etag, not_modified
from reseau_api.pages import queries, service
from reseau_api.pages.render import CARD_CSP, PAGE_CACHE, error_page, page_response, render
from reseau_api.pages.schemas import DirectoryQuery
from reseau_api.places import service as places_service
from reseau_api.places.states import PlaceState
from reseau_api.territories import queries as territories

router = APIRouter(include_in_schema=False)

DIST = PROJECT_ROOT / "web" / "dist"
ASSETS = {"pages.css": "text/css; charset=utf-8", "pages.js": "text/javascript; charset=utf-8"}
ASSET_CACHE = "public, max-age=3600"
HIDDEN = (PlaceState.A_VALIDER, PlaceState.REJETE)  # drafts and refused listings do not exist for the public


DirectoryQueryDep = Annotated[DirectoryQuery, Query()]


@router.get("/lieux")
async def directory_page(request: Request, session: ReadSessionDep, query: DirectoryQueryDep) -> Response:
    result = await service.listing(session, query.filters(), query.curseur)
    departments = await territories.department_names(session, get_settings().region_departements)
    html = render("lieux.html", request, query=query, result=result, departments=departments,
                  next_query=query.query_items(curseur=result.next_cursor) if result.next_cursor else None)
    return page_response(request, html)


@router.get("/lieux/{slug}")
async def place_page(
    slug: Annotated[str, Path(max_length=120)], request: Request, session: ReadSessionDep,
) -> Response:
    place = await places_service.get(session, slug, published_only=False)
    if place is None or place.moderation in HIDDEN:
        return error_page(request, 404, "Lieu introuvable",
                          "Aucun lieu publié à cette adresse. Il a peut-être changé de nom.")
    if place.moderation == PlaceState.ARCHIVE:
        return error_page(request, 410, f"{place.name} n'est plus référencé",
                          "Ce lieu a été retiré de l'annuaire des tiers-lieux d'Occitanie.")
    if slug != place.slug:  # an id, or upper case: the one canonical address
        return RedirectResponse(f"{request.scope.get('root_path', '')}/lieux/{place.slug}", status_code=301)
    now = datetime.now(places_service.PARIS)
    page = await service.place_page(session, request, place, now)
    headers = {"Last-Modified": format_datetime(place.updated_at, usegmt=True)}
    cache = PAGE_CACHE
    if page.until is not None and (page.until - now).total_seconds() < 60:  # "open now" is about to change
        cache = f"public, max-age={max(0, int((page.until - now).total_seconds()))}"
    if not_modified(request, page.etag):
        return Response(status_code=304, headers={"ETag": page.etag, "Cache-Control": cache, **headers})
    body = await service.place_page_body(session, request, page)
    html = render("lieu.html", request, **page.context, **body)
    return page_response(request, html, etag=page.etag, cache=cache, headers=headers)


@router.get("/lieux/{slug}/vignette")
async def place_card(slug: Annotated[str, Path(max_length=120)], request: Request, session: ReadSessionDep) -> Response:
    """The embeddable card: any site may frame it (its own CSP); links open the place's page."""
    place = await places_service.get(session, slug, published_only=False)
    if place is None or place.moderation in HIDDEN or slug != place.slug:
        return error_page(request, 404, "Lieu introuvable", "Aucun lieu publié à cette adresse.", csp=CARD_CSP)
    if place.moderation == PlaceState.ARCHIVE:
        return error_page(request, 410, f"{place.name} n'est plus référencé",
                          "Ce lieu a été retiré de l'annuaire des tiers-lieux d'Occitanie.", csp=CARD_CSP)
    now = datetime.now(places_service.PARIS)
    page = await service.place_page(session, request, place, now)
    html = render("vignette.html", request, **page.context)
    return page_response(request, html, csp=CARD_CSP, etag=page.etag.replace("-html-", "-card-"))


@router.get("/departements/{code}")
async def department_page(
    code: Annotated[str, Path(max_length=3)], request: Request, session: ReadSessionDep,
    curseur: Annotated[str | None, Query(max_length=512)] = None,
) -> Response:
    name = await territories.department_name(session, code) if code in get_settings().region_departements else None
    if name is None:
        return error_page(request, 404, "Département introuvable",
                          "L'annuaire couvre les treize départements de la région Occitanie.")
    query = DirectoryQuery(departement=code, curseur=curseur)
    result = await service.listing(session, query.filters(), curseur)
    html = render("departement.html", request, department={"code": code, "name": name}, result=result,
                  ami=await service.ami_figures(session, code),
                  next_query=[("curseur", result.next_cursor)] if result.next_cursor else None)
    return page_response(request, html)


@router.get("/sitemap.xml")
async def sitemap(request: Request, session: ReadSessionDep) -> Response:
    base = service.links(request)["base"]
    body = await queries.sitemap(session, base, get_settings().region_departements)
    etag = body_etag(body.encode())
    headers = {"ETag": etag, "Cache-Control": "public, max-age=600"}
    if not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    return Response(body, media_type="application/xml", headers=headers)


@router.get("/robots.txt")
async def robots(request: Request) -> Response:
    base = service.links(request)["base"]
    # The pages are for crawlers; the API's lists, tiles and exports are not (each is a page already).
    body = f"User-agent: *\nAllow: /\nDisallow: /v1/\nDisallow: /ogc/\n\nSitemap: {base}/sitemap.xml\n"
    return Response(body, media_type="text/plain; charset=utf-8", headers={"Cache-Control": "public, max-age=3600"})


@router.get("/pages/assets/{name}")
async def page_asset(name: Annotated[str, Path(max_length=40)]) -> FileResponse:
    if name not in ASSETS:
        raise NotFound(f"No page asset {name!r}.")
    path = DIST / name
    if not path.is_file():
        raise NotFound(f"Page asset {name!r} is not built: run `make install` (npm ci && npm run build in web/).")
    return FileResponse(path, media_type=ASSETS[name], headers={"Cache-Control": ASSET_CACHE})
