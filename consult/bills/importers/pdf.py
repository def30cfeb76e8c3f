"""A bill print read from its PDF as published: each page's lines found from where their
characters sit, the running heads dropped, the lines numbered as printed (the margin numbers
every fifth line, the rest counted), bold and italic kept for the clause reader.

Why PDFium (pypdfium2, Apache-2.0/BSD): it is already the app's PDF reader, it is the engine
Chrome uses to open untrusted PDFs (hardened and fuzzed), and it gives every character's box in
C, about a second for a 300-page print. pdfminer.six/pdfplumber (MIT) give the same positions
in pure Python, tens of times slower on long documents; PyMuPDF is AGPL, which this app cannot
take. PDFium's own reading order is not used: it joins a hyphenated line to the next one and
runs margin numbers into the text, so lines are rebuilt here from the characters' positions.
"""

from __future__ import annotations

import ctypes
from collections import Counter
from dataclasses import dataclass, field
from itertools import pairwise

from consult.bills.importers.clauses import recognise
from consult.bills.importers.limits import Budget, ImportRefused, Limits
from consult.bills.importers.lines import (
    ROMAN,
    SourceLine,
    clean,
    forget_styles,
    head_page_number,
    is_furniture,
    number_page,
    short_title,
)
from consult.bills.structure import UNTITLED, ParsedPrint, Problem

ITALIC_FLAG = 1 << 6  # the PDF font descriptor's Italic flag
PASSWORD_ERRORS = (4, 6)  # FPDF_ERR_PASSWORD, FPDF_ERR_SECURITY
ROW_TOLERANCE = 3.0  # points: characters whose baselines differ by less share a line
SEGMENT_GAP = 1.0  # line heights: a wider gap starts a new segment (margin number, table cell)
SPACE_GAP = 0.15  # line heights: a wider gap between two characters is a space


@dataclass
class _Segment:
    text: str
    x0: float
    x1: float
    first: int  # the indexes of its first and last characters on the page
    last: int


@dataclass
class _Row:
    y: float
    segments: list[_Segment] = field(default_factory=list)
    bold: bool | None = None
    italic: bool | None = None

    @property
    def text(self) -> str:
        return " ".join(segment.text for segment in self.segments)


def read_pdf(data: bytes, limits: Limits, budget: Budget, title: str | None = None) -> ParsedPrint:
    """The print in `data` (a PDF), or ImportRefused with the reason it cannot be read."""
    import pypdfium2 as pdfium

    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) in PASSWORD_ERRORS:
            raise ImportRefused(
                "The PDF is protected by a password, so its text cannot be read. Please "
                "upload the print as published, without a password."
            ) from None
        raise ImportRefused(
            "The file is not a PDF that can be read: it may be damaged, or only partly "
            "uploaded. Please download the print again and upload that."
        ) from None
    damaged: list[Problem] = []
    try:
        budget.pages(len(document))
        pages: list[list[_Row]] = []
        for index in range(len(document)):
            try:
                pages.append(_page_rows(document, index, limits))
            except pdfium.PdfiumError:
                pages.append([])
                damaged.append(
                    Problem(
                        f"Page {index + 1} of the file (counting from the first) is damaged "
                        "and could not be read: its lines are missing from this import.",
                    )
                )
            budget.tick(len(pages[-1]))
    finally:
        document.close()
    if not any(pages):
        raise ImportRefused(
            "The PDF has no text to read: it may be a scan (pictures of pages), or damaged. "
            "Please upload the print as published, or paste its text."
        )
    parsed = _assemble(pages, title)
    parsed.problems[:0] = damaged
    return parsed


def _page_rows(document, index: int, limits: Limits) -> list[_Row]:
    import pypdfium2.raw as raw

    page = document[index]
    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        if count > limits.max_chars_per_page:
            raise ImportRefused(
                f"Page {index + 1} of the PDF holds {count:,} characters, far more than a "
                "page of a bill; the file may be built to overload readers.",
                too_large=True,
            )
        return _rows(raw, textpage, count)
    finally:
        textpage.close()
        page.close()


