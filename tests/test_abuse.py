"""Abuse cases (OWASP API Security Top 10, 2023), one test each, across domains.

Object-level authorisation, property-level exposure, resource limits, odd input, member URLs, CORS,
pending content in public outputs, and 50 concurrent edits of one version.
"""

import asyncio
import time
import uuid

import httpx
import mapbox_vector_tile
import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.core.db import make_engine
from reseau_api.core.errors import is_database_unavailable
from reseau_api.places.models import Place, PlaceRevision
from reseau_api.practices.models import Practice
from tests.members.factories import (
    auth,
    committed_client,
    make_key,
    make_organisation,
    patch_place,
    place_payload,
    post_place,
    purge,
    tag,
)
from tests.practices.factories import post_practice

ANONYMOUS, MEMBER_A, MEMBER_B, ADMIN = "anonymous", "member A", "member B", "admin"


async def actors(session: AsyncSession) -> tuple[dict[str, dict[str, str]], uuid.UUID]:
    org_a, org_b = await make_organisation(session), await make_organisation(session)
    keys = {MEMBER_A: await make_key(session, org_a), MEMBER_B: await make_key(session, org_b),
            ADMIN: await make_key(session, admin=True)}
    headers = {ANONYMOUS: {}, **{who: auth(key) for who, key in keys.items()}}
    return headers, org_a.id


async def place_state(session: AsyncSession, place_id: str) -> tuple[int, str, int]:
    place = (await session.execute(select(Place).where(Place.id == uuid.UUID(place_id)))).scalar_one()
    await session.refresh(place)
    revisions = (await session.execute(
        select(func.count()).select_from(PlaceRevision).where(PlaceRevision.place_id == place.id))).scalar_one()
    return place.version, place.moderation, revisions


@pytest.mark.parametrize("published", [True, False], ids=["published", "draft"])
async def test_object_level_authorisation_matrix_on_places(
    client: httpx.AsyncClient, session: AsyncSession, published: bool,
) -> None:
    headers, _ = await actors(session)
    owner_key = headers[MEMBER_A]["Authorization"].removeprefix("Bearer ")
    created = await post_place(client, owner_key)
    place_id = created.json()["id"]
    if published:
        moderated = await client.post(f"/v1/lieux/{place_id}/moderation", json={"decision": "publier"},
                                      headers={**headers[ADMIN], "If-Match": tag(place_id, 1)})
        assert moderated.status_code == 200, moderated.text
    version, moderation, revisions = await place_state(session, place_id)
    hidden = 403 if published else 404  # a draft's existence is not revealed to outsiders
    etag = tag(place_id, version)
    routes = {
        "PATCH": lambda h: client.patch(
            f"/v1/lieux/{place_id}", json={"description": "x"},
            headers={**h, "If-Match": etag, "Content-Type": "application/merge-patch+json"}),
        "DELETE": lambda h: client.delete(f"/v1/lieux/{place_id}", headers={**h, "If-Match": etag}),
        "moderation": lambda h: client.post(f"/v1/lieux/{place_id}/moderation",
                                            json={"decision": "rejeter", "motif": "test"},
                                            headers={**h, "If-Match": etag}),
        "history": lambda h: client.get(f"/v1/lieux/{place_id}/historique", headers=h),
        "restore": lambda h: client.post(f"/v1/lieux/{place_id}/historique/1/restauration",
                                         headers={**h, "If-Match": etag}),
    }
    expected = {
        ANONYMOUS: {"PATCH": 401, "DELETE": 401, "moderation": 401, "history": 401, "restore": 401},
        # Admin-only routes refuse every member alike (403 whatever the id: nothing revealed).
        MEMBER_B: {"PATCH": hidden, "DELETE": hidden, "moderation": 403, "history": hidden, "restore": 403},
        MEMBER_A: {"moderation": 403, "restore": 403},  # owners may not moderate nor restore
    }
    for who, statuses in expected.items():
        for route, status in statuses.items():
            response = await routes[route](headers[who])
            assert response.status_code == status, (who, route, response.text)
            assert response.headers["content-type"] == "application/problem+json"
            # The refusal changed nothing: same version, same moderation state, same history.
            assert await place_state(session, place_id) == (version, moderation, revisions), (who, route)
    # The owner and the admins read the history; only they see a draft.
    assert (await routes["history"](headers[MEMBER_A])).status_code == 200
    assert (await routes["history"](headers[ADMIN])).status_code == 200
    detail = {who: (await client.get(f"/v1/lieux/{place_id}", headers=h)).status_code for who, h in headers.items()}
    assert detail == ({ANONYMOUS: 200, MEMBER_A: 200, MEMBER_B: 200, ADMIN: 200} if published
                      else {ANONYMOUS: 404, MEMBER_A: 200, MEMBER_B: 404, ADMIN: 200})


