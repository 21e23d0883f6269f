"""What delegates write: a small Markdown subset turned into HTML that is safe to show.

Two layers, so neither has to be perfect alone: markdown-it (raw HTML off, only the rules
below on) makes the HTML, then nh3 keeps only the tags and URL schemes we allow and marks
every link ``rel="nofollow ugc noopener"``. ``sanitise`` is idempotent: cleaning its own
output changes nothing."""

import re
import unicodedata
from html import unescape

import nh3
from markdown_it import MarkdownIt

ALLOWED_TAGS = {"p", "br", "strong", "em", "code", "a", "ul", "ol", "li", "blockquote"}
ALLOWED_ATTRIBUTES = {"a": {"href"}, "ol": {"start"}}
ALLOWED_URL_SCHEMES = {"http", "https", "mailto"}
LINK_REL = "nofollow ugc noopener"

# Bidirectional overrides and isolates can make text read differently from what it is
# ("exe.txt" shown as "txt.exe"); nobody needs them in a discussion post.
BIDI_CONTROLS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c]")
OTHER_CONTROLS = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

_markdown = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": True}).enable(
    ["emphasis", "link", "autolink", "linkify", "list", "blockquote", "backticks", "newline", "escape", "entity"]
)


def clean_text(text: str) -> str:
    """The text as it will be stored: NFC, unified line endings, no control or bidi characters."""
    text = unicodedata.normalize("NFC", text).replace("\r\n", "\n").replace("\r", "\n")
    return OTHER_CONTROLS.sub("", BIDI_CONTROLS.sub("", text)).strip()


def sanitise(html: str) -> str:
    """Keep only the allowed tags, attributes and URL schemes; links get ``rel`` set."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=ALLOWED_URL_SCHEMES,
        link_rel=LINK_REL,
        strip_comments=True,
    )


def render_markdown(text: str) -> str:
    """``text`` (the Markdown subset) as sanitised HTML."""
    return sanitise(_markdown.render(clean_text(text)))


def plain_text(html: str) -> str:
    """The words of sanitised ``html`` without any markup, for PDFs, emails and titles."""
    text = nh3.clean(re.sub(r"</(p|li|blockquote)>|<br>", " ", html), tags=set())
    return " ".join(unescape(text).split())


BLOCK_ELEMENT = re.compile(r"<(h[2-4]|p|li)\b[^>]*>(.*?)</\1\s*>", re.S | re.I)


def html_blocks(html: str) -> list[tuple[str, str]]:
    """Rich text as (kind, words) blocks for print and plain text: kind is "heading", "p" or
    "li"; inline markup is dropped. Text outside any block comes back as one paragraph."""
    blocks = []
    for tag, inner in BLOCK_ELEMENT.findall(html or ""):
        words = plain_text(inner)
        if words:
            blocks.append(("heading" if tag.lower().startswith("h") else tag.lower(), words))
    if not blocks and plain_text(html or ""):
        blocks.append(("p", plain_text(html)))
    return blocks
