"""What the two office renderers (DOCX and ODT) share: one walk of the document model, the words
around the response, safe XML text, paragraph-number runs, footnote numbering and byte-identical
zip packages.

`write_document` decides the structure once (which paragraphs, headings, numbered paragraphs,
lists, quotes, footnotes, tables, DRAFT mark and page numbers, in what order) and hands each
piece to an `OfficeWriter`; docx.py and odt.py only say how their format writes it. So a Word
file and an ODT file of the same version say the same things in the same order, and both are
deterministic in the same way."""

from __future__ import annotations

import io
import re
import zipfile
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, replace
from datetime import date
from itertools import islice
from typing import Literal, TypeVar

from consult.exports.document import (
    AmendmentBlock,
    Block,
    CodeBlock,
    Document,
    Footnote,
    Heading,
    ListBlock,
    Paragraph,
    Part,
    Quote,
    Rule,
    Signatories,
    Span,
)
from consult.wording import count_of, counts_phrase, listed

BODY_FONT = "Arial"  # sans-serif; LibreOffice substitutes the metric-compatible Liberation Sans
CODE_FONT = "Courier New"
DRAFT_MARK = "DRAFT: not for submission"
TABLE_ROWS = 500  # rows per table in a signatories list (see table_runs)
LIST_LEVELS = 9  # list levels both formats define; deeper lists use the last one
LINK_PREFIXES = ("http://", "https://", "mailto:")
Row = TypeVar("Row")

# Characters XML 1.0 cannot carry at all (C0 controls except tab/newline, lone surrogates, the
# two non-characters). lxml refuses them and odfpy would write a file no office suite opens.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text with characters XML cannot hold removed and line ends made "\\n"."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


def safe_link(url: str | None) -> str | None:
    """The link target a file may carry (http, https or mailto, XML-safe), else None: a span
    whose link is anything else is written as its text alone."""
    if not url:
        return None
    safe = xml_safe(url).strip()
    return safe if safe.lower().startswith(LINK_PREFIXES) else None


def long_date(day: date) -> str:
    """ "12 March 2026": the form UK government and Parliament documents use."""
    return f"{day.day} {day:%B %Y}"


def display_title(document: Document) -> str:
    """The first line of the file: the profile's heading, marked when it is a draft."""
    return f"DRAFT: {document.heading}" if document.draft else document.heading


def property_title(document: Document) -> str:
    return f"DRAFT: {document.title}" if document.draft else document.title


def status_line(document: Document) -> str:
    if document.draft:
        return f"Draft of {long_date(document.date)}: not for submission"
    if document.version_number is not None:
        return f"Version {document.version_number}, {long_date(document.date)}"
    return long_date(document.date)


def supporters_line(document: Document) -> str | None:
    organisations = document.co_signing_organisations
    if not organisations:
        return None
    return f"Supported by {listed(organisations)}"


def signatories_intro(signatories: Signatories) -> str:
    """ "This response is supported by 3 signatories: 1 organisation and 1 individual are named
    below." Only the kinds that are named are counted."""
    named = len(signatories.organisations) + len(signatories.people)
    total = max(signatories.confirmed_total, named)
    supported = f"This response is supported by {count_of(total, 'signatory', 'signatories')}"
    if not named:
        return f"{supported}, who asked not to be named."
    listed = counts_phrase(
        [
            (len(signatories.organisations), "organisation", "organisations"),
            (len(signatories.people), "individual", "individuals"),
        ]
    )
    return f"{supported}: {listed} {'is' if named == 1 else 'are'} named below."


def unnamed_line(signatories: Signatories) -> str | None:
    """The signatories who asked not to be named, after those who are (the introduction
    already says so when nobody is named)."""
    named = len(signatories.organisations) + len(signatories.people)
    unnamed = signatories.confirmed_total - named
    if unnamed <= 0 or not named:
        return None
    return f"A further {count_of(unnamed, 'signatory', 'signatories')} asked not to be named."


def table_runs(rows: Iterable[Row]) -> Iterator[list[Row]]:
    """The rows in runs of at most TABLE_ROWS, each written as its own table (with the header
    row) right after the previous one, so they read as one list. LibreOffice lays a long
    table out in time that grows far faster than its length: 10,000 signatories took minutes
    to open as one table and 22 seconds as tables of 500."""
    iterator = iter(rows)
    while run := list(islice(iterator, TABLE_ROWS)):
        yield run


