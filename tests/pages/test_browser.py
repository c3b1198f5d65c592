"""The public pages in headless Chromium against a real server: each kind of page renders under its CSP
(no violation, the built stylesheet applied), axe-core finds no serious or critical accessibility
violation, a visitor filters the directory to Lozère and opens a place, and only the card may be framed
by another site."""

import itertools
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from typing import Any

import asyncpg
import pytest

from reseau_api.core.config import PROJECT_ROOT
from tests.conftest import TEST_DATABASE_URL
from tests.geo.browser import Browser
from tests.geo.conftest import ServedData, _asyncpg_dsn, insert_place, published
from tests.geo.conftest import served_data as served_data
from tests.servers import running_server

AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# Registered before any page script: every CSP violation of the page is kept in window.__csp.
CSP_PROBE = ("window.__csp = []; document.addEventListener('securitypolicyviolation', "
             "e => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));")
LOADED = ("document.readyState === 'complete' && getComputedStyle(document.documentElement)"
          ".getPropertyValue('--accent').trim() === '#1d6b57'")


@pytest.fixture(scope="module")
async def pages_data(served_data: dict[str, uuid.UUID]) -> AsyncIterator[dict[str, str]]:
    """The geo tests' served data plus a fully described place and an archived one (same clean-up)."""
    conn = await asyncpg.connect(_asyncpg_dsn())
    try:
        rich = await insert_place(
            conn, "Polen Test Mende", lon=3.4997, lat=44.5181, departement="48", commune="Mende",
            types=["coworking", "mediation_numerique"], services=["wifi", "salle_reunion", "accessibilite_pmr"],
            desks=14, opening_hours="Mo-Fr 09:00-12:30,13:30-18:00; PH off", website="https://polen.example")
        await conn.execute(
            "UPDATE place SET description = $2, address = $3, postcode = '48000', price_day = 15, "
            "accessibility = 'Plain-pied.', phone = '04 66 00 00 00', email = 'contact@polen.example' WHERE id = $1",
            rich, "Coworking et médiation numérique au cœur de Mende.", "2 rue du Faubourg Montbel")
        archived = await insert_place(conn, "Ancien Test Archive", moderation="archive")
        slugs = dict(await conn.fetch("SELECT name, slug FROM place WHERE id = ANY($1::uuid[])", [rich, archived]))
        yield {"rich": slugs["Polen Test Mende"], "archived": slugs["Ancien Test Archive"]}
    finally:
        await conn.close()


@pytest.fixture(scope="module")
def site(pages_data: dict[str, str]) -> Iterator[ServedData]:
    env = {"DATABASE_URL": TEST_DATABASE_URL, "RESEAU_PUBLIC_BASE_URL": ""}
    with running_server(env, wait_for="/health/ready") as base:
        yield ServedData(base)


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=1200, height=900) as chromium:
        chromium.call("Page.addScriptToEvaluateOnNewDocument", source=CSP_PROBE)
        yield chromium


def load(browser: Browser, url: str) -> dict[str, Any]:
    browser.goto(url)
    browser.wait_for(LOADED)
    return browser.evaluate("""({
        status: performance.getEntriesByType('navigation')[0].responseStatus,
        title: document.title, h1: (document.querySelector('h1') || {}).textContent,
        lang: document.documentElement.lang, csp: window.__csp })""")


def axe_violations(browser: Browser) -> list[str]:
    if not browser.evaluate("typeof axe !== 'undefined'"):
        browser.evaluate(AXE.read_text(encoding="utf-8"))
    result = browser.call(
        "Runtime.evaluate", awaitPromise=True, returnByValue=True,
        expression="axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
                   ".filter(v => ['serious', 'critical'].includes(v.impact))"
                   ".map(v => v.id + ': ' + v.nodes.map(n => n.target.join(' ')).join(', ')))")
    return result["result"]["value"]


def pages(data: dict[str, str]) -> list[tuple[str, int, str]]:
    return [
        ("/lieux", 200, "Annuaire des tiers-lieux d'Occitanie"),
        ("/lieux?departement=48&teletravail=true&q=", 200, "Annuaire des tiers-lieux d'Occitanie"),
        (f"/lieux/{data['rich']}", 200, "Polen Test Mende"),
        ("/departements/48", 200, "Tiers-lieux : Lozère (48)"),
        (f"/lieux/{data['rich']}/vignette", 200, "Polen Test Mende"),
        ("/lieux/pas-de-lieu-ici", 404, "Lieu introuvable"),
        (f"/lieux/{data['archived']}", 410, "Ancien Test Archive n'est plus référencé"),
    ]


