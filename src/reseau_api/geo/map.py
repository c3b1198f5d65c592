"""The embeddable map page (/carte) and its assets: the page's script and style (web/src) and MapLibre GL
JS (from the npm registry, copied into web/dist by `npm ci && npm run build`, which scripts/install.sh runs)."""

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Path, Request
from fastapi.responses import HTMLResponse, Response

from reseau_api.core.assets import asset_response
from reseau_api.core.config import PROJECT_ROOT, get_settings
from reseau_api.core.errors import NotFound
from reseau_api.core.html import script_json
from reseau_api.core.openapi import problem_responses
from reseau_api.geo.links import filter_items
from reseau_api.places import vocabulary as vocab
from reseau_api.places.filters import PlaceFiltersDep

router = APIRouter(prefix="/carte", tags=["carte"])

WEB = PROJECT_ROOT / "web"
JS, CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
ASSETS = {  # name -> (file, media type): the only files served
    "carte.js": (WEB / "src" / "carte.js", JS),
    "carte.css": (WEB / "src" / "carte.css", CSS),
    "maplibre-gl.js": (WEB / "dist" / "maplibre-gl.js", JS),
    "maplibre-gl.css": (WEB / "dist" / "maplibre-gl.css", CSS),
    "LICENSE-maplibre.txt": (WEB / "dist" / "LICENSE-maplibre.txt", "text/plain; charset=utf-8"),
}
PAGE_CACHE = "public, max-age=300"

_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Carte des tiers-lieux d'Occitanie</title>
<link rel="stylesheet" href="carte/assets/maplibre-gl.css">
<link rel="stylesheet" href="carte/assets/carte.css">
</head>
<body>
<div id="carte" role="region" aria-label="Carte des tiers-lieux"></div>
<form id="filtres" class="carte-panneau">
  <label><input type="checkbox" id="filtre-teletravail"> Postes de télétravail</label>
  <span id="carte-etat" aria-live="polite"></span>
  <ul class="carte-legende">
    <li><span class="pastille ouvert"></span>Lieu ouvert</li>
    <li><span class="pastille en_projet"></span>En projet</li>
    <li><span class="pastille a_verifier"></span>Pâle : informations à vérifier</li>
    <li><span class="pastille ferme_temporairement"></span>Cerclé : fermé temporairement</li>
    <li><span class="pastille groupe"></span>Plusieurs lieux (cliquer pour zoomer)</li>
  </ul>
  <a class="carte-membre" href="espace-membre" target="_blank" rel="noopener">Vous animez un lieu ? Espace membre</a>
</form>
<noscript>La carte nécessite JavaScript. Liste des lieux : <a href="v1/lieux">v1/lieux</a>.</noscript>
<script type="application/json" id="carte-config">__CONFIG__</script>
<script src="carte/assets/maplibre-gl.js"></script>
<script src="carte/assets/carte.js"></script>
</body>
</html>
"""


def map_csp() -> str:
    """The map's own policy: any site may frame it (it is made to be embedded); MapLibre runs its worker from
    a blob: URL and draws images from blob:/data:; the basemap's origin, when one is set, may serve tiles."""
    basemap = get_settings().map_basemap_url
    origin = ""
    if basemap:
        parts = urlsplit(basemap)
        origin = f" {parts.scheme}://{parts.netloc}"
    return (f"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:{origin}; "
            f"connect-src 'self'{origin}; worker-src 'self' blob:; object-src 'none'; base-uri 'none'; "
            "form-action 'self'; frame-ancestors *")


def _config_json(filters: list[tuple[str, str]]) -> str:
    settings = get_settings()
    config = {
        "filters": filters,
        "basemap": settings.map_basemap_url or None,
        "basemapAttribution": settings.map_basemap_attribution or None,
        "services": vocab.SERVICES,
        "statuts": vocab.STATUSES,
        "types": vocab.PLACE_TYPES,
    }
    return script_json(config)


@router.get(
    "", summary="Embeddable map of places", response_class=HTMLResponse,
    responses={200: {"content": {"text/html": {"schema": {"type": "string"}}}, "description": "The map page"},
               **problem_responses(400)},
)
async def get_map(request: Request, filters: PlaceFiltersDep) -> HTMLResponse:
    """A map page for an `<iframe>`: the places from this API's vector tiles (grouped at low zoom), the
    region's department outlines, a telework filter and a popup per place. It accepts the filters of
    `/v1/lieux` (e.g. `?teletravail=true&departement=31`, which also frames the map on department 31).
    No external basemap unless `RESEAU_MAP_BASEMAP_URL` is set; the map library is served from here."""
    del filters  # validated here (400 naming the parameter); the page forwards them to the tiles
    page = _PAGE.replace("__CONFIG__", _config_json(filter_items(request)))
    return HTMLResponse(page, headers={"Cache-Control": PAGE_CACHE, "Content-Security-Policy": map_csp()})


@router.get("/assets/{name}", include_in_schema=False)
async def get_map_asset(name: Annotated[str, Path(max_length=40)]) -> Response:
    """A file of the map page."""
    asset = ASSETS.get(name)
    if asset is None:
        raise NotFound(f"No map asset {name!r}.")
    path, media_type = asset
    return asset_response(path, media_type, f"carte/assets/{name}")
