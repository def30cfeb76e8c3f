"""A bill print read from a Word (.docx) file: paragraphs and table rows in order, pages at
page breaks (explicit ones, and those Word recorded when it last laid the file out), bold and
italic from the runs and their styles.

Why the zip is checked first: a .docx is a zip, and a small zip can unpack to gigabytes (a
"zip bomb"). Before python-docx opens it, the declared sizes of its parts are checked
(count, total, ratio); Python's zip reader never inflates a part past its declared size (it
fails the CRC check instead), so the declared sizes bound the work. python-docx parses the XML
with entities off, so no "billion laughs" either.

Word does not store where its lines wrap, so each paragraph (or line break) counts as one
line and `problems` says so: the page and line match the print only when the file was laid
out line for line like it.
"""

from __future__ import annotations

import io
import zipfile

from consult.bills.importers.clauses import recognise
from consult.bills.importers.limits import Budget, ImportRefused, Limits, megabytes
from consult.bills.importers.lines import (
    SourceLine,
    clean,
    forget_styles,
    number_pages,
    styled,
)
from consult.bills.importers.text import split_margin
from consult.bills.structure import UNTITLED, ParsedPrint, Problem

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
RATIO_CHECKED_FROM = 1024 * 1024  # parts smaller than this may compress as well as they like


