"""Practice HTML images (issue #14 item 12) and bounded Markdown rendering (item 13)."""

import asyncio
import time
from html.parser import HTMLParser

import httpx
import pytest
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import get_settings
from reseau_api.practices import rendering
from reseau_api.practices.rendering import render
from tests.members.factories import auth, make_key, make_organisation
from tests.practices.factories import patch_practice, post_practice, practice_payload

PATHOLOGICAL = "![" * 25_000  # 50,000 characters that markdown-it renders in about a second


class Images(HTMLParser):
    def __init__(self, html: str) -> None:
        super().__init__()
        self.images: list[dict[str, str | None]] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "img":
            self.images.append(dict(attrs))


def test_images_load_over_https_only_without_referrer_and_lazily() -> None:
    html = render("![a](https://img.example/a.png) ![b](http://pixel.example/p.gif) ![c](//cdn.example/c.png) "
                  "![d](/local.png)")
    policy = {"referrerpolicy": "no-referrer", "loading": "lazy"}
    assert Images(html).images == [
        {"src": "https://img.example/a.png", "alt": "a", **policy},
        {"alt": "b", **policy}, {"alt": "c", **policy}, {"alt": "d", **policy}]


def test_raw_attributes_cannot_undo_the_image_rules() -> None:
    # Raw HTML is text (markdown-it `html` off); the sanitiser alone must hold too.
    html = rendering.sanitise('<img src="https://a.example/x.png" loading="eager" referrerpolicy="unsafe-url">')
    assert Images(html).images == [
        {"src": "https://a.example/x.png", "referrerpolicy": "no-referrer", "loading": "lazy"}]


@pytest.fixture
async def member(session: AsyncSession) -> str:
    return await make_key(session, await make_organisation(session))


@pytest.fixture
def short_bound(monkeypatch: pytest.MonkeyPatch) -> float:
    monkeypatch.setattr(get_settings(), "markdown_render_timeout_s", 0.25)
    return 0.25


async def test_content_too_slow_to_render_is_a_422(
    client: httpx.AsyncClient, member: str, short_bound: float,
) -> None:
    response = await client.post("/v1/bonnes-pratiques", json=practice_payload(contenu=PATHOLOGICAL),
                                 headers=auth(member))
    assert response.status_code == 422
    assert response.json()["errors"] == [{
        "in": "body", "pointer": "/contenu",
        "detail": "this Markdown takes more than 0.25 s to render; simplify it"}]


async def test_the_event_loop_serves_others_while_a_render_runs(
    client: httpx.AsyncClient, member: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(get_settings(), "markdown_render_timeout_s", 120.0)  # this render completes
    started = time.perf_counter()
    write = asyncio.create_task(client.post("/v1/bonnes-pratiques", json=practice_payload(contenu=PATHOLOGICAL),
                                            headers=auth(member)))
    health_latencies = []
    while not write.done():
        sent = time.perf_counter()
        assert (await client.get("/health/live")).status_code == 200
        health_latencies.append(time.perf_counter() - sent)
        await asyncio.sleep(0.02)  # pacing the probes, so that they leave the CPU to the render
    write_duration = time.perf_counter() - started
    assert (await write).status_code == 201
    # Rendering blocked the loop for the whole render before; now a health check waits for nothing.
    assert len(health_latencies) >= 5 and max(health_latencies) < write_duration / 4, (
        health_latencies, write_duration)


async def test_a_no_op_patch_does_not_render_again(
    client: httpx.AsyncClient, member: str, monkeypatch: pytest.MonkeyPatch,
) -> None:
    created = (await post_practice(client, member)).json()
    renders: list[str] = []
    original = rendering.render_bounded

    async def counting(markdown: str) -> str:
        renders.append(markdown)
        return await original(markdown)

    monkeypatch.setattr(rendering, "render_bounded", counting)
    unchanged = await patch_practice(client, member, created["id"], {}, 1)
    retitled = await patch_practice(client, member, created["id"], {"titre": "Un autre titre"}, 1)
    assert (unchanged.status_code, unchanged.json()["version"]) == (200, 1)
    assert (retitled.status_code, retitled.json()["version"]) == (200, 2)
    assert renders == []
    rewritten = await patch_practice(client, member, created["id"], {"contenu": "Nouveau **texte**"}, 2)
    assert rewritten.json()["contenu_html"] == "<p>Nouveau <strong>texte</strong></p>\n"
    assert renders == ["Nouveau **texte**"]
