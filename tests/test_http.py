"""HTTP by the book (core/middleware.py): HEAD on every GET route, ETag/304 on list pages, Vary,
compression, CORS preflights, security headers and CSP, keys in URLs, the Host rule and absolute URLs,
and GeoJSON ring orientation."""

import gzip
import itertools
import json
import re
from collections.abc import AsyncIterator
from html.parser import HTMLParser

import brotli
import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.core.db import get_session
from reseau_api.core.middleware import DEFAULT_CSP
from reseau_api.main import app, create_app
from tests.factories import make_place

# Identity unless a test asks for a coding (httpx asks for gzip and br by default).
PLAIN = {"Accept-Encoding": "identity"}
LISTS = [
    "/v1/lieux", "/v1/lieux?f=geojson", "/v1/bonnes-pratiques", "/ogc/collections/lieux/items",
    "/ogc/collections/departements/items", "/v1/maillage", "/v1/ami/candidatures", "/v1/ami/stats/projets",
]
PER_RESPONSE = {"date", "x-request-id", "content-length", "content-encoding"}


@pytest.fixture
async def places(session: AsyncSession) -> None:
    for i in range(30):  # enough for compressible pages
        await make_place(session, nom=f"Lieu de test numéro {i}", commune="Toulouse")


# GET routes left out of the OpenAPI document (pages, files, the document itself, OGC API with its own).
UNDOCUMENTED = ["/docs", "/redoc", "/openapi.json", "/metrics", "/assets/site.css", "/carte/assets/carte.js",
                "/problemes/x", "/ogc/", "/ogc/api", "/ogc/conformance", "/ogc/collections", "/ogc/collections/lieux",
                "/ogc/collections/lieux/schema", "/ogc/collections/lieux/queryables",
                "/ogc/collections/lieux/items", "/ogc/collections/lieux/items/x"]


def _get_paths() -> list[str]:
    """Every GET route of the app, its path parameters filled with a placeholder."""
    documented = [path for path, item in app.openapi()["paths"].items() if "get" in item]
    return sorted({re.sub(r"\{[^}]+\}", "x", path) for path in documented} | set(UNDOCUMENTED))


def test_every_get_route_is_covered() -> None:
    paths = _get_paths()
    assert len(paths) > 40 and {"/", "/v1/lieux", "/carte", "/ogc/collections/lieux/items/x"} <= set(paths)
    assert all("head" not in item for item in app.openapi()["paths"].values())  # the middleware does it


@pytest.mark.parametrize("path", _get_paths())
async def test_head_answers_like_get_without_a_body(client: httpx.AsyncClient, path: str) -> None:
    get = await client.get(path, headers=PLAIN)
    head = await client.head(path, headers=PLAIN)
    assert head.status_code == get.status_code != 405
    assert head.content == b""
    same = {k: v for k, v in get.headers.items() if k not in PER_RESPONSE}
    assert {k: v for k, v in head.headers.items() if k not in PER_RESPONSE} == same
    if "content-length" in get.headers and path != "/metrics":  # streams have none; metrics count requests
        assert head.headers["content-length"] == get.headers["content-length"]


@pytest.mark.parametrize("url", LISTS)
async def test_list_pages_have_a_strong_etag_and_answer_304(
    client: httpx.AsyncClient, places: None, url: str,
) -> None:
    first = await client.get(url, headers=PLAIN)
    assert first.status_code == 200
    etag = first.headers["etag"]
    assert re.fullmatch(r'"[^"]+"', etag)  # strong
    again = await client.get(url, headers={**PLAIN, "If-None-Match": f'"other", {etag}'})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag and again.headers["cache-control"] == first.headers["cache-control"]
    assert "content-type" not in again.headers
    head = await client.head(url, headers={**PLAIN, "If-None-Match": etag})
    assert head.status_code == 304
    stale = await client.get(url, headers={**PLAIN, "If-None-Match": '"stale"'})
    assert stale.status_code == 200 and stale.content == first.content


