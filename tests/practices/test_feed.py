"""The Atom feed: RFC 4287 required elements, RFC 3339 dates, sanitised content, no drafts, ETag/304."""

import re
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta

import httpx
from sqlalchemy.ext.asyncio import AsyncSession

from tests.members.factories import make_organisation
from tests.practices.factories import make_practice

A = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$")


def _date(element: ET.Element | None) -> datetime:
    assert element is not None and element.text and RFC3339.match(element.text), element
    return datetime.fromisoformat(element.text.replace("Z", "+00:00"))


async def test_the_feed_is_valid_atom(client: httpx.AsyncClient, session: AsyncSession) -> None:
    org = await make_organisation(session, nom="Le Tiers-Lieu & Co <test>")
    first = await make_practice(session, titre="Première pratique", organisation_id=org.id,
                                contenu="<script>alert(1)</script> et **gras**", thematiques=["gouvernance"])
    second = await make_practice(session, titre="Deuxième pratique")
    await make_practice(session, titre="Un brouillon", publish=False)
    # One transaction: both were published "now"; date the first one earlier so that the order is known.
    first.published_at = first.updated_at = second.published_at - timedelta(days=1)
    await session.flush()
    response = await client.get("/v1/bonnes-pratiques.atom")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/atom+xml; charset=utf-8"
    assert response.headers["cache-control"].startswith("public")
    root = ET.fromstring(response.content)  # noqa: S314 (our own output)
    assert root.tag == f"{A}feed"
    # feed: id, title, updated (RFC 3339), author, link rel=self and alternate
    assert root.find(f"{A}id").text.startswith("urn:uuid:")
    assert root.find(f"{A}title").text
    feed_updated = _date(root.find(f"{A}updated"))
    assert root.find(f"{A}author/{A}name").text
    rels = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert rels["self"] == "http://test/v1/bonnes-pratiques.atom"
    assert rels["alternate"] == "http://test/v1/bonnes-pratiques"
    entries = root.findall(f"{A}entry")
    assert [e.find(f"{A}title").text for e in entries] == ["Deuxième pratique", "Première pratique"]
    for entry in entries:
        assert re.match(r"^urn:uuid:[0-9a-f-]{36}$", entry.find(f"{A}id").text)
        assert _date(entry.find(f"{A}updated")) <= feed_updated
        _date(entry.find(f"{A}published"))
        assert entry.find(f"{A}summary").text
        assert entry.find(f"{A}content").get("type") == "html"
        link = entry.find(f"{A}link[@rel='alternate']").get("href")
        assert (await client.get(link)).status_code == 200
    content = entries[1].find(f"{A}content").text
    assert "<strong>gras</strong>" in content and "<script" not in content  # HTML, sanitised, escaped in XML
    assert entries[1].find(f"{A}author/{A}name").text == "Le Tiers-Lieu & Co <test>"
    assert entries[1].find(f"{A}category").get("term") == "gouvernance"
    assert entries[1].find(f"{A}id").text == f"urn:uuid:{first.id}"


async def test_feed_etag_and_304(client: httpx.AsyncClient, session: AsyncSession) -> None:
    await make_practice(session)
    first = await client.get("/v1/bonnes-pratiques.atom")
    etag = first.headers["etag"]
    assert (await client.get("/v1/bonnes-pratiques.atom", headers={"If-None-Match": etag})).status_code == 304
    await make_practice(session, titre="Une nouvelle")
    changed = await client.get("/v1/bonnes-pratiques.atom", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag


async def test_an_empty_feed_is_still_valid(client: httpx.AsyncClient) -> None:
    root = ET.fromstring((await client.get("/v1/bonnes-pratiques.atom")).content)  # noqa: S314
    assert root.findall(f"{A}entry") == [] and _date(root.find(f"{A}updated"))