def _rows(raw, textpage, count: int) -> list[_Row]:
    """The page's characters grouped into rows by baseline, each row's characters in order
    across the page, split into segments at wide gaps."""
    handle = textpage.raw
    text = textpage.get_text_range() if count else ""
    box = raw.FS_RECTF()
    box_pointer = ctypes.byref(box)
    buckets: dict[int, list[tuple[float, float, float, str, int, bool]]] = {}
    space_before = False
    for index in range(count):
        char = text[index] if index < len(text) else chr(raw.FPDFText_GetUnicode(handle, index))
        if char in "\r\n" or raw.FPDFText_IsGenerated(handle, index) == 1:
            space_before = True
            continue
        if char.isspace():
            space_before = True
            continue
        # The loose box spans the glyph's advance and the font's ascent and descent: letters
        # of a word touch, and every character of a line shares its bottom.
        raw.FPDFText_GetLooseCharBox(handle, index, box_pointer)
        buckets.setdefault(round(box.bottom), []).append(
            (box.left, box.right, box.top - box.bottom, char, index, space_before)
        )
        space_before = False
    rows: list[_Row] = []
    for key in sorted(buckets, reverse=True):
        if rows and rows[-1].y - key <= ROW_TOLERANCE:
            rows[-1].segments.extend(buckets[key])  # merged below, before segmenting
            continue
        rows.append(_Row(y=key, segments=list(buckets[key])))
    for row in rows:
        row.segments = _segments(row.segments)  # type: ignore[arg-type]
        _style(raw, handle, row)
    return rows


