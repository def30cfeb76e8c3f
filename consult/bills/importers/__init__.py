"""Reading a bill print from a file: PDF as published, HTML, Word (.docx) or pasted text, into
a `ParsedPrint` (consult/bills/structure.py) with every line's page, line, clause and
subsection, and a list of what could not be parsed.

Why one entry point: the upload form, the API and the CLI take whatever file a person has;
`read_print` tells the kind from the bytes themselves (not the name or the browser's word for
it), applies the size, page and time limits, and refuses with `ImportRefused` (a DomainError
whose message the person can act on) instead of failing.
"""

from __future__ import annotations

from consult.bills.importers.limits import DEFAULT_LIMITS, Budget, ImportRefused, Limits, check_size
from consult.bills.structure import ParsedPrint

__all__ = ["DEFAULT_LIMITS", "ImportRefused", "Limits", "kind_of", "read_print", "read_text"]

KINDS = ("pdf", "docx", "html", "text")
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: .doc, or an encrypted .docx


def kind_of(data: bytes) -> str:
    """What the bytes are: "pdf", "docx", "html" or "text" (refused when none of these)."""
    head = data[:1024]
    if data.lstrip()[:5] == b"%PDF-" or b"%PDF-" in head:
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return "docx"
    if head.startswith(OLE):
        raise ImportRefused(
            "This is an old Word (.doc) file, or a Word file protected by a password. Please "
            "save it from Word as .docx without a password, or upload the PDF."
        )
    sample = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if sample.startswith((b"<!doctype html", b"<html", b"<?xml", b"<body", b"<div", b"<p")):
        return "html"
    if b"\x00" in data[:65536]:
        raise ImportRefused(
            "The file is not a PDF, Word (.docx), HTML or text file. Please upload the print "
            "as a PDF, or paste its text."
        )
    return "text"


def read_print(
    data: bytes,
    *,
    title: str | None = None,
    limits: Limits = DEFAULT_LIMITS,
) -> ParsedPrint:
    """The print in `data`, whatever its kind; ImportRefused when it cannot or must not be
    read (too large, damaged, protected, not a bill's text)."""
    check_size(data, limits)
    budget = Budget(limits)
    kind = kind_of(data)
    if kind == "pdf":
        from consult.bills.importers.pdf import read_pdf

        return _has_text(read_pdf(data, limits, budget, title))
    if kind == "docx":
        from consult.bills.importers.docx import read_docx

        return _has_text(read_docx(data, limits, budget, title))
    if kind == "html":
        from consult.bills.importers.html import read_html

        return _has_text(read_html(data, limits, budget, title))
    from consult.bills.importers.text import decode, read_plain

    return _has_text(read_plain(decode(data), limits, budget, title))


def read_text(
    text: str, *, title: str | None = None, limits: Limits = DEFAULT_LIMITS
) -> ParsedPrint:
    """A print pasted as text (from a form field rather than a file)."""
    from consult.bills.importers.text import read_plain

    check_size(text.encode("utf-8", "replace"), limits)
    return _has_text(read_plain(text, limits, Budget(limits), title))


def _has_text(parsed: ParsedPrint) -> ParsedPrint:
    if not parsed.lines:
        raise ImportRefused("The file has no text to read: it is empty, or holds no bill.")
    return parsed
