"""Jinja2 environment of the public pages, the French formatting they share, and their responses.

Security headers: every page sets its own Content-Security-Policy (no inline script or style, nothing from
another origin, not framable), except the embeddable card, which any site may frame."""

import hashlib
from datetime import date, datetime
from decimal import Decimal
from importlib.resources import files
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from reseau_api.core.http import body_etag, not_modified
from reseau_api.core.urls import base_url
from reseau_api.pages.hours import MOIS
from reseau_api.places import vocabulary as vocab

PAGE_CSP = ("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self'; "
            "form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
CARD_CSP = ("default-src 'none'; style-src 'self'; img-src 'self'; form-action 'none'; base-uri 'none'; "
            "frame-ancestors *")
PAGE_CACHE = "public, max-age=60, stale-while-revalidate=300"
SITE_NAME = "Tiers-lieux d'Occitanie"

env = Environment(
    loader=PackageLoader("reseau_api.pages", "templates"), autoescape=select_autoescape(("html", "xml")),
    undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
)
# Part of every page ETag: a new release with other templates changes them.
TEMPLATES_DIGEST = hashlib.sha256(b"".join(
    f.read_bytes() for f in sorted(files("reseau_api.pages").joinpath("templates").iterdir(), key=lambda f: f.name)
)).hexdigest()[:12]


def euros(value: Decimal | float | int | None) -> str:
    if value is None:
        return ""
    amount = Decimal(value)
    text = f"{amount:,.0f}" if amount == amount.to_integral_value() else f"{amount:,.2f}"
    return text.replace(",", "\u202f").replace(".", ",") + "\u00a0€"


def date_fr(value: date | datetime | str | None) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = date.fromisoformat(value[:10])
    return f"{value.day}{'er' if value.day == 1 else ''} {MOIS[value.month - 1]} {value.year}"


def number(value: int | None) -> str:
    return "" if value is None else f"{value:,}".replace(",", "\u202f")


def plural(count: int, one: str, many: str) -> str:
    return f"{number(count)} {one if count == 1 else many}"


def labels(codes: list[str], vocabulary: dict[str, str]) -> list[str]:
    return [vocabulary[code] for code in codes if code in vocabulary]


env.filters.update(euros=euros, date_fr=date_fr, number=number, labels=labels)
env.globals.update(
    plural=plural, SITE_NAME=SITE_NAME, TYPES=vocab.PLACE_TYPES, SERVICES=vocab.SERVICES,
    STATUSES=vocab.STATUSES, AUDIENCES=vocab.AUDIENCES,
)


def links(request: Request) -> dict[str, str]:
    """`root`: the path prefix for links inside the site; `base`: the absolute base for canonical URLs."""
    return {"root": request.scope.get("root_path", "").rstrip("/"), "base": base_url(request)}


def render(template: str, request: Request, **context: Any) -> str:
    return env.get_template(template).render(**links(request), **context)


def page_response(request: Request, html: str, *, status: int = 200, csp: str = PAGE_CSP,
                  cache: str = PAGE_CACHE, etag: str | None = None, headers: dict[str, str] | None = None) -> Response:
    """An HTML page with its ETag (the body's unless given) and a 304 when If-None-Match matches it."""
    etag = etag or body_etag(html.encode())
    all_headers = {"Content-Security-Policy": csp, "Cache-Control": cache, "ETag": etag, **(headers or {})}
    if status == 200 and not_modified(request, etag):
        return Response(status_code=304, headers=all_headers)
    return HTMLResponse(html, status_code=status, headers=all_headers)


def error_page(request: Request, status: int, title: str, message: str, *, csp: str = PAGE_CSP) -> Response:
    """A page for people (404, 410) that links back to the directory."""
    html = render("erreur.html", request, title=title, message=message, status=status)
    return page_response(request, html, status=status, csp=csp, cache="public, max-age=60")
