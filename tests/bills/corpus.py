"""A generated corpus of bill prints: the same illustrative bill laid out as a print (pages of
numbered lines) and rendered as PDF, HTML, Word and text, with the truth about every line.

Why generated: the real bill's text is not available to us, and a published print must not be
copied into tests. This bill is our own illustrative text in the shape of a Westminster print:
numbered clauses with bold headings, subsections (1), (2), paragraphs (a), (b) and
sub-paragraphs (i), parts with italic cross-headings, schedules with their own paragraphs and a
table, a clause running over a page break, words hyphenated at line ends, margin line numbers
every fifth line and running heads with the short title and the page number.

`make_print(seed, clauses)` lays the bill out once; `to_pdf`, `to_html`, `to_docx` and
`to_text` render that same layout, so the page and line of every line is known in each source.
"""

from __future__ import annotations

import io
import random
from dataclasses import dataclass, field

from reportlab.pdfbase.pdfmetrics import stringWidth

TITLE = "Police Reform Bill"
FONT_SIZE = 11
LEADING = 14  # points from one line's baseline to the next
LINES_PER_PAGE = 36
PAGE_WIDTH, PAGE_HEIGHT = 420, 700
MARGIN_X = 66  # the margin numbers' right edge
TEXT_X = 90  # the text column's left edge
COLUMN = 300  # the text column's width
INDENT = 18  # points per level of indentation (paragraphs, sub-paragraphs)
TOP = PAGE_HEIGHT - 96  # the first body line's baseline

PROSE = (
    "a chief officer of police may authorise the use of live facial recognition in a public "
    "place where the officer is satisfied that the use is necessary and proportionate for the "
    "purpose of locating a person who is wanted by a court or who is at risk of harm and the "
    "authorisation must specify the area the period and the watchlist to be used by the force "
    "an image that does not match a person on the watchlist must be deleted as soon as "
    "reasonably practicable and in any event within twenty four hours of its capture by the "
    "system the Secretary of State must publish a code of practice about the operation of "
    "biometric technology and must consult the Commissioner before doing so"
)
WORDS = tuple(PROSE.split())
LONG_WORDS = (
    "authorisation",
    "proportionality",
    "notwithstanding",
    "accountability",
    "identification",
    "interference",
    "commissioner",
    "independently",
    "notification",
    "circumstances",
)
LONG_HEADING = (
    "Duty to publish an annual report on the use of live facial recognition by police forces "
    "in England and Wales"
)
HEADINGS = (
    "Use of live facial recognition",
    "Authorisation by a chief officer",
    "Watchlists",
    "Deletion of images",
    "Retention of biometric data",
    "Code of practice",
    "Independent oversight",
    "Reports to Parliament",
    "Notification of persons affected",
    "Complaints",
    "Training of officers",
    "Records of use",
)
PARTS = ("Facial recognition", "Oversight and accountability", "General")
CROSS_HEADINGS = ("Authorisation", "Safeguards", "Oversight", "Records", "Supplementary")


@dataclass
class Line:
    """One printed line and the truth about it."""

    text: str
    provision: str | None
    subsection: str | None
    style: str = "text"  # text, heading, italic, part, centre, right, table, bold
    indent: int = 0  # levels of indentation (paragraph 1, sub-paragraph 2)
    hanging: bool = False  # a continuation line of a marked paragraph: indented past its marker
    space_before: float = 0.0  # extra space above, in lines (never counted as a line)
    hyphenated: bool = False  # ends in a word broken at the line end
    cells: tuple[str, ...] = ()  # a table row's cells
    first: bool = True  # the first line of its paragraph (False for the lines it wraps to)
    page: int = 0
    line: int = 0


@dataclass
class Print:
    """A laid-out bill: its lines in order, each with its page and line."""

    title: str
    lines: list[Line] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return self.lines[-1].page if self.lines else 0

    def on_page(self, page: int) -> list[Line]:
        return [line for line in self.lines if line.page == page]


def _width(text: str, style: str = "text") -> float:
    font = {"heading": "Times-Bold", "bold": "Times-Bold", "italic": "Times-Italic"}.get(
        style, "Times-Roman"
    )
    return stringWidth(text, font, FONT_SIZE)


