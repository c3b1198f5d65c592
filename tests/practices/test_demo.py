"""The demo good practices: written for the demo, marked as examples, linked to census places."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from reseau_api.places.demo import load_census
from reseau_api.practices.demo import DEMO_ORGANISATION, DEMO_PRACTICES, load_practices


async def test_demo_practices_are_marked_examples_and_linked(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await load_census(session, False)
    assert await load_practices(session, False) == f"good practices: {len(DEMO_PRACTICES)} demo examples loaded"
    body = (await client.get("/v1/bonnes-pratiques?limit=50")).json()
    assert body["total"] == len(DEMO_PRACTICES) >= 5
    for item in body["items"]:
        assert item["resume"].startswith("[Exemple] ")
        assert item["lieux"], item["titre"]
    detail = (await client.get(f"/v1/bonnes-pratiques/{body['items'][0]['id']}")).json()
    assert detail["contenu_html"].startswith("<")
    scic = next(i for i in body["items"] if "SCIC" in i["titre"])
    assert "<table>" in (await client.get(f"/v1/bonnes-pratiques/{scic['id']}")).json()["contenu_html"]
    # A place's detail lists them; the loader is idempotent.
    place = body["items"][0]["lieux"][0]
    listed = (await client.get(f"/v1/lieux/{place['id']}")).json()["bonnes_pratiques"]
    assert body["items"][0]["id"] in [p["id"] for p in listed]
    assert await load_practices(session, False) == "good practices: 0 demo examples loaded"
    assert await load_practices(session, True) == "good practices: already loaded, skipped"
    orgs = (await client.get(f"/v1/bonnes-pratiques?organisation={body['items'][0]['organisation']}")).json()
    assert orgs["total"] == len(DEMO_PRACTICES) and DEMO_ORGANISATION.endswith("(exemple)")
