"""The page shell and its files: CSP-friendly (no inline script or style), nothing from elsewhere, only
the files of web/src/espace-membre and MapLibre's CSP build are served."""

import json
import re
from html.parser import HTMLParser

import httpx

from reseau_api.core.config import PROJECT_ROOT


class Inventory(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.styles = 0
        self.style_attributes = 0
        self.handlers: list[str] = []
        self.urls: list[str] = []
        self.config: str = ""
        self._in_config = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "script":
            self.scripts.append(values)
            self._in_config = values.get("type") == "application/json"
        if tag == "style":
            self.styles += 1
        self.style_attributes += "style" in values
        self.handlers += [name for name in values if name.startswith("on")]
        self.urls += [v for k, v in attrs if k in ("src", "href") and v]

    def handle_data(self, data: str) -> None:
        if self._in_config:
            self.config += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_config = False


async def test_the_shell_has_no_inline_code_and_loads_only_its_own_files(client: httpx.AsyncClient) -> None:
    response = await client.get("/espace-membre")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert response.headers["cache-control"] == "no-cache"
    page = Inventory()
    page.feed(response.text)
    assert page.styles == 0 and page.style_attributes == 0 and page.handlers == []
    # Every script is a same-origin file, except the JSON configuration (data, not code).
    assert [s.get("src") or s.get("type") for s in page.scripts] == [
        "application/json", "/espace-membre/assets/maplibre-gl-csp.js", "/espace-membre/assets/app.js"]
    assert all(url.startswith("/") or url.startswith("#") for url in page.urls), page.urls
    config = json.loads(page.config)
    assert config["api"] == "/v1" and config["mapWorker"] == "/espace-membre/assets/maplibre-gl-csp-worker.js"
    assert {"code": "scic", "libelle": "SCIC"} in config["formesJuridiques"]
    assert 'lang="fr"' in response.text


async def test_assets_are_the_sources_and_nothing_else(client: httpx.AsyncClient) -> None:
    app = await client.get("/espace-membre/assets/app.js")
    assert (app.status_code, app.headers["content-type"]) == (200, "text/javascript; charset=utf-8")
    assert app.content == (PROJECT_ROOT / "web/src/espace-membre/app.js").read_bytes()
    css = await client.get("/espace-membre/assets/membre.css")
    assert (css.status_code, css.headers["content-type"]) == (200, "text/css; charset=utf-8")
    worker = await client.get("/espace-membre/assets/maplibre-gl-csp-worker.js")
    assert worker.status_code == 200 and len(worker.content) > 100_000
    for name in ("nope.js", "carte.py"):
        missing = await client.get(f"/espace-membre/assets/{name}")
        assert missing.status_code in (400, 404), name
        assert missing.headers["content-type"] == "application/problem+json"
    for name in ("..%2Fpackage.json", "%2E%2E%2Fbuild.mjs", ".hidden.js"):
        refused = await client.get(f"/espace-membre/assets/{name}")
        assert refused.status_code in (400, 404), name


def test_no_module_reaches_another_origin() -> None:
    """Every import is relative, every API call goes through api.js to the same origin."""
    for path in (PROJECT_ROOT / "web/src/espace-membre").glob("*.js"):
        source = path.read_text()
        assert not re.search(r"https?://[a-z0-9]", source), path.name
        for target in re.findall(r'^import .* from "([^"]+)";$', source, flags=re.M):
            assert target.startswith("./"), (path.name, target)
        assert "innerHTML" not in source, path.name
        assert "localStorage." not in source, path.name


async def test_the_map_links_to_the_member_space(client: httpx.AsyncClient) -> None:
    page = Inventory()
    page.feed((await client.get("/carte")).text)
    assert "espace-membre" in page.urls  # relative: the API's origin, also inside a partner's iframe
