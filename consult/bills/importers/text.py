"""A bill print pasted as text (or uploaded as a .txt file), most often copied out of the PDF.

Why this reading: text copied from a print keeps what a person needs to cite it if the copy
kept the form feeds between pages and the margin numbers; then pages and lines are as
printed. Without them the lines are numbered by a stated rule (page breaks only at form feeds,
lines counted on each page) and `problems` says so, because an amendment cites the printed
page and line and must be checked against the print. Text has no bold or italic, so clause
headings are told by their numbering and shape (consult/bills/importers/clauses.py).
"""

from __future__ import annotations

import re

from consult.bills.importers.clauses import recognise
from consult.bills.importers.limits import Budget, Limits
from consult.bills.importers.lines import SourceLine, clean, number_pages
from consult.bills.structure import UNTITLED, ParsedPrint, Problem

# A margin number: at the start of the line, set apart by a tab or two spaces or more.
LEFT_MARGIN = re.compile(r"^\s*(\d{1,3})(?:\t+|\s{2,})(\S.*)$")
RIGHT_MARGIN = re.compile(r"^(.*\S)(?:\t+|\s{2,})(\d{1,3})\s*$")
BARE_NUMBER = re.compile(r"^\s*(\d{1,3})\s*$")


def decode(data: bytes) -> str:
    """Text in UTF-8 (with or without a byte-order mark), else Windows-1252, as Word and
    older systems save it."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def read_plain(text: str, limits: Limits, budget: Budget, title: str | None = None) -> ParsedPrint:
    """The print in `text`: pages at form feeds, margin numbers kept where they were copied."""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    raw_pages = text.split("\f")
    budget.pages(len(raw_pages))
    pages: list[list[SourceLine]] = []
    margins = 0
    for raw_page in raw_pages:
        rows = _rows(raw_page.split("\n"))
        margins += sum(row.margin is not None for row in rows)
        pages.append(rows)
        budget.tick(len(rows))
    problems: list[Problem] = []
    lines, found_title = number_pages(pages, problems)
    if len(raw_pages) == 1:
        problems.insert(
            0,
            Problem(
                "The text has no page breaks, so every line was counted as if on page 1. "
                "Check page and line numbers against the printed bill."
            ),
        )
    elif not margins:
        problems.insert(
            0,
            Problem(
                "The text has no margin line numbers to check against: lines were counted "
                "from the top of each page. Check references against the printed bill."
            ),
        )
    return recognise(title or found_title or UNTITLED, lines, problems)


def _rows(raw_lines: list[str]) -> list[SourceLine]:
    """A page's lines, blank ones dropped (a print numbers only lines with text), each with
    the margin number copied beside it, if any. A number alone on a line that is a multiple of
    five is a margin number copied apart from its line: it goes with the line after it."""
    rows: list[SourceLine] = []
    pending: int | None = None
    for raw_line in raw_lines:
        if not raw_line.strip():
            continue
        if (bare := BARE_NUMBER.match(raw_line)) and int(bare.group(1)) % 5 == 0:
            pending = int(bare.group(1))
            continue
        margin, text = split_margin(raw_line, len(rows) + 1)
        rows.append(SourceLine(text=clean(text), margin=margin or pending))
        pending = None
    return rows


def split_margin(raw_line: str, expected: int) -> tuple[int | None, str]:
    """A line's margin number (left or right, set apart by a tab or two spaces) and its text.
    A margin number is every fifth line's, or the line's own number when every line is
    numbered; a number far from the count is text (a year, a quantity)."""
    for pattern, number_group, text_group in ((LEFT_MARGIN, 1, 2), (RIGHT_MARGIN, 2, 1)):
        match = pattern.match(raw_line)
        if match:
            number = int(match.group(number_group))
            if abs(number - expected) <= 3 and (number % 5 == 0 or number == expected):
                return number, match.group(text_group)
    return None, raw_line
