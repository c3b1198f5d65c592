"""The hot path (core/hot.py) answers exactly as the routes do, and serves only what it judges valid.

Every request below goes to the app twice: as served (hot layer in front) and to an app built without
the hot layer; status, headers and body must be identical. Then which of them the hot path served itself.
"""

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core import hot
from reseau_api.core.db import get_session
from reseau_api.main import create_app
from tests.factories import make_place
from tests.practices.factories import make_practice

MONTPELLIER = {"lon": 3.876716, "lat": 43.610769}
SIRET = "73282932000074"  # Luhn-valid

# Served by the hot path: valid and in the plain spelling it parses.
HOT = [
    "/v1/lieux", "/v1/lieux?limit=1", "/v1/lieux?limit=200&tri=-maj_le", "/v1/lieux?f=geojson",
    "/v1/lieux?f=csv", "/v1/lieux?q=coworking", "/v1/lieux?q=cowork%20gare&f=geojson", "/v1/lieux?q=%20%20",
    "/v1/lieux?type=fablab&type=coworking", "/v1/lieux?statut=ouvert&departement=34&departement=31",
    "/v1/lieux?services=wifi&services=visio", "/v1/lieux?code_insee=34172", "/v1/lieux?teletravail=true",
    "/v1/lieux?teletravail=false", "/v1/lieux?postes_min=5", "/v1/lieux?prix_journee_max=18.50",
    "/v1/lieux?bbox=3.8,43.5,3.9,43.7", "/v1/lieux?bbox=3.8,43.5,3.9,43.7&tri=nom&limit=1",
    "/v1/lieux?pres_de=43.61,3.87&rayon=5000", "/v1/lieux?pres_de=43.61,3.87&limit=1&f=geojson",
    "/v1/tuiles/12/2092/1495.mvt", "/v1/tuiles/8/130/93.mvt", "/v1/tuiles/3/4/2.mvt?statut=ouvert",
    "/v1/tuiles/12/0/0.mvt",
    "/ogc/collections/lieux/items", "/ogc/collections/lieux/items?bbox=3.8,43.5,3.9,43.7&limit=1",
    "/ogc/collections/departements/items?limit=2",
    # Filters judged on the hot path since they are declared once (places/filters.py, core/params.py).
    "/v1/lieux?fraicheur=a_verifier", "/v1/lieux?fraicheur=a_jour&fraicheur=obsolete&f=geojson",
    "/v1/tuiles/8/130/93.mvt?fraicheur=a_jour", f"/v1/lieux?siret={SIRET}", "/v1/lieux?siret=732%20829%20320%2000074",
    "/v1/lieux?siret=35600000010014", "/v1/lieux?rna=w313012345", "/v1/lieux?osm=way/42&f=geojson",
    "/v1/lieux?acceslibre=la-cantine", "/v1/lieux?acceslibre=8D1B2C3A-0000-4000-8000-00000000000A",
    "/v1/lieux?data_inclusion=dora--4b9c3ad0", "/v1/lieux?recensement_2019=14", f"/v1/tuiles/3/4/2.mvt?siret={SIRET}",
    "/v1/lieux?ouvert_le=2026-12-01T10:00:00", "/v1/lieux?ouvert_le=2026-12-05T10:00%2B01:00&f=geojson",
    "/v1/lieux?ouvert_le=2026-12-05T09:00Z&f=csv", "/v1/lieux?ouvert_le=2026-12-01T19:30&departement=34",
    "/v1/tuiles/3/4/2.mvt?ouvert_le=2026-12-05T10:00:00", "/v1/lieux?ouvert_maintenant=true&departement=31",
    "/v1/tuiles/3/4/2.mvt?ouvert_maintenant=true&departement=31",
]
# Left to the routes: invalid, or spelled in ways only the framework judges. Same answers all the same.
DEFERRED = [
    "/v1/lieux?limit=0", "/v1/lieux?limit=201", "/v1/lieux?limit=abc", "/v1/lieux?limit=05",
    "/v1/lieux?limit=1&limit=2", "/v1/lieux?q=", "/v1/lieux?q=" + "a" * 201, "/v1/lieux?type=gare",
    "/v1/lieux?departement=75", "/v1/lieux?code_insee=1234", "/v1/lieux?teletravail=yes",
    "/v1/lieux?teletravail=1", "/v1/lieux?postes_min=0", "/v1/lieux?prix_journee_max=-1",
    "/v1/lieux?prix_journee_max=1e3", "/v1/lieux?bbox=1,2,3", "/v1/lieux?bbox=3,43,1,44",
    "/v1/lieux?bbox=a,b,c,d", "/v1/lieux?pres_de=91,0", "/v1/lieux?rayon=10", "/v1/lieux?tri=prix",
    "/v1/lieux?tri=pertinence", "/v1/lieux?f=xml", "/v1/lieux?curseur=nope", "/v1/lieux?f=csv&limit=5",
    "/v1/lieux?inconnu=1", "/v1/lieux?ouvert_maintenant=false",
    "/v1/lieux?fraicheur=vieux", "/v1/lieux?fraicheur=a_jour&fraicheur=a_jour&fraicheur=obsolete&fraicheur=a_jour",
    "/v1/lieux?siret=73282932000075", "/v1/lieux?siret=" + "7" * 21, f"/v1/lieux?siret={SIRET}&siret={SIRET}",
    "/v1/lieux?osm=node/0", "/v1/lieux?rna=W1", "/v1/lieux?recensement_2019=0", "/v1/lieux?acceslibre=La%20Cantine",
    "/v1/lieux?ouvert_le=0.5", "/v1/lieux?ouvert_le=2300-01-01T00:00", "/v1/lieux?ouvert_le=2026-02-30T10:00",
    "/v1/lieux?ouvert_le=2026-12-01t10:00", "/v1/lieux?ouvert_le=2026-12-01%2010:00",
    "/v1/lieux?ouvert_le=2026-12-01T10:00:00.5Z", "/v1/lieux?ouvert_le=2026-12-01T10:00&ouvert_maintenant=true",
    "/v1/lieux?ouvert_maintenant=1&departement=31", "/v1/tuiles/3/4/2.mvt?ouvert_maintenant=false",
    "/v1/tuiles/23/0/0.mvt", "/v1/tuiles/2/4/0.mvt", "/v1/tuiles/02/0/0.mvt", "/v1/tuiles/2/0/0.mvt?x=1",
    "/ogc/collections/lieux/items?limit=0", "/ogc/collections/lieux/items?inconnu=1",
    "/ogc/collections/nulle/items", "/ogc/collections/lieux/items?bbox=1,2",
]
# Among them, valid in spellings the hot parser leaves to Pydantic.
DEFERRED_VALID = ["/v1/lieux?limit=05", "/v1/lieux?limit=1&limit=2", "/v1/lieux?prix_journee_max=1e3",
                  "/v1/lieux?teletravail=yes", "/v1/lieux?teletravail=1", "/v1/tuiles/02/0/0.mvt",
                  f"/v1/lieux?siret={SIRET}&siret={SIRET}", "/v1/lieux?ouvert_le=2026-12-01%2010:00",
                  "/v1/lieux?ouvert_le=2026-12-01T10:00:00.5Z", "/v1/lieux?ouvert_maintenant=1&departement=31"]
