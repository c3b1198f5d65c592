"""The landing page `/` (HTML for browsers, JSON links for machines), the API documentation `/docs`
(Swagger UI) and `/redoc`, and their assets under `/assets/`: every file from this server, nothing from
another origin, so the documentation works offline and under the default CSP (no inline script)."""

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import HTMLResponse, Response

from reseau_api.core.assets import asset_response
from reseau_api.core.config import PROJECT_ROOT
from reseau_api.core.errors import InvalidParameter, NotFound
from reseau_api.core.openapi import problem_responses
from reseau_api.core.urls import absolute_url

router = APIRouter(tags=["accueil"])

WEB = PROJECT_ROOT / "web"
JS, CSS, TEXT = "text/javascript; charset=utf-8", "text/css; charset=utf-8", "text/plain; charset=utf-8"
ASSETS = {  # name -> (file, media type): the only files served here
    "site.css": (WEB / "src" / "site.css", CSS),
    "docs.js": (WEB / "src" / "docs.js", JS),
    "swagger-ui-bundle.js": (WEB / "dist" / "swagger-ui-bundle.js", JS),
    "swagger-ui.css": (WEB / "dist" / "swagger-ui.css", CSS),
    "LICENSE-swagger-ui.txt": (WEB / "dist" / "LICENSE-swagger-ui.txt", TEXT),
    "redoc.standalone.js": (WEB / "dist" / "redoc.standalone.js", JS),
    "LICENSE-redoc.txt": (WEB / "dist" / "LICENSE-redoc.txt", TEXT),
}
PAGE_CACHE = "public, max-age=300"
HTML, JSON = "text/html", "application/json"
# Swagger UI runs under the default CSP. Redoc adds <style> elements (styled-components) and runs its search
# index in a worker made from a blob: URL; still no inline script and nothing from another origin.
REDOC_CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
    "worker-src 'self' blob:; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)

# (path, rel, media type, title): what a visitor or a client can do from here.
LINKS = [
    ("/", "self", JSON, "Ce document"),
    ("/", "alternate", HTML, "Page d'accueil"),
    ("/openapi.json", "service-desc", "application/vnd.oai.openapi+json;version=3.1", "Contrat OpenAPI"),
    ("/docs", "service-doc", HTML, "Documentation interactive (Swagger UI)"),
    ("/redoc", "service-doc", HTML, "Documentation de référence (Redoc)"),
    ("/v1/lieux", "data", JSON, "Lieux (JSON, GeoJSON, CSV)"),
    ("/v1/bonnes-pratiques", "data", JSON, "Bonnes pratiques"),
    ("/ogc", "related", JSON, "OGC API – Features (QGIS, GDAL)"),
    ("/carte", "related", HTML, "Carte des tiers-lieux"),
    ("/lieux", "related", HTML, "Annuaire public des lieux"),
    ("/espace-membre", "related", HTML, "Espace membre"),
    ("/health/ready", "status", JSON, "État du service"),
]

