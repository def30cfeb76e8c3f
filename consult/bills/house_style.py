"""Amendments written out exactly as the House prints them, for a Member to table as they stand.

The output is structured (paragraphs with a role: the reference line, the lines of inserted text,
the explanatory statement's heading and body) so the exports can set each part in its own style,
and has a plain-text form for the API and for copying into an e-mail.

The rules, and where they come from (OPC = Office of the Parliamentary Counsel, *Style Manual for
Amendments to Bills*, updated 11 March 2024; Lords Guide = House of Lords Public Bill Office,
*A Guide to House of Lords Amendment Style*, May 2015):
- quoted text in double quotes, and no full stop at the end of an amendment (OPC 1.7);
- the paper's heading names the bill, "[HL]" (in the Lords) or "[Lords]" (in the Commons) after
  the title of a bill that started in the Lords, and the stage (OPC 1.1, 1.2);
- in the Commons each amendment cites its clause before page and line ("Clause 4, page 3, line
  12, ..."); Lords amendments cite page and line under a heading naming the clause (Lords Guide:
  "Page 2, line 10, at end insert");
- inserted text that is a unit (a subsection "( ) ...") or runs to several lines is set out
  below the reference, which ends with a dash, the text opening and closing with a quote; new
  subsections are unnumbered "( )" unless numbering is needed (Lords Guide, "Amendments to insert
  new subsections");
- "leave out from “X” to end of line N", "leave out from “X” to “Y” in line N", "after “X”
  insert", "at end insert", and "first"/"second" before words that are on the line more than
  once;
- new clauses: "To move the following Clause—" (Commons, numbered NC1, NC2 on the paper) or
  "After Clause N / Insert the following new Clause—" (Lords Guide), the title on the first
  line of the quoted text; new schedules likewise ("SCHEDULE" above the title, Lords Guide),
  numbered NS1, NS2;
- leaving out a clause: in committee the Question is that the clause "stand part of the Bill"
  (Erskine May 28.114; for a schedule, "be the First Schedule to the Bill", 28.117), so the
  amendment paper gives notice against it ("Clause 9 stand part"); at other stages "Leave out
  Clause 9". The Lords Guide adds that each clause needs an amendment of its own.
- the explanatory statement follows under "Member\u2019s explanatory statement" (the heading on
  Commons papers; Procedure Committee guidelines, HC 410 2009-10, limit it to 50 words).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from enum import StrEnum

from consult.bills.amendments import Amendment, Kind, provision_name

OPEN, CLOSE = "\u201c", "\u201d"
DASH = "\u2014"
STATEMENT_HEADING = "Member\u2019s explanatory statement"
ORDINALS = ("first", "second", "third", "fourth", "fifth", "sixth", "seventh", "eighth", "ninth")
SCHEDULE_ORDINALS = tuple(word.capitalize() for word in ORDINALS)

# A unit of text (subsection or paragraph) opens with its number in brackets: "( )", "(2A)", "(b)".
_UNIT = re.compile(r"^\(\s*[0-9A-Za-z]*\s*\)\s")
_OPENS_QUOTE = re.compile(r'(^|[\s(\[{\u2014\u2013/-])"')
_OPENS_SINGLE = re.compile(r"(^|[\s(\[{\u2014\u2013/-])'")


class House(StrEnum):
    COMMONS = "commons"
    LORDS = "lords"


class Role(StrEnum):
    """What a paragraph of rendered output is, so each export can style it."""

    BILL = "bill"  # the paper's heading: the bill's title
    STAGE = "stage"  # the paper's heading: the stage
    PROVISION = "provision"  # Lords: the clause the amendments below it amend
    NUMBER = "number"  # "NC1", "NS1", "3"
    REFERENCE = "reference"  # "Clause 4, page 3, line 12, leave out ..."
    INSERTED_TITLE = "inserted_title"  # the first quoted line of a new clause or schedule
    INSERTED = "inserted"  # a line of inserted text, quotes included
    STATEMENT_HEADING = "statement_heading"
    STATEMENT = "statement"
    SUPPORTERS = "supporters"  # the organisations supporting it, on the coalition's paper


@dataclass(frozen=True)
class Paragraph:
    role: Role
    text: str


@dataclass(frozen=True)
class Rendered:
    """One amendment in House style: its paragraphs in order."""

    paragraphs: tuple[Paragraph, ...]

    @property
    def text(self) -> str:
        """The plain-text form: one paragraph a line."""
        return "\n".join(paragraph.text for paragraph in self.paragraphs)

    @property
    def reference(self) -> str:
        """The amendment's opening line(s) as they are cited: the reference paragraphs joined."""
        return " ".join(p.text for p in self.paragraphs if p.role is Role.REFERENCE)


