"""From numbered lines to a print's structure: which clause or schedule each line is in, and
which subsection or paragraph, with the clauses' headings and extents.

Why one reader for every source: a bill's structure is told by its text as much as by its
typography (a clause heading is "4 Retention of images" in bold; a subsection starts "(2)"; a
schedule starts "SCHEDULE 1"). Sources differ only in how much typography they keep: a PDF,
HTML or Word file says what is bold or italic, pasted text does not, and then the reader leans
on the numbering (clause 5 follows clause 4) and on the shape of a heading instead.
"""

from __future__ import annotations

import re

from consult.bills.importers.lines import SourceLine, ends_hyphenated
from consult.bills.structure import ParsedPrint, PrintedLine, Problem, Provision

CLAUSE = re.compile(r"^(\d{1,3})([A-Z]{0,2})\s+(\S.*)$")
SUBSECTION = re.compile(r"^\((\d{1,3}[A-Z]{0,2})\)(?:\s|$)")
PARAGRAPH = re.compile(r"^\(([a-z]{1,2})\)(?:\s|$)")
ROMAN = re.compile(r"^\(([ivxl]{1,6})\)(?:\s|$)")
PART = re.compile(r"^PART\s+(\d{1,3}[A-Z]?)$")
SCHEDULE = re.compile(r"^SCHEDULE(?:\s+(\d{1,3}[A-Z]?))?$")
SCHEDULE_PARAGRAPH = re.compile(r"^(\d{1,3})([A-Z]{0,2})(?:\s+\((\d{1,3}[A-Z]?)\))?(?:\s|$)")
SECTION_REFERENCE = re.compile(r"^Sections?\s+\d")
OPENING_QUOTE = ("\u201c", "\u2018", '"', "'")  # the quote marks that open inserted text
SENTENCE_ENDS = (".", ":", ";", "—", ":—")


def _sentence_case(text: str) -> str:
    """A heading printed in capitals as a person would write it ("FACIAL RECOGNITION" ->
    "Facial recognition"); a heading in mixed case is left as it is."""
    return text[:1] + text[1:].lower() if text.isupper() else text


def _heading_shaped(text: str) -> bool:
    """Could this be a heading: short, starting with a capital, not ending a sentence."""
    return (
        0 < len(text) <= 160 and text[0].isupper() and not text.endswith((".", ",", ";", ":", "—"))
    )


class _Labels:
    """Where in a clause or schedule paragraph the reader is: "(2)", "(a)", "(i)"."""

    def __init__(self) -> None:
        self.base = ""  # a schedule's paragraph number ("3"); "" in a clause
        self.sub: str | None = None
        self.para: str | None = None
        self.subpara: str | None = None

    def reset(self, base: str = "") -> None:
        self.base, self.sub, self.para, self.subpara = base, None, None, None

    def label(self) -> str | None:
        text = self.base + (self.sub or "") + (self.para or "") + (self.subpara or "")
        return text or None

    def read(self, text: str) -> None:
        """Move on when the line opens a subsection, paragraph or sub-paragraph."""
        if match := SUBSECTION.match(text):
            self.sub, self.para, self.subpara = f"({match.group(1)})", None, None
            return
        roman = ROMAN.match(text)
        letter = PARAGRAPH.match(text)
        if roman and self.para and not self._next_letter(roman.group(1)):
            self.subpara = f"({roman.group(1)})"
        elif letter:
            self.para, self.subpara = f"({letter.group(1)})", None

    def _next_letter(self, letter: str) -> bool:
        """Is "(i)" the paragraph after "(h)" rather than a sub-paragraph?"""
        current = (self.para or "()")[1:-1]
        return len(current) == 1 and len(letter) == 1 and ord(letter) == ord(current) + 1