_HTML_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reseau-api : annuaire des tiers-lieux d'Occitanie</title>
<link rel="stylesheet" href="/assets/site.css">
<link rel="alternate" type="application/json" href="/?f=json">
<link rel="service-desc" type="application/vnd.oai.openapi+json" href="/openapi.json">
</head>
<body>
<h1>Annuaire ouvert des tiers-lieux d'Occitanie</h1>
<p>Cette API publie l'annuaire du réseau des tiers-lieux d'Occitanie : espaces de coworking, fablabs,
ateliers partagés, lieux de médiation numérique et tiers-lieux ruraux, avec leur offre de télétravail,
ainsi que les bonnes pratiques partagées par les membres. Les données sont ouvertes (Licence Ouverte /
Etalab 2.0) ; la lecture ne demande aucune clé.</p>
<dl>
<dt><a href="/lieux">Annuaire public</a></dt><dd>Chercher un lieu près de chez vous.</dd>
<dt><a href="/carte">Carte</a></dt><dd>La carte des lieux, à intégrer dans votre site (iframe).</dd>
<dt><a href="/docs">Documentation de l'API</a></dt><dd>Essayer chaque route dans le navigateur
(<a href="/redoc">version de référence</a>, <a href="/openapi.json">contrat OpenAPI</a>).</dd>
<dt><a href="/ogc">OGC API – Features</a></dt><dd>Pour QGIS, GDAL/OGR et les outils SIG
(Lambert-93 disponible).</dd>
<dt><a href="/v1/lieux">Données</a></dt><dd>Les lieux en JSON, GeoJSON ou CSV ;
<a href="/v1/bonnes-pratiques">les bonnes pratiques</a>.</dd>
<dt><a href="/espace-membre">Espace membre</a></dt><dd>Pour les membres du réseau : mettre à jour
les fiches de leurs lieux.</dd>
</dl>
</body>
</html>
"""

_DOCS_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reseau-api : documentation</title>
<link rel="stylesheet" href="/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui" data-url="/openapi.json"></div>
<script src="/assets/swagger-ui-bundle.js"></script>
<script src="/assets/docs.js"></script>
</body>
</html>
"""

_REDOC_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>reseau-api : référence</title>
</head>
<body>
<redoc spec-url="/openapi.json"></redoc>
<script src="/assets/redoc.standalone.js"></script>
</body>
</html>
"""


def _landing_format(request: Request, f: str | None) -> str:
    extra = sorted(set(request.query_params) - {"f"})
    if extra:
        raise InvalidParameter(extra[0], "unknown parameter; this page takes only `f` (html or json)")
    if f is not None:
        return f
    return "html" if HTML in request.headers.get("accept", "") else "json"


@router.get(
    "/", summary="Landing page",
    responses={200: {"content": {HTML: {"schema": {"type": "string"}}, JSON: {"schema": {
        "type": "object", "description": "`title`, `description` and `links` (href, rel, type, title)"}}},
        "description": "What this is, and where to go from here"}, **problem_responses(400)},
)
async def get_landing(
    request: Request,
    f: Annotated[Literal["html", "json"] | None, Query(description="Format; default from `Accept`")] = None,
) -> Response:
    """HTML for browsers (what this API is, links to the documentation, the map, the OGC endpoint, the
    public directory and the member space), a JSON document of links for machines. Without `f`, the
    format follows `Accept` (`Vary: Accept`)."""
    headers = {"Cache-Control": PAGE_CACHE, "Vary": "Accept"}
    if _landing_format(request, f) == "html":
        return HTMLResponse(_HTML_PAGE, headers=headers)
    document = {
        "title": "reseau-api",
        "description": "Annuaire ouvert des tiers-lieux d'Occitanie (lieux, bonnes pratiques, couverture).",
        "links": [{"href": absolute_url(request, path), "rel": rel, "type": media_type, "title": title}
                  for path, rel, media_type, title in LINKS],
    }
    return Response(json.dumps(document, ensure_ascii=False), media_type=JSON, headers=headers)


@router.get("/docs", include_in_schema=False)
async def get_docs() -> HTMLResponse:
    return HTMLResponse(_DOCS_PAGE, headers={"Cache-Control": PAGE_CACHE})


@router.get("/redoc", include_in_schema=False)
async def get_redoc() -> HTMLResponse:
    return HTMLResponse(_REDOC_PAGE, headers={"Cache-Control": PAGE_CACHE, "Content-Security-Policy": REDOC_CSP})


@router.get("/assets/{name}", include_in_schema=False)
async def get_asset(name: Annotated[str, Path(max_length=40)]) -> Response:
    asset = ASSETS.get(name)
    if asset is None:
        raise NotFound(f"No asset {name!r}.")
    path, media_type = asset
    return asset_response(path, media_type, name)
