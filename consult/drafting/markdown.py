"""The one Markdown renderer: pages, the live preview, the API's HTML and exports all use it.

markdown-it-py (CommonMark, raw HTML disabled, footnotes) turns Markdown into HTML; nh3 then
keeps only an allow-list of tags and attributes, so hostile input (script, iframes, event
attributes, javascript: links) never reaches a page, the API or an export.

Every parse runs on a work budget (consult.drafting.markdown_budget): a text whose formatting
would take more work than SECTION_UNITS (about 0.3 s of CPU at worst), or longer than
MAX_LENGTH, is shown as plain text instead, every word kept, with a note saying why. A page
or document showing many texts shares RESPONSE_UNITS between them, so that a response of many
such sections is bounded too."""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import lru_cache
from typing import TYPE_CHECKING

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from markupsafe import escape
from mdit_py_plugins.footnote import footnote_plugin

from consult.drafting.markdown_budget import ENV_KEY, Budget, TooComplex, bounded

if TYPE_CHECKING:
    from consult.drafting.models import Response, Section

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "s", "code",
    "pre", "blockquote", "ul", "ol", "li", "a", "sup", "sub", "section", "table", "thead",
    "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "p": {"class"},  # only the plain-text note has one; Markdown cannot give a paragraph a class
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

# The longest text the renderer formats; sections are refused above it when saved
# (drafting.services.MAX_BODY_LENGTH), so only older or imported text can be longer.
MAX_LENGTH = 200_000
# Units of parsing work (markdown_budget) for one text: 200,000 characters of real writing
# (prose with headings, lists, tables, links and footnotes) need about 190,000, a section of a
# few thousand words a tenth of that; the worst text there is uses them all up in about 0.3 s
# of CPU.
SECTION_UNITS = 250_000
# For all the texts of one page or document together (a whole response).
RESPONSE_UNITS = 500_000
PLAIN_TEXT_NOTE = (
    "Shown without formatting: this text has more formatting marks (such as brackets, "
    "asterisks or table lines) than can be displayed. All of its words are below."
)

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
_BLANK_LINES = re.compile(r"\n[ \t]*\n")
_SAFE_PREFIX = re.compile(r"[^A-Za-z0-9_-]")
# Table alignment comes out as an inline style, which the allow-list (and a strict CSP) drop.
# Raw HTML is off, so this exact quoted attribute can only come from the table renderer.
_ALIGN_STYLE = re.compile(r' style="text-align:(left|center|right)"')


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    parser.enable(["table", "strikethrough"])
    return bounded(parser.use(footnote_plugin))


def parse(markdown: str, env: dict, budget: Budget | None = None) -> list[Token] | None:
    """The text's markdown-it tokens, or None when it is too long or its formatting too
    complex to parse within SECTION_UNITS of work (or what is left of `budget`, shared by
    the texts of one response, which is charged with what this one used). `env` is
    markdown-it's environment, which rendering the tokens needs again."""
    if len(markdown) > MAX_LENGTH:
        return None
    granted = SECTION_UNITS if budget is None else max(0, min(SECTION_UNITS, budget.left))
    allowance = Budget(granted)
    try:
        env[ENV_KEY] = allowance
        return _parser().parse(markdown, env)
    except (TooComplex, RecursionError):
        allowance.left = 0
        return None
    finally:
        if budget is not None:
            budget.left -= granted - max(0, allowance.left)


def plain_paragraphs(markdown: str) -> list[str]:
    """The text as it was typed, in paragraphs (split at blank lines), for showing a text
    that is not formatted: nothing is left out, only the formatting is not applied."""
    paragraphs = (part.strip("\n") for part in _BLANK_LINES.split(markdown))
    return [paragraph for paragraph in paragraphs if paragraph.strip()]


def _plain_html(markdown: str) -> str:
    """The note, then the text's paragraphs, escaped, each line on a line of its own."""
    html = [f'<p class="plain-text-note">{escape(PLAIN_TEXT_NOTE)}</p>\n']
    for paragraph in plain_paragraphs(markdown):
        lines = str(escape(paragraph)).replace("\n", "<br>\n")  # str: Markup would escape <br>
        html.append(f"<p>{lines}</p>\n")
    return "".join(html)


def render(markdown: str, anchor_prefix: str | None = None, budget: Budget | None = None) -> str:
    """Markdown to sanitised HTML. `anchor_prefix` keeps footnote anchors unique when several
    sections are shown on one page; `budget`, when given, is shared with the page's other
    texts (see `parse`). A text too complex to format is shown as plain text, with a note."""
    # The prefix goes into id and href attributes unescaped by the footnote plugin: letters,
    # digits, "-" and "_" only.
    prefix = _SAFE_PREFIX.sub("-", anchor_prefix or "")
    env = {"docId": prefix} if prefix else {}
    markdown = markdown or ""
    tokens = parse(markdown, env, budget)
    if tokens is None:
        return _plain_html(markdown)
    parser = _parser()
    html = _ALIGN_STYLE.sub(r' align="\1"', parser.renderer.render(tokens, parser.options, env))
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
    anchors stay unique on the page), the sections sharing one work budget (RESPONSE_UNITS),
    so that many sections too complex to format still render quickly; headings, the closed
    answers and everything else are plain text, escaped. The bare document (the API's) is a
    heading (`heading`, else the response's title) and a <section> per section, in tags from
    the renderer's allow-list.
    A page or an export may add a `subtitle` under the heading, a list of `contents` linking
    to each section, and `placeholders` that say what is still missing (a closed answer not
    chosen, a section not written): the draft preview shows those, a finished text does not."""
    sections = list(sections)
    budget = Budget(RESPONSE_UNITS)
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
            parts.append(render(body, anchor_prefix=f"s{section.id}", budget=budget))
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
