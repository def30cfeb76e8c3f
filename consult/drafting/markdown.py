"""The one Markdown renderer: pages, the live preview, the API's HTML and exports all use it.

markdown-it-py (CommonMark, raw HTML disabled, footnotes) turns Markdown into HTML; nh3 then
keeps only an allow-list of tags and attributes, so hostile input (script, iframes, event
attributes, javascript: links) never reaches a page, the API or an export."""

from __future__ import annotations

import re
from functools import lru_cache

import nh3
from markdown_it import MarkdownIt
from mdit_py_plugins.footnote import footnote_plugin

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "sup", "sub", "section", "table", "thead",
    "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title", "id"},
    "li": {"id"},
    "sup": {"class", "id"},
    "section": {"class"},
    "ol": {"start", "class"},
    "hr": {"class"},
    "th": {"align"},
    "td": {"align"},
}
URL_SCHEMES = {"http", "https", "mailto"}

_WORD = re.compile(r"[\w\u2019'-]+", re.UNICODE)
# Each pattern stops at the next bracket or parenthesis, so it cannot scan ahead to the end of
# the text from every "](" or "[^": a quadratic blow-up on 200,000 characters of "]("s.
# A link target: "](url)", "](url "title")", one level of parentheses inside: "](a_(b))".
_LINK_TARGET = re.compile(r"\]\((?:[^()]|\([^()]*\))*\)")
_REFERENCE_LABEL = re.compile(r"\]\[[^\[\]\n]*\]")  # "[text][label]": the label is not shown
_FOOTNOTE_REF = re.compile(r"\[\^[^\[\]\s]+\]")
# A reference-style link definition "[label]: https://... "title"" is not shown to readers.
_LINK_DEFINITION = re.compile(
    r"^ {0,3}\[(?!\^)[^\[\]\n]+\]:[ \t]*(?:<[^<>\n]*>|\S+)"
    r"""(?:[ \t]+(?:"[^"\n]*"|'[^'\n]*'|\([^()\n]*\)))?[ \t]*$""",
    re.MULTILINE,
)
_AUTOLINK = re.compile(r"<[a-zA-Z][a-zA-Z0-9+.-]{1,31}:[^<>\s]*>|<[^<>\s@]+@[^<>\s@]+>")
_SAFE_PREFIX = re.compile(r"[^A-Za-z0-9_-]")
# Table alignment comes out as an inline style, which the allow-list (and a strict CSP) drop.
# Raw HTML is off, so this exact quoted attribute can only come from the table renderer.
_ALIGN_STYLE = re.compile(r' style="text-align:(left|center|right)"')


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    return parser.use(footnote_plugin)


def render(markdown: str, anchor_prefix: str | None = None) -> str:
    """Markdown to sanitised HTML. `anchor_prefix` keeps footnote anchors unique when several
    sections are shown on one page."""
    # The prefix goes into id and href attributes unescaped by the footnote plugin: letters,
    # digits, "-" and "_" only.
    prefix = _SAFE_PREFIX.sub("-", anchor_prefix or "")
    env = {"docId": prefix} if prefix else {}
    html = _ALIGN_STYLE.sub(r' align="\1"', _parser().render(markdown or "", env))
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def word_count(markdown: str) -> int:
    """Words as a reader counts them: link targets, link definitions and footnote markers do
    not count; an autolink (<https://...>, <name@example.org>) counts as one word."""
    text = _LINK_DEFINITION.sub("", markdown or "")
    text = _LINK_TARGET.sub("]", text)
    text = _REFERENCE_LABEL.sub("]", text)
    text = _AUTOLINK.sub(" link ", text)
    text = _FOOTNOTE_REF.sub("", text)
    return sum(1 for token in _WORD.findall(text) if any(ch.isalnum() for ch in token))
