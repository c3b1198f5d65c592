"""Public reads do bounded work whatever the query string: capped repeats, no parameter without effect,
`ouvert_le` bounded and evaluated off the event loop, CSV built before it is sent (issue 14, items 14,
15 and 19)."""

import asyncio
import csv
import io
import threading
from collections.abc import Callable
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.core.db import get_session, make_engine
from reseau_api.main import app
from reseau_api.places import router as places_router
from reseau_api.places import service
from tests.conftest import TEST_DATABASE_URL
from tests.factories import make_place

HOURS = "Mo-Fr 09:00-18:00"


def assert_names_parameter(response: httpx.Response, name: str) -> None:
    assert response.status_code == 400, response.text
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 400
    assert [e["name"] for e in body["errors"]] == [name]
    assert name in body["detail"]


@pytest.mark.parametrize("path", ["/v1/lieux", "/v1/tuiles/12/2064/1495.mvt", "/v1/maillage"])
async def test_an_opening_moment_far_in_the_future_is_a_400_naming_it(
    client: httpx.AsyncClient, session: AsyncSession, path: str,
) -> None:
    """Was a 500 (OverflowError converting 9999-12-31T23:30Z to Paris time) once a candidate had hours."""
    await make_place(session, horaires=HOURS)
    response = await client.get(path, params={"ouvert_le": "9999-12-31T23:30:00Z"})
    assert_names_parameter(response, "ouvert_le")
    assert response.json()["errors"][0]["detail"] == "Value error, must be within the years 1900 to 2199"
    ok = await client.get("/v1/lieux", params={"ouvert_le": "2199-12-31T23:30:00Z"})
    assert ok.status_code == 200


@pytest.mark.parametrize(("name", "value"), [
    ("type", "coworking"), ("statut", "ouvert"), ("departement", "31"), ("services", "wifi"),
    ("code_insee", "31555"),
])
async def test_a_repeated_filter_takes_at_most_20_values(
    client: httpx.AsyncClient, session: AsyncSession, name: str, value: str,
) -> None:
    await make_place(session)
    assert (await client.get("/v1/lieux", params=[(name, value)] * 20)).status_code == 200
    response = await client.get("/v1/lieux", params=[(name, value)] * 21)
    assert_names_parameter(response, name)
    assert response.json()["errors"][0]["detail"] == "List should have at most 20 items after validation, not 21"
    assert_names_parameter(await client.get("/v1/tuiles/8/128/94.mvt", params=[(name, value)] * 21), name)


@pytest.mark.parametrize(("path", "name", "detail"), [
    ("/v1/lieux?rayon=5000", "rayon", "has no effect without pres_de"),
    ("/v1/lieux?ouvert_maintenant=false", "ouvert_maintenant", "false has no effect; leave the parameter out"),
    ("/v1/lieux?f=csv&limit=10", "limit", "has no effect on CSV (the whole filtered set, by name)"),
    ("/v1/lieux?f=csv&tri=nom", "tri", "has no effect on CSV (the whole filtered set, by name)"),
    ("/v1/lieux?f=csv&curseur=abc", "curseur", "has no effect on CSV (the whole filtered set, by name)"),
    ("/v1/lieux?departemnt=31", "departemnt", "unknown parameter for this route (see the OpenAPI document)"),
    ("/v1/lieux?_=1733040000", "_", "unknown parameter for this route (see the OpenAPI document)"),
    ("/v1/tuiles/8/128/94.mvt?limit=5", "limit", "unknown parameter for this route (see the OpenAPI document)"),
    ("/v1/tuiles.json?rayon=5000", "rayon", "has no effect without pres_de"),
    ("/v1/maillage?n=3", "n", "unknown parameter for this route (see the OpenAPI document)"),
    ("/v1/maillage/communes?rayon=100", "rayon", "has no effect without pres_de"),
])
async def test_a_parameter_without_effect_is_a_400_naming_it(
    client: httpx.AsyncClient, path: str, name: str, detail: str,
) -> None:
    """Accepted and ignored, each would be one more uncached variant of the same answer, at full cost."""
    response = await client.get(path)
    assert_names_parameter(response, name)
    assert response.json()["errors"][0]["detail"] == detail


