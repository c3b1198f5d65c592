"""The Atom feed (RFC 4287) of the latest published good practices, built with ElementTree (escaping
is its job), dates in RFC 3339."""

import hashlib
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

from reseau_api.practices import vocabulary as vocab

ATOM_NS = "http://www.w3.org/2005/Atom"
MEDIA_TYPE = "application/atom+xml; charset=utf-8"
FEED_ID = "urn:uuid:6f2c1f0e-4d1b-5a3e-9c1e-7b2d0a9e5c41"  # fixed: the feed's permanent identity
FEED_TITLE = "Bonnes pratiques du réseau des tiers-lieux d'Occitanie"
FEED_AUTHOR = "Réseau des tiers-lieux d'Occitanie"
EPOCH = datetime(2020, 1, 1, tzinfo=UTC)

ET.register_namespace("", ATOM_NS)


def _rfc3339(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds").replace("+00:00", "Z")


def _sub(parent: ET.Element, tag: str, value: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{tag}", attributes)
    if value is not None:
        element.text = value
    return element


def etag(entries: list[Any]) -> str:
    """Changes whenever an entry is added, removed or edited (ids and versions)."""
    digest = hashlib.sha256(",".join(f"{e.id}:{e.version}" for e in entries).encode()).hexdigest()[:32]
    return f'"atom-{digest}"'


def build(entries: list[Any], *, self_url: str, alternate_url: str, entry_base_url: str) -> bytes:
    """The feed document; each entry links to `<entry_base_url>/<id>`, its JSON record."""
    feed = ET.Element(f"{{{ATOM_NS}}}feed", {"{http://www.w3.org/XML/1998/namespace}lang": "fr"})
    _sub(feed, "id", FEED_ID)
    _sub(feed, "title", FEED_TITLE)
    _sub(feed, "subtitle", "Les dernières bonnes pratiques publiées par les membres du réseau.")
    updated = max((e.updated_at for e in entries), default=EPOCH)
    _sub(feed, "updated", _rfc3339(updated))
    _sub(feed, "link", rel="self", type="application/atom+xml", href=self_url)
    _sub(feed, "link", rel="alternate", type="application/json", href=alternate_url)
    author = _sub(feed, "author")
    _sub(author, "name", FEED_AUTHOR)
    _sub(feed, "generator", "reseau-api")
    for entry in entries:
        item = _sub(feed, "entry")
        _sub(item, "id", f"urn:uuid:{entry.id}")
        _sub(item, "title", entry.title)
        _sub(item, "updated", _rfc3339(entry.updated_at))
        _sub(item, "published", _rfc3339(entry.published_at))
        if entry.organisation:
            _sub(_sub(item, "author"), "name", entry.organisation)
        _sub(item, "link", rel="alternate", type="application/json", href=f"{entry_base_url}/{entry.id}")
        for theme in entry.themes:
            _sub(item, "category", term=theme, label=vocab.THEMES.get(theme, theme))
        _sub(item, "summary", entry.summary)
        _sub(item, "content", entry.content_html, type="html")
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)
