"""`/espace-membre`: the page shell and its static files. Everything the page shows comes from the public
API with the member's key (`Authorization: Bearer`), so a partner site can do whatever it does.

The page follows the default security policy (no inline script or style, same-origin files only): its
configuration travels in a `<script type="application/json">` element, escaped for HTML.
"""

import json
from pathlib import Path as FilePath
from typing import Annotated

from fastapi import APIRouter, Path
from fastapi.responses import FileResponse, HTMLResponse

from reseau_api.core.config import PROJECT_ROOT
from reseau_api.core.errors import NotFound
from reseau_api.members import vocabulary as members_vocab

router = APIRouter(prefix="/espace-membre", tags=["espace-membre"])

WEB = PROJECT_ROOT / "web"
SOURCES = WEB / "src" / "espace-membre"
JS, CSS = "text/javascript; charset=utf-8", "text/css; charset=utf-8"
MEDIA_TYPES = {".js": JS, ".css": CSS}
BUILT = {  # name -> (file, media type): MapLibre's CSP build, copied by `npm run build`
    "maplibre-gl-csp.js": (WEB / "dist" / "maplibre-gl-csp.js", JS),
    "maplibre-gl-csp-worker.js": (WEB / "dist" / "maplibre-gl-csp-worker.js", JS),
    "maplibre-gl.css": (WEB / "dist" / "maplibre-gl.css", CSS),
}
# No caching of the shell: a deploy must not leave a tab on yesterday's modules.
PAGE_CACHE = "no-cache"
ASSET_CACHE = "public, max-age=300"

_PAGE = """<!doctype html>
<html lang="fr">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Espace membre – Réseau des tiers-lieux d'Occitanie</title>
<link rel="stylesheet" href="/espace-membre/assets/maplibre-gl.css">
<link rel="stylesheet" href="/espace-membre/assets/membre.css">
</head>
<body>
<a class="evitement" href="#contenu">Aller au contenu</a>
<header class="bandeau">
  <p class="marque"><a href="/">Réseau des tiers-lieux d'Occitanie</a> · Espace membre</p>
  <div id="qui" aria-live="polite"></div>
  <nav id="navigation" aria-label="Espace membre" hidden></nav>
</header>
<main id="contenu" tabindex="-1">
  <noscript><p>L'espace membre nécessite JavaScript. Tout ce qu'il fait passe par l'API :
  <a href="/docs">documentation de l'API</a>.</p></noscript>
</main>
<div id="annonce" class="annonce" role="status" aria-live="polite"></div>
<script type="application/json" id="membre-config">__CONFIG__</script>
<script src="/espace-membre/assets/maplibre-gl-csp.js"></script>
<script type="module" src="/espace-membre/assets/app.js"></script>
</body>
</html>
"""


def _config_json() -> str:
    config = {
        "api": "/v1",
        "formesJuridiques": [{"code": c, "libelle": n} for c, n in members_vocab.LEGAL_FORMS.items()],
        "natures": [{"code": c, "libelle": n} for c, n in members_vocab.NATURES.items()],
        "mapWorker": "/espace-membre/assets/maplibre-gl-csp-worker.js",
    }
    # Inside <script>: no "</" can close the element early, no "&" can start an entity.
    return (json.dumps(config, ensure_ascii=False)
            .replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026"))


@router.get("", response_class=HTMLResponse, include_in_schema=False)
async def get_member_space() -> HTMLResponse:
    """The single page of the member space; screens are chosen by the URL fragment (`#/lieux`…)."""
    return HTMLResponse(_PAGE.replace("__CONFIG__", _config_json()), headers={"Cache-Control": PAGE_CACHE})


def _asset(name: str) -> tuple[FilePath, str] | None:
    if name in BUILT:
        return BUILT[name]
    suffix = FilePath(name).suffix
    # Names are plain file names of web/src/espace-membre (no path separator, no dot files).
    if suffix not in MEDIA_TYPES or "/" in name or "\\" in name or name.startswith("."):
        return None
    return SOURCES / name, MEDIA_TYPES[suffix]


@router.get("/assets/{name}", include_in_schema=False)
async def get_member_space_asset(name: Annotated[str, Path(max_length=60, pattern=r"^[a-z0-9-]+\.(js|css)$")]
                                 ) -> FileResponse:
    """A static file of the member space."""
    asset = _asset(name)
    if asset is None or not asset[0].is_file():
        raise NotFound(f"No member space asset {name!r}" + (
            ": run `make install` (npm ci && npm run build in web/)." if name in BUILT else "."))
    path, media_type = asset
    return FileResponse(path, media_type=media_type, headers={"Cache-Control": ASSET_CACHE})