def check_zip(data: bytes, limits: Limits) -> None:
    """Refuse a zip whose parts would unpack too large, before anything unpacks them."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ImportRefused(
            "The file is not a Word document that can be read (it is damaged, or not a "
            ".docx). Please save it again from Word as .docx, or upload the PDF."
        ) from None
    with archive:
        entries = archive.infolist()
        if len(entries) > limits.max_zip_entries:
            raise ImportRefused(
                f"The Word file holds {len(entries):,} parts, far more than a document; it "
                "was not opened.",
                too_large=True,
            )
        total = sum(entry.file_size for entry in entries)
        if total > limits.max_unzipped_bytes:
            raise ImportRefused(
                f"The Word file would unpack to {megabytes(total)}, more than the "
                f"{megabytes(limits.max_unzipped_bytes)} allowed; it was not opened.",
                too_large=True,
            )
        for entry in entries:
            ratio = entry.file_size / max(entry.compress_size, 1)
            if entry.file_size > RATIO_CHECKED_FROM and ratio > limits.max_zip_ratio:
                raise ImportRefused(
                    "The Word file contains a part compressed far more than a document can be "
                    "(a “zip bomb”); it was not opened.",
                    too_large=True,
                )
        if "word/document.xml" not in archive.namelist():
            raise ImportRefused(
                "The file is a zip but not a Word document (.docx). Please upload the bill "
                "as PDF, Word or HTML."
            )


def read_docx(data: bytes, limits: Limits, budget: Budget, title: str | None = None) -> ParsedPrint:
    """The print in `data` (.docx), or ImportRefused with the reason."""
    import docx
    from lxml.etree import XMLSyntaxError

    check_zip(data, limits)
    try:
        document = docx.Document(io.BytesIO(data))
    except (KeyError, ValueError, XMLSyntaxError, zipfile.BadZipFile):
        raise ImportRefused(
            "The Word file could not be read: it may be damaged. Please save it again from "
            "Word as .docx, or upload the PDF."
        ) from None
    reader = _Reader(document, budget)
    reader.read()
    budget.pages(len(reader.pages))
    if not any(reader.pages):
        raise ImportRefused("The Word file has no text to read.")
    problems: list[Problem] = [
        Problem(
            "Word does not store where its lines wrap: each paragraph or line break was "
            "counted as one line, and pages run from its page breaks. They match the printed "
            "bill only if this file was laid out line for line like it: check references."
        )
    ]
    lines, found_title = number_pages(reader.pages, problems)
    forget_styles(lines, bold_seen=reader.styled_bold, italic_seen=reader.styled_italic)
    chosen = title or document.core_properties.title or reader.header_title() or found_title
    return recognise(chosen or UNTITLED, lines, problems)


def _on(element) -> bool:
    """A Word on/off property: present and not switched off."""
    return element is not None and element.get(f"{W}val") not in ("0", "false", "off")


class _Reader:
    """The document body in order: paragraphs, and table rows as one line each."""

    def __init__(self, document, budget: Budget) -> None:
        self.document = document
        self.budget = budget
        self.pages: list[list[SourceLine]] = [[]]
        self.styled_bold = False
        self.styled_italic = False
        self.style_cache: dict[str | None, tuple[bool, bool]] = {}

    def header_title(self) -> str | None:
        """The running head in the first section's header: the bill's short title."""
        for section in self.document.sections[:1]:
            text = clean(" ".join(p.text for p in section.header.paragraphs))
            if text:
                return text
        return None

    def read(self) -> None:
        from docx.table import Table
        from docx.text.paragraph import Paragraph

        body = self.document.element.body
        for count, child in enumerate(body.iterchildren()):
            if count % 500 == 0:
                self.budget.tick()
            if child.tag == f"{W}p":
                self._paragraph(Paragraph(child, self.document))
            elif child.tag == f"{W}tbl":
                for row in Table(child, self.document).rows:
                    cells = [clean(cell.text) for cell in row.cells]
                    self._line([(" ".join(c for c in cells if c), False, False)])
        if len(self.pages) > 1 and not self.pages[-1]:
            self.pages.pop()

    def _new_page(self) -> None:
        if self.pages[-1]:
            self.pages.append([])

    def _paragraph(self, paragraph) -> None:
        properties = paragraph._p.pPr
        if properties is not None and _on(properties.find(f"{W}pageBreakBefore")):
            self._new_page()
        style_id = properties.style if properties is not None else None
        style_bold, style_italic = self._style(style_id)
        pieces: list[tuple[str, bool, bool]] = []
        for run in paragraph.runs:
            bold = run.bold if run.bold is not None else style_bold
            italic = run.italic if run.italic is not None else style_italic
            for part in run.element.iterchildren():
                tag = part.tag
                if tag == f"{W}t":
                    pieces.append((part.text or "", bold, italic))
                elif tag == f"{W}tab":
                    pieces.append(("\t", bold, italic))
                elif tag == f"{W}br" or tag == f"{W}cr":
                    self._line(pieces)
                    pieces = []
                    if part.get(f"{W}type") == "page":
                        self._new_page()
                elif tag == f"{W}lastRenderedPageBreak" and (pieces or self.pages[-1]):
                    self._line(pieces)
                    pieces = []
                    self._new_page()
        self._line(pieces)

    def _style(self, style_id: str | None) -> tuple[bool, bool]:
        """Bold and italic as a paragraph style (or the styles it is based on) sets them;
        looked up once a style (python-docx's own look-up scans every style each time)."""
        from docx.enum.style import WD_STYLE_TYPE

        if style_id in self.style_cache:
            return self.style_cache[style_id]
        style = self.document.styles.get_by_id(style_id, WD_STYLE_TYPE.PARAGRAPH)
        bold = italic = None
        current, depth = style, 0
        while current is not None and depth < 10 and (bold is None or italic is None):
            bold = current.font.bold if bold is None else bold
            italic = current.font.italic if italic is None else italic
            current, depth = current.base_style, depth + 1
        found = (bool(bold), bool(italic))
        self.style_cache[style_id] = found
        return found

    def _line(self, pieces: list[tuple[str, bool, bool]]) -> None:
        raw = "".join(piece for piece, _, _ in pieces)
        if not raw.strip():
            return
        margin, text = split_margin(raw.replace("\t", "  ", 1), len(self.pages[-1]) + 1)
        text = clean(text)
        bold, italic = styled(pieces)
        self.styled_bold |= bold
        self.styled_italic |= italic
        self.pages[-1].append(SourceLine(text, margin=margin, bold=bold, italic=italic))
        self.budget.tick(1)