async def test_object_level_authorisation_on_good_practices(client: httpx.AsyncClient, session: AsyncSession) -> None:
    headers, _ = await actors(session)
    owner_key = headers[MEMBER_A]["Authorization"].removeprefix("Bearer ")
    practice = (await post_practice(client, owner_key)).json()
    pid = practice["id"]
    etag = f'"{pid}-v1"'
    state = select(Practice.version, Practice.status).where(Practice.id == uuid.UUID(pid))
    before = (await session.execute(state)).one()
    for who, status in ((ANONYMOUS, 401), (MEMBER_B, 404)):
        h = headers[who]
        for response in (
            await client.patch(f"/v1/bonnes-pratiques/{pid}", json={"titre": "Volé"},
                               headers={**h, "If-Match": etag, "Content-Type": "application/merge-patch+json"}),
            await client.delete(f"/v1/bonnes-pratiques/{pid}", headers={**h, "If-Match": etag}),
        ):
            assert response.status_code == status, (who, response.request.method, response.text)
        moderation = await client.post(f"/v1/bonnes-pratiques/{pid}/moderation", json={"decision": "publier"},
                                       headers={**h, "If-Match": etag})
        assert moderation.status_code == (401 if who == ANONYMOUS else 403)  # admins only
        assert (await client.get(f"/v1/bonnes-pratiques/{pid}", headers=h)).status_code == 404  # a draft
    assert (await session.execute(state)).one() == before


async def test_pending_content_never_reaches_a_public_output(client: httpx.AsyncClient, session: AsyncSession) -> None:
    headers, _ = await actors(session)
    member = headers[MEMBER_A]["Authorization"].removeprefix("Bearer ")
    name = "Brouillon Secret Zqx"
    draft = (await post_place(client, member, nom=name)).json()
    assert draft["moderation"] == "a_valider"
    await post_practice(client, member, titre="Pratique Brouillon Zqx")
    lon, lat = 1.444209, 43.604652  # Toulouse, where the draft stands
    outputs = [
        "/v1/lieux?limit=200", "/v1/lieux?f=geojson&limit=200", "/v1/lieux?f=csv", "/v1/lieux?q=zqx",
        f"/v1/lieux?pres_de={lat},{lon}", "/v1/export/lieux.csv", "/v1/export/lieux.geojson",
        "/ogc/collections/lieux/items?limit=1000", f"/ogc/collections/lieux/items/{draft['id']}",
        "/v1/bonnes-pratiques", "/v1/bonnes-pratiques?q=zqx", "/v1/bonnes-pratiques.atom",
        f"/v1/lieux/{draft['id']}", f"/v1/lieux/{draft['slug']}",
    ]
    for url in outputs:
        response = await client.get(url)
        assert response.status_code in (200, 404), (url, response.status_code)
        assert "Zqx" not in response.text, url
        if response.status_code == 200:
            assert draft["id"] not in response.text, url
    # Vector tiles, decoded: the draft's point is in the z12 tile of Toulouse, and not drawn.
    tile = await client.get("/v1/tuiles/12/2064/1495.mvt")
    if tile.status_code == 200:
        layer = mapbox_vector_tile.decode(tile.content).get("lieux", {"features": []})
        assert all(f["properties"].get("id") != draft["id"] for f in layer["features"])
    else:
        assert tile.status_code == 204


