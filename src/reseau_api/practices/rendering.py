"""Markdown -> safe HTML for good practices.

Two layers, so that one mistake is not enough for an XSS:
1. markdown-it-py, CommonMark preset (plus tables) with `html` off: raw HTML in the Markdown is escaped as text, and its
   link validator drops `javascript:`, `vbscript:`, `file:` and `data:` URLs;
2. nh3 (Ammonia) on the result: an allow-list of formatting tags and attributes, URL schemes http, https
   and mailto only, every link `rel="noopener noreferrer nofollow"`.

The HTML is rendered on write and stored (`practice.content_html`): reads cost nothing and every reader
gets the same bytes. When these rules change, re-render by editing (or with a data migration).
"""

import nh3
from markdown_it import MarkdownIt

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}


def sanitise(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
    )


def render(markdown: str) -> str:
    """Sanitised HTML of a Markdown text."""
    return sanitise(_markdown.render(markdown))