def verification_lines(document: Document) -> tuple[str, str | None] | None:
    """(sentence before the fingerprint, sentence before the link) or None for a draft."""
    if document.fingerprint is None:
        return None
    version = f"version {document.version_number}" if document.version_number else "the version"
    intro = (
        f"This document is {version} of the response, frozen on {long_date(document.date)}. "
        "Its SHA-256 fingerprint is:"
    )
    link = "Check that a copy matches the published version at " if document.verify_url else None
    return intro, link


class ParagraphNumbering:
    """Decides when a numbered paragraph continues the running counter and when it must start
    a new numbering run, so the office suite's own numbering shows exactly the builder's
    numbers (one counter over the whole document, or a restart wherever the builder made one).
    """

    def __init__(self) -> None:
        self._last: int | None = None

    def place(self, number: str) -> tuple[int, bool] | None:
        """(value, starts_a_new_run) for `number`, or None for a number that is not a plain
        count ("2.1", "A"), which the renderers then type as text."""
        if not (number.isascii() and number.isdigit()):
            return None
        value = int(number)
        new = self._last is None or value != self._last + 1
        self._last = value
        return value, new


def _spans_of(blocks: tuple[Block, ...]) -> Iterator[Span]:
    for block in blocks:
        if isinstance(block, Paragraph | Heading):
            yield from block.spans
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _spans_of(item)
        elif isinstance(block, Quote):
            yield from _spans_of(block.blocks)


def _heading_levels(blocks: tuple[Block, ...]) -> Iterator[int]:
    for block in blocks:
        if isinstance(block, Heading):
            yield block.level
        elif isinstance(block, ListBlock):
            for item in block.items:
                yield from _heading_levels(item)
        elif isinstance(block, Quote):
            yield from _heading_levels(block.blocks)


def heading_outline(part: Part) -> dict[int, int]:
    """The outline level (2-4) of each heading level a part's text uses: its highest becomes
    level 2, right under the part's own heading, so the outline never skips a level whether
    the writer started at "#" or "##"."""
    levels = sorted(set(_heading_levels(part.blocks)))
    return {level: min(rank + 2, 4) for rank, level in enumerate(levels)}


def referenced_footnotes(part: Part) -> list[Footnote]:
    """The part's footnotes in the order the text first refers to them (each once)."""
    by_id = {footnote.id: footnote for footnote in part.footnotes}
    seen: dict[str, Footnote] = {}
    for span in _spans_of(part.blocks):
        if span.footnote in by_id and span.footnote not in seen:
            seen[span.footnote] = by_id[span.footnote]
    return list(seen.values())


def footnotes_number_themselves(document: Document) -> bool:
    """True when the labels are 1, 2, 3 ... in reading order, so the office suite's automatic
    footnote numbers equal them; otherwise the renderers write each label as a custom mark."""
    labels = [note.label for part in document.parts for note in referenced_footnotes(part)]
    return labels == [str(n) for n in range(1, len(labels) + 1)]


def splice(content: bytes, marker: re.Pattern[bytes], pieces: list[bytes]) -> bytes:
    """`content` with every `marker` match replaced, in one pass, by `pieces[int(group 1)]`:
    how the renderers put tens of thousands of table rows, written as text, into the XML a
    library serialised. Each piece must land exactly once, else the file would silently lose
    signatories."""
    placed: list[int] = []

    def piece(match: re.Match[bytes]) -> bytes:
        placed.append(int(match.group(1)))
        return pieces[placed[-1]]

    spliced = marker.sub(piece, content)
    if sorted(placed) != list(range(len(pieces))):
        raise RuntimeError(f"table markers placed {placed}, expected {len(pieces)} tables")
    return spliced


