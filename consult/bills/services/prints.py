"""Bills and their prints: storing what an importer read, reading a print back, and moving
every amendment onto a new print when one is imported (remap.py), with the report of what
moved, what stayed and what needs a person's attention."""

from __future__ import annotations

from datetime import date, datetime
from functools import lru_cache

from sqlalchemy import insert, select

from consult.accounts.models import User
from consult.audit.services import record
from consult.bills import amendment_text
from consult.bills.errors import BillError
from consult.bills.models import Bill, BillPrint, PrintLine, PrintProvision
from consult.bills.remap import Status, remap
from consult.bills.stages import HOUSES, STAGES
from consult.bills.structure import ParsedPrint, PrintedLine, Problem, Provision
from consult.drafting.models import Response, Section
from consult.drafting.services import save_section
from consult.extensions import db
from consult.organisations.models import Membership, Organisation
from consult.organisations.services import slugify

MAX_TITLE = 300
MAX_LABEL = 100
RESERVED_SLUGS = frozenset({"new", "import"})


def bills_of(organisation: Organisation) -> list[Bill]:
    return list(
        db.session.scalars(
            select(Bill).where(Bill.organisation_id == organisation.id).order_by(Bill.title)
        )
    )


def _unique_slug(title: str, organisation_id: int) -> str:
    base = slugify(title)[:80]
    if base == "organisation" and "organisation" not in title.lower():
        base = "bill"  # slugify's fallback for a title with no Latin letters
    if base in RESERVED_SLUGS:
        base = f"{base}-bill"
    taken = select(Bill.id).where(Bill.organisation_id == organisation_id)
    slug, number = base, 2
    while db.session.scalar(taken.where(Bill.slug == slug)):
        slug, number = f"{base}-{number}", number + 1
    return slug


def _label(label: str, number: int) -> str:
    label = " ".join(label.split())[:MAX_LABEL]
    return label or ("As introduced" if number == 1 else f"Print {number}")


def create_bill(
    membership: Membership,
    parsed: ParsedPrint,
    *,
    title: str = "",
    label: str = "",
    source_kind: str,
    source_name: str = "",
    session: str = "",
    house: str = "commons",
    illustrative: bool = False,
) -> Bill:
    """A bill of the membership's organisation with its first print, as `parsed` read it."""
    title = " ".join((title or parsed.title or "").split())[:MAX_TITLE]
    if not title:
        raise BillError("Give the bill's title: the file does not say it.")
    if house not in HOUSES:
        raise BillError("Say which House the bill was introduced in.")
    bill = Bill(
        organisation_id=membership.organisation_id,
        slug=_unique_slug(title, membership.organisation_id),
        title=title,
        session=" ".join(session.split())[:20],
        house=house,
        stage="second_reading" if house == "commons" else "lords_second_reading",
        stage_dates={},
        illustrative=illustrative,
        created_by_id=membership.user_id,
    )
    db.session.add(bill)
    db.session.flush()
    _store(bill, parsed, _label(label, 1), source_kind, source_name, membership.user)
    record(
        "bill.created",
        actor=membership.user,
        organisation=membership.organisation,
        subject=bill,
        title=bill.title,
    )
    return bill


def add_print(
    membership: Membership,
    bill: Bill,
    parsed: ParsedPrint,
    *,
    label: str = "",
    source_kind: str,
    source_name: str = "",
) -> BillPrint:
    """The bill's next print; every amendment written against the print before is followed
    into it (a new revision where its reference moved), and the report is kept on the print."""
    previous = bill.current_print
    number = (previous.number if previous else 0) + 1
    new_print = _store(
        bill, parsed, _label(label, number), source_kind, source_name, membership.user
    )
    if previous is not None:
        new_print.remap = _follow_amendments(membership.user, bill, parsed_print(previous), parsed)
    record(
        "bill.print_added",
        actor=membership.user,
        organisation=membership.organisation,
        subject=bill,
        print=new_print.label,
        moved=sum(1 for entry in new_print.remap if entry["status"] == Status.MOVED),
        needs_attention=sum(
            1 for entry in new_print.remap if entry["status"] == Status.NEEDS_ATTENTION
        ),
    )
    return new_print


