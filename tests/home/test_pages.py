"""The landing page `/` (negotiated HTML or JSON links) and the offline API documentation (/docs, /redoc)
in headless Chromium, whose name resolution stops at the loopback: nothing may come from another origin."""

from collections.abc import Iterator

import httpx
import pytest

from tests.geo.browser import Browser
from tests.servers import running_server


async def test_browsers_get_the_html_landing_page(client: httpx.AsyncClient) -> None:
    page = await client.get("/", headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert page.status_code == 200 and page.headers["content-type"] == "text/html; charset=utf-8"
    assert page.headers["vary"] == "Accept, Accept-Encoding"
    for href in ("/docs", "/redoc", "/carte", "/ogc", "/lieux", "/espace-membre", "/openapi.json", "/v1/lieux"):
        assert f'href="{href}"' in page.text, href
    assert "<h1>Annuaire ouvert des tiers-lieux d'Occitanie</h1>" in page.text


async def test_machines_get_json_links(client: httpx.AsyncClient) -> None:
    for headers, url in (({"Accept": "application/json"}, "/"), ({}, "/"), ({"Accept": "text/html"}, "/?f=json")):
        document = await client.get(url, headers=headers)
        assert document.status_code == 200 and document.headers["content-type"] == "application/json"
        links = {(link["rel"], link["href"]) for link in document.json()["links"]}
        assert {("service-desc", "http://test/openapi.json"), ("service-doc", "http://test/docs"),
                ("related", "http://test/carte"), ("related", "http://test/ogc"),
                ("related", "http://test/espace-membre"), ("self", "http://test/")} <= links
    bad = await client.get("/?format=xml")
    assert bad.status_code == 400 and bad.json()["errors"][0]["name"] == "format"
    assert (await client.get("/?f=xml")).status_code == 400


@pytest.fixture(scope="module")
def docs_server() -> Iterator[str]:
    with running_server({}) as base:
        yield base


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=1200, height=800) as chromium:
        yield chromium


@pytest.mark.parametrize(("path", "rendered"), [
    ("/docs", "document.querySelectorAll('.opblock-summary-path').length"),
    ("/redoc", "document.querySelectorAll('[data-section-id^=\"operation/\"]').length"),
])
def test_the_api_documentation_works_offline(docs_server: str, browser: Browser, path: str, rendered: str) -> None:
    operations = sum(len(item) for item in httpx.get(f"{docs_server}/openapi.json").json()["paths"].values())
    browser.goto(docs_server + path)
    assert browser.wait_for(f"{rendered} >= {operations} && {rendered}", timeout_s=60) >= operations
    assert browser.csp_violations() == []
    assert [url for url in browser.resources() if not url.startswith(docs_server + "/")] == []


def test_the_landing_page_loads_only_its_own_stylesheet(docs_server: str, browser: Browser) -> None:
    browser.goto(docs_server + "/")
    browser.wait_for("document.readyState === 'complete'")
    assert browser.evaluate("getComputedStyle(document.body).maxWidth") == "1120px"  # site.css applied (70rem)
    assert browser.resources() == [f"{docs_server}/", f"{docs_server}/assets/site.css"]
    assert browser.csp_violations() == []
