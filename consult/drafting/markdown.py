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
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code",
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
_LINK_TARGET = re.compile(r"\]\([^)]*\)")
_FOOTNOTE_REF = re.compile(r"\[\^[^\]]*\]")


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    return parser.use(footnote_plugin)


def render(markdown: str, anchor_prefix: str | None = None) -> str:
    """Markdown to sanitised HTML. `anchor_prefix` keeps footnote anchors unique when several
    sections are shown on one page."""
    env = {"docId": anchor_prefix} if anchor_prefix else {}
    html = _parser().render(markdown or "", env)
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
    )


def word_count(markdown: str) -> int:
    """Words as a reader counts them: link targets and footnote markers do not count."""
    text = _LINK_TARGET.sub("]", markdown or "")
    text = _FOOTNOTE_REF.sub("", text)
    return sum(1 for token in _WORD.findall(text) if any(ch.isalnum() for ch in token))