VOLATILE = {"x-request-id", "date"}


@pytest.fixture
async def reference(session: AsyncSession) -> AsyncIterator[httpx.AsyncClient]:
    """The same app without the hot layer, on the test's transaction."""
    plain = create_app(hot_reads=False)
    plain.dependency_overrides[get_session] = lambda: session
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=plain), base_url="http://test") as c:
        yield c


@pytest.fixture
def served(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The paths the hot layer answered itself (it defers by raising before answering)."""
    paths: list[str] = []
    original = hot.HotReads._serve

    async def spy(self: hot.HotReads, route: hot.HotRoute, params: dict[str, str], scope: dict) -> object:
        response = await original(self, route, params, scope)
        paths.append(scope["path"] + ("?" + scope["query_string"].decode() if scope["query_string"] else ""))
        return response

    monkeypatch.setattr(hot.HotReads, "_serve", spy)
    return paths


def _comparable(response: httpx.Response) -> tuple[int, list[tuple[str, str]], bytes]:
    volatile = VOLATILE
    body = response.content
    if b'"timeStamp":"' in body:  # OGC pages carry the second they were built (and their tag hashes it)
        body = re.sub(rb'"timeStamp":"[^"]+"', b'"timeStamp":""', body)
        volatile = volatile | {"etag", "content-length"}
    headers = sorted((k, v) for k, v in response.headers.items() if k not in volatile)
    return response.status_code, headers, body


async def _seed(session: AsyncSession) -> None:
    # Open around the clock (so `ouvert_maintenant` does not depend on when the test runs), with identifiers.
    await make_place(session, nom="Atelier du Capitole", types=["fablab", "atelier_partage"], services=["wifi"],
                     horaires="24/7", identifiants={
                         "siret": SIRET, "rna": "W313012345", "osm": "way/42", "acceslibre": "la-cantine",
                         "data_inclusion": "dora--4b9c3ad0", "recensement_2019": "14"})
    await make_place(session, nom="Cowork Montpellier Gare", departement="34", commune="Montpellier",
                     code_insee="34172", code_postal="34000", position=MONTPELLIER, services=["wifi", "visio"],
                     teletravail={"postes": 12, "prix_journee": "18.50"}, description="Coworking près de la gare",
                     horaires="Mo-Fr 09:00-19:00")
    await make_place(session, nom="Brouillon", moderation="a_valider", departement="34", position=MONTPELLIER)
    await session.execute(text("UPDATE place SET verified_at = now() - interval '200 days' WHERE name LIKE 'Cowork%'"))


async def test_hot_answers_are_the_routes_answers(
    client: httpx.AsyncClient, reference: httpx.AsyncClient, session: AsyncSession, served: list[str],
) -> None:
    await _seed(session)
    for path in HOT + DEFERRED:
        for headers in ({}, {"Accept": "application/geo+json"}, {"Accept-Encoding": "gzip"}):
            ours, theirs = await client.get(path, headers=headers), await reference.get(path, headers=headers)
            assert _comparable(ours) == _comparable(theirs), path
    assert sorted(set(served)) == sorted(set(HOT))
    assert not set(HOT) & set(DEFERRED)


async def test_hot_statuses(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """The corpus above covers successes and refusals, as the routes answer them."""
    await _seed(session)
    assert {(await client.get(p)).status_code for p in HOT} <= {200, 204}
    assert {(await client.get(p)).status_code for p in DEFERRED_VALID} <= {200, 204}
    assert {p: (await client.get(p)).status_code for p in DEFERRED if p not in DEFERRED_VALID} == {
        p: 404 if "nulle" in p else 400 for p in DEFERRED if p not in DEFERRED_VALID}
    # The newly hot filters filter (the comparison above holds for empty answers too).
    atelier, cowork = "Atelier du Capitole", "Cowork Montpellier Gare"
    expected = {f"/v1/lieux?siret={SIRET}": [atelier], "/v1/lieux?siret=732%20829%20320%2000074": [atelier],
                "/v1/lieux?rna=w313012345": [atelier], "/v1/lieux?recensement_2019=14": [atelier],
                "/v1/lieux?siret=35600000010014": [], "/v1/lieux?fraicheur=a_verifier": [cowork],
                "/v1/lieux?ouvert_le=2026-12-01T10:00:00": [atelier, cowork],
                "/v1/lieux?ouvert_le=2026-12-05T10:00%2B01:00&f=geojson": [atelier],
                "/v1/lieux?ouvert_le=2026-12-01T19:30&departement=34": [],
                "/v1/lieux?ouvert_maintenant=true&departement=31": [atelier]}
    assert expected.keys() <= set(HOT)
    found = {}
    for path in expected:
        body = (await client.get(path)).json()
        found[path] = [i["nom"] for i in body["items"]] if "items" in body else [
            f["properties"]["nom"] for f in body["features"]]
    assert found == expected
    head = await client.head("/v1/lieux?limit=1")
    assert head.status_code == 200 and head.content == b"" and head.headers["etag"]
    etag = (await client.get("/v1/lieux?limit=1")).headers["etag"]
    assert (await client.get("/v1/lieux?limit=1", headers={"If-None-Match": etag})).status_code == 304


def test_the_hot_parsers_read_only_parameters_their_routes_declare() -> None:
    from reseau_api.core.params import declared
    from reseau_api.geo.hot import ROUTES as GEO
    from reseau_api.places.hot import ROUTES as PLACES

    app = create_app(hot_reads=False)
    layer = hot.HotReads(app, routes=PLACES + GEO, fastapi_app=app)
    for route in PLACES + GEO:
        if route.parameters is not None:
            assert route.parameters <= declared(layer._route_object(route.name)), route.name


async def test_hot_details_are_the_routes_details(
    client: httpx.AsyncClient, reference: httpx.AsyncClient, session: AsyncSession, served: list[str],
) -> None:
    """`/v1/lieux/{id}`: anonymous JSON reads on the hot path; keys, JSON-LD and whatever fails go to the route."""
    await _seed(session)
    place = await make_place(session, nom="Le Quai des Savoirs", fermetures=[
        {"du": "2026-01-01", "au": "2199-12-31", "motif": "Fermé pour travaux"}])
    await make_practice(session, titre="Accueillir les télétravailleurs", lieux=[str(place.id)])
    draft = await make_place(session, nom="Pas encore publié", moderation="a_valider")
    hot_paths = [f"/v1/lieux/{place.id}", f"/v1/lieux/{place.slug}", f"/v1/lieux/{str(place.id).upper()}"]
    deferred = [f"/v1/lieux/{draft.id}", "/v1/lieux/00000000-0000-0000-0000-000000000000", "/v1/lieux/nulle-part",
                f"/v1/lieux/{place.id}?x=1", "/v1/lieux/" + "a" * 121, f"/v1/lieux/{place.id}/historique"]
    etag = (await reference.get(hot_paths[0])).headers["etag"]
    variants: list[dict[str, str]] = [{}, {"Accept-Encoding": "gzip"}, {"If-None-Match": etag}]
    for path in hot_paths + deferred:
        for headers in variants:
            ours, theirs = await client.get(path, headers=headers), await reference.get(path, headers=headers)
            assert _comparable(ours) == _comparable(theirs), (path, headers)
    assert sorted(set(served)) == sorted(hot_paths)
    assert (await client.get(hot_paths[0], headers={"If-None-Match": etag})).status_code == 304
    assert [(await client.get(p)).status_code for p in deferred] == [404, 404, 404, 400, 400, 401]
    # JSON-LD and a key (which may reveal the draft) are the route's to judge.
    served.clear()
    for headers in ({"Accept": "application/ld+json"}, {"Authorization": "Bearer nope"}):
        ours = await client.get(hot_paths[0], headers=headers)
        assert _comparable(ours) == _comparable(await reference.get(hot_paths[0], headers=headers)), headers
    assert served == []
