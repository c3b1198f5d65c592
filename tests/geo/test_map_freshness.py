"""The map fades listings that are not current (`fraicheur` in the tiles, opacity in the style) and rings a
temporarily closed place: checked on the pixels of a headless Chromium screenshot, against a real server."""

from collections.abc import AsyncIterator, Iterator
from datetime import date, timedelta
from typing import Any

import asyncpg
import pytest

from tests.geo.browser import Browser
from tests.geo.conftest import ServedData, _asyncpg_dsn, insert_place
from tests.geo.png import pixels
from tests.geo.test_browser import drawn

ORANGE, FILL = (217, 72, 15), (247, 249, 248)  # an open place (carte.js) over a department's fill
# Far from the census places and from department borders (Aubrac, Aveyron), 0.03 degrees apart.
SPOTS = {"a_jour": (2.80, 44.62, 10), "a_verifier": (2.83, 44.62, None), "obsolete": (2.86, 44.62, 500),
         "ferme": (2.89, 44.62, 10)}
SOURCE = "tests/geo/fraicheur"


def blend(alpha: float) -> tuple[int, int, int]:
    return tuple(round(f + (o - f) * alpha) for o, f in zip(ORANGE, FILL, strict=True))  # type: ignore[return-value]


@pytest.fixture(scope="module")
async def stale_places(server: ServedData) -> AsyncIterator[dict[str, Any]]:
    conn = await asyncpg.connect(_asyncpg_dsn())
    try:
        ids = {}
        for name, (lon, lat, days) in SPOTS.items():
            ids[name] = await insert_place(conn, f"Fraicheur {name}", lon=lon, lat=lat, departement="12",
                                           commune="Laguiole")
            await conn.execute(
                "UPDATE place SET source = $2, verified_at = CASE WHEN $3::int IS NULL THEN NULL "
                "ELSE now() - make_interval(days => $3::int) END WHERE id = $1", ids[name], SOURCE, days)
        today = date.today()
        await conn.execute(
            "UPDATE place SET closures = jsonb_build_array(jsonb_build_object('du', $2::text, 'au', $3::text, "
            "'motif', 'Fermé pour travaux')) WHERE id = $1",
            ids["ferme"], (today - timedelta(days=1)).isoformat(), (today + timedelta(days=1)).isoformat())
        yield ids
    finally:
        await conn.execute("DELETE FROM place WHERE source = $1", SOURCE)
        await conn.close()


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with Browser(width=800, height=500) as chromium:
        yield chromium


def near(rgb: tuple[int, int, int], expected: tuple[int, int, int], tolerance: int = 14) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(rgb, expected, strict=True))


async def test_markers_fade_with_freshness_and_a_closure_rings_the_marker(
    server: ServedData, browser: Browser, stale_places: dict[str, Any],
) -> None:
    browser.goto(f"{server.url}/carte#12/44.62/2.845")
    assert drawn(browser) == 4
    tiles = browser.evaluate(
        "carteReseau.queryRenderedFeatures({layers: ['lieux-points']})"
        ".map(f => [f.properties.nom, f.properties.fraicheur, f.properties.ferme_temporairement])")
    assert sorted(tiles) == [["Fraicheur a_jour", "a_jour", False], ["Fraicheur a_verifier", "a_verifier", False],
                             ["Fraicheur ferme", "a_jour", True], ["Fraicheur obsolete", "obsolete", False]]
    width, _, image = pixels(browser.screenshot())

    def at(name: str, dx: int = 0) -> tuple[int, int, int]:
        lon, lat, _ = SPOTS[name]
        x, y = browser.evaluate(f"(() => {{ const p = carteReseau.project([{lon}, {lat}]); return [p.x, p.y] }})()")
        return image[round(y) * width + round(x) + dx]

    assert near(at("a_jour"), ORANGE)
    assert near(at("a_verifier"), blend(0.45))
    assert near(at("obsolete"), blend(0.2))
    assert near(at("ferme"), ORANGE)
    ring = [at("ferme", dx) for dx in range(5, 10)]  # the marker's edge: a grey ring, not a white one
    assert any(near(rgb, (73, 80, 87), 20) for rgb in ring), ring
    plain_ring = [at("a_jour", dx) for dx in range(5, 10)]
    assert not any(near(rgb, (73, 80, 87), 20) for rgb in plain_ring), plain_ring