async def test_the_list_etag_changes_with_the_data(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_place(session, nom="Premier")
    before = (await client.get("/v1/lieux")).headers["etag"]
    await make_place(session, nom="Second")
    after = await client.get("/v1/lieux", headers={"If-None-Match": before})
    assert after.status_code == 200 and after.headers["etag"] != before
    assert [i["nom"] for i in after.json()["items"]] == ["Premier", "Second"]


async def test_negotiated_responses_vary_on_accept(client: httpx.AsyncClient, places: None) -> None:
    for url in ("/v1/lieux", "/ogc/collections/lieux/items", "/ogc", "/", "/v1/maillage/communes"):
        response = await client.get(url, headers=PLAIN)
        assert response.status_code == 200, url
        vary = [v.strip() for v in response.headers["vary"].split(",")]
        assert vary == ["Accept", "Accept-Encoding"], url
    csv = await client.get("/v1/lieux", headers={**PLAIN, "Accept": "text/csv"})
    assert csv.headers["content-type"] == "text/csv; charset=utf-8"
    assert csv.headers["vary"] == "Accept, Accept-Encoding"


@pytest.mark.parametrize("coding", ["gzip", "br"])
async def test_json_geojson_csv_are_compressed_when_asked(
    client: httpx.AsyncClient, places: None, coding: str,
) -> None:
    decode = gzip.decompress if coding == "gzip" else brotli.decompress
    for url in ("/v1/lieux", "/v1/lieux?f=geojson", "/v1/lieux?f=csv", "/openapi.json"):
        plain = await client.get(url, headers=PLAIN)
        assert len(plain.content) > 1024 and "content-encoding" not in plain.headers
        async with client.stream("GET", url, headers={"Accept-Encoding": coding}) as packed:
            raw = b"".join([chunk async for chunk in packed.aiter_raw()])
        assert packed.headers["content-encoding"] == coding, url
        assert len(raw) < len(plain.content) / 2
        assert decode(raw) == plain.content
        assert packed.headers.get("etag") == plain.headers.get("etag")
        assert "Accept-Encoding" in packed.headers["vary"]


async def test_vector_tiles_are_compressed(client: httpx.AsyncClient, places: None) -> None:
    url = "/v1/tuiles/0/0/0.mvt"
    plain = await client.get(url, headers=PLAIN)
    if len(plain.content) < 1024:  # a tile of 30 places is small: make sure of the threshold rule instead
        packed = await client.get(url, headers={"Accept-Encoding": "gzip"})
        assert "content-encoding" not in packed.headers and packed.headers["vary"] == "Accept-Encoding"
        return
    async with client.stream("GET", url, headers={"Accept-Encoding": "gzip"}) as packed:
        raw = b"".join([chunk async for chunk in packed.aiter_raw()])
    assert gzip.decompress(raw) == plain.content


async def test_small_bodies_and_refused_codings_are_not_compressed(client: httpx.AsyncClient) -> None:
    small = await client.get("/health/live", headers={"Accept-Encoding": "gzip"})
    assert "content-encoding" not in small.headers
    refused = await client.get("/openapi.json", headers={"Accept-Encoding": "gzip;q=0, br;q=0"})
    assert "content-encoding" not in refused.headers
    assert json.loads(refused.content)["openapi"].startswith("3.")
    weighted = await client.get("/openapi.json", headers={"Accept-Encoding": "br;q=0, gzip;q=0.5"})
    assert weighted.headers["content-encoding"] == "gzip"


async def test_a_cors_preflight_for_a_conditional_read_is_allowed(client: httpx.AsyncClient) -> None:
    preflight = await client.options("/v1/lieux", headers={
        "Origin": "https://partenaire.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "if-none-match, accept"})
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == "*"
    assert "GET" in preflight.headers["access-control-allow-methods"]
    allowed = {h.strip() for h in preflight.headers["access-control-allow-headers"].split(",")}
    assert {"if-none-match", "accept", "if-modified-since"} <= allowed
    read = await client.get("/v1/lieux", headers={"Origin": "https://partenaire.example"})
    exposed = {h.strip() for h in read.headers["access-control-expose-headers"].split(",")}
    assert {"ETag", "Link", "Location", "Retry-After", "X-Request-ID"} <= exposed
    key = await client.options("/v1/lieux", headers={
        "Origin": "https://partenaire.example", "Access-Control-Request-Method": "GET",
        "Access-Control-Request-Headers": "authorization"})
    assert key.status_code == 400 and key.headers["content-type"] == "application/problem+json"
    assert key.json()["errors"][0]["name"] == "Access-Control-Request-Headers"


# --- #14 item 11: security headers -----------------------------------------------------------------


class _InlineFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.inline: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = dict(attrs)
        if tag == "style" or "style" in names or any(n.startswith("on") for n in names):
            self.inline.append(f"<{tag} {names}>")
        if tag == "script" and "src" not in names and names.get("type") not in ("application/json",
                                                                             "application/ld+json"):
            self.inline.append("<script> with inline code")


@pytest.mark.parametrize("url", ["/", "/docs", "/redoc", "/ogc?f=html", "/ogc/collections?f=html",
                                 "/problemes/parametre-invalide", "/carte"])
async def test_html_pages_have_a_csp_and_no_inline_script(client: httpx.AsyncClient, url: str) -> None:
    page = await client.get(url, headers={"Accept": "text/html"})
    assert page.status_code == 200 and page.headers["content-type"].startswith("text/html")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "http" not in csp  # no third-party origin
    if url == "/carte":
        assert csp.endswith("frame-ancestors *") and "x-frame-options" not in page.headers
    else:
        assert "frame-ancestors 'none'" in csp and page.headers["x-frame-options"] == "DENY"
    if url not in ("/carte", "/redoc"):
        assert csp == DEFAULT_CSP
    finder = _InlineFinder()
    finder.feed(page.text)
    assert finder.inline == []


@pytest.mark.parametrize("url", ["/v1/lieux", "/v1/lieux/inconnu", "/health/live", "/", "/carte",
                                 "/assets/site.css", "/v1/cles/moi"])
async def test_every_response_has_nosniff_and_a_referrer_policy(client: httpx.AsyncClient, url: str) -> None:
    response = await client.get(url)
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "same-origin"


# --- #14 item 3: a key-looking value in a URL is refused on every route ------------------------------


@pytest.mark.parametrize("url", [
    "/v1/lieux?api_key=abc", "/v1/lieux?token=abc", "/health/live?access_token=abc", "/carte?cle=abc",
    "/ogc/collections?f=json&x=rsx_abcdefgh_" + "k" * 43, "/v1/lieux?q=rsx_abcdefgh_" + "k" * 43,
    "/v1/lieux?API%5FKEY=abc", "/nulle-part?apikey=abc",
])
async def test_keys_in_the_query_string_are_refused_everywhere(client: httpx.AsyncClient, url: str) -> None:
    for method in ("GET", "HEAD", "POST"):
        response = await client.request(method, url)
        assert response.status_code == 400, (method, url)
        assert response.headers["content-type"] == "application/problem+json"
        assert response.headers["cache-control"] == "no-store"
        if method == "GET":
            problem = response.json()
            assert problem["errors"][0]["in"] == "query"
            assert "Authorization: Bearer" in problem["detail"]


async def test_words_that_merely_contain_rsx_are_not_keys(client: httpx.AsyncClient) -> None:
    assert (await client.get("/v1/lieux?q=rsx")).status_code == 200


# --- #14 item 10: the Host header never makes a link ---------------------------------------------


async def test_an_unknown_host_is_refused(client: httpx.AsyncClient) -> None:
    for url in ("/v1/tuiles.json", "/ogc", "/v1/lieux", "/"):
        response = await client.get(url, headers={"Host": "evil.example"})
        assert response.status_code == 400, url
        problem = response.json()
        assert problem["errors"] == [{"in": "header", "name": "Host", "detail": problem["detail"]}]
    assert (await client.get("/v1/tuiles.json", headers={"Host": "localhost:8000"})).status_code == 200
    assert (await client.get("/v1/tuiles.json", headers={"Host": "[::1]:8000"})).status_code == 200


@pytest.fixture
async def proxied(session: AsyncSession, monkeypatch: pytest.MonkeyPatch) -> AsyncIterator[httpx.AsyncClient]:
    """The app behind a proxy: RESEAU_PUBLIC_BASE_URL set, any Host accepted and never used."""
    monkeypatch.setattr(get_settings(), "public_base_url", "https://annuaire.example.org/api/")
    proxied_app = create_app()
    proxied_app.dependency_overrides[get_session] = lambda: session
    transport = httpx.ASGITransport(app=proxied_app)
    async with httpx.AsyncClient(transport=transport, base_url="http://evil.example") as c:
        yield c


async def test_links_follow_the_public_base_url_not_the_host(proxied: httpx.AsyncClient, session: AsyncSession) -> None:
    base = "https://annuaire.example.org/api"
    tilejson = (await proxied.get("/v1/tuiles.json")).json()
    assert tilejson["tiles"] == [f"{base}/v1/tuiles/{{z}}/{{x}}/{{y}}.mvt"]
    for i in range(3):
        await make_place(session, nom=f"Lieu {i}")
    page = await proxied.get("/v1/lieux?limit=2")
    assert page.json()["next"].startswith(f"{base}/v1/lieux?limit=2&curseur=")
    assert page.headers["link"].startswith(f"<{base}/v1/lieux?limit=2&curseur=")
    ogc = (await proxied.get("/ogc")).json()
    assert {link["href"].split("?")[0] for link in ogc["links"]} <= {
        f"{base}/ogc", f"{base}/ogc/api", f"{base}/ogc/conformance", f"{base}/ogc/collections"}
    place = (await proxied.get("/v1/lieux")).json()["items"][0]
    linked = (await proxied.get(f"/v1/lieux/{place['id']}", headers={"Accept": "application/ld+json"})).json()
    assert linked["@id"] == f"{base}/v1/lieux/{place['id']}"
    atom = (await proxied.get("/v1/bonnes-pratiques.atom")).text
    assert f'href="{base}/v1/bonnes-pratiques.atom"' in atom and "evil.example" not in atom
    landing = (await proxied.get("/?f=json")).json()
    assert all(link["href"].startswith(base + "/") for link in landing["links"])


# --- RFC 7946 §3.1.6: exterior rings counterclockwise, holes clockwise ---------------------------


def _signed_area(ring: list[list[float]]) -> float:
    return sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in itertools.pairwise(ring)) / 2


def _polygons(geometry: dict) -> list[list[list[list[float]]]]:
    return [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]


@pytest.mark.parametrize("url", ["/ogc/collections/departements/items?limit=100", "/v1/ami/departements.geojson"])
async def test_polygons_have_counterclockwise_exterior_rings(client: httpx.AsyncClient, url: str) -> None:
    features = (await client.get(url)).json()["features"]
    assert len(features) == 13
    for feature in features:
        for polygon in _polygons(feature["geometry"]):
            assert _signed_area(polygon[0]) > 0, feature["id"]
            assert all(_signed_area(hole) < 0 for hole in polygon[1:])