def smart_quotes(text: str) -> str:
    """Typed straight quotes made typographic: double quotes open after a space or bracket and
    close otherwise; a single quote is an apostrophe unless it opens a quotation."""
    text = _OPENS_QUOTE.sub(lambda m: m.group(1) + OPEN, text).replace('"', CLOSE)
    text = _OPENS_SINGLE.sub(lambda m: m.group(1) + "\u2018", text)
    return text.replace("'", "\u2019")


def quote(words: str) -> str:
    """Words quoted the House's way: “words”."""
    return f"{OPEN}{smart_quotes(words)}{CLOSE}"


def ordinal(number: int | None) -> str:
    """ "first " for 1 ... (with its space), or "" when no occurrence is named."""
    if number is None:
        return ""
    return f"{ORDINALS[number - 1]} " if number <= len(ORDINALS) else f"occurrence {number} of "


def _is_block(text: str) -> bool:
    """Whether inserted text is set out below the reference (a unit, or several lines) rather
    than quoted within it."""
    return "\n" in text or bool(_UNIT.match(text))


def _set_out(lines: Sequence[str], title_role: bool = False) -> list[Paragraph]:
    """Lines of inserted text, the first opening and the last closing the quotation."""
    texts = [smart_quotes(line) for line in lines]
    texts[0] = OPEN + texts[0]
    texts[-1] = texts[-1] + CLOSE
    return [
        Paragraph(Role.INSERTED_TITLE if title_role and i == 0 else Role.INSERTED, text)
        for i, text in enumerate(texts)
    ]


def _where(amendment: Amendment, house: House) -> str:
    """ "Clause 4, page 3, line 12, " (Commons) or "Page 3, line 12, " (Lords, or no clause)."""
    place = f"page {amendment.page}, line {amendment.line}, "
    if house is House.COMMONS and amendment.clause:
        return f"{provision_name(amendment.clause)}, {place}"
    return place[0].upper() + place[1:]


def _leaving_out(amendment: Amendment) -> str:
    """ "leave out [first] “X”" or a passage: "leave out from “X” to end of line [N]" / "to “Y”
    [in line N]"."""
    if not amendment.from_words:
        return f"leave out {ordinal(amendment.occurrence)}{quote(amendment.leave_out)}"
    start = f"leave out from {ordinal(amendment.occurrence)}{quote(amendment.from_words)}"
    other_line = amendment.to_line is not None and amendment.to_line != amendment.line
    if amendment.to_end_of_line:
        return f"{start} to end of line" + (f" {amendment.to_line}" if other_line else "")
    end = f"{start} to {quote(amendment.to_words)}"
    return end + (f" in line {amendment.to_line}" if other_line else "")


def _inserting(lead: str, words: str) -> list[Paragraph]:
    """ "... insert “words”" within the line, or "... insert—" and the text set out below."""
    if _is_block(words):
        return [Paragraph(Role.REFERENCE, f"{lead}insert{DASH}"), *_set_out(words.split("\n"))]
    return [Paragraph(Role.REFERENCE, f"{lead}insert {quote(words)}")]


def _located(amendment: Amendment, house: House) -> list[Paragraph]:
    where = _where(amendment, house)
    if amendment.kind is Kind.LEAVE_OUT:
        return [Paragraph(Role.REFERENCE, where + _leaving_out(amendment))]
    if amendment.kind is Kind.LEAVE_OUT_INSERT:
        return _inserting(f"{where}{_leaving_out(amendment)} and ", amendment.insert)
    if amendment.after:
        after = f"after {ordinal(amendment.occurrence)}{quote(amendment.after)} "
        return _inserting(where + after, amendment.insert)
    return _inserting(where + "at end ", amendment.insert)


def _ordinal_schedule(number: str) -> str:
    """ "Schedule 2" -> "Second" (for "be the Second Schedule to the Bill")."""
    digits = number.removeprefix("Schedule").strip()
    if digits.isdigit() and 1 <= int(digits) <= len(SCHEDULE_ORDINALS):
        return SCHEDULE_ORDINALS[int(digits) - 1]
    return digits


