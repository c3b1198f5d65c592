"""HTML views of the /ogc documents (OGC API - Features conformance class `html`): plain, escaped, no script,
styled by /assets/site.css (the default CSP allows no inline style)."""

import json
from html import escape
from typing import Any


def _page(title: str, body: str) -> str:
    return (f'<!doctype html><html lang="fr"><head><meta charset="utf-8"><title>{escape(title)}</title>'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            '<link rel="stylesheet" href="/assets/site.css"></head>'
            f'<body><nav><a href="/ogc?f=html">OGC API</a><a href="/ogc/collections?f=html">Collections</a>'
            f'<a href="/ogc/conformance?f=html">Conformance</a><a href="/carte">Carte</a></nav>'
            f"<h1>{escape(title)}</h1>{body}</body></html>")


def _links(links: list[dict[str, str]]) -> str:
    items = "".join(
        f'<li><a href="{escape(link["href"])}">{escape(link.get("title") or link["href"])}</a> '
        f'<small>({escape(link["rel"])}, {escape(link.get("type", ""))})</small></li>'
        for link in links)
    return f"<ul>{items}</ul>"


def landing(document: dict[str, Any]) -> str:
    return _page(document["title"], f"<p>{escape(document['description'])}</p>{_links(document['links'])}")


def conformance(document: dict[str, Any]) -> str:
    items = "".join(f"<li><code>{escape(c)}</code></li>" for c in document["conformsTo"])
    return _page("Conformance", f"<ul>{items}</ul>")


def collection(document: dict[str, Any], *, heading: bool = True) -> str:
    bbox = ", ".join(str(v) for v in document["extent"]["spatial"]["bbox"][0])
    body = (f"<p>{escape(document['description'])}</p><p>Extent (CRS84): <code>{escape(bbox)}</code></p>"
            f"{_links(document['links'])}")
    return _page(document["title"], body) if heading else f"<h2>{escape(document['title'])}</h2>{body}"


def collections(document: dict[str, Any]) -> str:
    return _page("Collections", "".join(collection(c, heading=False) for c in document["collections"]))


def _value(value: Any) -> str:
    if isinstance(value, list):
        return escape(", ".join(str(v) for v in value))
    return "" if value is None else escape(str(value))


def items(title: str, columns: list[str], features: list[str], links: list[dict[str, str]],
          matched: int | None) -> str:
    parsed = [json.loads(f) for f in features]
    head = "".join(f"<th>{escape(c)}</th>" for c in ["id", *columns])
    rows = "".join(
        f'<tr><td><a href="items/{escape(str(f["id"]))}?f=html">{escape(str(f["id"]))}</a></td>'
        + "".join(f"<td>{_value(f['properties'].get(c))}</td>" for c in columns) + "</tr>"
        for f in parsed)
    count = f"{len(parsed)} features" + (f" of {matched}" if matched is not None else "")
    return _page(title, f'<p>{count}</p>{_links(links)}<div class="wide"><table><tr>{head}</tr>{rows}</table></div>')


def item(title: str, columns: list[str], feature: str, links: list[dict[str, str]]) -> str:
    parsed = json.loads(feature)
    properties = parsed["properties"]
    rows = "".join(f"<tr><th>{escape(c)}</th><td>{_value(properties.get(c))}</td></tr>" for c in columns)
    geometry = parsed.get("geometry") or {}
    where = ""
    if geometry.get("type") == "Point":
        lon, lat = geometry["coordinates"]
        where = f"<p>Position: <code>{lon}, {lat}</code></p>"
    return _page(f"{title}: {parsed['properties'].get('nom') or parsed['id']}",
                 f"{where}<table>{rows}</table>{_links(links)}")


def api(document: dict[str, Any]) -> str:
    rows = "".join(
        f"<tr><td><code>GET {escape(path)}</code></td><td>{escape(op['get'].get('summary', ''))}</td></tr>"
        for path, op in document["paths"].items())
    body = (f"<p>{escape(document['info']['description'])} Server: <code>{escape(document['servers'][0]['url'])}"
            f"</code>. The OpenAPI 3.0 JSON is at <a href=\"api?f=json\">api?f=json</a>.</p>"
            f"<table><tr><th>Path</th><th>What</th></tr>{rows}</table>")
    return _page(document["info"]["title"], body)
