"""Markdown -> safe HTML for good practices.

Two layers, so that one mistake is not enough for an XSS:
1. markdown-it-py, CommonMark preset (plus tables) with `html` off: raw HTML in the Markdown is escaped as text, and its
   link validator drops `javascript:`, `vbscript:`, `file:` and `data:` URLs;
2. nh3 (Ammonia) on the result: an allow-list of formatting tags and attributes, URL schemes http, https
   and mailto only, every link `rel="noopener noreferrer nofollow"`. Images load only over `https`, with
   `referrerpolicy="no-referrer"` and `loading="lazy"`: an image embedded in a practice cannot be a
   plain-text tracking pixel, tell its host which partner page shows it, or load before it is scrolled to.

The HTML is rendered on write and stored (`practice.content_html`): reads cost nothing and every reader
gets the same bytes. When these rules change, re-render by editing (or with a data migration).

Rendering is pure Python and some inputs make it slow (50,000 characters of `![` take about a second),
so writes render in a forked child process, off the event loop, killed after
`RESEAU_MARKDOWN_RENDER_TIMEOUT_S`: such content is refused with a 422 on `/contenu`.
"""

import asyncio
import multiprocessing
from multiprocessing.connection import Connection

import nh3
from markdown_it import MarkdownIt

from reseau_api.core.config import get_settings
from reseau_api.core.errors import InvalidBody

_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False}).enable("table")

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "code", "pre", "blockquote",
    "ul", "ol", "li", "a", "img", "table", "thead", "tbody", "tr", "th", "td",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "ol": {"start"}}
URL_SCHEMES = {"http", "https", "mailto"}
IMAGE_ATTRIBUTES = {"img": {"referrerpolicy": "no-referrer", "loading": "lazy"}}


def _https_images_only(tag: str, attribute: str, value: str) -> str | None:
    if tag == "img" and attribute == "src" and not value.lower().startswith("https://"):
        return None  # http, protocol-relative or relative: the image is dropped, its alt text stays
    return value


def sanitise(html: str) -> str:
    return nh3.clean(
        html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES, url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow", strip_comments=True,
        attribute_filter=_https_images_only, set_tag_attribute_values=IMAGE_ATTRIBUTES,
    )


def render(markdown: str) -> str:
    """Sanitised HTML of a Markdown text (in this process, unbounded: for trusted callers and tests)."""
    return sanitise(_markdown.render(markdown))


class ContentTooComplex(InvalidBody):
    def __init__(self, detail: str) -> None:
        super().__init__([{"in": "body", "pointer": "/contenu", "detail": detail}])


def _render_into(markdown: str, sender: Connection) -> None:  # runs in the child
    try:
        html: str | None = render(markdown)
    except Exception:  # e.g. a RecursionError on pathological nesting: the parent answers 422
        html = None
    sender.send(html)
    sender.close()


# fork: the child has the modules loaded already (start-up in milliseconds) and only renders, then exits
# without running the parent's cleanup (its database sockets stay the parent's).
_FORK = multiprocessing.get_context("fork")


async def render_bounded(markdown: str) -> str:
    """`render` in a child process, off the event loop; 422 on `/contenu` when it exceeds the bound."""
    timeout_s = get_settings().markdown_render_timeout_s
    receiver, sender = _FORK.Pipe(duplex=False)
    child = _FORK.Process(target=_render_into, args=(markdown, sender), daemon=True)
    child.start()
    sender.close()
    loop = asyncio.get_running_loop()
    ready = loop.create_future()
    loop.add_reader(receiver.fileno(), lambda: ready.done() or ready.set_result(None))
    try:
        await asyncio.wait_for(ready, timeout_s)
        html: str | None = receiver.recv()  # the result is there (or the child died: EOFError)
    except TimeoutError:
        raise ContentTooComplex(f"this Markdown takes more than {timeout_s:g} s to render; simplify it") from None
    except EOFError:
        html = None
    finally:
        loop.remove_reader(receiver.fileno())
        receiver.close()
        if child.is_alive():
            child.kill()
        await loop.run_in_executor(None, child.join)
        child.close()
    if html is None:
        raise ContentTooComplex("this Markdown cannot be rendered; simplify it")
    return html
