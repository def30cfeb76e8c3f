"""The one Markdown renderer: pages, the live preview, the API's HTML and exports all use it.

markdown-it-py (CommonMark, raw HTML disabled, footnotes) turns Markdown into HTML; nh3 then
keeps only an allow-list of tags and attributes, so hostile input (script, iframes, event
attributes, javascript: links) never reaches a page, the API or an export."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import nh3
from markdown_it import MarkdownIt
from markupsafe import escape
from mdit_py_plugins.footnote import footnote_plugin

if TYPE_CHECKING:
    from consult.drafting.models import Response, Section

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


def section_heading(section: Section) -> str:
    """A section's heading as the recipient reads it: "Question 3: <the question>", or the
    section's own title."""
    if section.kind == "question" and section.number is not None:
        return f"Question {section.number}: {section.title}"
    return section.title


def render_response(
    response: Response,
    sections: Iterable[Section],
    *,
    heading: str | None = None,
    subtitle: str | None = None,
    contents: bool = False,
    placeholders: bool = False,
) -> str:
    """The whole response as one HTML fragment: the API's /html, the preview page and the
    exports all show a response through this, so they cannot drift apart.

    Every section's Markdown goes through `render` (with the section's own footnote prefix, so
    anchors stay unique on the page); headings, the closed answers and everything else are
    plain text, escaped. The bare document (the API's) is a heading (`heading`, else the
    response's title) and a <section> per section, in tags from the renderer's allow-list.
    A page or an export may add a `subtitle` under the heading, a list of `contents` linking
    to each section, and `placeholders` that say what is still missing (a closed answer not
    chosen, a section not written): the draft preview shows those, a finished text does not."""
    sections = list(sections)
    parts = [f"<h1>{escape(heading or response.title)}</h1>"]
    if subtitle:
        parts.append(f'<p class="response-subtitle">{escape(subtitle)}</p>')
    if contents and sections:
        parts.append('<nav class="response-contents" aria-labelledby="response-contents-title">')
        parts.append('<h2 id="response-contents-title">Contents</h2>\n<ol>')
        for section in sections:
            label = (
                f"Question {section.number}"
                if section.kind == "question" and section.number is not None
                else section.title
            )
            parts.append(f'<li><a href="#section-{section.id}">{escape(label)}</a></li>')
        parts.append("</ol>\n</nav>")
    for section in sections:
        anchor = f' id="section-{section.id}"' if contents else ""
        parts.append(
            f'<section class="response-section"{anchor}>\n'
            f"<h2>{escape(section_heading(section))}</h2>"
        )
        question = section.question
        scale = question is not None and question.kind == "scale"
        if section.choice:
            parts.append(
                '<p class="response-section__answer">'
                f"<strong>Answer:</strong> {escape(section.choice)}</p>"
            )
        elif placeholders and scale:
            parts.append(
                '<p class="response-section__answer response-section__answer--missing">'
                "<strong>Answer:</strong> no answer chosen yet</p>"
            )
        body = section.body
        if body.strip() or not placeholders:
            parts.append(render(body, anchor_prefix=f"s{section.id}"))
        else:
            parts.append('<p class="response-section__empty">Not written yet.</p>')
        parts.append("</section>")
    return "\n".join(parts) + "\n"


def word_count(markdown: str) -> int:
    """Words as a reader counts them: link targets, link definitions and footnote markers do
    not count; an autolink (<https://...>, <name@example.org>) counts as one word."""
    text = _LINK_DEFINITION.sub("", markdown or "")
    text = _LINK_TARGET.sub("]", text)
    text = _REFERENCE_LABEL.sub("]", text)
    text = _AUTOLINK.sub(" link ", text)
    text = _FOOTNOTE_REF.sub("", text)
    return sum(1 for token in _WORD.findall(text) if any(ch.isalnum() for ch in token))
