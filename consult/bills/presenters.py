"""What the bill pages show, built from models: the stage a bill is at and its next deadline
(with the days left, in UK dates), the stages in order with what to send at each, an import's
preview, a print's outline, a clause's lines and its difference from the print before, and
the re-mapping report of a new print."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select

from consult.accounts.models import User
from consult.bills.amendments import provision_name
from consult.bills.models import Bill, BillPrint, PrintLine, PrintProvision
from consult.bills.remap import Reference
from consult.bills.services import bills_of
from consult.bills.stages import STAGES, Stage, stages_for
from consult.bills.structure import ParsedPrint, PrintedLine
from consult.drafting.diff import readable_ops
from consult.drafting.models import Response
from consult.exports.permissions import can_export
from consult.extensions import db
from consult.organisations.models import Membership
from consult.organisations.services import memberships_of
from consult.timeutil import uk_time, utcnow

PREVIEW_LINES = 3  # the first lines of each clause the preview shows, for checking


def today() -> date:
    """Today as people in the UK date it (deadlines are UK dates)."""
    return uk_time(utcnow()).date()


def days_left_text(days: int) -> str:
    if days == 0:
        return "today"
    if days == 1:
        return "tomorrow"
    if days > 1:
        return f"{days} days left"
    return "yesterday" if days == -1 else f"{-days} days ago"


def long_date(day: date | None) -> str:
    return f"{day.day} {day:%B %Y}" if day else ""


@dataclass(frozen=True)
class Deadline:
    day: date
    what: str
    days: int

    @property
    def days_text(self) -> str:
        return days_left_text(self.days)

    @property
    def day_text(self) -> str:
        return long_date(self.day)

    @property
    def soon(self) -> bool:
        return 0 <= self.days <= 7


def _stage_dates(bill: Bill) -> dict[str, date]:
    found = {}
    for key, value in (bill.stage_dates or {}).items():
        try:
            found[key] = date.fromisoformat(value)
        except (TypeError, ValueError):
            continue
    return found


def next_deadline(bill: Bill, on: date | None = None) -> Deadline | None:
    """The soonest date still to come: the evidence deadline, or the date of the current
    stage or a later one."""
    on = on or today()
    candidates = []
    if bill.evidence_deadline is not None and bill.evidence_deadline.date() >= on:
        candidates.append(
            Deadline(
                bill.evidence_deadline.date(),
                "Written evidence to the Public Bill Committee",
                (bill.evidence_deadline.date() - on).days,
            )
        )
    order = [stage.key for stage in stages_for(bill.house)]
    current = order.index(bill.stage) if bill.stage in order else 0
    dates = _stage_dates(bill)
    for key in order[current:]:
        day = dates.get(key)
        if day is not None and day >= on:
            candidates.append(Deadline(day, STAGES[key].name, (day - on).days))
    return min(candidates, key=lambda deadline: deadline.day, default=None)


@dataclass(frozen=True)
class StageRow:
    stage: Stage
    day: date | None
    current: bool
    done: bool

    @property
    def day_text(self) -> str:
        return long_date(self.day)


def stage_rows(bill: Bill) -> list[StageRow]:
    """Every stage of the bill in the order it meets them, with its date and where it is."""
    dates = _stage_dates(bill)
    order = stages_for(bill.house)
    keys = [stage.key for stage in order]
    current = keys.index(bill.stage) if bill.stage in keys else 0
    return [
        StageRow(stage, dates.get(stage.key), index == current, index < current)
        for index, stage in enumerate(order)
    ]


def responses_to(bill: Bill) -> list[Response]:
    return list(
        db.session.scalars(
            select(Response).where(Response.bill_id == bill.id).order_by(Response.updated_at.desc())
        )
    )


@dataclass
class BillRow:
    bill: Bill
    stage: Stage
    deadline: Deadline | None
    responses: list[Response]
    membership: Membership | None = None

    @property
    def exportable(self) -> list[Response]:
        """The responses the person may export (to make this stage's output)."""
        if self.membership is None:
            return []
        return [r for r in self.responses if can_export(self.membership, r)]


def bill_rows(bills: list[Bill], membership: Membership | None = None) -> list[BillRow]:
    on = today()
    return [
        BillRow(bill, STAGES[bill.stage], next_deadline(bill, on), responses_to(bill), membership)
        for bill in bills
    ]


def dashboard_bills(user: User) -> list[BillRow]:
    """Every bill of the person's organisations, the soonest deadline first (those with none
    last, by title)."""
    rows = [
        row
        for membership in memberships_of(user)
        for row in bill_rows(bills_of(membership.organisation), membership)
    ]
    return sorted(
        rows,
        key=lambda row: (
            row.deadline is None,
            row.deadline.day if row.deadline else None,
            row.bill.title.lower(),
        ),
    )


# --- an import's preview --------------------------------------------------------------------


@dataclass(frozen=True)
class PreviewProvision:
    name: str
    heading: str
    part: str | None
    start: tuple[int, int]
    end: tuple[int, int]
    first_lines: list[PrintedLine]
    line_count: int


def preview(parsed: ParsedPrint) -> dict:
    """What a person checks before saving: the counts, every clause and schedule with where
    it starts and ends and its first lines, and every problem with its page and line."""
    by_provision: dict[str, list[PrintedLine]] = {}
    for line in parsed.lines:
        if line.provision is not None:
            by_provision.setdefault(line.provision, []).append(line)
    provisions = [
        PreviewProvision(
            provision_name(p.number),
            p.heading,
            p.part,
            p.start,
            p.end,
            by_provision.get(p.number, [])[:PREVIEW_LINES],
            len(by_provision.get(p.number, [])),
        )
        for p in parsed.provisions
    ]
    return {
        "title": parsed.title,
        "pages": parsed.pages,
        "line_count": len(parsed.lines),
        "clause_count": sum(1 for p in parsed.provisions if not p.is_schedule),
        "schedule_count": sum(1 for p in parsed.provisions if p.is_schedule),
        "provisions": provisions,
        "outside": sum(1 for line in parsed.lines if line.provision is None),
        "problems": parsed.problems,
    }


# --- a print --------------------------------------------------------------------------------


def outline(bill_print: BillPrint) -> list[tuple[str | None, list[PrintProvision]]]:
    """The print's clauses and schedules grouped by part, in order."""
    groups: list[tuple[str | None, list[PrintProvision]]] = []
    for provision in bill_print.provisions:
        part = None if provision.number.startswith("Schedule") else provision.part
        if not groups or groups[-1][0] != part:
            groups.append((part, []))
        groups[-1][1].append(provision)
    return groups


def provision_of(bill_print: BillPrint, number: str) -> PrintProvision | None:
    return next((p for p in bill_print.provisions if p.number == number), None)


def provision_lines(bill_print: BillPrint, number: str) -> list[PrintLine]:
    return list(
        db.session.scalars(
            select(PrintLine)
            .where(PrintLine.print_id == bill_print.id, PrintLine.provision == number)
            .order_by(PrintLine.position)
        )
    )


def by_page(lines: list[PrintLine]) -> list[tuple[int, list[PrintLine]]]:
    """Lines grouped by the page they are printed on (a clause can run over a page break)."""
    pages: list[tuple[int, list[PrintLine]]] = []
    for line in lines:
        if not pages or pages[-1][0] != line.page:
            pages.append((line.page, []))
        pages[-1][1].append(line)
    return pages


def running_text(lines: list[PrintLine]) -> str:
    """The lines as one passage, with words hyphenated at line ends made whole: what a
    reader compares between prints, whose lines break in other places."""
    words: list[str] = []
    joined = ""
    for line in lines:
        text = line.text.strip()
        if line.hyphenated and text.endswith("-"):
            joined += text[:-1]
            continue
        words.append(joined + text)
        joined = ""
    if joined:
        words.append(joined)
    return " ".join(words)


@dataclass(frozen=True)
class ClauseChange:
    previous: BillPrint
    provision: PrintProvision | None
    ops: list[dict[str, str]]
    renumbered: bool

    @property
    def changed(self) -> bool:
        return any(op["op"] != "equal" for op in self.ops)


def clause_change(
    bill_print: BillPrint, number: str, lines: list[PrintLine]
) -> ClauseChange | None:
    """The clause against the print before this one: found by its number, or by its heading
    when it was renumbered. None for a bill's first print."""
    prints = bill_print.bill.prints
    earlier = [p for p in prints if p.number < bill_print.number]
    if not earlier:
        return None
    previous = earlier[-1]
    current = provision_of(bill_print, number)
    before = provision_of(previous, number)
    renumbered = False
    if current is not None and (before is None or before.heading != current.heading):
        same_heading = next(
            (p for p in previous.provisions if current.heading and p.heading == current.heading),
            None,
        )
        if same_heading is not None:
            renumbered = same_heading.number != number
            before = same_heading
    old_text = running_text(provision_lines(previous, before.number)) if before else ""
    return ClauseChange(previous, before, readable_ops(old_text, running_text(lines)), renumbered)


@dataclass(frozen=True)
class RemapRow:
    number: int | None
    status: str
    old: str
    new: str
    reason: str
    response_id: int | None
    section_id: int


STATUS_LABELS = {
    "moved": "Moved",
    "unchanged": "Unchanged",
    "needs_attention": "Needs attention",
}


def _describe(reference: dict | None) -> str:
    if not reference:
        return ""
    return Reference(
        reference.get("clause"), reference.get("page"), reference.get("line")
    ).describe()


def remap_rows(bill_print: BillPrint) -> dict[str, list[RemapRow]]:
    """The print's re-mapping report by status: needs attention first, then moved, unchanged."""
    groups: dict[str, list[RemapRow]] = {"needs_attention": [], "moved": [], "unchanged": []}
    for entry in bill_print.remap or []:
        groups.setdefault(entry["status"], []).append(
            RemapRow(
                entry.get("number"),
                entry["status"],
                _describe(entry.get("from")),
                _describe(entry.get("to")),
                entry.get("reason", ""),
                entry.get("response"),
                entry["amendment"],
            )
        )
    return groups


def line_anchor(page: int, line: int) -> str:
    return f"p{page}-l{line}"