def _segments(chars: list[tuple[float, float, float, str, int, bool]]) -> list[_Segment]:
    chars.sort(key=lambda char: char[0])
    size = max(6.0, sorted(char[2] for char in chars)[len(chars) // 2])
    segments: list[_Segment] = []
    parts: list[str] = []
    start = chars[0]
    previous = chars[0]
    for char in chars:
        gap = char[0] - previous[1]
        # A number after a wider gap than a space starts a segment too: it may be a margin
        # number set close to the column's end (a segment inside the column is rejoined).
        to_number = char[3].isdigit() and not previous[3].isdigit() and gap > 0.5 * size
        if char is not start and (gap > SEGMENT_GAP * size or to_number):
            segments.append(_Segment("".join(parts), start[0], previous[1], start[4], previous[4]))
            parts, start = [], char
        elif char is not start and (gap > SPACE_GAP * size or (char[5] and gap > 0)):
            parts.append(" ")
        parts.append(char[3])
        previous = char
    segments.append(_Segment("".join(parts), start[0], previous[1], start[4], previous[4]))
    return segments


def _style(raw, handle, row: _Row) -> None:
    """Bold and italic for the row's text: its first and last characters agree, margin
    numbers (a number alone at either end) left out."""
    segments = row.segments
    if len(segments) > 1 and segments[-1].text.isdigit():
        segments = segments[:-1]
    if len(segments) > 1 and segments[0].text.isdigit():
        segments = segments[1:]
    looks = [_font(raw, handle, segments[0].first), _font(raw, handle, segments[-1].last)]
    row.bold = all(bold for bold, _ in looks)
    row.italic = all(italic for _, italic in looks)


def _font(raw, handle, index: int) -> tuple[bool, bool]:
    buffer = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    raw.FPDFText_GetFontInfo(handle, index, buffer, 128, ctypes.byref(flags))
    name = buffer.value.decode("latin-1", "replace").lower()
    weight = raw.FPDFText_GetFontWeight(handle, index)
    bold = weight >= 600 or "bold" in name or "black" in name or "heavy" in name
    italic = bool(flags.value & ITALIC_FLAG) or "italic" in name or "oblique" in name
    return bold, italic


# ---- from rows to numbered lines ------------------------------------------------------


def _assemble(pages: list[list[_Row]], title: str | None) -> ParsedPrint:
    problems: list[Problem] = []
    found_title = short_title([rows[0].text for rows in pages if rows])
    body_left, body_right = _column(pages)
    lines: list[SourceLine] = []
    printed = 0
    for rows in pages:
        head, body, _ = _furniture(rows, found_title)
        number = next((n for row in head if (n := head_page_number(row.text))), None)
        if number and ROMAN.match(number):
            problems.append(
                Problem(
                    f"Page {number} (front matter, such as the contents) was left out: it is "
                    "not part of the text an amendment cites.",
                )
            )
            continue
        printed = int(number) if number and number.isdigit() else printed + 1
        page_lines = []
        for row in body:
            source = _source_line(row, body_left, body_right, printed, problems)
            if source is not None:
                page_lines.append(source)
        lines.extend(number_page(printed, page_lines, problems))
    forget_styles(
        lines,
        bold_seen=any(row.bold for rows in pages for row in rows),
        italic_seen=any(row.italic for rows in pages for row in rows),
    )
    return recognise(title or found_title or UNTITLED, lines, problems)


def _column(pages: list[list[_Row]]) -> tuple[float, float]:
    """The text column's left and right edges: the leftmost place where a good share of lines
    start (indented paragraphs start further in), and where nearly all end. Margin numbers sit
    outside them."""
    starts: Counter[int] = Counter()
    ends: list[float] = []
    for rows in pages:
        for row in rows:
            first = row.segments[0]
            if not first.text.isdigit():
                starts[round(first.x0)] += 1
            if not row.segments[-1].text.isdigit():
                ends.append(row.segments[-1].x1)
    ends.sort()
    right = ends[int(len(ends) * 0.98)] if ends else 0.0
    enough = max(1, sum(starts.values()) // 20)
    left = min((x for x, seen in starts.items() if seen >= enough), default=0)
    return float(left), right


def _furniture(rows: list[_Row], title: str | None) -> tuple[list[_Row], list[_Row], list[_Row]]:
    """Split a page into its running head, its body and its foot. A head or foot row is one
    that reads as furniture and stands apart from the body by more than a line's space."""
    if not rows:
        return [], [], []
    gaps = sorted(a.y - b.y for a, b in pairwise(rows))
    leading = gaps[len(gaps) // 2] if gaps else 0.0
    head = 0
    while (
        head < min(3, len(rows) - 1)
        and is_furniture(rows[head].text, title)
        and (rows[head].y - rows[head + 1].y > 1.3 * leading or _is_head(rows, head, title))
    ):
        head += 1
    foot = len(rows)
    while (
        foot - 1 > head
        and len(rows) - foot < 2
        and is_furniture(rows[foot - 1].text, title)
        and rows[foot - 2].y - rows[foot - 1].y > 1.3 * leading
    ):
        foot -= 1
    return rows[:head], rows[head:foot], rows[foot:]


def _is_head(rows: list[_Row], index: int, title: str | None) -> bool:
    """A head row followed closely by another head row (title, then "Part 1 — ...")."""
    return index + 1 < len(rows) - 1 and is_furniture(rows[index + 1].text, title)


def _source_line(
    row: _Row, left: float, right: float, page: int, problems: list[Problem]
) -> SourceLine | None:
    segments = list(row.segments)
    margin = None
    if segments[0].text.isdigit() and segments[0].x1 < left - 2:
        margin = int(segments.pop(0).text)
    elif segments[-1].text.isdigit() and segments[-1].x0 > right + 2 and len(segments) > 1:
        margin = int(segments.pop().text)
    if not segments:
        problems.append(
            Problem(
                f"The line number {margin} is printed with no text beside it.",
                page=page,
                line=margin,
            )
        )
        return None
    text = clean(" ".join(segment.text for segment in segments))
    return SourceLine(text=text, margin=margin, bold=row.bold, italic=row.italic)
