"""How much an import may take, and how it says no.

Why: a print is uploaded by a person and read on the server. A file that is too big, a PDF
with ten thousand pages, a Word file that unzips to gigabytes or HTML nested a million deep
must be refused with a message that person can act on (the API answers 413 or 422), never
crash the worker or hold it for minutes. Every importer takes a `Limits` and checks a
`Budget` as it goes.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from consult.errors import DomainError


class ImportRefused(DomainError):
    """The file cannot be read as a print; the message says why in plain English. `too_large`
    is True when the file broke a size or page limit (the API answers 413; otherwise 422)."""

    def __init__(self, message: str, *, too_large: bool = False) -> None:
        super().__init__(message)
        self.too_large = too_large


@dataclass(frozen=True)
class Limits:
    """The bounds of one import. The defaults take a long real print (Commons bills run to a
    few hundred pages, a few megabytes) with room to spare."""

    max_bytes: int = 25 * 1024 * 1024  # the uploaded file
    max_pages: int = 1500  # pages of a PDF (or page breaks of any source)
    max_lines: int = 150_000  # lines of text in all
    max_chars_per_page: int = 30_000  # a bill page holds about 3,000
    max_seconds: float = 60.0  # wall-clock time for the whole import
    max_unzipped_bytes: int = 60 * 1024 * 1024  # a .docx's parts, uncompressed, together
    max_zip_entries: int = 2_000
    max_zip_ratio: int = 200  # uncompressed / compressed size of any one part of a .docx
    max_html_elements: int = 400_000
    max_html_depth: int = 250  # nesting of elements


DEFAULT_LIMITS = Limits()


def megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.0f} MB"


def check_size(data: bytes, limits: Limits) -> None:
    """Refuse a file over the size limit before anything reads it."""
    if len(data) > limits.max_bytes:
        raise ImportRefused(
            f"The file is {megabytes(len(data))}, more than the {megabytes(limits.max_bytes)} "
            "a print may be. Please upload the bill's own PDF, or a smaller file.",
            too_large=True,
        )


class Budget:
    """The time and lines an import has left: importers call `tick` as they go (each page,
    each few hundred lines), so a slow or endless source stops with a message."""

    def __init__(self, limits: Limits, clock=time.monotonic) -> None:
        self.limits = limits
        self.clock = clock
        self.deadline = clock() + limits.max_seconds
        self.lines = 0

    def tick(self, lines: int = 0) -> None:
        self.lines += lines
        if self.lines > self.limits.max_lines:
            raise ImportRefused(
                f"The file has more than {self.limits.max_lines:,} lines of text, more than "
                "any bill print. Please check that this is the bill.",
                too_large=True,
            )
        if self.clock() > self.deadline:
            raise ImportRefused(
                f"Reading the file took longer than {self.limits.max_seconds:.0f} seconds, "
                "so it was stopped. The file may be damaged or built oddly: try the PDF as "
                "published on the Parliament website, or paste the text."
            )

    def pages(self, count: int) -> None:
        if count > self.limits.max_pages:
            raise ImportRefused(
                f"The file has {count:,} pages; a print may have at most "
                f"{self.limits.max_pages:,}.",
                too_large=True,
            )