async def test_opening_hours_are_evaluated_off_the_event_loop(
    client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch,
) -> None:
    await make_place(session, nom="Semaine", horaires=HOURS)
    await make_place(session, nom="Aussi", horaires=HOURS)
    threads: list[threading.Thread] = []
    evaluate = service.is_open_at

    def recording(expression: str | None, moment: Any) -> bool | None:
        threads.append(threading.current_thread())
        return evaluate(expression, moment)

    monkeypatch.setattr(service, "is_open_at", recording)
    response = await client.get("/v1/lieux", params={"ouvert_le": "2026-12-01T10:00:00"})
    assert [item["nom"] for item in response.json()["items"]] == ["Aussi", "Semaine"]
    assert len(threads) == 1  # one shared expression, evaluated once
    assert threads[0] is not threading.main_thread()


async def test_csv_is_refused_beyond_its_bound(
    client: httpx.AsyncClient, session: AsyncSession, monkeypatch: pytest.MonkeyPatch,
) -> None:
    for name in ("Un", "Deux", "Trois"):
        await make_place(session, nom=name)
    monkeypatch.setattr(places_router, "MAX_CSV_ROWS", 3)
    rows = list(csv.DictReader(io.StringIO((await client.get("/v1/lieux?f=csv")).text.lstrip("\ufeff"))))
    assert [r["nom"] for r in rows] == ["Deux", "Trois", "Un"]
    monkeypatch.setattr(places_router, "MAX_CSV_ROWS", 2)
    response = await client.get("/v1/lieux?f=csv")
    assert_names_parameter(response, "f")
    assert response.json()["errors"][0]["detail"] == (
        "more than 2 places match: narrow the filters, or download the whole directory from /v1/export/lieux.csv")


async def _first_body_event(path: str, on_body: Callable[[], None]) -> int:
    """Run one GET through the app as a server would, calling `on_body` when the first body bytes go out."""
    status = 0
    sent = False
    requested = False
    finished = asyncio.Event()

    async def receive() -> dict[str, Any]:
        nonlocal requested
        if not requested:
            requested = True
            return {"type": "http.request", "body": b"", "more_body": False}
        await finished.wait()  # the client stays connected until the response is complete
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status, sent
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and not sent:
            sent = True
            on_body()

    path, _, query = path.partition("?")
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET", "scheme": "http",
             "path": path, "raw_path": path.encode(), "query_string": query.encode(), "root_path": "",
             "headers": [(b"host", b"test")], "client": ("127.0.0.1", 50000), "server": ("test", 80)}
    try:
        await app(scope, receive, send)
    finally:
        finished.set()
    return status


async def test_csv_releases_the_database_before_sending(session: AsyncSession) -> None:
    """A slow reader must not hold a pooled connection (and its transaction): the session is handed back
    before the first byte of the body is sent, not after the last."""
    await make_place(session)
    events: list[str] = []

    async def tracked_session() -> Any:
        yield session
        events.append("session released")

    app.dependency_overrides[get_session] = tracked_session
    try:
        status = await _first_body_event("/v1/lieux?f=csv", lambda: events.append("first body bytes"))
    finally:
        app.dependency_overrides.clear()
    assert status == 200
    assert events == ["session released", "first body bytes"]


async def test_api_connections_end_transactions_left_idle() -> None:
    engine = make_engine(get_settings(), TEST_DATABASE_URL, pooled=False)
    try:
        async with engine.connect() as conn:
            value = (await conn.execute(text("SHOW idle_in_transaction_session_timeout"))).scalar_one()
    finally:
        await engine.dispose()
    assert value == "15s"