def _stand_part(amendment: Amendment, stage: str) -> list[Paragraph]:
    number = amendment.clause or ""
    name = provision_name(number)
    if stage != "committee":
        return [Paragraph(Role.REFERENCE, f"Leave out {name}")]
    if number.startswith("Schedule"):
        text = f"{name} be the {_ordinal_schedule(number)} Schedule to the Bill"
    else:
        text = f"{name} stand part"
    return [Paragraph(Role.REFERENCE, text)]


def _new_provision(amendment: Amendment, house: House) -> list[Paragraph]:
    """A new clause or schedule: how it is moved, then its quoted title and text."""
    what = "Clause" if amendment.kind is Kind.NEW_CLAUSE else "Schedule"
    lead: list[Paragraph] = []
    if house is House.LORDS:
        if amendment.position:
            lead.append(Paragraph(Role.REFERENCE, f"After {provision_name(amendment.position)}"))
        lead.append(Paragraph(Role.REFERENCE, f"Insert the following new {what}{DASH}"))
    else:
        lead.append(Paragraph(Role.REFERENCE, f"To move the following {what}{DASH}"))
    heading = [amendment.title] if what == "Clause" else ["SCHEDULE", amendment.title]
    body = amendment.text.split("\n") if amendment.text else []
    return [*lead, *_set_out([*heading, *body], title_role=True)]


def render(
    amendment: Amendment,
    *,
    house: House | str = House.COMMONS,
    stage: str = "committee",
    number: str | None = None,
    statement: bool = True,
) -> Rendered:
    """The amendment in House style. `house` decides the reference's form, `stage` ("committee",
    "report", ...) how leaving out a clause is put, `number` ("NC1", "3") is printed first when
    given, and the explanatory statement follows unless `statement` is False."""
    house = House(house)
    paragraphs: list[Paragraph] = [Paragraph(Role.NUMBER, number)] if number else []
    if amendment.kind is Kind.STAND_PART:
        paragraphs += _stand_part(amendment, stage)
    elif amendment.kind in (Kind.NEW_CLAUSE, Kind.NEW_SCHEDULE):
        paragraphs += _new_provision(amendment, house)
    else:
        paragraphs += _located(amendment, house)
    if statement and amendment.explanatory_statement:
        paragraphs.append(Paragraph(Role.STATEMENT_HEADING, STATEMENT_HEADING))
        paragraphs.append(Paragraph(Role.STATEMENT, smart_quotes(amendment.explanatory_statement)))
    return Rendered(tuple(paragraphs))


# The paper ------------------------------------------------------------------------------------

STAGE_NAMES = {
    "committee": "Committee stage",
    "report": "Report stage",
    "third_reading": "Third reading",
    "lords_amendments": "Consideration of Lords amendments",
}


@dataclass(frozen=True)
class Entry:
    """One amendment on the paper: its number there, its rendering, who supports it."""

    number: str
    amendment: Amendment
    rendered: Rendered
    supporters: tuple[str, ...] = ()


@dataclass(frozen=True)
class Paper:
    """An amendment paper: its heading and its amendments in the order the House takes them."""

    heading: tuple[Paragraph, ...]
    entries: tuple[Entry, ...] = field(default=())

    @property
    def paragraphs(self) -> list[Paragraph]:
        """Every paragraph in order: the heading, then each amendment (its number, its text,
        the organisations supporting it)."""
        result = list(self.heading)
        for entry in self.entries:
            result.extend(entry.rendered.paragraphs)
            if entry.supporters:
                result.append(Paragraph(Role.SUPPORTERS, ", ".join(entry.supporters)))
        return result

    @property
    def text(self) -> str:
        """Plain text: the heading, then the amendments with a blank line between them."""
        blocks = ["\n".join(p.text for p in self.heading)]
        for entry in self.entries:
            block = entry.rendered.text
            if entry.supporters:
                block += "\n" + ", ".join(entry.supporters)
            blocks.append(block)
        return "\n\n".join(blocks)


def bill_title(title: str, house: House | str, lords_starter: bool) -> str:
    """OPC 1.1: a bill that started in the Lords is "Cats and Dogs Bill [HL]" in the Lords and
    "Cats and Dogs Bill [Lords]" in the Commons."""
    if not lords_starter:
        return title
    return f"{title} [HL]" if House(house) is House.LORDS else f"{title} [Lords]"