def _wrap(words: list[str], width: float, first_width: float) -> list[tuple[str, bool]]:
    """Words into lines no wider than the column, hyphenating a long word that would not fit
    when at least four of its letters fit: (line text, ends hyphenated)."""
    lines: list[tuple[str, bool]] = []
    current: list[str] = []
    limit = first_width
    queue = list(words)
    while queue:
        word = queue.pop(0)
        candidate = " ".join([*current, word])
        if _width(candidate) <= limit or not current:
            current.append(word)
            continue
        if len(word) >= 10 and word.isalpha():
            for cut in range(len(word) - 4, 3, -1):
                head = " ".join([*current, word[:cut] + "-"])
                if _width(head) <= limit:
                    lines.append((head, True))
                    current, limit = [], width
                    queue.insert(0, word[cut:])
                    break
            else:
                lines.append((" ".join(current), False))
                current, limit = [word], width
            continue
        lines.append((" ".join(current), False))
        current, limit = [word], width
    if current:
        lines.append((" ".join(current), False))
    return lines


class _Writer:
    """Builds the bill's lines block by block."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.lines: list[Line] = []

    def sentence(self, low: int, high: int, end: str = ".") -> list[str]:
        count = self.rng.randint(low, high)
        start = self.rng.randrange(len(WORDS))
        words = [WORDS[(start + i) % len(WORDS)] for i in range(count)]
        for _ in range(max(1, count // 12)):
            words.insert(self.rng.randrange(len(words) + 1), self.rng.choice(LONG_WORDS))
        words[-1] += end  # punctuation as printed, on the last word
        return words

    def block(self, marker, words, provision, subsection, indent=0, space=0.0) -> None:
        """A marked paragraph ("(2) text ...") wrapped in the column, its continuation lines
        hanging past the marker."""
        width = COLUMN - indent * INDENT
        first = [marker, *words] if marker else words
        wrapped = _wrap(first, width - INDENT * bool(marker), width)
        for number, (text, hyphen) in enumerate(wrapped):
            self.lines.append(
                Line(
                    text,
                    provision,
                    subsection,
                    indent=indent,
                    hanging=bool(marker) and number > 0,
                    first=number == 0,
                    hyphenated=hyphen,
                    space_before=space if number == 0 else 0.0,
                )
            )

    def add(self, text, provision=None, subsection=None, style="text", space=0.0) -> None:
        self.lines.append(Line(text, provision, subsection, style=style, space_before=space))

    def clause(self, number: int) -> None:
        provision = str(number)
        heading = HEADINGS[(number - 1) % len(HEADINGS)]
        if number % 7 == 0:  # a heading too long for one line runs on to a second
            heading = LONG_HEADING
        wrapped = _wrap(f"{number} {heading}".split(), COLUMN - 40, COLUMN - 40)
        for index, (text, _) in enumerate(wrapped):
            self.lines.append(
                Line(text, provision, None, "heading", space_before=0.6 * (index == 0))
            )
            self.lines[-1].first = index == 0
        subsections = self.rng.choice((1, 2, 2, 3, 3, 4))
        for sub in range(1, subsections + 1):
            marker = f"({sub})" if subsections > 1 else None
            label = marker
            if number % 5 == 0 and sub == 2:
                self.amending(provision, label)
            elif self.rng.random() < 0.35:
                self.block(marker, self.sentence(6, 14, "—"), provision, label)
                for letter in "abc"[: self.rng.randint(2, 3)]:
                    para = f"({letter})"
                    path = f"{label or ''}{para}"
                    self.block(para, self.sentence(5, 16, ";"), provision, path, indent=1)
                    if letter == "b" and self.rng.random() < 0.4:
                        for roman in ("i", "ii"):
                            self.block(
                                f"({roman})",
                                self.sentence(4, 10, ","),
                                provision,
                                f"{path}({roman})",
                                indent=2,
                            )
            else:
                self.block(marker, self.sentence(14, 48), provision, label)
        last = self.lines[-1]  # a clause ends with a full stop, whatever its last paragraph
        last.text = last.text.rstrip(",;—") + ("" if last.text.endswith(".") else ".")

    def amending(self, provision: str, label: str | None) -> None:
        """A subsection inserting text into another Act: the quoted subsections and
        paragraphs are the other Act's numbering, not this clause's."""
        words = ["In", "section", "39A", "of", "the", "Police", "Act", "1996,", "after"]
        self.block(label, [*words, "subsection", "(4)", "insert—"], provision, label)
        self.block("\u201c(4A)", self.sentence(8, 20, "—"), provision, label, indent=1)
        for letter in "ab":
            self.block(f"({letter})", self.sentence(5, 12, ";"), provision, label, indent=2)
        self.block("(4B)", self.sentence(8, 20, ".\u201d"), provision, label, indent=1)

    def schedule(self, number: int, section: int, with_table: bool) -> None:
        provision = f"Schedule {number}"
        self.add(f"SCHEDULE {number}", provision, None, "centre", space=1.0)
        self.add(f"Section {section}", provision, None, "right")
        self.add("SUPPLEMENTARY PROVISION", provision, None, "centre")
        if not with_table:
            self.add("PART 1", provision, None, "centre", space=0.5)
            self.add("GENERAL AMENDMENTS", provision, None, "centre")
        self.add("Amendments", provision, None, "italic", space=0.5)
        for paragraph in range(1, self.rng.randint(4, 7)):
            if self.rng.random() < 0.5:
                self.block(f"{paragraph}", self.sentence(12, 40), provision, f"{paragraph}")
                continue
            for sub in (1, 2):
                marker = f"{paragraph} ({sub})" if sub == 1 else f"({sub})"
                self.block(marker, self.sentence(10, 30), provision, f"{paragraph}({sub})")
        if with_table:
            self.add("Table", provision, None, "italic", space=0.5)
            rows = (
                ("Enactment", "Extent of repeal", "Commencement"),
                ("Police Act 1996", "Section 39A(5)", "Royal Assent"),
                ("Protection of Freedoms Act 2012", "Sections 20 to 22", "Two months"),
                ("Data Protection Act 2018", "Section 35(8)", "Regulations"),
            )
            for row in rows:
                self.lines.append(Line(" ".join(row), provision, None, style="table", cells=row))


def make_print(seed: int = 14, clauses: int = 24, schedules: int = 2) -> Print:
    """The illustrative bill laid out in pages of LINES_PER_PAGE lines."""
    rng = random.Random(seed)
    writer = _Writer(rng)
    writer.add("A", style="centre")
    writer.add("BILL", style="centre")
    writer.add("TO", style="centre")
    writer.block(None, ["Make", "provision", "about", *writer.sentence(20, 30)], None, None)
    writer.block(None, ["BE", "IT", "ENACTED", *writer.sentence(20, 26, ":—")], None, None)
    per_part = max(1, clauses // len(PARTS))
    for number in range(1, clauses + 1):
        index = (number - 1) // per_part
        if (number - 1) % per_part == 0 and index < len(PARTS):
            writer.add(f"PART {index + 1}", style="centre", space=1.0)
            writer.add(PARTS[index].upper(), style="centre")
        if number % 4 == 1:
            writer.add(CROSS_HEADINGS[number // 4 % len(CROSS_HEADINGS)], style="italic", space=0.5)
        writer.clause(number)
    for number in range(1, schedules + 1):
        writer.schedule(number, min(clauses, 3 + number), with_table=number == 1)
    bill = Print(TITLE, writer.lines)
    for index, line in enumerate(bill.lines):
        line.page = index // LINES_PER_PAGE + 1
        line.line = index % LINES_PER_PAGE + 1
    return bill


def running_head(bill: Print, page: int) -> str:
    """What the running head says besides the title: the part or schedule the page opens in."""
    first = bill.on_page(page)[0]
    if first.provision and first.provision.startswith("Schedule"):
        return f"{first.provision} — Supplementary provision"
    part = 0
    for line in bill.lines:
        if line.page > page:
            break
        if line.text.startswith("PART "):
            part = int(line.text.split()[1])
    return f"Part {part} — {PARTS[part - 1]}" if part else ""


# ---- PDF -------------------------------------------------------------------------------


def to_pdf(
    bill: Print, *, plain: bool = False, contents: bool = True, margin: str = "left"
) -> bytes:
    """The print as published: a contents page numbered "i" first, then the bill's pages with
    running heads, margin numbers every fifth line, bold clause headings (some on two lines),
    italic cross-headings, justified lines with hanging indents, a table in columns. `plain`
    sets every line in one face (as a PDF whose fonts say nothing of weight or slope reads);
    `margin` puts the line numbers in the left or the right margin."""
    from reportlab.pdfgen.canvas import Canvas

    class Plain(Canvas):
        def setFont(self, name, size, leading=None):  # reportlab's name
            super().setFont("Times-Roman" if plain else name, size, leading)

    out = io.BytesIO()
    canvas = Plain(out, pagesize=(PAGE_WIDTH, PAGE_HEIGHT), pageCompression=1)
    canvas.setTitle(bill.title)
    if contents:
        _contents_page(canvas, bill)
    for page in range(1, bill.pages + 1):
        canvas.setFont("Times-Roman", FONT_SIZE)
        if page == 1:
            canvas.setFont("Times-Bold", 16)
            canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 50, bill.title)
            canvas.setFont("Times-Roman", 9)
            canvas.drawString(TEXT_X, 30, "Bill 42        59/1")
        else:
            x = 40 if page % 2 == 0 else PAGE_WIDTH - 40
            canvas.drawCentredString(x, PAGE_HEIGHT - 50, str(page))
            canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 50, bill.title)
            canvas.setFont("Times-Italic", FONT_SIZE)
            canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 64, running_head(bill, page))
        y = TOP
        lines = bill.on_page(page)
        for index, line in enumerate(lines):
            y -= line.space_before * LEADING
            following = lines[index + 1] if index + 1 < len(lines) else None
            _draw_line(canvas, line, y, justified=following is not None and not following.first)
            if line.line % 5 == 0:
                canvas.setFont("Times-Roman", 8)
                if margin == "left":
                    canvas.drawRightString(MARGIN_X, y, str(line.line))
                else:
                    canvas.drawString(TEXT_X + COLUMN + 16, y, str(line.line))
            y -= LEADING
        canvas.showPage()
    canvas.save()
    return out.getvalue()


def _contents_page(canvas, bill: Print) -> None:
    """Front matter: the arrangement of clauses, numbered in roman, not part of the text."""
    canvas.setFont("Times-Roman", FONT_SIZE)
    canvas.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 50, "i")
    canvas.drawCentredString(PAGE_WIDTH / 2, TOP, "CONTENTS")
    headings = [line.text for line in bill.lines if line.style == "heading" and line.first]
    for index, heading in enumerate(headings[:30]):
        canvas.drawString(TEXT_X, TOP - (index + 2) * LEADING, heading)
    canvas.showPage()


def _draw_line(canvas, line: Line, y: float, justified: bool) -> None:
    x = TEXT_X + line.indent * INDENT + (INDENT if line.hanging else 0)
    if line.style == "heading" and not line.first:  # a heading's second line
        canvas.setFont("Times-Bold", FONT_SIZE)
        canvas.drawString(TEXT_X + 20, y, line.text)
    elif line.style == "heading":
        number, heading = line.text.split(" ", 1)
        canvas.setFont("Times-Bold", FONT_SIZE)
        canvas.drawString(TEXT_X, y, number)
        canvas.drawString(TEXT_X + 20, y, heading)
    elif line.style == "table":
        canvas.setFont("Times-Roman", FONT_SIZE - 2)  # tables are set smaller, as in prints
        for cell, cell_x in zip(line.cells, (TEXT_X, TEXT_X + 150, TEXT_X + 235), strict=False):
            canvas.drawString(cell_x, y, cell)
    elif line.style in ("centre", "italic"):
        canvas.setFont("Times-Italic" if line.style == "italic" else "Times-Roman", FONT_SIZE)
        canvas.drawCentredString(TEXT_X + COLUMN / 2, y, line.text)
    elif line.style == "right":
        canvas.setFont("Times-Roman", FONT_SIZE)
        canvas.drawRightString(TEXT_X + COLUMN, y, line.text)
    else:
        canvas.setFont("Times-Roman", FONT_SIZE)
        text = canvas.beginText(x, y)
        spaces = line.text.count(" ")
        room = TEXT_X + COLUMN - x - _width(line.text)
        # Spread the words to fill the column, as a typeset print does (word spacing is text
        # state that outlives the text object, so a ragged line sets it back to 0).
        text.setWordSpace(room / spaces if justified and spaces and room > 0 else 0)
        text.textOut(line.text)
        canvas.drawText(text)


# ---- HTML, Word, text ------------------------------------------------------------------


def to_html(bill: Print, *, hostile: bool = True) -> bytes:
    """The print as print-faithful HTML: a div a page with its running head, one element a
    printed line, margin numbers in spans; with a script and an event handler that must be
    neither kept nor run."""
    from html import escape

    parts = [f"<!doctype html><html><head><title>{escape(bill.title)}</title>"]
    if hostile:
        parts.append("<script>document.title = 'pwned'; fetch('https://evil.invalid')</script>")
    parts.append("<style>.line-number{float:left}</style></head><body>")
    for page in range(1, bill.pages + 1):
        parts.append(f'<div class="page" data-page="{page}">')
        parts.append(f'<div class="running-head">{page} {escape(bill.title)}</div>')
        for line in bill.on_page(page):
            number = f'<span class="line-number">{line.line}</span>' if line.line % 5 == 0 else ""
            text = escape(line.text)
            if line.style == "heading" and line.first:
                num, heading = text.split(" ", 1)
                text = f"<strong>{num}</strong> <strong>{heading}</strong>"
            elif line.style == "heading":
                text = f"<strong>{text}</strong>"
            elif line.style == "italic":
                text = f"<em>{text}</em>"
            elif line.style == "table":
                cells = "".join(f"<td>{escape(cell)}</td>" for cell in line.cells)
                parts.append(f'<table><tr class="line">{cells}</tr></table>')
                continue
            handler = ' onclick="alert(1)"' if hostile and line.line == 3 else ""
            parts.append(f'<p class="line"{handler}>{number}{text}</p>')
        parts.append("</div>")
    parts.append("</body></html>")
    return "".join(parts).encode()


def to_flowing_html(bill: Print) -> bytes:
    """The bill as a website might show it without the print's layout: one element a
    paragraph, hyphenated words made whole, no pages and no line numbers."""
    from html import escape

    parts = [f"<html><head><title>{escape(bill.title)}</title></head><body>"]
    for paragraph in paragraphs(bill):
        first = paragraph[0]
        text = escape(" ".join(_unbroken(paragraph)))
        if first.style == "heading":
            parts.append(f"<h3>{text}</h3>")
        elif first.style == "italic":
            parts.append(f"<p><em>{text}</em></p>")
        else:
            parts.append(f"<p>{text}</p>")
    parts.append("</body></html>")
    return "".join(parts).encode()


def paragraphs(bill: Print) -> list[list[Line]]:
    """The bill's lines grouped into the paragraphs they were wrapped from."""
    grouped: list[list[Line]] = []
    for line in bill.lines:
        if line.first or not grouped:
            grouped.append([line])
        else:
            grouped[-1].append(line)
    return grouped


