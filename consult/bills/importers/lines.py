"""Lines as a source shows them, before anyone knows which clause they belong to: the text,
the line number printed beside it (if any), and what the source says of its style.

Why shared: every source (PDF, HTML, Word, pasted text) ends in the same two steps. Its lines
are numbered as a print numbers them (counted from 1 on each page, checked against the margin
numbers printed every fifth line), and the running heads (the bill's short title, the page
number, "Part 2 — ...") are dropped. Doing this once means the four importers agree.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from consult.bills.structure import Problem

# A line-end hyphen as sources mark it: PDFium's marker, the soft hyphen, hyphen-minus, the
# Unicode hyphen. A printed line keeps a visible hyphen.
HYPHENS = "\ufffe\u00ad-\u2010"
RUNNING_PART = re.compile(r"^(Part|Schedule)\s+\w+\s*[\u2014\u2013-]\s*\S")  # "Part 2 — Oversight"
BILL_NUMBER = re.compile(r"^(HL\s+)?Bill\s+\d+(\s+\d+/\d+)?$|^\d{2}/\d{1,2}$")
PAGE_NUMBER = re.compile(r"^(\d{1,4}|[ivxlc]{1,6})$")
ROMAN = re.compile(r"^[ivxlc]{1,6}$")


@dataclass
class SourceLine:
    """One line as the source gave it. `margin` is a line number printed beside it; `bold`,
    `italic` and `centred` are None when the source cannot say (pasted text)."""

    text: str
    margin: int | None = None
    bold: bool | None = None
    italic: bool | None = None
    centred: bool | None = None
    page: int = 0
    line: int = 0


def clean(text: str) -> str:
    """One space between words, a line-end hyphen shown as printed ("-"), no control
    characters (a PDF or a paste can carry them; they would break matching and display)."""
    text = text.replace("\ufffe", "-").replace("\u00ad", "-")
    text = "".join(ch if ch.isprintable() else " " for ch in text)
    return " ".join(text.split())


def number_page(page: int, rows: list[SourceLine], problems: list[Problem]) -> list[SourceLine]:
    """Number a page's lines as the print does: counted from 1, the margin numbers (every
    fifth line) taking precedence where the count disagrees with them, which is reported so a
    person can check the lines in between."""
    count = 0
    previous_anchor = 0
    for row in rows:
        count += 1
        if row.margin is not None and row.margin != count:
            problems.append(
                Problem(
                    f"The margin number {row.margin} is printed beside what was counted as "
                    f"line {count}: lines were numbered from the margin; check lines "
                    f"{previous_anchor + 1} to {row.margin} of this page.",
                    page=page,
                    line=row.margin,
                )
            )
            count = row.margin
        if row.margin is not None:
            previous_anchor = row.margin
        row.page, row.line = page, count
    return rows


def short_title(first_rows: list[str]) -> str | None:
    """The bill's short title as its running heads give it: the most common first line of
    the pages with the page number taken off ("2    Police Reform Bill" -> "Police Reform
    Bill")."""
    heads = Counter(title for row in first_rows if (title := strip_page_number(row)))
    if not heads:
        return None
    title, seen = heads.most_common(1)[0]
    # Two pages at least: on one page alone the first line may be the bill's own text.
    return title if seen >= max(2, len(first_rows) // 2) else None


def strip_page_number(text: str) -> str:
    """A running head's text without the page number at either end."""
    words = text.split()
    if words and PAGE_NUMBER.match(words[0]):
        words = words[1:]
    if words and PAGE_NUMBER.match(words[-1]):
        words = words[:-1]
    return " ".join(words)


def head_page_number(text: str) -> str | None:
    """The page number a running head prints (digits, or roman for front matter)."""
    words = text.split()
    for word in (words[0], words[-1]) if words else ():
        if PAGE_NUMBER.match(word):
            return word
    return None


def is_furniture(text: str, title: str | None) -> bool:
    """A running head or foot: the short title (with or without the page number), a bare
    page number, "Part 2 — Oversight", or the bill number and session at the foot of page 1."""
    bare = strip_page_number(text)
    return (
        not bare
        or (title is not None and bare == title)
        or bool(RUNNING_PART.match(text))
        or bool(BILL_NUMBER.match(text))
    )


def ends_hyphenated(text: str, following: str | None) -> bool:
    """True when the line ends in a word broken by hyphenation: a letter then a hyphen at the
    end, and the next line starting with a lower-case letter. (A compound broken at its own
    hyphen looks the same; `ParsedPrint.whole_words` keeps both readings findable.)"""
    return (
        len(text) >= 2
        and text[-1] in HYPHENS
        and text[-2].isalpha()
        and bool(following)
        and following[0].islower()
    )


def number_pages(
    pages: list[list[SourceLine]],
    problems: list[Problem],
    *,
    numbers: list[int | None] | None = None,
) -> tuple[list[SourceLine], str | None]:
    """Number the lines of a source that comes in pages but without positions (text with form
    feeds, HTML or Word with page breaks): each page's running head (its first lines while
    they read as furniture) and a bill-number foot are dropped, the page takes the number its
    head prints (else the one after the last), and its lines are numbered by `number_page`.
    `numbers`, when the source gives them, are the pages' own numbers (then no head is looked
    for). Returns the lines and the short title the heads give."""
    heads = numbers is None
    title = short_title([rows[0].text for rows in pages if rows]) if heads else None
    numbered: list[SourceLine] = []
    printed = 0
    for index, rows in enumerate(pages):
        head: str | None = None
        if numbers is not None and numbers[index] is not None:
            head = str(numbers[index])
        if heads:
            skip = 0
            while skip < min(2, len(rows)) and rows[skip].margin is None:
                if not is_furniture(rows[skip].text, title):
                    break
                head = head or head_page_number(rows[skip].text)
                skip += 1
            rows = rows[skip:]
            if rows and BILL_NUMBER.match(rows[-1].text):
                rows = rows[:-1]
        if head and ROMAN.match(head):
            problems.append(
                Problem(f"Page {head} (front matter, such as the contents) was left out.")
            )
            continue
        given = int(head) if head and head.isdigit() else None
        if given is not None and given <= printed:
            # Pages only go forward: a "0" or an earlier number is text, not this page's.
            problems.append(
                Problem(
                    f"A page printed as {given} follows page {printed}: it was counted as "
                    f"page {printed + 1}."
                )
            )
            given = None
        printed = given if given is not None else printed + 1
        numbered.extend(number_page(printed, rows, problems))
    return numbered, title


def styled(pieces: list[tuple[str, bool, bool]]) -> tuple[bool, bool]:
    """Is a line bold, italic: nine tenths of its letters are (a heading may hold a plain
    space or a plain number)."""
    letters = [(len(text.strip()), bold, italic) for text, bold, italic in pieces if text.strip()]
    total = sum(size for size, _, _ in letters)
    bold = sum(size for size, is_bold, _ in letters if is_bold) >= 0.9 * total
    italic = sum(size for size, _, is_italic in letters if is_italic) >= 0.9 * total
    return bold and total > 0, italic and total > 0


def forget_styles(lines: list[SourceLine], *, bold_seen: bool, italic_seen: bool) -> None:
    """A source with no bold (or no italic) anywhere does not mark headings that way: say
    "unknown" rather than "not bold", so the clause reader falls back on numbering."""
    for line in lines:
        if not bold_seen:
            line.bold = None
        if not italic_seen:
            line.italic = None
