"""A print of a bill as its readers cite it: every line of text with the page and line number
printed in its margin, and the clause or schedule it belongs to.

An importer (PDF, HTML, Word, pasted text) produces a `ParsedPrint`; amendments are checked
against one and re-mapped from one print to the next. Plain data, no database: the models store
what these hold, and the rules about bills are testable without an app.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


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
    # The subsection ("(2)") or paragraph ("(2)(a)") the line is in, when it can be told; in a
    # schedule, its paragraph and sub-paragraph ("3", "3(2)", "3(2)(a)").
    subsection: str | None = None
    # The line ends in a word broken by hyphenation ("authori-" / "sed"): `text` stays as
    # printed, `ParsedPrint.whole_words` gives the line with the word made whole.
    hyphenated: bool = False


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


# The title an importer gives a print that does not say its own: the preview asks for one.
UNTITLED = "Untitled bill"


@dataclass
class ParsedPrint:
    """What an importer read: the lines in order, the clauses and schedules they make up, and
    what it could not parse. Every line of the source is either in `lines` or in `problems`."""

    title: str
    lines: list[PrintedLine] = field(default_factory=list)
    provisions: list[Provision] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # (page, line) -> position in `lines`, built on first use and again whenever `lines` has
    # changed length or a hit turns out stale (a line replaced in place).
    _index: dict[tuple[int, int], int] = field(
        default_factory=dict, init=False, repr=False, compare=False
    )
    _indexed: int = field(default=-1, init=False, repr=False, compare=False)

    @property
    def pages(self) -> int:
        return max((line.page for line in self.lines), default=0)

    def position(self, page: int, line: int) -> int | None:
        """The index in `lines` of the line printed at page/line, or None (a dict look-up,
        rebuilt when the lines changed)."""
        position = self._index.get((page, line)) if self._indexed == len(self.lines) else None
        if position is not None and self._is_at(position, page, line):
            return position
        if self._indexed == len(self.lines) and position is None:
            return None
        self._index = {}
        for index, candidate in enumerate(self.lines):
            self._index.setdefault((candidate.page, candidate.line), index)
        self._indexed = len(self.lines)
        return self._index.get((page, line))

    def _is_at(self, position: int, page: int, line: int) -> bool:
        found = self.lines[position]
        return found.page == page and found.line == line

    def line_at(self, page: int, line: int) -> PrintedLine | None:
        """The printed line at page/line, or None when the print has no such line (a dict
        look-up: amendments are checked against long prints line by line)."""
        position = self.position(page, line)
        return None if position is None else self.lines[position]

    def whole_words(self, page: int, line: int) -> str | None:
        """The line's text with a word hyphenated across its ends made whole ("the authori-" ->
        "the authorised", "sed officer" -> "authorised officer"), so words can be found on the
        line they start or end on. None when the print has no such line."""
        position = self.position(page, line)
        if position is None:
            return None
        current = self.lines[position]
        text = current.text
        if current.hyphenated and position + 1 < len(self.lines):
            following = self.lines[position + 1].text
            text = text[:-1] + following.split(" ", 1)[0]
        if position > 0 and self.lines[position - 1].hyphenated:
            head = self.lines[position - 1].text.rsplit(" ", 1)[-1][:-1]
            text = head + text
        return text

    def provision(self, number: str) -> Provision | None:
        """A clause by its number ("4") or a schedule by its name ("Schedule 1")."""
        return next((p for p in self.provisions if p.number == number), None)

    def as_plain(self) -> dict:
        """Plain data (lists and dicts) for JSON or a pipe: `from_plain(p.as_plain()) == p`."""
        return {
            "title": self.title,
            "lines": [list(asdict(line).values()) for line in self.lines],
            "provisions": [asdict(provision) for provision in self.provisions],
            "problems": [asdict(problem) for problem in self.problems],
        }

    @classmethod
    def from_plain(cls, payload: dict) -> ParsedPrint:
        return cls(
            title=payload["title"],
            lines=[PrintedLine(*values) for values in payload["lines"]],
            provisions=[
                Provision(**{**found, "start": tuple(found["start"]), "end": tuple(found["end"])})
                for found in payload["provisions"]
            ],
            problems=[Problem(**problem) for problem in payload["problems"]],
        )