async def test_no_public_output_exposes_secrets_or_internal_fields(
    client: httpx.AsyncClient, session: AsyncSession,
) -> None:
    headers, org_id = await actors(session)
    member = headers[MEMBER_A]["Authorization"].removeprefix("Bearer ")
    place = (await post_place(client, member, query="")).json()
    await client.post(f"/v1/lieux/{place['id']}/moderation", json={"decision": "publier"},
                      headers={**headers[ADMIN], "If-Match": tag(place["id"], 1)})
    bodies = [(await client.get(url)).text for url in (
        "/v1/lieux?limit=200", f"/v1/lieux/{place['id']}", "/v1/organisations", f"/v1/organisations/{org_id}",
        "/v1/export/lieux.csv", "/ogc/collections/lieux/items",
    )]
    for body in bodies:
        for secret in ("key_hash", "rsx_", member, "search_vector", "search_text", "sort_name", "ctid"):
            assert secret not in body
    public_place_fields = set((await client.get(f"/v1/lieux/{place['id']}")).json())
    assert public_place_fields == {
        "id", "slug", "nom", "description", "statut", "ouverture_prevue", "projet", "mise_en_reseau", "types",
        "services", "adresse", "code_postal", "commune", "code_insee", "departement", "position", "teletravail",
        "horaires", "email", "telephone", "site_web", "accessibilite", "images", "identifiants", "organisation",
        "moderation", "source", "cree_le", "maj_le", "version", "bonnes_pratiques",
        # Freshness and temporary changes; provenance says a role and a source, never a key or who.
        "verifie_le", "fraicheur", "fermetures", "ferme_temporairement", "fermeture_en_cours", "provenance",
    }
    provenance = (await client.get(f"/v1/lieux/{place['id']}")).json()["provenance"]
    assert {key for entry in provenance.values() for key in entry} == {"role", "source", "le"}


ODD_NAMES = [
    "Robert'); DROP TABLE place;--",
    "1 OR 1=1 /* */ UNION SELECT key_hash FROM api_key",
    "\u202egnirts desrever\u202c et \u200fעברית\u200f mêlés",
    "Tiers-lieu 🏡 des 🐝 abeilles",
    "<script>alert(1)</script>",
]


@pytest.mark.parametrize("name", ODD_NAMES)
async def test_odd_strings_are_stored_and_returned_literally(
    client: httpx.AsyncClient, session: AsyncSession, name: str,
) -> None:
    headers, _ = await actors(session)
    created = await client.post("/v1/lieux", json=place_payload(nom=name), headers=headers[MEMBER_A])
    assert created.status_code == 201, created.text
    detail = await client.get(f"/v1/lieux/{created.json()['id']}", headers=headers[MEMBER_A])
    assert detail.json()["nom"] == name
    assert (await client.get("/v1/lieux", params={"q": name})).status_code == 200


@pytest.mark.parametrize(("field", "value"), [
    ("nom", "a\x00b"), ("nom", "x" * 201), ("description", "y" * 10_001),
    ("site_web", "javascript:alert(1)"), ("site_web", "JaVaScRiPt:alert(1)"), ("site_web", "file:///etc/passwd"),
    ("site_web", "data:text/html,<script>alert(1)</script>"), ("images", ["ftp://example.org/a.png"]),
    ("telephone", "+1 555 0100"), ("email", "pas-un-email"),
])
async def test_bad_member_input_is_a_422_naming_the_field(
    client: httpx.AsyncClient, session: AsyncSession, field: str, value: object,
) -> None:
    headers, _ = await actors(session)
    response = await client.post("/v1/lieux", json=place_payload(**{field: value}), headers=headers[MEMBER_A])
    assert response.status_code == 422, response.text
    assert response.headers["content-type"] == "application/problem+json"
    assert field in response.text
    assert (await session.execute(select(func.count()).select_from(Place))).scalar_one() == 0


