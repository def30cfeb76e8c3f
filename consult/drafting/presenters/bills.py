"""What the drafting pages show of a response to a bill: how its subject is named, the clause
positions on the dashboard, the amendments in House style (with what needs attention after a
new print), the bill's text beside a clause section, quoting a line of it in a comment, and the
amendment form's page.

Kept apart from pages.py so the consultation pages read as before; pages.py calls in here
only when the response answers a bill."""

from __future__ import annotations

from dataclasses import dataclass, field

from flask import url_for
from sqlalchemy import select

from consult.bills import amendment_text
from consult.bills import services as bills
from consult.bills.amendments import (
    FIELD_KINDS,
    FREE_TEXT_FIELDS,
    STATEMENT_WORD_LIMIT,
    Amendment,
    AmendmentProblem,
    for_kind,
    provision_name,
)
from consult.bills.amendments import word_count as statement_words
from consult.bills.errors import BillError
from consult.bills.house_style import STAGE_NAMES, Rendered
from consult.bills.models import Bill, BillPrint
from consult.bills.parts import is_part, part_named
from consult.bills.stages import STAGES, amendment_stage
from consult.bills.structure import PrintedLine
from consult.drafting.forms import AMENDMENT_KIND_LABELS, AmendmentForm
from consult.drafting.models import POSITION_LABELS, Response, Revision, Section
from consult.drafting.titles import bill_response_title
from consult.extensions import db

OPEN, CLOSE = "\u201c", "\u201d"


# --- naming what a response answers ---------------------------------------------------------


def subject_line(response: Response) -> str:
    """How pages name what the response answers, in one line: for a bill "Response to the
    Police Reform Bill"; for a consultation its title and publisher."""
    if response.bill is not None:
        return bill_response_title(response.bill)
    consultation = response.consultation
    if consultation.publisher:
        return f"{consultation.title} ({consultation.publisher})"
    return consultation.title


def bill_facts(bill: Bill) -> dict:
    """The facts a bill response's pages state about the bill: where it is, its stage, the
    print its page and line numbers come from, and whether its text is our own."""
    current = bill.current_print
    stage = STAGES.get(bill.stage)
    return {
        "bill": bill,
        "house": bill.publisher,
        "stage": stage.name if stage else bill.stage,
        # What an amendment paper would be headed now ("Committee stage").
        "amendment_stage": STAGE_NAMES[amendment_stage(bill.stage)],
        "print_label": current.label if current else None,
        "print_number": current.number if current else None,
        "illustrative": bill.illustrative,
    }


# --- the dashboard --------------------------------------------------------------------------


def positions(response: Response) -> dict[int, str]:
    """{clause section id: its position's label}, in one query, for the section table."""
    rows = db.session.execute(
        select(Section.id, Revision.choice)
        .join(Revision, Revision.id == Section.head_revision_id)
        .where(Section.response_id == response.id, Section.kind == "clause")
    )
    return {
        section_id: POSITION_LABELS[choice]
        for section_id, choice in rows
        if choice in POSITION_LABELS
    }


@dataclass
class AmendmentEntry:
    """One amendment as the pages list it: its House style, or why it cannot be read, and
    what needs a person's attention against the current print."""

    section: Section
    amendment: Amendment | None
    rendered: Rendered | None
    attention: list[str] = field(default_factory=list)
    unreadable: str | None = None


def _remap_reasons(bill_print: BillPrint | None) -> dict[int, str]:
    """{amendment section id: why the latest print's re-mapping flagged it}."""
    if bill_print is None or bill_print.number == 1:
        return {}
    return {
        entry["amendment"]: entry.get("reason") or "Its words were not found in the new print."
        for entry in bill_print.remap or []
        if entry.get("status") == "needs_attention"
    }


def amendment_entry(
    response: Response, section: Section, flagged: dict[int, str] | None = None
) -> AmendmentEntry:
    """The amendment a section holds, rendered, with its blocking problems against the
    current print (after a new print these are what moved under it) and any flag the
    re-mapping left."""
    try:
        amendment = bills.amendment_of(section)
    except BillError as error:
        return AmendmentEntry(section, None, None, [str(error)], unreadable=str(error))
    attention = [
        problem.message
        for problem in bills.check_amendment(response, amendment)
        if not problem.warning
    ]
    reason = (flagged or {}).get(section.id)
    if reason and reason not in attention:
        attention.insert(0, reason)
    return AmendmentEntry(section, amendment, bills.house_style(response, amendment), attention)


