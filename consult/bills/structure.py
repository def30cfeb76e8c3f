"""A print of a bill as its readers cite it: every line of text with the page and line number
printed in its margin, and the clause or schedule it belongs to.

An importer (PDF, HTML, Word, pasted text) produces a `ParsedPrint`; amendments are checked
against one and re-mapped from one print to the next. Plain data, no database: the models store
what these hold, and the rules about bills are testable without an app.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class PrintedLine:
    """One line of the bill's text as printed. `page` runs through the print; `line` restarts at
    1 on every page (margin numbers are printed every fifth line; the rest are counted)."""

    page: int
    line: int
    text: str
    # "4" for clause 4, "Schedule 1" for a schedule; None before the first clause (the long
    # title, an arrangement of clauses) or in a cross-heading that belongs to no clause yet.
    provision: str | None = None
    # The subsection ("(2)") or paragraph ("(2)(a)") the line is in, when it can be told.
    subsection: str | None = None


@dataclass(frozen=True)
class Provision:
    """A clause or a schedule: its number ("4", "Schedule 1"), its heading, and where it starts
    and ends in the print (page, line), inclusive."""

    number: str
    heading: str
    start: tuple[int, int]
    end: tuple[int, int]
    part: str | None = None  # "Part 2: Facial recognition", when the bill has parts

    @property
    def is_schedule(self) -> bool:
        return self.number.startswith("Schedule")


@dataclass(frozen=True)
class Problem:
    """Something the importer could not place, said so a person can check it: where (page and
    line when known) and what."""

    message: str
    page: int | None = None
    line: int | None = None


@dataclass
class ParsedPrint:
    """What an importer read: the lines in order, the clauses and schedules they make up, and
    what it could not parse. Every line of the source is either in `lines` or in `problems`."""

    title: str
    lines: list[PrintedLine] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)

    @property
    def pages(self) -> int:
        return max((line.page for line in self.lines), default=0)

    def line_at(self, page: int, line: int) -> PrintedLine | None:
        """The printed line at page/line, or None when the print has no such line."""
        for candidate in self.lines:
            if candidate.page == page and candidate.line == line:
                return candidate
        return None

    def provision(self, number: str) -> Provision | None:
        """A clause by its number ("4") or a schedule by its name ("Schedule 1")."""
        return next((p for p in self.provisions if p.number == number), None)