def deterministic_zip(
    package: bytes, day: date, transform: Callable[[str, bytes], bytes] | None = None
) -> bytes:
    """The same zip with every entry stamped `day` and fixed attributes, entries in the same
    order and with the same compression (an ODT's first entry, mimetype, stays stored): the
    libraries stamp the current time, which would make two exports of one version differ.
    `transform(name, content)` may rewrite an entry's content on the way."""
    stamp = (max(day.year, 1980), day.month, day.day, 0, 0, 0)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w") as target:
        for entry in source.infolist():
            info = zipfile.ZipInfo(entry.filename, date_time=stamp)
            info.compress_type = entry.compress_type
            info.create_system = 3
            info.external_attr = 0o644 << 16
            content = source.read(entry)
            if transform is not None:
                content = transform(entry.filename, content)
            target.writestr(info, content, compresslevel=6)
    return out.getvalue()


# --- the one walk of the document ---------------------------------------------------------------

# What a paragraph is for; each writer maps a role to its format's style.
Role = Literal[
    "title",  # the first line of the file
    "subtitle",  # what it responds to, who supports it
    "status",  # version and date, or the draft's date
    "body",  # text of a part
    "numbered",  # a numbered paragraph whose number no counter can show (typed)
    "list",  # a list item's later paragraphs
    "quote",
    "code",
    "rule",
    "note",  # text of a footnote
    "lead-in",  # a sentence introducing what follows (kept with it)
    "table-note",  # the line after the signatories tables
    "table-join",  # the hairline between two runs of one table
    "notice",  # said prominently under the title (an illustrative bill)
    # An amendment in House style, a role per line (consult.bills.house_style.Role):
    "amendment-number",
    "amendment-provision",
    "amendment-reference",
    "amendment-inserted_title",
    "amendment-inserted",
    "amendment-statement_heading",
    "amendment-statement",
    "amendment-supporters",
    "amendment-note",
]
AMENDMENT_ROLES = frozenset(
    {
        "number",
        "provision",
        "reference",
        "inserted_title",
        "inserted",
        "statement_heading",
        "statement",
        "supporters",
        "note",
    }
)


class OfficeWriter(ABC):
    """What `write_document` asks of a format. Calls come in reading order; a paragraph
    started by `paragraph`, `heading`, `numbered_paragraph` or `start_item` takes the inline
    calls (`text`, `strong`, `draft_mark`, `note_mark`, a whole note) that follow, until the
    next one starts. A note's paragraphs come between `start_note` and `end_note`, after
    which the paragraph that refers to it takes inline calls again."""

    @abstractmethod
    def paragraph(self, role: Role, indent: int | None = None, *, centred: bool = False) -> None:
        """Start a paragraph. `indent` is the list level whose item it continues (the
        format indents it to that item's text), None outside lists. `centred`: the role's
        style, centred (an amendment paper's heading, as Parliament sets it)."""

    @abstractmethod
    def heading(self, level: int) -> None:
        """Start a heading at outline level `level` (1: a part's own heading, 2-4 below)."""

    @abstractmethod
    def numbered_paragraph(self, value: int, *, restart: bool, follows: bool) -> None:
        """Start a paragraph the format numbers `value` itself. `restart`: the count does not
        go on from the previous numbered paragraph; `follows`: the block before this one was
        a numbered paragraph too (ODF keeps such paragraphs in one list)."""

    @abstractmethod
    def text(self, span: Span, link: str | None) -> None:
        """A run of text in its span's styles; `link` is the span's link as `safe_link`
        allows it (None: no link)."""

    @abstractmethod
    def strong(self, text: str) -> None:
        """A label in bold ("Answer: ")."""

    @abstractmethod
    def draft_mark(self, text: str) -> None:
        """Text in the DRAFT mark's style."""

    @abstractmethod
    def note_mark(self, text: str) -> None:
        """A footnote reference written as a superscript only: its note is already placed
        (a format cannot point at one note twice) or cannot be placed here."""

    @abstractmethod
    def start_note(self, number: int, label: str, automatic: bool) -> None:
        """A footnote referred to here, the `number`th of the file: its paragraphs follow.
        `automatic`: the format's own numbering shows `label`, else it is a custom mark."""

    @abstractmethod
    def end_note(self) -> None:
        """The footnote's paragraphs are done (a format may need a first paragraph for its
        mark even when the note had none)."""

    @abstractmethod
    def start_list(self, ordered: bool, start: int, level: int) -> None:
        """A list at nesting `level` (0 outermost, at most LIST_LEVELS - 1); an ordered one
        counts from `start`."""

    @abstractmethod
    def start_item(self, start: int | None) -> None:
        """An item of the current list, and its first paragraph (the one with the marker).
        `start`: the number the item shows where the list does not count from 1 (its first
        item only), else None."""

    @abstractmethod
    def end_item(self) -> None:
        """The item's blocks are done."""

    @abstractmethod
    def end_list(self) -> None:
        """The list is done."""

    @abstractmethod
    def table(
        self, name: str, index: int, headers: tuple[str, ...], rows: list[tuple[str, ...]]
    ) -> None:
        """One run of a signatories table named `name` (see `table_runs`): the `index`th, with
        the header row repeated on every page."""

    @abstractmethod
    def page(self, header: str | None, page_numbers: bool) -> None:
        """Every page: `header` (the DRAFT mark) at the top, if any, and "Page n of m" at the
        foot if `page_numbers`."""


