"""A bill print read from HTML, as a legislation or Parliament website might publish it: one
element a line (or a paragraph), page markers, margin line numbers, bold clause headings and
italic cross-headings in markup.

Why lxml's HTML parser: a real parser (libxml2) that copes with any tag soup, never fetches
anything (no network, no entities from outside) and is fast on megabytes. Scripts, styles,
templates, frames and objects are dropped whole before any text is read: nothing in the page
is run or kept, not even as text. Size is bounded before parsing (bytes, and a count of tags)
and after it (elements, depth).

Where the HTML marks pages (an element with `data-page`, an id like "page-3", a class "page",
or a page break) and line numbers (an element whose class says line number), lines are
numbered as the print's; otherwise each block is one line on page 1, which `problems` says.
"""

from __future__ import annotations

import codecs
import re

from consult.bills.importers.clauses import recognise
from consult.bills.importers.limits import Budget, ImportRefused, Limits
from consult.bills.importers.lines import (
    SourceLine,
    clean,
    forget_styles,
    number_pages,
    styled,
)
from consult.bills.structure import UNTITLED, ParsedPrint, Problem

DROPPED = {"script", "style", "template", "noscript", "iframe", "object", "embed", "svg", "math"}
DROPPED |= {"head", "title", "meta", "link", "button", "select", "textarea", "canvas"}
BLOCKS = {"p", "div", "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "pre", "blockquote"}
BLOCKS |= {"section", "article", "main", "table", "tbody", "thead", "ul", "ol", "dl", "dd", "dt"}
FURNITURE_TAGS = {"header", "footer", "nav", "aside"}
BOLD_TAGS = {"b", "strong", "h1", "h2", "h3", "h4", "h5", "h6", "th"}
ITALIC_TAGS = {"i", "em", "cite"}
LINE_NUMBER = re.compile(r"line-?num|lineno|line-?number|margin-?num", re.IGNORECASE)
FURNITURE = re.compile(r"running-?head|page-?head|page-?foot|page-?number|folio", re.IGNORECASE)
BOLD_CLASS = re.compile(r"bold|heading|grouptitle", re.IGNORECASE)
ITALIC_CLASS = re.compile(r"italic|crossheading|cross-heading", re.IGNORECASE)
PAGE_ID = re.compile(r"^(?:page|p)-?(\d{1,4})$", re.IGNORECASE)
PAGE_BREAK = re.compile(
    r"page-break-(?:before|after)\s*:\s*always|break-(?:before|after)\s*:\s*page"
)
CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?([\w-]+)", re.IGNORECASE)


def read_html(data: bytes, limits: Limits, budget: Budget, title: str | None = None) -> ParsedPrint:
    """The print in `data` (HTML), or ImportRefused when it is too big or not HTML at all."""
    import lxml.etree
    import lxml.html

    if data.count(b"<") > limits.max_html_elements * 2:
        raise _too_many(limits)
    parser = lxml.html.HTMLParser(
        encoding=_encoding(data),
        no_network=True,
        remove_comments=True,
        remove_pis=True,
        default_doctype=False,
    )
    try:
        root = lxml.html.document_fromstring(data, parser=parser)
    except (lxml.etree.ParserError, ValueError):
        raise ImportRefused("The file could not be read as HTML: it has no text.") from None
    walker = _Walker(limits, budget)
    body = root.find("body")
    walker.walk(body if body is not None else root, bold=False, italic=False, depth=0)
    walker.finish()
    if not any(walker.pages):
        raise ImportRefused("The HTML file has no text to read.")
    budget.pages(len(walker.pages))
    problems: list[Problem] = []
    lines, found_title = number_pages(walker.pages, problems, numbers=walker.numbers)
    forget_styles(lines, bold_seen=walker.styled_bold, italic_seen=walker.styled_italic)
    problems[:0] = walker.rule_problems()
    page_title = _page_title(root)
    return recognise(title or page_title or found_title or UNTITLED, lines, problems)


def _encoding(data: bytes) -> str:
    """The charset the page declares, else UTF-8 when the bytes are UTF-8 (as nearly all
    HTML now is), else Windows-1252 (libxml2 alone would guess Latin-1 and garble dashes)."""
    declared = CHARSET.search(data[:4096])
    if declared:
        try:
            return codecs.lookup(declared.group(1).decode("ascii")).name
        except LookupError:
            pass
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8"


def _too_many(limits: Limits) -> ImportRefused:
    return ImportRefused(
        f"The HTML has more than {limits.max_html_elements:,} elements, far more than a bill; "
        "please upload the bill's PDF instead.",
        too_large=True,
    )


def _page_title(root) -> str | None:
    found = root.find(".//title")
    text = clean(found.text_content()) if found is not None else ""
    return text or None


def _classes(element) -> str:
    return f"{element.get('class', '')} {element.get('id', '')}"


class _Walker:
    """Walks the tree in document order, cutting it into pages and lines."""

    def __init__(self, limits: Limits, budget: Budget) -> None:
        self.limits = limits
        self.budget = budget
        self.pages: list[list[SourceLine]] = [[]]
        self.numbers: list[int | None] = [None]  # each page's number, when the HTML gives it
        self.marked_pages = False
        self.margins = 0
        self.elements = 0
        self.styled_bold = False
        self.styled_italic = False
        # The line being gathered: its pieces of text with their style, and a margin number.
        self.pieces: list[tuple[str, bool, bool]] = []
        self.margin: int | None = None

    def walk(self, element, bold: bool, italic: bool, depth: int) -> None:
        self.elements += 1
        if self.elements > self.limits.max_html_elements:
            raise _too_many(self.limits)
        if depth > self.limits.max_html_depth:
            raise ImportRefused(
                f"The HTML is nested more than {self.limits.max_html_depth} elements deep, "
                "which no bill is; please upload the bill's PDF instead."
            )
        if self.elements % 2000 == 0:
            self.budget.tick()
        tag = element.tag if isinstance(element.tag, str) else ""
        tag = tag.lower()
        if tag in DROPPED or tag in FURNITURE_TAGS or FURNITURE.search(_classes(element)):
            return
        self._page_marker(element, tag)
        if LINE_NUMBER.search(_classes(element)):
            number = clean(element.text_content())
            if number.isdigit():
                self.margin = int(number)
                self.margins += 1
            return
        bold = bold or tag in BOLD_TAGS or bool(BOLD_CLASS.search(_classes(element)))
        italic = italic or tag in ITALIC_TAGS or bool(ITALIC_CLASS.search(_classes(element)))
        block = tag in BLOCKS
        if block or tag == "br":
            self._end_line()
        if tag == "td" or tag == "th":
            self.pieces.append((" ", bold, italic))
        self._text(element.text, bold, italic)
        for child in element:
            self.walk(child, bold, italic, depth + 1)
            self._text(child.tail, bold, italic)  # text after a child is in this element
        if block:
            self._end_line()

    def _page_marker(self, element, tag: str) -> None:
        number = element.get("data-page")
        by_id = PAGE_ID.match(element.get("id", "") or "")
        style = element.get("style", "") or ""
        classes = element.get("class", "") or ""
        starts_page = (
            (number is not None and number.strip().isdigit())
            or by_id is not None
            or "page" in classes.split()
        )
        breaks = bool(PAGE_BREAK.search(style)) or (tag == "hr" and "page" in classes)
        if starts_page or breaks:
            self._end_line()
            self.marked_pages = True
            if self.pages[-1]:
                self.pages.append([])
                self.numbers.append(None)
            if number is not None and number.strip().isdigit():
                self.numbers[-1] = int(number)
            elif by_id is not None:
                self.numbers[-1] = int(by_id.group(1))

    def _text(self, text: str | None, bold: bool, italic: bool) -> None:
        if text and text.strip():
            self.pieces.append((text, bold, italic))
        elif text and self.pieces:
            self.pieces.append((" ", bold, italic))

    def _end_line(self) -> None:
        text = clean("".join(piece for piece, _, _ in self.pieces))
        if text:
            bold, italic = styled(self.pieces)
            self.styled_bold |= bold
            self.styled_italic |= italic
            self.pages[-1].append(SourceLine(text, margin=self.margin, bold=bold, italic=italic))
            self.budget.tick(1)
        self.pieces = []
        if text:
            self.margin = None

    def finish(self) -> None:
        self._end_line()
        if len(self.pages) > 1 and not self.pages[-1]:
            self.pages.pop()
            self.numbers.pop()

    def rule_problems(self) -> list[Problem]:
        """What the reader had to infer, said once at the top."""
        if not self.marked_pages:
            return [
                Problem(
                    "The HTML marks no pages, so each paragraph was numbered as one line on "
                    "page 1. Check page and line references against the printed bill."
                )
            ]
        if not self.margins:
            return [
                Problem(
                    "The HTML has no line numbers to check against: each paragraph or line "
                    "break was counted as one line from the top of its page."
                )
            ]
        return []
