"""Issue #14 item 20: slugs always succeed, fit VARCHAR(120), and reveal nothing about hidden drafts."""

import json
import re

from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.core.config import PROJECT_ROOT
from reseau_api.editorial import kernel, slugs
from tests.editorial.conftest import RESOURCES, Api, Kind, World

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")


async def test_sixty_drafts_with_one_name_all_get_a_slug(
    api: Api, world: World, kind: Kind, session: AsyncSession,
) -> None:
    res = RESOURCES[kind.objet]
    data = res.write_schema.model_validate(kind.body(**{kind.title_field: "Le Hub"}))
    slugs = [(await kernel.insert(session, res, data, actor=None, state=res.workflow.pending,
                                  organisation_id=world.org.id)).slug for _ in range(59)]  # below the write limit
    slugs.append((await api.create(world.member, **{kind.title_field: "Le Hub"}))["slug"])
    assert len(set(slugs)) == 60
    assert all(re.fullmatch(r"le-hub-[a-z0-9]{6}", s) for s in slugs), slugs[:3]


async def test_a_long_name_and_a_long_commune_still_fit(api: Api, world: World, kind: Kind) -> None:
    long = {kind.title_field: "Tiers-lieu " + "très " * 37 + "long"}
    if kind.objet == "lieu":
        long["commune"] = "Saint-" + "a" * 110
    def apart(n: int) -> dict[str, object]:  # three places, not three possible duplicates of one
        return {"position": {"lon": 1.40 + n / 100, "lat": 43.6}} if kind.objet == "lieu" else {}

    published = [(await api.create(world.admin, "?publier=true", **long, **apart(n)))["slug"] for n in range(3)]
    draft = (await api.create(world.member, **long))["slug"]
    assert all(len(s) <= 120 and SLUG.match(s) for s in [*published, draft]), [*published, draft]
    assert len(set(published)) == 3


async def test_a_hidden_draft_does_not_show_in_anyone_elses_slug(api: Api, world: World, kind: Kind) -> None:
    hidden = await api.create(world.other, **{kind.title_field: "La Fabrique"})
    mine = await api.create(world.member, **{kind.title_field: "La Fabrique"})
    # Both drafts got the same shape of slug: nothing tells the second member that the first exists.
    assert re.fullmatch(r"la-fabrique-[a-z0-9]{6}", hidden["slug"])
    assert re.fullmatch(r"la-fabrique-[a-z0-9]{6}", mine["slug"])
    # Published, the second takes the plain slug: the other's draft never held it.
    published = await api.moderate(world.admin, mine["id"], 1)
    assert published.json()["slug"] == "la-fabrique"
    assert (await api.get("la-fabrique")).json()["id"] == mine["id"]
    history = (await api.history(world.member, mine["id"]))["items"][0]
    assert {"champ": "slug", "avant": mine["slug"], "apres": "la-fabrique"} in history["changements"]


async def test_a_title_that_names_a_route_never_takes_that_slug(api: Api, world: World, kind: Kind) -> None:
    """`/v1/bonnes-pratiques/apercu` is a route: a practice called "Aperçu" must stay reachable by its slug."""
    created = await api.create(world.admin, "?publier=true", **{kind.title_field: "Aperçu"})
    assert created["slug"] != "apercu" and created["slug"].startswith("apercu-")
    assert (await api.get(created["slug"])).json()["id"] == created["id"]


def test_every_literal_segment_where_a_slug_stands_is_reserved() -> None:
    paths = json.loads((PROJECT_ROOT / "openapi" / "openapi.json").read_text())["paths"]
    literal = {parts[len(prefix)] for template in paths if "{id_or_slug}" in template
               for prefix in [template.split("/")[:template.split("/").index("{id_or_slug}")]]
               for path in paths for parts in [path.split("/")]
               if len(parts) > len(prefix) and parts[:len(prefix)] == prefix and "{" not in parts[len(prefix)]}
    assert literal == {"apercu"} and literal <= slugs.RESERVED
