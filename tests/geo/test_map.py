"""The /carte page and its assets, in process (the headless browser test is in test_clients_browser.py)."""

import json
import re

import httpx
import pytest

from reseau_api.core.config import PROJECT_ROOT, get_settings
from reseau_api.places import vocabulary as vocab


def page_config(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="carte-config">(.*?)</script>', html, re.S)
    assert match, "no config in the page"
    return json.loads(match.group(1))


async def test_the_map_page_carries_its_filters_and_labels(client: httpx.AsyncClient) -> None:
    response = await client.get("/carte?teletravail=true&departement=31")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/html")
    html = response.text
    for asset in ("carte/assets/maplibre-gl.js", "carte/assets/maplibre-gl.css", "carte/assets/carte.js"):
        assert asset in html
    assert "https://" not in html and "http://" not in html  # nothing external
    config = page_config(html)
    assert config["filters"] == [["teletravail", "true"], ["departement", "31"]]
    assert config["basemap"] is None
    assert config["services"] == vocab.SERVICES and config["statuts"] == vocab.STATUSES


async def test_bad_filters_are_400(client: httpx.AsyncClient) -> None:
    for query, name in [("departement=75", "departement"), ("teletravail=oui", "teletravail")]:
        response = await client.get(f"/carte?{query}")
        assert response.status_code == 400
        assert response.json()["errors"][0]["name"] == name


async def test_filter_text_cannot_close_the_config_script(client: httpx.AsyncClient) -> None:
    response = await client.get("/carte", params={"q": "</script><script>alert(1)</script>"})
    assert response.status_code == 200
    assert "<script>alert(1)" not in response.text
    assert page_config(response.text)["filters"] == [["q", "</script><script>alert(1)</script>"]]


async def test_an_optional_basemap_is_configurable(client: httpx.AsyncClient, monkeypatch: pytest.MonkeyPatch) -> None:
    settings = get_settings()
    monkeypatch.setattr(settings, "map_basemap_url", "https://tiles.example.org/{z}/{x}/{y}.png")
    monkeypatch.setattr(settings, "map_basemap_attribution", "© Example")
    config = page_config((await client.get("/carte")).text)
    assert config["basemap"] == "https://tiles.example.org/{z}/{x}/{y}.png"
    assert config["basemapAttribution"] == "© Example"


@pytest.mark.parametrize(("name", "media_type"), [
    ("maplibre-gl.js", "text/javascript"), ("maplibre-gl.css", "text/css"),
    ("carte.js", "text/javascript"), ("carte.css", "text/css"),
])
async def test_assets_are_served(client: httpx.AsyncClient, name: str, media_type: str) -> None:
    response = await client.get(f"/carte/assets/{name}")
    assert response.status_code == 200, "map assets missing: run scripts/install.sh (npm ci && npm run build in web/)"
    assert response.headers["content-type"].startswith(media_type)
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert len(response.content) > 200


async def test_the_map_library_comes_from_the_lockfile(client: httpx.AsyncClient) -> None:
    lock = json.loads((PROJECT_ROOT / "web" / "package-lock.json").read_text())
    version = lock["packages"]["node_modules/maplibre-gl"]["version"]
    served = (await client.get("/carte/assets/maplibre-gl.js")).text
    assert f"v{version}" in served[:2000] or f'"{version}"' in served


async def test_only_known_assets_are_served(client: httpx.AsyncClient) -> None:
    for name in ("package.json", "..%2Fpackage.json", "build.mjs"):
        response = await client.get(f"/carte/assets/{name}")
        assert response.status_code == 404
        assert response.headers["content-type"] == "application/problem+json"


async def test_the_map_configuration_cannot_end_its_script_element(client: httpx.AsyncClient) -> None:
    response = await client.get("/carte", params={"q": "</script><script>alert(1)</script> & <!--"})
    assert response.status_code == 200
    config = response.text.split('<script type="application/json" id="carte-config">', 1)[1].split("</script>", 1)[0]
    assert "<" not in config and ">" not in config and "&" not in config
    assert json.loads(config)["filters"] == [["q", "</script><script>alert(1)</script> & <!--"]]