def _unbroken(lines: list[Line]) -> list[str]:
    """The paragraph's lines with hyphenated words joined again."""
    texts: list[str] = []
    carry = ""
    for line in lines:
        text = carry + line.text
        carry = ""
        if line.hyphenated:
            head, _, broken = text.rpartition(" ")
            carry, text = broken[:-1], head
        if text:
            texts.append(text)
    return texts


def to_docx(bill: Print) -> bytes:
    """The print as Word: one paragraph a printed line, a page break before each page, line
    numbering every fifth line restarting on each page (as Word numbers lines), the running
    head in the page header."""
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = Document()
    section = document.sections[0]
    section.header.paragraphs[0].text = bill.title
    numbering = OxmlElement("w:lnNumType")
    numbering.set(qn("w:countBy"), "5")
    numbering.set(qn("w:restart"), "newPage")
    section._sectPr.append(numbering)
    for line in bill.lines:
        paragraph = document.add_paragraph()
        if line.line == 1 and line.page > 1:
            paragraph.paragraph_format.page_break_before = True
        run = paragraph.add_run(line.text)
        run.bold = line.style == "heading"
        run.italic = line.style == "italic"
        if line.style in ("centre", "italic"):
            paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        elif line.style == "right":
            paragraph.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def to_text(bill: Print) -> str:
    """The print as text copied out of the PDF: a form feed between pages, the running head at
    the top of each, margin numbers before every fifth line."""
    headings = [line.text for line in bill.lines if line.style == "heading" and line.first]
    pages = ["\n".join(["i", "CONTENTS", *headings[:30]])]  # front matter, as in the PDF
    for page in range(1, bill.pages + 1):
        rows = [f"{page}    {bill.title}" if page > 1 else bill.title]
        for line in bill.on_page(page):
            rows.append(f"{line.line:>3}  {line.text}" if line.line % 5 == 0 else line.text)
        pages.append("\n".join(rows))
    return "\f".join(pages) + "\n"
