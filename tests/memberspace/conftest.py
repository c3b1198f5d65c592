"""The member space against a real server: committed organisations, keys and places made through the API
itself (an admin key from the service layer, then HTTP), headless Chromium driving the page."""

import base64
import json
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession, create_async_engine
from sqlalchemy.pool import NullPool

from reseau_api.core.config import PROJECT_ROOT
from reseau_api.members import service as members_service
from tests.conftest import TEST_DATABASE_URL
from tests.geo.browser import Browser
from tests.servers import running_server

AXE = PROJECT_ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
# Collected in every page before its scripts run: script errors and Content-Security-Policy violations.
WATCH = """window.__erreurs = [];
addEventListener('error', e => __erreurs.push('erreur : ' + e.message));
addEventListener('unhandledrejection', e => __erreurs.push('rejet : ' + (e.reason && e.reason.message || e.reason)));
document.addEventListener('securitypolicyviolation',
  e => __erreurs.push('csp : ' + e.violatedDirective + ' ' + e.blockedURI));"""


@dataclass
class World:
    url: str
    admin: str
    member: str
    organisation: str
    organisation_name: str
    place: str  # owned by the organisation, published
    census: str  # published, no organisation (like the census places)

    def api(self, key: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        return httpx.Client(base_url=f"{self.url}/v1", headers=headers, timeout=10)


def _dsn() -> str:
    return TEST_DATABASE_URL.replace("postgresql+asyncpg://", "postgresql://", 1)


@pytest.fixture(scope="module")
async def admin_key(test_database: str) -> AsyncIterator[str]:
    engine = create_async_engine(test_database, poolclass=NullPool)
    async with AsyncSession(engine, expire_on_commit=False) as session:
        created = await members_service.issue_key(session, role="admin", label="tests/memberspace",
                                                  organisation_id=None)
    await engine.dispose()
    yield created.cle


@pytest.fixture(scope="module")
def world(admin_key: str) -> Iterator[World]:
    env = {"DATABASE_URL": TEST_DATABASE_URL, "RESEAU_PUBLIC_BASE_URL": "", "RESEAU_WRITE_BURST": "500"}
    with running_server(env, wait_for="/health/ready") as base:
        admin = httpx.Client(base_url=f"{base}/v1", headers={"Authorization": f"Bearer {admin_key}"}, timeout=10)
        name = f"La Fabrique du Lauragais {uuid.uuid4().hex[:4]}"
        org = admin.post("/organisations", json={"nom": name, "forme_juridique": "scic", "nature": "prive"}).json()
        member = admin.post(f"/organisations/{org['id']}/cles", json={"libelle": "Site de la Fabrique"}).json()["cle"]
        place = admin.post(f"/lieux?publier=true&organisation={org['id']}", json={
            "nom": "La Fabrique de Castelnaudary", "statut": "ouvert", "departement": "11", "commune": "Castelnaudary",
            "position": {"lon": 1.9527, "lat": 43.3181}, "types": ["coworking"], "horaires": "Mo-Fr 09:00-18:00",
            "teletravail": {"postes": 12, "prix_journee": 15}}).json()
        census = admin.post("/lieux?publier=true", json={
            "nom": "Recensement Tiers-lieu de Revel", "statut": "ouvert", "departement": "31", "commune": "Revel",
            "position": {"lon": 2.0044, "lat": 43.4586}, "types": ["coworking"]}).json()
        try:
            yield World(base, admin_key, member, org["id"], name, place["id"], census["id"])
        finally:
            admin.close()


@pytest.fixture(scope="module", autouse=True)
async def cleanup(world: World) -> AsyncIterator[None]:
    """Everything the module made: its organisation's records, the places named, the admin key."""
    yield
    conn = await asyncpg.connect(_dsn())
    try:
        org = uuid.UUID(world.organisation)
        await conn.execute("DELETE FROM place_claim WHERE organisation_id = $1", org)
        ids = [r["id"] for r in await conn.fetch(
            "SELECT id FROM place WHERE organisation_id = $1 OR id = $2 OR source IS NULL AND name LIKE 'Test %'",
            org, uuid.UUID(world.census))]
        await conn.execute("DELETE FROM practice WHERE organisation_id = $1", org)
        await conn.execute("DELETE FROM place WHERE id = ANY($1::uuid[])", ids)
        others = [r["id"] for r in await conn.fetch(
            "SELECT id FROM organisation WHERE name LIKE 'Test organisation %'")]
        await conn.execute("DELETE FROM place WHERE organisation_id = ANY($1::uuid[])", others)
        await conn.execute("DELETE FROM api_key WHERE organisation_id = $1 OR label = 'tests/memberspace' "
                           "OR organisation_id = ANY($2::uuid[])", org, others)
        await conn.execute("DELETE FROM organisation WHERE id = $1 OR name LIKE 'Test organisation %'", org)
    finally:
        await conn.close()


class MemberBrowser(Browser):
    """Chromium on the member space: sign in, fill fields as a person would, run axe-core."""

    def __init__(self, url: str, width: int = 1100, height: int = 900) -> None:
        super().__init__(width=width, height=height)
        self.url = url
        self.call("Page.addScriptToEvaluateOnNewDocument", source=WATCH)
        self.call("Emulation.setLocaleOverride", locale="fr-FR")  # as the network's members see it
        self.call("Emulation.setTimezoneOverride", timezoneId="Europe/Paris")

    def ready(self) -> None:
        self.wait_for("document.body && document.body.dataset.pret === '1'")

    def open(self, fragment: str = "") -> None:
        # A real load (not a fragment change), and waiting cannot see the previous page's state.
        self.goto("about:blank")
        self.wait_for("location.href === 'about:blank'")
        self.evaluate("window.__ancienne = true")
        self.goto(f"{self.url}/espace-membre{fragment}")
        self.wait_for("!window.__ancienne && document.body && document.body.dataset.pret === '1'")

    def show(self, fragment: str) -> None:
        target = json.dumps(fragment)
        self.evaluate(f"document.body.dataset.pret = ''; if (location.hash === {target}) "
                      f"dispatchEvent(new HashChangeEvent('hashchange')); else location.hash = {target}")
        self.wait_for(f"location.hash === {json.dumps(fragment)} && document.body.dataset.pret === '1'")

    def sign_in(self, key: str) -> None:
        self.open()
        self.wait_for("!!document.getElementById('cle')")
        self.fill("#cle", key)
        self.click("form.connexion button[type=submit]")
        self.wait_for("!!document.getElementById('connecte') && document.body.dataset.pret === '1'")

    def sign_out(self) -> None:
        self.click("#deconnexion")
        self.wait_for("!!document.getElementById('cle')")

    def fill(self, selector: str, value: str) -> None:
        self.wait_for(f"!!document.querySelector({json.dumps(selector)})")
        self.evaluate(f"""(() => {{ const el = document.querySelector({json.dumps(selector)});
            el.focus(); el.value = {json.dumps(value)};
            el.dispatchEvent(new Event('input', {{bubbles: true}}));
            el.dispatchEvent(new Event('change', {{bubbles: true}}));
            }})()""")

    def click(self, selector: str) -> None:
        self.wait_for(f"!!document.querySelector({json.dumps(selector)})")
        self.evaluate(f"document.querySelector({json.dumps(selector)}).click()")

    def text(self, selector: str) -> str:
        return self.wait_for(f"(document.querySelector({json.dumps(selector)}) || {{}}).innerText")

    def errors(self) -> list[str]:
        return self.evaluate("window.__erreurs")

    def await_value(self, expression: str) -> Any:
        result = self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        if "exceptionDetails" in result:
            raise RuntimeError(f"{expression}: {result['exceptionDetails']}")
        return result["result"].get("value")

    def axe(self) -> list[dict[str, Any]]:
        """Serious and critical axe-core violations (WCAG 2.1 A and AA rules) of the page as it is now."""
        if not self.evaluate("typeof axe !== 'undefined'"):
            self.evaluate(AXE.read_text())  # DevTools evaluation: not subject to the page's CSP
        found = self.await_value("""axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}}).then(r => r.violations.map(v => ({
            id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))})))""")
        return [v for v in found if v["impact"] in ("serious", "critical")]

    def full_screenshot(self, path: Path, scale: float = 1.0) -> None:
        size = self.call("Page.getLayoutMetrics")["cssContentSize"]
        data = self.call("Page.captureScreenshot", format="png", captureBeyondViewport=True, clip={
            "x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 5000), "scale": scale})["data"]
        path.write_bytes(base64.b64decode(data))

    def screenshot_to(self, path: Path) -> None:
        path.write_bytes(self.screenshot())

    def until(self, predicate: Any, timeout_s: float = 15) -> Any:
        """Wait for a Python-side condition (an API answer), without a fixed sleep."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            value = predicate()
            if value:
                return value
            time.sleep(0.1)
        raise AssertionError("condition not met in time")


@pytest.fixture(scope="module")
def browser(world: World) -> Iterator[MemberBrowser]:
    with MemberBrowser(world.url) as chromium:
        yield chromium


@pytest.fixture
def page(browser: MemberBrowser) -> MemberBrowser:
    """The browser, signed out, with the page's error log empty."""
    browser.open()
    browser.evaluate("sessionStorage.clear()")
    browser.open()
    return browser