def typed_amendment_entry(
    response: Response, section: Section, values: dict[str, str | bool]
) -> AmendmentEntry | None:
    """The amendment as its live document holds it now (`values`, as typed), rendered as a
    save would render it, for those following it live; None while the words typed so far make
    no amendment a save would take (the page keeps showing what it showed)."""
    try:
        amendment = Amendment.from_dict(for_kind(values))
    except (BillError, ValueError, TypeError):
        return None
    preview = bills.preview_amendment(response, amendment)
    if preview.rendered is None:
        return None
    return AmendmentEntry(section, preview.amendment, preview.rendered)


def amendment_entries(response: Response) -> list[AmendmentEntry]:
    """The response's live amendments, in the order they were added."""
    flagged = _remap_reasons(response.bill.current_print if response.bill else None)
    return [
        amendment_entry(response, section, flagged)
        for section in bills.amendment_sections(response)
    ]


def dashboard_extras(response: Response) -> dict:
    """What the dashboard adds for a response to a bill (nothing for a consultation)."""
    if response.bill is None:
        return {"bill_facts": None, "positions": {}, "amendments": []}
    return {
        "bill_facts": bill_facts(response.bill),
        "positions": positions(response),
        "amendments": amendment_entries(response),
    }


# --- the bill's text beside a clause --------------------------------------------------------


# A part can run to hundreds of lines: the editor shows this many beside the response and
# links to the print for the rest, so the page stays quick to load and to scroll.
MAX_LINES_BESIDE = 400


def clause_lines(response: Response, section: Section) -> list[PrintedLine]:
    """The lines of the section's clause, schedule or whole part ("Part 2": every line of its
    clauses) in the bill's current print, in order."""
    current = response.bill.current_print if response.bill else None
    if current is None or section.clause is None:
        return []
    parsed = bills.parsed_print(current)
    if is_part(section.clause):
        part = part_named(parsed.provisions, section.clause)
        wanted = set(part.clauses) if part is not None else set()
    else:
        wanted = {section.clause}
    return [line for line in parsed.lines if line.provision in wanted]


def quoted_line(line: PrintedLine) -> str:
    """How a comment quotes a line of the bill: Page 3, line 12: “...”."""
    return f"Page {line.page}, line {line.line}: {OPEN}{line.text}{CLOSE}"


def quote_from_args(response: Response, page: str, line: str) -> str | None:
    """The quote of the line `?quote_page=&quote_line=` name, if the current print has it."""
    current = response.bill.current_print if response.bill else None
    if current is None or not (page.isdigit() and line.isdigit()):
        return None
    if not (0 < int(page) < 100_000 and 0 < int(line) < 1_000):
        return None
    found = bills.parsed_print(current).line_at(int(page), int(line))
    return quoted_line(found) if found is not None else None


def clause_context(response: Response, section: Section) -> dict:
    """What a clause section's editor shows beside the response: the clause's lines with a
    link each that opens the comment form quoting it, and the positions to choose from."""
    lines = clause_lines(response, section)
    total = len(lines)
    lines = lines[:MAX_LINES_BESIDE]
    whole_part = is_part(section.clause)
    current = response.bill.current_print
    return {
        "bill_facts": bill_facts(response.bill),
        "clause_more": (
            {
                "shown": len(lines),
                "total": total,
                "url": url_for("bills.show_print", print_id=current.id),
            }
            if total > len(lines)
            else None
        ),
        "clause_lines": [
            {
                "page": line.page,
                "line": line.line,
                "text": line.text,
                # A part's lines run through several clauses: each is named where it starts.
                "starts": (
                    provision_name(line.provision)
                    if whole_part and line.provision and line.provision != before
                    else None
                ),
                "quote": quoted_line(line),
                "quote_url": url_for(
                    "drafting.editor",
                    response_id=response.id,
                    section_id=section.id,
                    quote_page=line.page,
                    quote_line=line.line,
                    _anchor="new-comment",
                ),
            }
            for line, before in zip(
                lines, [None, *(line.provision for line in lines)], strict=False
            )
        ],
        "positions": list(POSITION_LABELS.items()),
    }