@dataclass(frozen=True)
class _Context:
    """Where blocks are being written."""

    role: Role = "body"  # what a plain paragraph is here
    indent: int | None = None  # the list level whose item these blocks continue
    depth: int = 0  # how deep a list starting here is nested
    notes: dict[str, Footnote] | None = None  # footnotes a reference may place (None in a note)
    outline: dict[int, int] | None = None  # heading level -> outline level (None: plain text)


class _Walk:
    """One pass over the document in reading order, keeping what spans the whole file: the
    paragraph count and which footnotes are placed."""

    def __init__(self, document: Document, writer: OfficeWriter) -> None:
        self.document = document
        self.writer = writer
        self.numbering = ParagraphNumbering()
        self.automatic_notes = footnotes_number_themselves(document)
        self.placed_notes: set[str] = set()

    def walk(self) -> None:
        document = self.document
        self._front_matter()
        for part in document.parts:
            self._part(part)
        if document.signatories is not None:
            self._signatories(document.signatories)
        self._verification()
        self.writer.page(DRAFT_MARK if document.draft else None, document.page_numbers)

    # --- around the response ---

    def _line(self, role: Role, text: str, *, centred: bool = False) -> None:
        self.writer.paragraph(role, centred=centred)
        self.writer.text(Span(text), None)

    def _heading(self, level: int, text: str) -> None:
        self.writer.heading(level)
        self.writer.text(Span(text), None)

    def _front_matter(self) -> None:
        document, writer = self.document, self.writer
        centred = document.layout == "amendment-paper"  # the bill and stage, centred as in the PDF
        writer.paragraph("title", centred=centred)
        if document.draft:
            writer.draft_mark("DRAFT: ")
            writer.text(Span(document.heading), None)
        else:
            writer.text(Span(display_title(document)), None)
        if document.subtitle:
            self._line("subtitle", document.subtitle, centred=centred)
        supporters = supporters_line(document)
        if supporters:
            self._line("subtitle", supporters, centred=centred)
        self._line("status", status_line(document), centred=centred)
        for notice in document.notices:
            self._line("notice", notice)

    def _part(self, part: Part) -> None:
        if part.heading:
            self._heading(1, part.heading)
        answer = self.document.answer_of(part)
        if answer is not None:
            self.writer.paragraph("body")
            self.writer.strong(f"{part.answer_label or 'Answer'}: ")
            self.writer.text(Span(answer), None)
        notes = {note.id: note for note in referenced_footnotes(part)}
        self._blocks(part.blocks, _Context(notes=notes, outline=heading_outline(part)))

    def _signatories(self, signatories: Signatories) -> None:
        self._heading(1, "Signatories")
        self._line("lead-in", signatories_intro(signatories))
        if signatories.organisations:
            self._heading(2, "Organisations")
            rows = ((name,) for name in signatories.organisations)
            self._table("Organisations", ("Organisation",), rows)
        if signatories.people:
            self._heading(2, "Individuals")
            self._table("Individuals", ("Name", "Affiliation"), signatories.people)
        unnamed = unnamed_line(signatories)
        if unnamed:
            self._line("table-note", unnamed)

    def _table(self, name: str, headers: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> None:
        """The rows as tables of at most TABLE_ROWS, joined by a hairline paragraph (Word
        would merge touching tables)."""
        for index, run in enumerate(table_runs(rows)):
            if index:
                self.writer.paragraph("table-join")
            self.writer.table(name, index, headers, run)

    def _verification(self) -> None:
        lines = verification_lines(self.document)
        if lines is None:
            return
        intro, link_intro = lines
        self._heading(1, "Verification")
        self._line("lead-in", intro)
        self.writer.paragraph("lead-in")
        self.writer.text(Span(self.document.fingerprint or "", code=True), None)
        url = self.document.verify_url
        if link_intro and url:
            self._line("body", link_intro)
            self.writer.text(Span(url), safe_link(url))
            self.writer.text(Span("."), None)

    # --- the response's text ---

    def _blocks(self, blocks: tuple[Block, ...], context: _Context) -> None:
        writer = self.writer
        follows = False  # the previous block was a numbered paragraph the format counts
        for block in blocks:
            if isinstance(block, Paragraph):
                follows = self._paragraph(block, context, follows)
                continue
            follows = False
            if isinstance(block, Heading):
                if context.outline is None:  # in a footnote: a paragraph like the others
                    writer.paragraph(context.role)
                else:
                    writer.heading(context.outline.get(block.level, 4))
                self._spans(block.spans, context)
            elif isinstance(block, ListBlock):
                self._list(block, context)
            elif isinstance(block, Quote):
                self._blocks(block.blocks, replace(context, role="quote", indent=None))
            elif isinstance(block, CodeBlock):
                writer.paragraph("code", context.indent)
                writer.text(Span(block.text.rstrip("\n")), None)
            elif isinstance(block, Rule):
                writer.paragraph("rule")
            elif isinstance(block, AmendmentBlock):
                self._amendment(block)

    def _amendment(self, block: AmendmentBlock) -> None:
        """Each line of the amendment in its role's style, its characters as they are."""
        for line in block.lines:
            role = line.role if line.role in AMENDMENT_ROLES else "reference"
            self.writer.paragraph(f"amendment-{role}")  # type: ignore[arg-type]
            self.writer.text(Span(line.text), None)

    def _paragraph(self, block: Paragraph, context: _Context, follows: bool) -> bool:
        """Write the paragraph; True if it is a numbered paragraph the format counts."""
        counted = False
        if block.number is None:
            self.writer.paragraph(context.role, context.indent)
        elif (placed := self.numbering.place(block.number)) is not None:
            value, restart = placed
            self.writer.numbered_paragraph(value, restart=restart, follows=follows)
            counted = True
        else:  # a number no counter can produce ("2.1"): typed, with the same indent
            self.writer.paragraph("numbered")
            self.writer.text(Span(f"{block.number}\t"), None)
        self._spans(block.spans, context)
        return counted

    def _list(self, block: ListBlock, context: _Context) -> None:
        """Each item's first paragraph carries the marker (an item that starts otherwise gets
        an empty one); its other blocks continue the item, one level deeper."""
        level = min(context.depth, LIST_LEVELS - 1)
        inner = replace(context, role="list", indent=level, depth=context.depth + 1)
        self.writer.start_list(block.ordered, block.start, level)
        for index, item in enumerate(block.items):
            first = index == 0 and block.ordered and block.start != 1
            self.writer.start_item(block.start if first else None)
            rest = item
            if item and isinstance(item[0], Paragraph):
                self._spans(item[0].spans, context)
                rest = item[1:]
            self._blocks(rest, inner)
            self.writer.end_item()
        self.writer.end_list()

    def _spans(self, spans: tuple[Span, ...], context: _Context) -> None:
        for span in spans:
            if span.footnote is None:
                self.writer.text(span, safe_link(span.link))
            else:
                self._footnote(span, context.notes)

    def _footnote(self, span: Span, notes: dict[str, Footnote] | None) -> None:
        """The note the span refers to, placed here the first time; a second reference (or
        one inside a note) is only its mark."""
        note = notes.get(span.footnote) if notes and span.footnote else None
        if note is None or note.id in self.placed_notes:
            self.writer.note_mark(span.text)
            return
        self.placed_notes.add(note.id)
        self.writer.start_note(len(self.placed_notes), note.label, self.automatic_notes)
        self._blocks(note.blocks, _Context(role="note"))
        self.writer.end_note()


def write_document(document: Document, writer: OfficeWriter) -> None:
    """Walk the whole document (front matter, parts, signatories, verification, page) into
    `writer`, which then packages its file."""
    _Walk(document, writer).walk()