def test_every_kind_of_page_renders_under_its_policy_with_no_serious_accessibility_violation(
    site: ServedData, browser: Browser, pages_data: dict[str, str],
) -> None:
    for path, status, heading in pages(pages_data):
        state = load(browser, site.url + path)
        assert (state["status"], state["h1"], state["lang"], state["csp"]) == (status, heading, "fr", []), path
        assert state["title"].endswith("Tiers-lieux d'Occitanie"), path
        assert axe_violations(browser) == [], path


def test_the_place_page_offers_the_copy_button_and_its_links(
    site: ServedData, browser: Browser, pages_data: dict[str, str],
) -> None:
    load(browser, f"{site.url}/lieux/{pages_data['rich']}")
    browser.wait_for("!document.querySelector('.copier').hidden")  # pages.js ran
    hrefs = browser.evaluate("[...document.querySelectorAll('a')].map(a => a.getAttribute('href'))")
    assert "/carte#14/44.51810/3.49970" in hrefs and f"/v1/lieux/{pages_data['rich']}" in hrefs
    assert browser.evaluate("document.querySelector('svg.plan circle') !== null")  # the small map


async def test_a_visitor_filters_to_lozere_and_opens_a_place(site: ServedData, browser: Browser) -> None:
    load(browser, f"{site.url}/lieux")
    browser.evaluate("document.getElementById('f-departement').value = '48'")
    browser.evaluate("document.querySelector('.filtres button').click()")
    browser.wait_for("location.search.includes('departement=48') && " + LOADED)
    lozere = sorted(r["name"] for r in await published(where="department_code = '48'"))
    shown = browser.evaluate("[...document.querySelectorAll('.carte-lieu-nom a')].map(a => a.textContent)")
    assert 5 < len(lozere) <= 20 and sorted(shown) == lozere  # one page holds them all
    assert browser.evaluate("document.querySelector('.compte').textContent") == \
        f"{len(lozere)} lieux trouvés · Effacer les filtres"
    browser.evaluate("document.querySelector('.carte-lieu-nom a').click()")
    browser.wait_for(f"document.querySelector('h1') && document.querySelector('h1').textContent === "
                     f"{json.dumps(shown[0])}")
    assert browser.evaluate("document.querySelector('.fil').textContent.includes('Lozère')")


def test_only_the_card_may_be_framed_by_another_site(
    site: ServedData, browser: Browser, pages_data: dict[str, str],
) -> None:
    other_origin = site.url.replace("127.0.0.1", "localhost")
    browser.goto(f"{other_origin}/robots.txt")  # another origin (the host differs) without a CSP: a partner's site
    browser.wait_for("document.readyState === 'complete'")
    framed = {f"/lieux/{pages_data['rich']}/vignette": True, f"/lieux/{pages_data['rich']}": False, "/lieux": False}
    browser.evaluate(f"""(() => {{ for (const path of {json.dumps(list(framed))}) {{
        const frame = document.createElement('iframe'); frame.src = {json.dumps(site.url)} + path;
        document.body.append(frame); }} }})()""")
    counter = itertools.count(1_000_000)

    def call_in(session_id: str, method: str, **params: Any) -> dict[str, Any]:
        message_id = next(counter)
        browser.ws.send(json.dumps({"id": message_id, "sessionId": session_id, "method": method, "params": params}))
        while True:
            message = json.loads(browser.ws.recv(timeout=30))
            if message.get("id") == message_id:
                return message["result"]

    seen: dict[str, bool] = {}
    deadline = time.monotonic() + 20
    while len(seen) < len(framed) and time.monotonic() < deadline:
        for target in browser.call("Target.getTargets")["targetInfos"]:
            path = target["url"].removeprefix(site.url)
            if target["type"] != "iframe" or path not in framed or path in seen:
                continue
            session_id = browser.call("Target.attachToTarget", targetId=target["targetId"], flatten=True)["sessionId"]
            href = call_in(session_id, "Runtime.evaluate", expression="document.readyState === 'complete' && "
                           "location.href", returnByValue=True)["result"]["value"]
            browser.call("Target.detachFromTarget", sessionId=session_id)
            if href:
                seen[path] = href == site.url + path  # a refused frame shows Chromium's error page instead
    assert seen == framed
