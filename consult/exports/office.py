"""What the two office renderers (DOCX and ODT) share: the words around the response, safe XML
text, paragraph-number runs, footnote numbering and byte-identical zip packages.

Keeping these here means a Word file and an ODT file of the same version say the same things in
the same order, and both are deterministic in the same way."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from itertools import islice
from typing import TypeVar

from consult.exports.document import (
    Block,
    Document,
    Footnote,
    Heading,
    ListBlock,
    Paragraph,
    Part,
    Quote,
    Signatories,
    Span,
)
from consult.wording import count_of, counts_phrase, listed

BODY_FONT = "Arial"  # sans-serif; LibreOffice substitutes the metric-compatible Liberation Sans
CODE_FONT = "Courier New"
DRAFT_MARK = "DRAFT: not for submission"
TABLE_ROWS = 500  # rows per table in a signatories list (see table_runs)
Row = TypeVar("Row")

# Characters XML 1.0 cannot carry at all (C0 controls except tab/newline, lone surrogates, the
# two non-characters). lxml refuses them and odfpy would write a file no office suite opens.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def xml_safe(text: str) -> str:
    """The text with characters XML cannot hold removed and line ends made "\\n"."""
    return _NOT_XML.sub("", text.replace("\r\n", "\n").replace("\r", "\n"))


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
