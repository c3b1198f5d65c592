"""`POST /v1/bonnes-pratiques/apercu`: the editor's preview is exactly the stored rendering."""

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.members.factories import auth, make_key, make_organisation


async def test_the_markdown_preview_is_the_stored_rendering(client: httpx.AsyncClient, session: AsyncSession) -> None:
    key = await make_key(session, await make_organisation(session))
    markdown = "## Titre\n\n**gras** <script>alert(1)</script> [lien](javascript:alert(1))"
    response = await client.post("/v1/bonnes-pratiques/apercu", json={"contenu": markdown}, headers=auth(key))
    assert response.status_code == 200
    assert response.json() == {"contenu_html": (
        "<h2>Titre</h2>\n<p><strong>gras</strong> &lt;script&gt;alert(1)&lt;/script&gt; "
        "[lien](javascript:alert(1))</p>\n")}
    assert (await client.post("/v1/bonnes-pratiques/apercu", json={"contenu": "x"})).status_code == 401
    too_long = await client.post("/v1/bonnes-pratiques/apercu", json={"contenu": "x" * 50_001}, headers=auth(key))
    assert (too_long.status_code, too_long.json()["errors"][0]["pointer"]) == (422, "/contenu")