def _provision_rank(number: str | None) -> tuple[int, int, str]:
    """Clauses in number order, then schedules; "4A" after "4"."""
    if not number:
        return (2, 0, "")
    schedule = number.startswith("Schedule")
    digits = re.match(r"\d+", number.removeprefix("Schedule").strip())
    return (int(schedule), int(digits.group()) if digits else 0, number)


def paper_order(amendments: Sequence[Amendment], house: House | str) -> list[int]:
    """The indexes of `amendments` in the order a paper lists them. Commons: amendments to
    clauses (each clause's amendments by page and line, then its stand part), new clauses,
    amendments to schedules, new schedules (Erskine May 28.117: schedules are taken after new
    clauses). Lords: the bill's order, a new clause or schedule after the provision its
    `position` names (or after the others of its sort)."""
    new_kinds = (Kind.NEW_CLAUSE, Kind.NEW_SCHEDULE)

    def commons(index: int) -> tuple:
        a = amendments[index]
        if a.kind in new_kinds:
            return (1 if a.kind is Kind.NEW_CLAUSE else 3, _provision_rank(None), 0, 0, 0, index)
        rank = _provision_rank(a.clause)
        group = 2 if rank[0] == 1 else 0
        return (group, rank, int(a.kind is Kind.STAND_PART), a.page or 0, a.line or 0, index)

    def lords(index: int) -> tuple:
        a = amendments[index]
        if a.kind in new_kinds:
            last = (int(a.kind is Kind.NEW_SCHEDULE), 10**9, "")
            return (_provision_rank(a.position) if a.position else last, 2, 0, 0, index)
        stand = int(a.kind is Kind.STAND_PART)
        return (_provision_rank(a.clause), stand, a.page or 0, a.line or 0, index)

    return sorted(range(len(amendments)), key=lords if House(house) is House.LORDS else commons)


def paper_numbers(amendments: Sequence[Amendment], order: Sequence[int]) -> dict[int, str]:
    """Numbers for a draft paper, in paper order: NC1, NC2 for new clauses, NS1 for new
    schedules, 1, 2, 3 for the rest (the House gives its own numbers when they are tabled)."""
    counters = {Kind.NEW_CLAUSE: 0, Kind.NEW_SCHEDULE: 0, None: 0}
    prefixes = {Kind.NEW_CLAUSE: "NC", Kind.NEW_SCHEDULE: "NS", None: ""}
    numbers: dict[int, str] = {}
    for index in order:
        kind = amendments[index].kind
        series = kind if kind in (Kind.NEW_CLAUSE, Kind.NEW_SCHEDULE) else None
        counters[series] += 1
        numbers[index] = f"{prefixes[series]}{counters[series]}"
    return numbers


def render_paper(
    amendments: Sequence[Amendment],
    *,
    title: str,
    house: House | str = House.COMMONS,
    stage: str = "committee",
    lords_starter: bool = False,
    supporters: Sequence[Sequence[str]] | None = None,
) -> Paper:
    """An amendment paper: the heading (bill and stage), then every amendment numbered and in
    the House's order, each with the organisations supporting it (`supporters[i]` for
    `amendments[i]`). Under the Lords' form, each clause's amendments are headed by it."""
    house = House(house)
    order = paper_order(amendments, house)
    numbers = paper_numbers(amendments, order)
    heading = (
        Paragraph(Role.BILL, bill_title(title, house, lords_starter)),
        Paragraph(Role.STAGE, STAGE_NAMES.get(stage, stage)),
    )
    entries: list[Entry] = []
    last_provision: str | None = None
    for index in order:
        amendment = amendments[index]
        rendered = render(amendment, house=house, stage=stage, number=numbers[index])
        located = amendment.kind not in (Kind.NEW_CLAUSE, Kind.NEW_SCHEDULE)
        if house is House.LORDS and located and amendment.clause != last_provision:
            last_provision = amendment.clause
            if amendment.clause:
                provision = Paragraph(Role.PROVISION, provision_name(amendment.clause))
                rendered = Rendered((provision, *rendered.paragraphs))
        backers = tuple(supporters[index]) if supporters else ()
        entries.append(Entry(numbers[index], amendment, rendered, backers))
    return Paper(heading, tuple(entries))