# --- the amendment form ---------------------------------------------------------------------


def problems_by_field(problems: list[AmendmentProblem]) -> dict[str | None, list[str]]:
    """{field name (None: the amendment as a whole): messages}, for the form's warnings."""
    found: dict[str | None, list[str]] = {}
    for problem in problems:
        name = problem.field if problem.field in FIELD_KINDS else None
        found.setdefault(name, []).append(problem.message)
    return found


def amendment_form_context(
    response: Response,
    form: AmendmentForm,
    *,
    preview: Rendered | None = None,
    warnings: list[AmendmentProblem] | None = None,
    general: list[str] | None = None,
) -> dict:
    """What the amendment form shows: its fields (each marked with the kinds it is for), the
    House style preview, the warnings (not blocking) beside their fields, and problems that
    belong to no field."""
    statement = form.explanatory_statement.data or ""
    return {
        "amendment_form": form,
        "bill_facts": bill_facts(response.bill),
        "kind_labels": AMENDMENT_KIND_LABELS,
        "field_kinds": FIELD_KINDS,
        "free_text_fields": FREE_TEXT_FIELDS,  # each bound to a text of its own when live
        "preview": preview,
        "warnings": problems_by_field(warnings or []),
        "general_problems": general or [],
        "statement_words": statement_words(statement),
        "statement_limit": STATEMENT_WORD_LIMIT,
    }


def amendment_values(section: Section) -> dict | None:
    """The stored amendment's fields for the form, or None when its text cannot be read."""
    try:
        return bills.amendment_of(section).as_dict()
    except BillError:
        return None


# --- an amendment as text, for the clash page ------------------------------------------------

_FORMAT_EXAMPLE = Amendment.from_dict(
    {
        "kind": "leave_out_insert",
        "clause": "4",
        "page": "3",
        "line": "12",
        "leave_out": "authorised officer",
        "insert": "judge",
        "explanatory_statement": "This amendment would require a judge to authorise the use.",
    }
)


# What each field of the text holds, in a few words (every field of amendment_text.FIELDS).
FIELD_MEANINGS = {
    "kind": "what the amendment does: one of the kinds below",
    "clause": "the clause or schedule, e.g. 4 or Schedule 1",
    "page": "the page of the print, a whole number",
    "line": "the line on that page, a whole number",
    "subsection": "the subsection, e.g. (2) (optional)",
    "leave_out": "the words to leave out",
    "from_words": "or leave out a passage, from these words…",
    "to_words": "…to these words",
    "to_end_of_line": "yes, to leave out to the end of the line",
    "to_line": "the line the passage ends on, if not the same line",
    "after": "insert after these words (none: at the end of the line)",
    "occurrence": "which time the words appear on the line, if more than once",
    "position": "where a new clause goes: after which clause (optional)",
    "title": "the title of a new clause or schedule",
    "insert": "the words to insert, on the lines below",
    "text": "the text of a new clause or schedule, on the lines below",
    "explanatory_statement": f"the explanatory statement (at most {STATEMENT_WORD_LIMIT} words)",
    "purpose": "what it is for, for supporters, on the lines below",
}


@dataclass(frozen=True)
class FormatField:
    label: str  # as written before the colon: "Leave out"
    meaning: str


def amendment_format() -> dict:
    """How an amendment is written as text (../bills/amendment_text.py), for someone who
    resolves a clash on one by hand: each field's label with what it holds, the kinds, and
    a worked example that reads back as an amendment."""
    fields = [FormatField(label, FIELD_MEANINGS[name]) for name, label in amendment_text.FIELDS]
    return {
        "fields": fields,
        "kinds": list(AMENDMENT_KIND_LABELS.items()),
        "example": amendment_text.dump(_FORMAT_EXAMPLE),
    }


def rendered_revision(response: Response, body: str) -> Rendered | None:
    """A revision's amendment text in House style, for the history and clash pages (None
    when the text is not an amendment that can be read)."""
    try:
        return bills.house_style(response, amendment_text.load(body))
    except (BillError, ValueError):
        return None