def _store(
    bill: Bill,
    parsed: ParsedPrint,
    label: str,
    source_kind: str,
    source_name: str,
    user: User | None,
) -> BillPrint:
    number = (bill.prints[-1].number if bill.prints else 0) + 1
    bill_print = BillPrint(
        bill=bill,
        number=number,
        label=label,
        source_kind=source_kind,
        source_name=source_name[:200],
        pages=parsed.pages,
        line_count=len(parsed.lines),
        problems=[
            {"message": problem.message, "page": problem.page, "line": problem.line}
            for problem in parsed.problems
        ],
        remap=[],
        imported_by_id=user.id if user else None,
    )
    db.session.add(bill_print)
    db.session.flush()
    for position, provision in enumerate(parsed.provisions):
        db.session.add(
            PrintProvision(
                print_id=bill_print.id,
                position=position,
                number=provision.number[:30],
                heading=provision.heading[:300],
                part=provision.part[:300] if provision.part else None,
                start_page=provision.start[0],
                start_line=provision.start[1],
                end_page=provision.end[0],
                end_line=provision.end[1],
            )
        )
    if parsed.lines:
        db.session.execute(
            insert(PrintLine),
            [
                {
                    "print_id": bill_print.id,
                    "position": position,
                    "page": line.page,
                    "line": line.line,
                    "text": line.text,
                    "provision": line.provision,
                    "subsection": line.subsection,
                    "hyphenated": line.hyphenated,
                }
                for position, line in enumerate(parsed.lines)
            ],
        )
    db.session.flush()
    db.session.refresh(bill, ["prints"])
    return bill_print


def parsed_print(bill_print: BillPrint) -> ParsedPrint:
    """The print as the importer read it, for validation and re-mapping. A print never changes
    once stored, so it is read from the database once per process: by id, and by when it was
    imported and how many lines it has, so that an id used again (an emptied test database, a
    restored backup) never finds another print's lines."""
    return _parsed(
        bill_print.id,
        bill_print.imported_at.isoformat(),
        bill_print.line_count,
        db.engine.url.render_as_string(),
    )


@lru_cache(maxsize=8)
def _parsed(print_id: int, _imported_at: str, _line_count: int, _database: str) -> ParsedPrint:
    bill_print = db.session.get(BillPrint, print_id)
    lines = db.session.execute(
        select(
            PrintLine.page,
            PrintLine.line,
            PrintLine.text,
            PrintLine.provision,
            PrintLine.subsection,
            PrintLine.hyphenated,
        )
        .where(PrintLine.print_id == print_id)
        .order_by(PrintLine.position)
    ).all()
    return ParsedPrint(
        title=bill_print.bill.title,
        lines=[PrintedLine(*row) for row in lines],
        provisions=[
            Provision(
                number=provision.number,
                heading=provision.heading,
                start=(provision.start_page, provision.start_line),
                end=(provision.end_page, provision.end_line),
                part=provision.part,
            )
            for provision in bill_print.provisions
        ],
        problems=[Problem(**problem) for problem in bill_print.problems],
    )


def lines_on_page(bill_print: BillPrint, page: int) -> list[PrintLine]:
    """The lines printed on `page`, in order (none for a page the print does not have)."""
    return list(
        db.session.scalars(
            select(PrintLine)
            .where(PrintLine.print_id == bill_print.id, PrintLine.page == page)
            .order_by(PrintLine.position)
        )
    )


def _follow_amendments(
    user: User | None, bill: Bill, old: ParsedPrint, new: ParsedPrint
) -> list[dict]:
    """Every live amendment of every response to the bill, re-mapped from `old` to `new`: a
    moved one gets a revision with its new reference (attributed to the importer, so history
    says who and when); one that needs attention keeps its text and is reported."""
    sections = db.session.scalars(
        select(Section)
        .join(Response, Response.id == Section.response_id)
        .where(
            Response.bill_id == bill.id,
            Section.kind == "amendment",
            Section.removed_at.is_(None),
        )
        .order_by(Section.id)
    ).all()
    report: list[dict] = []
    readable = []
    for section in sections:
        try:
            readable.append((section, amendment_text.load(section.body)))
        except BillError as error:
            report.append(_entry(section, None, None, Status.NEEDS_ATTENTION, str(error)))
    results = remap([amendment for _section, amendment in readable], old, new)
    for (section, _amendment), result in zip(readable, results, strict=True):
        new_reference = result.new_reference
        if result.status == Status.MOVED and result.new is not None:
            save_section(
                user, section, amendment_text.dump(result.new), None, section.head_revision_id
            )
        report.append(
            _entry(
                section,
                result.old_reference.as_dict(),
                new_reference.as_dict() if new_reference else None,
                result.status,
                result.reason,
            )
        )
    return report


def _entry(section: Section, old, new, status: str, reason: str | None) -> dict:
    return {
        "amendment": section.id,
        "response": section.response_id,
        "number": section.number,
        "from": old,
        "to": new,
        "status": str(status),
        "reason": reason or "",
    }


def set_stage(
    membership: Membership,
    bill: Bill,
    stage: str,
    stage_dates: dict[str, date | None],
    evidence_deadline: datetime | None,
) -> None:
    """The bill's current stage, the dates of its stages (where known) and the committee's
    evidence deadline."""
    if stage not in STAGES:
        raise BillError("Choose one of the listed stages.")
    bill.stage = stage
    bill.stage_dates = {
        key: value.isoformat() for key, value in stage_dates.items() if key in STAGES and value
    }
    bill.evidence_deadline = evidence_deadline
    record(
        "bill.stage_changed",
        actor=membership.user,
        organisation=membership.organisation,
        subject=bill,
        stage=stage,
    )
