"""The public pages in process: what a visitor and a crawler get from /lieux/{slug}, /lieux, /departements,
the embeddable card, /sitemap.xml and /robots.txt (the browser checks are in test_browser.py)."""

import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import extruct
import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.ami.service import SHIPPED_FILE, import_csv
from reseau_api.core.config import get_settings
from tests.factories import make_place
from tests.members.factories import make_organisation
from tests.practices.factories import make_practice

HOSTILE = "</script><script>alert(1)</script>\"'&<b>"
LD = "application/ld+json"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
RICH = {
    "nom": "La Mêlée Numérique", "description": "Coworking au cœur de Toulouse.\n\nAteliers chaque jeudi.",
    "types": ["coworking", "fablab"], "services": ["wifi", "salle_reunion", "accessibilite_pmr"],
    "adresse": "27 rue d'Aubuisson", "horaires": "Mo-Fr 09:00-18:00; PH off", "site_web": "https://melee.example",
    "telephone": "05 61 00 00 00", "email": "contact@melee.example", "accessibilite": "Ascenseur, plain-pied.",
    "teletravail": {"postes": 12, "prix_journee": 15, "prix_mois": 180, "salles_reunion": 2},
}


class Text(HTMLParser):
    """The visible text of a page, and its elements (tag, attributes), as a browser parses them."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.chunks: list[str] = []
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self._skip = 0
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.elements.append((tag, dict(attrs)))
        self._skip += tag in ("script", "style", "textarea", "title")

    def handle_endtag(self, tag: str) -> None:
        self._skip -= tag in ("script", "style", "textarea", "title")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.chunks).split())

    def all(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.elements if name == tag]


@pytest.fixture
def public_base(monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setattr(get_settings(), "public_base_url", "https://tiers-lieux.example/")
    return "https://tiers-lieux.example"


async def test_a_place_page_shows_what_a_visitor_looks_for(
    client: httpx.AsyncClient, session: AsyncSession, public_base: str,
) -> None:
    organisation = await make_organisation(session, nom="Association La Mêlée", contact={"site_web": "https://asso.example"})
    place = await make_place(session, **RICH)
    place.organisation_id = organisation.id
    await session.flush()
    await make_practice(session, titre="Un café du lundi", lieux=[place.id], organisation_id=organisation.id)
    response = await client.get(f"/lieux/{place.slug}")
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "frame-ancestors 'none'" in response.headers["content-security-policy"]
    assert "'unsafe-inline'" not in response.headers["content-security-policy"]
    page = Text(response.text)
    for expected in (
        "La Mêlée Numérique", "Coworking · Fablab à Toulouse", "Ouvert", "Coworking au cœur de Toulouse.",
        "Ateliers chaque jeudi.", "Postes de travail 12", "Salles de réunion 2", "Journée 15 €", "Mois 180 €",
        "Du lundi au vendredi 9 h – 18 h", "Wi-Fi", "Salle de réunion", "Accessibilité PMR", "Ascenseur, plain-pied.",
        "27 rue d'Aubuisson 31000 Toulouse Haute-Garonne", "Site web", "Téléphone : 05 61 00 00 00",
        "Courriel : contact@melee.example", "Structure porteuse Association La Mêlée", "Un café du lundi",
        "Fiche JSON", "GeoJSON", "OGC API – Features",
    ):
        assert expected in page.text, expected
    assert re.search(r"(Ouvert maintenant|Fermé), (ferme|ouvre) ", page.text)
    hrefs = {a["href"] for a in page.all("a")}
    assert {f"/v1/lieux/{place.slug}", f"/ogc/collections/lieux/items/{place.id}?f=json",
            f"/ogc/collections/lieux/items/{place.id}?f=html", "/departements/31", "https://melee.example",
            "tel:0561000000", "mailto:contact@melee.example", "https://asso.example",
            "/carte#14/43.60465/1.44421", f"/lieux/{place.slug}/vignette"} <= hrefs
    canonical = next(link for link in page.all("link") if link["rel"] == "canonical")
    assert canonical["href"] == f"{public_base}/lieux/{place.slug}"
    assert [s["src"] for s in page.all("script") if "src" in s] == ["/pages/assets/pages.js"]
    assert not any("style" in attrs for _, attrs in page.elements)  # the CSP refuses inline style
    snippet = html.unescape(response.text.split('<textarea id="code-vignette" class="code" readonly rows="3">')[1]
                            .split("</textarea>")[0])
    assert snippet == (f'<iframe src="{public_base}/lieux/{place.slug}/vignette" title="La Mêlée Numérique – '
                       f"Tiers-lieux d'Occitanie\" width=\"360\" height=\"220\" loading=\"lazy\"></iframe>")


async def test_metadata_is_found_by_an_independent_extractor(
    client: httpx.AsyncClient, session: AsyncSession, public_base: str,
) -> None:
    place = await make_place(session, **RICH, images=["https://img.example/melee.jpg"])
    response = await client.get(f"/lieux/{place.slug}")
    found = extruct.extract(response.text, base_url=f"{public_base}/lieux/{place.slug}",
                            syntaxes=["json-ld", "opengraph"], uniform=True)
    linked_data = await client.get(f"/v1/lieux/{place.slug}", headers={"Accept": LD})
    assert found["json-ld"] == [linked_data.json()]  # the same document as the API's JSON-LD
    assert f'<script type="application/ld+json">{linked_data.text}</script>' in response.text  # byte for byte
    assert found["json-ld"][0]["@id"] == f"{public_base}/v1/lieux/{place.id}"
    assert found["opengraph"] == [{
        "@context": {"og": "http://ogp.me/ns#"}, "@type": "website", "og:site_name": "Tiers-lieux d'Occitanie",
        "og:locale": "fr_FR", "og:title": "La Mêlée Numérique",
        "og:description": "Coworking au cœur de Toulouse. Ateliers chaque jeudi.",
        "og:url": f"{public_base}/lieux/{place.slug}", "og:image": "https://img.example/melee.jpg",
        "og:image:alt": "La Mêlée Numérique",
    }]
    twitter = {m["name"]: m["content"] for m in Text(response.text).all("meta") if (m.get("name") or "")
               .startswith("twitter:")}
    assert twitter == {"twitter:card": "summary_large_image", "twitter:title": "La Mêlée Numérique",
                       "twitter:description": "Coworking au cœur de Toulouse. Ateliers chaque jeudi.",
                       "twitter:image": "https://img.example/melee.jpg"}


async def test_hostile_names_stay_text_everywhere(client: httpx.AsyncClient, session: AsyncSession) -> None:
    place = await make_place(session, nom=HOSTILE, commune=HOSTILE, description=HOSTILE, accessibilite=HOSTILE)
    pages = {path: (await client.get(path)).text for path in (
        f"/lieux/{place.slug}", f"/lieux/{place.slug}/vignette", "/lieux", "/departements/31")}
    for path, body in pages.items():
        parsed = Text(body)
        assert [s.get("type") for s in parsed.all("script")] in (
            [], ["application/ld+json", None], [None]), path  # no script the page did not put there
        assert not parsed.all("b"), path
        assert HOSTILE in parsed.text, path
    place_page = pages[f"/lieux/{place.slug}"]
    embedded = place_page.split('<script type="application/ld+json">')[1].split("</script>")[0]
    assert "<" not in embedded and ">" not in embedded and "&" not in embedded
    titles = [m["content"] for m in Text(place_page).all("meta") if m.get("property") == "og:title"]
    assert titles == [HOSTILE]
    snippet = html.unescape(place_page.split('readonly rows="3">')[1].split("</textarea>")[0])
    iframe = Text(snippet).all("iframe")
    assert len(iframe) == 1 and iframe[0]["title"] == f"{HOSTILE} – Tiers-lieux d'Occitanie"


@pytest.mark.parametrize("moderation", ["a_valider", "rejete"])
async def test_drafts_and_refused_listings_are_404(
    client: httpx.AsyncClient, session: AsyncSession, moderation: str,
) -> None:
    place = await make_place(session, nom="Lieu Caché", moderation=moderation)
    for path in (f"/lieux/{place.slug}", f"/lieux/{place.slug}/vignette", f"/lieux/{place.id}"):
        response = await client.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"] == "text/html; charset=utf-8"
        assert "Lieu Caché" not in response.text
        assert Text(response.text).text.startswith("Aller au contenu Tiers-lieux d'Occitanie Annuaire Carte "
                                                   "API ouverte Lieu introuvable")


async def test_archived_places_are_gone_with_a_link_to_the_directory(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    place = await make_place(session, nom="Ancien Coworking", moderation="archive")
    response = await client.get(f"/lieux/{place.slug}")
    assert response.status_code == 410
    page = Text(response.text)
    assert "Ancien Coworking n'est plus référencé" in page.text
    assert '<a href="/lieux">Voir l\'annuaire des tiers-lieux</a>' in response.text
    assert {"name": "robots", "content": "noindex"} in page.all("meta")
    card = await client.get(f"/lieux/{place.slug}/vignette")
    assert card.status_code == 410 and "frame-ancestors *" in card.headers["content-security-policy"]


async def test_an_id_or_another_spelling_redirects_to_the_one_address(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    place = await make_place(session)
    response = await client.get(f"/lieux/{place.id}")
    assert response.status_code == 301 and response.headers["location"] == f"/lieux/{place.slug}"
    assert (await client.get("/lieux/pas-de-lieu-ici")).status_code == 404


async def test_place_pages_are_conditional_like_the_json_detail(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    place = await make_place(session, **RICH)
    place_id, slug = place.id, place.slug
    first = await client.get(f"/lieux/{slug}")
    etag = first.headers["etag"]
    assert re.fullmatch(rf'"{place_id}-v1-html-[0-9a-f]{{16}}"', etag)
    assert first.headers["last-modified"] == (await client.get(f"/v1/lieux/{slug}")).headers["last-modified"]
    assert first.headers["cache-control"].startswith("public, max-age=")
    again = await client.get(f"/lieux/{slug}", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b"" and again.headers["etag"] == etag
    head = await client.head(f"/lieux/{slug}")
    assert head.status_code == 200 and head.headers["etag"] == etag
    await session.execute(text("UPDATE place SET name = 'Nouveau nom', version = version + 1 WHERE id = :id"),
                          {"id": place_id})
    session.expire_all()
    changed = await client.get(f"/lieux/{slug}", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag and "Nouveau nom" in changed.text


async def test_the_card_may_be_framed_by_any_site_and_links_to_the_page(
    client: httpx.AsyncClient, session: AsyncSession, public_base: str,
) -> None:
    place = await make_place(session, **RICH)
    response = await client.get(f"/lieux/{place.slug}/vignette")
    assert response.status_code == 200
    csp = response.headers["content-security-policy"]
    assert "frame-ancestors *" in csp and "script-src" not in csp  # no script at all in the card
    page = Text(response.text)
    assert page.text.startswith("La Mêlée Numérique Coworking · Fablab à Toulouse")
    assert "12 postes de télétravail · 15 € la journée" in page.text
    links = [a for a in page.all("a")]
    assert {(a["href"], a["target"], a["rel"]) for a in links} == {
        (f"{public_base}/lieux/{place.slug}", "_blank", "noopener")}
    assert {"name": "robots", "content": "noindex"} in page.all("meta")
    assert not page.all("script")
    for other in ("/lieux", f"/lieux/{place.slug}", "/departements/31"):
        assert "frame-ancestors 'none'" in (await client.get(other)).headers["content-security-policy"], other


async def test_the_directory_filters_and_pages(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_place(session, nom="Cowork Toulouse", teletravail={"postes": 4})
    await make_place(session, nom="Fablab Toulouse", types=["fablab"])
    mende = {"departement": "48", "commune": "Mende", "code_insee": "48095", "code_postal": "48000",
             "position": {"lon": 3.4997, "lat": 44.5181}}
    for i in range(22):
        await make_place(session, nom=f"Lieu Lozère {i:02d}", **mende)
    await make_place(session, nom="Brouillon Lozère", moderation="a_valider", **mende)

    async def names(query: str) -> tuple[list[str], str]:
        response = await client.get(f"/lieux{query}")
        assert response.status_code == 200, response.text
        page = Text(response.text)
        return [a_text for a_text in re.findall(r'<h[23] class="carte-lieu-nom"><a href="[^"]+">([^<]+)</a>',
                                                response.text)], page.text

    listed, page = await names("?departement=48")
    assert listed == [f"Lieu Lozère {i:02d}" for i in range(20)] and "22 lieux trouvés" in page
    next_link = html.unescape(re.search(r'<a href="\?([^"]+)" rel="next">Lieux suivants</a>', (await client.get(
        "/lieux?departement=48&teletravail=false")).text).group(1))
    assert next_link.startswith("departement=48&teletravail=false&curseur=")  # the filters go on
    listed, _ = await names("?" + next_link)
    assert listed == ["Lieu Lozère 20", "Lieu Lozère 21"]
    assert (await names("?departement=31&type=fablab"))[0] == ["Fablab Toulouse"]
    assert (await names("?departement=31&teletravail=true"))[0] == ["Cowork Toulouse"]
    assert (await names("?departement=31&teletravail=false"))[0] == ["Fablab Toulouse"]  # as /v1/lieux
    assert (await names("?q=fablab&departement=31"))[0] == ["Fablab Toulouse"]
    # An HTML form sends its empty fields: they mean "no filter".
    assert (await names("?q=&departement=31&type=&teletravail=true"))[0] == ["Cowork Toulouse"]
    for bad, name in (("departement=75", "departement"), ("type=piscine", "type"), ("teletravail=peut-etre",
                      "teletravail"), ("tri=nom", "tri")):
        response = await client.get(f"/lieux?{bad}")
        assert response.status_code == 400, bad
        assert response.headers["content-type"] == "application/problem+json"
        assert [e["name"] for e in response.json()["errors"]] == [name]


async def test_a_department_page_has_its_places_and_its_ami_figures(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    await import_csv(session, SHIPPED_FILE.read_bytes())
    await make_place(session, nom="Polen", departement="48", commune="Mende", code_insee="48095",
                     code_postal="48000", position={"lon": 3.4997, "lat": 44.5181})
    await make_place(session, nom="Autre Lozère", departement="48", commune="Mende", code_insee="48095",
                     code_postal="48000", position={"lon": 3.4997, "lat": 44.5181}, moderation="a_valider")
    response = await client.get("/departements/48")
    assert response.status_code == 200
    page = Text(response.text)
    projects = (await client.get("/v1/ami/stats/projets", params={"departement": "48"})).json()
    assert projects["total"] == 14  # the figure the Region published for Lozère
    assert "Tiers-lieux : Lozère (48)" in page.text and "1 lieu publié dans l'annuaire" in page.text
    assert (f"{projects['total']} projets candidats {projects['creation']} créations "
            f"{projects['extension']} extensions, dont {projects['mise_en_reseau']} avec mise en réseau") in page.text
    assert re.findall(r'<h[23] class="carte-lieu-nom"><a href="[^"]+">([^<]+)</a>', response.text) == ["Polen"]
    assert (await client.get("/departements/75")).status_code == 404
    assert (await client.get("/departements/2A")).status_code == 404  # Corsica: not in the region


async def test_the_sitemap_lists_exactly_the_published_places(
    client: httpx.AsyncClient, session: AsyncSession, public_base: str,
) -> None:
    for moderation in ("publie", "publie", "a_valider", "rejete", "archive"):
        await make_place(session, nom=f"Lieu {moderation}", moderation=moderation)
    response = await client.get("/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"] == "application/xml"
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    urls = [u.findtext(f"{SITEMAP}loc") for u in root.iter(f"{SITEMAP}url")]
    published = (await session.execute(text("SELECT slug FROM place WHERE moderation = 'publie'"))).scalars().all()
    assert len(published) >= 2
    departments = [f"{public_base}/departements/{code}" for code in get_settings().region_departements]
    assert urls == [f"{public_base}/lieux", *departments, *sorted(f"{public_base}/lieux/{slug}" for slug in published)]
    lastmods = [u.findtext(f"{SITEMAP}lastmod") for u in root.iter(f"{SITEMAP}url")]
    assert lastmods[0] == max(lastmods[1 + len(departments):])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT[\d:]{8}Z", lastmods[0])
    again = await client.get("/sitemap.xml", headers={"If-None-Match": response.headers["etag"]})
    assert again.status_code == 304


async def test_robots_txt_points_at_the_sitemap(client: httpx.AsyncClient, public_base: str) -> None:
    response = await client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"] == "text/plain; charset=utf-8"
    assert response.text == ("User-agent: *\nAllow: /\nDisallow: /v1/\nDisallow: /ogc/\n\n"
                             f"Sitemap: {public_base}/sitemap.xml\n")


async def test_page_assets_are_served(client: httpx.AsyncClient) -> None:
    css = await client.get("/pages/assets/pages.css")
    assert css.status_code == 200 and css.headers["content-type"] == "text/css; charset=utf-8"
    assert (await client.get("/pages/assets/pages.js")).headers["content-type"] == "text/javascript; charset=utf-8"
    assert (await client.get("/pages/assets/secret.txt")).status_code == 404


async def test_a_place_page_says_closed_for_works_and_when_its_data_was_last_checked(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    from datetime import datetime, timedelta

    from reseau_api.shared.time import PARIS
    today = datetime.now(PARIS).date()
    closure = {"du": (today - timedelta(days=1)).isoformat(), "au": (today + timedelta(days=3)).isoformat(),
               "motif": "Fermé pour travaux"}
    place = await make_place(session, horaires="24/7", fermetures=[closure])
    slug, place_id = place.slug, place.id
    page = await client.get(f"/lieux/{slug}")
    shown = Text(page.text).text
    assert "Fermé temporairement jusqu'au" in shown and "(Fermé pour travaux)" in shown
    assert "Ouvert maintenant" not in shown
    assert "Informations à vérifier" not in shown  # made verified
    # Only the freshness changes (same version): the page's ETag follows it.
    await session.execute(text("UPDATE place SET verified_at = NULL WHERE id = :id"), {"id": place_id})
    session.expire_all()
    again = await client.get(f"/lieux/{slug}", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 200
    assert "Informations à vérifier : jamais vérifiées par le lieu." in Text(again.text).text