class _Reader:
    """Reads the lines in order, keeping the clause, part and labels it is in."""

    def __init__(self, lines: list[SourceLine], problems: list[Problem]) -> None:
        self.source = lines
        self.problems = problems
        self.out: list[PrintedLine] = []
        self.provisions: dict[str, dict] = {}
        self.provision: str | None = None
        self.part: str | None = None
        self.part_pending: str | None = None
        self.in_schedules = False
        self.schedule_title_pending = False
        self.schedule_paragraph = 0
        self.last_clause: tuple[int, str] | None = None
        self.labels = _Labels()
        self.previous_kind = "start"
        self.quote_depth = 0  # inside text quoted into another Act (“...”) when above 0

    # -- deciding what a line is ------------------------------------------------------------

    def _expected(self, number: int, suffix: str) -> bool:
        """Is clause `number``suffix` the next one: 5 after 4, 4A after 4, 4B after 4A."""
        if self.last_clause is None:
            return number == 1 and not suffix
        last, last_suffix = self.last_clause
        if number == last + 1 and not suffix:
            return True
        if number == last and suffix:
            return suffix > last_suffix
        return False

    def _in_sequence(self, text: str) -> bool:
        match = CLAUSE.match(text)
        return bool(match) and self._expected(int(match.group(1)), match.group(2))

    def _is_clause_heading(self, index: int) -> bool:
        row = self.source[index]
        match = CLAUSE.match(row.text)
        if self.in_schedules or not match:
            return False
        if row.bold is not None:
            return row.bold and _heading_shaped(match.group(3))
        previous = self.source[index - 1] if index else None
        after_sentence = (
            previous is None
            or previous.text.endswith(SENTENCE_ENDS)
            or self.previous_kind in ("heading", "cross", "part")
        )
        return (
            self._expected(int(match.group(1)), match.group(2))
            and _heading_shaped(match.group(3))
            and after_sentence
        )

    def _is_cross_heading(self, index: int) -> bool:
        row = self.source[index]
        if row.italic is not None:
            return row.italic and _heading_shaped(row.text) and not CLAUSE.match(row.text)
        following = index + 1 < len(self.source) and (
            self._is_clause_heading_after_cross(index + 1)
        )
        return _heading_shaped(row.text) and len(row.text.split()) <= 8 and following

    def _is_clause_heading_after_cross(self, index: int) -> bool:
        saved = self.previous_kind
        self.previous_kind = "cross"
        try:
            return self._is_clause_heading(index)
        finally:
            self.previous_kind = saved

    # -- reading ---------------------------------------------------------------------------

    def run(self) -> None:
        for index, row in enumerate(self.source):
            kind = self._read(index, row)
            self.previous_kind = kind
            following = self.source[index + 1] if index + 1 < len(self.source) else None
            self.out.append(
                PrintedLine(
                    page=row.page,
                    line=row.line,
                    text=row.text,
                    provision=self.provision,
                    subsection=None
                    if kind in ("heading", "cross", "part")
                    else self.labels.label(),
                    hyphenated=ends_hyphenated(row.text, following.text if following else None),
                )
            )
            if self.provision is not None:
                self._extend(row)
        if not self.provisions:
            self.problems.append(
                Problem(
                    "No clause headings were found (a clause heading is a number and a "
                    "heading on a line of its own, such as “4 Retention of images”): check "
                    "that this is the text of a bill."
                )
            )

    def _read(self, index: int, row: SourceLine) -> str:
        text = row.text
        if PART.match(text):
            if not self.in_schedules:
                self.provision, self.part = None, None
                self.part_pending = f"Part {PART.match(text).group(1)}"
            self.labels.reset()
            return "part"
        if self.part_pending:
            self.part = f"{self.part_pending}: {_sentence_case(text)}"
            self.part_pending = None
            return "part"
        if match := SCHEDULE.match(text):
            self.quote_depth = 0
            self._start_schedule(match.group(1), row)
            return "heading"
        if self.schedule_title_pending:
            return self._schedule_title(row)
        quoted = self.quote_depth > 0 or text.startswith(OPENING_QUOTE)
        self.quote_depth = max(0, self.quote_depth + text.count("\u201c") - text.count("\u201d"))
        if self._is_clause_heading(index) and not (quoted and not self._in_sequence(text)):
            self.quote_depth = 0  # a stray quote mark must not hide the clauses after it
            self._start_clause(index, row)
            return "heading"
        if quoted:
            return "text"  # words quoted into another Act: not this clause's numbering
        heading_runs_on = self.previous_kind == "heading" and row.bold and not self.in_schedules
        if heading_runs_on and not SUBSECTION.match(text):  # a heading on two lines
            self.provisions[self.provision]["heading"] += " " + text
            return "heading"
        if self._is_cross_heading(index):
            if not self.in_schedules:
                self.provision = None
            self.labels.reset()
            return "cross"
        if self.in_schedules and (match := SCHEDULE_PARAGRAPH.match(text)):
            number = int(match.group(1))
            if number == self.schedule_paragraph + 1 and not match.group(2):
                self.schedule_paragraph = number
                self.labels.reset(str(number))
                if match.group(3):
                    self.labels.sub = f"({match.group(3)})"
                return "text"
        self.labels.read(text)
        return "text"

    def _start_clause(self, index: int, row: SourceLine) -> None:
        match = CLAUSE.match(row.text)
        assert match
        number, suffix, heading = int(match.group(1)), match.group(2), match.group(3)
        if not self._expected(number, suffix):
            after = "clause {}{}".format(*self.last_clause) if self.last_clause else "the start"
            self._report(
                f"Clause {number}{suffix} follows {after}: check that no clause heading was "
                "missed or misread.",
                row,
            )
        self.last_clause = (number, suffix)
        self.provision = f"{number}{suffix}"
        self.labels.reset()
        self._open(self.provision, heading, row)

    def _start_schedule(self, number: str | None, row: SourceLine) -> None:
        self.in_schedules = True
        self.part = None
        self.provision = f"Schedule {number}" if number else "Schedule"
        self.schedule_paragraph = 0
        self.schedule_title_pending = True
        self.labels.reset()
        self._open(self.provision, "", row)

    def _schedule_title(self, row: SourceLine) -> str:
        if SECTION_REFERENCE.match(row.text):
            return "heading"
        self.schedule_title_pending = False
        self.provisions[self.provision]["heading"] = _sentence_case(row.text)
        return "heading"

    def _open(self, number: str, heading: str, row: SourceLine) -> None:
        if number in self.provisions:
            kind = "Clause " if number[0].isdigit() else ""
            self._report(
                f"{kind}{number} appears twice: the second is read as part of the first.", row
            )
            return
        self.provisions[number] = {
            "heading": heading,
            "start": (row.page, row.line),
            "end": (row.page, row.line),
            "part": None if number.startswith("Schedule") else self.part,
        }

    def _report(self, message: str, row: SourceLine) -> None:
        self.problems.append(Problem(message, page=row.page, line=row.line))

    def _extend(self, row: SourceLine) -> None:
        self.provisions[self.provision]["end"] = (row.page, row.line)


def recognise(title: str, lines: list[SourceLine], problems: list[Problem]) -> ParsedPrint:
    """The print's structure read from its numbered lines; what could not be told is added to
    `problems`."""
    reader = _Reader(lines, problems)
    reader.run()
    provisions = [
        Provision(number, found["heading"], found["start"], found["end"], found["part"])
        for number, found in reader.provisions.items()
    ]
    return ParsedPrint(title=title, lines=reader.out, provisions=provisions, problems=problems)