async def test_member_urls_are_stored_never_fetched(client: httpx.AsyncClient, session: AsyncSession) -> None:
    """An address that would hang any fetch (a blackhole on a non-routable port) is stored at once."""
    headers, _ = await actors(session)
    started = time.monotonic()
    response = await client.post("/v1/lieux", json=place_payload(
        site_web="http://10.255.255.1:81/never", images=["http://10.255.255.1:81/x.png"]), headers=headers[MEMBER_A])
    assert response.status_code == 201
    assert time.monotonic() - started < 1.0


async def test_cors_opens_reads_not_writes(client: httpx.AsyncClient) -> None:
    read = await client.get("/v1/lieux", headers={"Origin": "https://evil.example"})
    assert read.headers["access-control-allow-origin"] == "*"
    assert "access-control-allow-credentials" not in read.headers
    preflight = await client.options("/v1/lieux/x", headers={
        "Origin": "https://evil.example", "Access-Control-Request-Method": "PATCH",
        "Access-Control-Request-Headers": "authorization, if-match"})
    assert "PATCH" not in preflight.headers.get("access-control-allow-methods", "")
    assert preflight.status_code == 400


async def test_rejected_requests_answer_within_a_second(client: httpx.AsyncClient) -> None:
    """Each refusal has its own status and names what is wrong, and costs nothing."""
    for method, url, kwargs, status, named in (
        ("GET", "/v1/lieux?limit=100000", {}, 400, "limit"),
        ("GET", "/v1/lieux?pres_de=43.6,1.4&rayon=10000000", {}, 400, "rayon"),
        ("GET", "/v1/lieux?bbox=-180,-90,180,91", {}, 400, "bbox"),
        ("GET", "/v1/tuiles/30/0/0.mvt", {}, 400, "z"),
        ("GET", "/v1/maillage?rayon_km=1000", {}, 400, "rayon_km"),
        ("POST", "/v1/lieux", {"content": b"x" * (2 * 1024 * 1024), "headers": {"Content-Type": "application/json"}},
         413, "65536 bytes"),
        ("GET", "/v1/cles/moi?api_key=rsx_abcdefgh_" + "x" * 43, {}, 400, "api_key"),
    ):
        started = time.monotonic()
        response = await client.request(method, url, **kwargs)
        assert (response.status_code, response.headers["content-type"]) == (status, "application/problem+json"), url
        assert named in response.json()["detail"], (url, response.json())
        assert time.monotonic() - started < 1.0, url


async def test_statement_timeout_stops_runaway_queries() -> None:
    """API connections carry a statement_timeout; a cancelled query is a 503, not a hung worker."""
    settings = get_settings().model_copy(update={"db_statement_timeout_ms": 200})
    from tests.conftest import TEST_DATABASE_URL

    engine = make_engine(settings, TEST_DATABASE_URL, pooled=False)
    try:
        async with engine.connect() as conn:
            assert (await conn.exec_driver_sql("SHOW statement_timeout")).scalar() == "200ms"
            started = time.monotonic()
            with pytest.raises(Exception) as caught:
                await conn.exec_driver_sql("SELECT pg_sleep(5)")
            assert time.monotonic() - started < 2
            assert is_database_unavailable(caught.value)
    finally:
        await engine.dispose()


async def test_fifty_concurrent_patches_with_one_etag_one_wins(test_database: str) -> None:
    async with committed_client(test_database) as (client, sessions):
        async with sessions() as s:
            org = await make_organisation(s)
            keys = [await make_key(s, org) for _ in range(5)]  # 10 writes per key: within each key's burst
        try:
            place_id = (await post_place(client, keys[0])).json()["id"]
            responses = await asyncio.gather(*(
                patch_place(client, keys[i % 5], place_id, {"description": f"edit {i}"}, 1) for i in range(50)))
            statuses = sorted(r.status_code for r in responses)
            assert statuses == [200] + [412] * 49
            async with sessions() as s:
                stored = (await s.execute(select(Place.version).where(Place.id == uuid.UUID(place_id)))).scalar_one()
                history = (await s.execute(select(PlaceRevision.version).where(
                    PlaceRevision.place_id == uuid.UUID(place_id)).order_by(PlaceRevision.version))).scalars().all()
            assert stored == 2
            assert history == [1, 2]  # creation, then exactly one edit
        finally:
            await purge(sessions, [org.id])


