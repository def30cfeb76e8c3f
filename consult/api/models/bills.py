"""Bills, prints and amendments (API.md, "Bills, prints and amendments"): importing a print,
reading a bill's stages, clauses and lines, and amendments as structured fields."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field

from consult.api.fields import (
    Bool,
    Choice,
    Day,
    Id,
    Lines,
    Number,
    QueryNumber,
    Text,
    Time,
    Upload,
    UploadedFile,
)
from consult.api.models.base import NullableInt, NullableStr, ReplyModel, RequestModel
from consult.api.models.drafting import SavedSection
from consult.bills import models as bills
from consult.bills.amendments import Amendment as AmendmentData
from consult.bills.amendments import AmendmentProblem, Kind
from consult.bills.house_style import Rendered, Role
from consult.bills.importers.limits import DEFAULT_LIMITS
from consult.bills.remap import Status
from consult.bills.services.prints import MAX_LABEL, MAX_TITLE
from consult.bills.stages import HOUSES, STAGE_KEYS, Stage, stages_for
from consult.drafting import models as drafted
from consult.drafting.services import SaveOutcome

MAX_PAGE = DEFAULT_LIMITS.max_pages
MAX_LINE = 1000  # a printed page has about 40 lines
MAX_WORDS = 2000  # quoted words: a line or a passage's ends
MAX_SET_OUT = 50_000  # inserted text, a new clause's text
KINDS = tuple(kind.value for kind in Kind)
REMAP_STATUSES = tuple(status.value for status in Status)
ROLES = tuple(role.value for role in Role)


# --- requests -------------------------------------------------------------------------------

PRINT_FILE = Upload(
    description="The print: the PDF as published (line numbers in the margin), HTML, Word "
    "(.docx) or plain text. What it is is told from its bytes, not its name"
)


class NewBill(RequestModel):
    """multipart/form-data: the print's file and the bill's details."""

    file: Annotated[UploadedFile, PRINT_FILE]
    title: Annotated[
        str | None,
        Text(MAX_TITLE, required=False, description="Default: the title the print gives"),
    ] = None
    print_label: Annotated[
        str | None,
        Text(MAX_LABEL, required=False, description='The print\'s label; default "As introduced"'),
    ] = None
    house: Annotated[
        str | None,
        Choice(HOUSES, nullable=True, description="Where it was introduced; default commons"),
    ] = None
    session: Annotated[
        str | None, Text(20, required=False, description='e.g. "2026-27"; default none')
    ] = None


class NewPrint(RequestModel):
    """multipart/form-data: the next print's file and label."""

    file: Annotated[UploadedFile, PRINT_FILE]
    label: Annotated[
        str | None,
        Text(
            MAX_LABEL,
            required=False,
            description='e.g. "As amended in Public Bill Committee"; default "Print N"',
        ),
    ] = None


class LinesQuery(RequestModel):
    page: Annotated[
        int,
        QueryNumber(
            MAX_PAGE,
            required=True,
            description="The page, as printed (pages run through the print). A page the print "
            "does not have: 404",
        ),
    ]


def _words(description: str) -> Any:
    return Text(MAX_WORDS, required=False, description=description)


class AmendmentFields(RequestModel):
    """An amendment's fields; which of them count depends on `kind` (bills/amendments.py)."""

    kind: Annotated[str, Choice(KINDS)]
    clause: Annotated[
        str | None,
        Text(
            30,
            required=False,
            description='"4" or "Clause 4", "Schedule 1". For page-and-line amendments it is '
            "filled in from the print; stand_part needs it",
        ),
    ] = None
    page: Annotated[int | None, Number(MAX_PAGE, description="The page as printed")] = None
    line: Annotated[
        int | None, Number(MAX_LINE, description="The line as numbered in the margin")
    ] = None
    subsection: Annotated[str | None, Text(30, required=False)] = None
    leave_out: Annotated[str | None, _words("The words to leave out, as printed")] = None
    from_words: Annotated[
        str | None, _words('A passage to leave out: from these words ("from “X” ...")')
    ] = None
    to_words: Annotated[str | None, _words("... to these words (inclusive)")] = None
    to_end_of_line: Annotated[
        bool, Bool(description="The passage runs to the end of the line (or of to_line)")
    ] = False
    to_line: Annotated[
        int | None, Number(MAX_LINE, description="The line a passage ends on (default: line)")
    ] = None
    after: Annotated[
        str | None, _words("insert: the words to insert after (none: at the end of the line)")
    ] = None
    occurrence: Annotated[
        int | None,
        Number(
            20,
            description="Which one is meant (1: first) when the words are on the "
            "line more than once",
        ),
    ] = None
    insert: Annotated[str, Lines(MAX_SET_OUT, description="The words to insert")] = ""
    title: Annotated[
        str | None, Text(300, required=False, description="A new clause's or schedule's title")
    ] = None
    text: Annotated[str, Lines(MAX_SET_OUT, description="A new clause's or schedule's text")] = ""
    position: Annotated[
        str | None,
        Text(30, required=False, description='Lords: where a new clause goes ("After Clause 23")'),
    ] = None
    explanatory_statement: Annotated[
        str | None,
        Text(
            2000,
            required=False,
            description="What the amendment does, in neutral words: at most 50 words (more is "
            "refused); none, or one that argues, is a warning",
        ),
    ] = None
    purpose: Annotated[
        str, Lines(5000, description="For supporters, in plain words; never sent to Parliament")
    ] = ""

    def amendment(self) -> AmendmentData:
        """The domain's amendment, tidied as a person means it (quotes off, "Clause 4" is 4)."""
        values = self.model_dump(exclude={"base_revision", "clash"})
        return AmendmentData.from_dict(values)


class NewAmendment(AmendmentFields):
    pass


class SaveAmendment(AmendmentFields):
    base_revision: Annotated[
        int,
        Id(description="The head_revision the edit was made from (as for sections)"),
    ]
    clash: Annotated[
        int | None,
        Id(
            nullable=True,
            description="Optional, as for sections: the open clash (your_revision of an "
            "earlier 409; yours, or anyone's for an owner or coordinator) this save settles. It "
            "merges from base_revision like any save: a clean result resolves the clash, the "
            "same field changed again makes a newer clash that replaces it. Not a clash of "
            "yours on this amendment: 422; settled already: 409 clash_settled",
        ),
    ] = None


class BillStageUpdate(RequestModel):
    """What PATCH /bills/{id} changes: only the fields sent."""

    stage: Annotated[
        str | None,
        Choice(
            STAGE_KEYS,
            nullable=True,
            description="The current stage's key (one of the stages of a bill introduced in "
            "the bill's House); left out or null: unchanged",
        ),
    ] = None
    stage_dates: dict[str, Annotated[date | None, Day()]] | None = Field(
        None,
        max_length=len(STAGE_KEYS),
        description="Stage key -> YYYY-MM-DD when it is expected or was held; null clears "
        "that stage's date. Stages left out keep theirs",
    )
    evidence_deadline: Annotated[
        date | None,
        Day(
            description="The committee's last day for written evidence (kept as the end of "
            "that day, 23:59 UTC); null clears it; left out: unchanged"
        ),
    ] = None


# --- replies: bills and prints --------------------------------------------------------------


class Place(ReplyModel):
    inline = True
    page: int
    line: int


class ImportProblem(ReplyModel):
    inline = True
    message: str
    page: NullableInt
    line: NullableInt


def _problems(bill_print: bills.BillPrint) -> list[ImportProblem]:
    return [ImportProblem(**problem) for problem in bill_print.problems]


class PrintSummary(ReplyModel):
    id: int
    number: int = Field(ge=1, description="1, 2 ... in the order the prints were imported")
    label: str
    pages: int = Field(ge=0)
    clauses: int = Field(ge=0, description="How many clauses and schedules it has")
    lines: int = Field(ge=0, description="How many printed lines it has")
    problems: int = Field(ge=0, description="How many lines or passages could not be placed")
    source_kind: Literal[bills.PRINT_SOURCES]
    imported_at: Time

    @classmethod
    def fields_of(cls, bill_print: bills.BillPrint) -> dict[str, Any]:
        return {
            "id": bill_print.id,
            "number": bill_print.number,
            "label": bill_print.label,
            "pages": bill_print.pages,
            "clauses": len(bill_print.provisions),
            "lines": bill_print.line_count,
            "problems": len(bill_print.problems),
            "source_kind": bill_print.source_kind,
            "imported_at": bill_print.imported_at,
        }

    @classmethod
    def of(cls, bill_print: bills.BillPrint) -> PrintSummary:
        return cls(**cls.fields_of(bill_print))


class RemapPlace(ReplyModel):
    inline = True
    clause: NullableStr
    page: NullableInt
    line: NullableInt


class RemapEntry(ReplyModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)
    amendment: int = Field(description="The amendment's id")
    response: int = Field(description="The response it belongs to")
    number: NullableInt = Field(description="The amendment's number in that response")
    from_: RemapPlace | None = Field(
        alias="from", description="Its reference in the print before (null: unreadable)"
    )
    to: RemapPlace | None = Field(
        description="Its reference in this print; null when it needs attention"
    )
    status: Literal[REMAP_STATUSES]
    reason: str = Field(description="Why it needs attention (empty otherwise)")


class PrintDetail(PrintSummary):
    """A print with what the importer could not place, and how the amendments written
    against the print before moved onto it."""

    bill: int
    problem_list: list[ImportProblem] = Field(description="What could not be placed, and where")
    remap: list[RemapEntry] = Field(
        description="Each amendment of every response to the bill, re-mapped from the print "
        "before (empty for a first print): unchanged, moved (with its new reference) or "
        "needs_attention (the words changed or went: never mapped silently)"
    )

    @classmethod
    def of(cls, bill_print: bills.BillPrint) -> PrintDetail:
        return cls(
            **cls.fields_of(bill_print),
            bill=bill_print.bill_id,
            problem_list=_problems(bill_print),
            remap=[RemapEntry.model_validate(entry) for entry in bill_print.remap],
        )


class StageInfo(ReplyModel):
    inline = True
    key: Literal[STAGE_KEYS]
    name: str
    house: str
    date: NullableStr = Field(description="YYYY-MM-DD when expected or held, where known")
    output: str = Field(description="What a campaign sends at this stage (empty: nothing)")
    profile: NullableStr = Field(description="The export profile that makes it")
    current: bool

    @classmethod
    def of(cls, stage: Stage, bill: bills.Bill) -> StageInfo:
        return cls(
            key=stage.key,
            name=stage.name,
            house=stage.house,
            date=(bill.stage_dates or {}).get(stage.key),
            output=stage.output,
            profile=stage.profile,
            current=stage.key == bill.stage,
        )


class BillSummary(ReplyModel):
    id: int
    slug: str
    title: str
    organisation: str = Field(description="The organisation's slug")
    house: Literal[HOUSES] = Field(description="Where it was introduced")
    session: str
    stage: Literal[STAGE_KEYS] = Field(description="The current stage's key")
    illustrative: bool = Field(
        description="Our own demonstration text, not Parliament's: say so wherever it is shown"
    )
    evidence_deadline: Time | None
    current_print: NullableInt = Field(description="The latest print's id")

    @classmethod
    def fields_of(cls, bill: bills.Bill) -> dict[str, Any]:
        current = bill.current_print
        return {
            "id": bill.id,
            "slug": bill.slug,
            "title": bill.title,
            "organisation": bill.organisation.slug,
            "house": bill.house,
            "session": bill.session,
            "stage": bill.stage,
            "illustrative": bill.illustrative,
            "evidence_deadline": bill.evidence_deadline,
            "current_print": current.id if current else None,
        }

    @classmethod
    def of(cls, bill: bills.Bill) -> BillSummary:
        return cls(**cls.fields_of(bill))


class Bill(BillSummary):
    stages: list[StageInfo] = Field(description="In the order the bill meets them")
    prints: list[PrintSummary] = Field(description="Oldest first; the last is the current one")

    @classmethod
    def fields_of(cls, bill: bills.Bill) -> dict[str, Any]:
        return {
            **BillSummary.fields_of(bill),
            "stages": [StageInfo.of(stage, bill) for stage in stages_for(bill.house)],
            "prints": [PrintSummary.of(bill_print) for bill_print in bill.prints],
        }

    @classmethod
    def of(cls, bill: bills.Bill) -> Bill:
        return cls(**cls.fields_of(bill))


class CreatedBill(Bill):
    problems: list[ImportProblem] = Field(
        description="What the importer could not place in the first print: check these"
    )

    @classmethod
    def of(cls, bill: bills.Bill) -> CreatedBill:
        return cls(**Bill.fields_of(bill), problems=_problems(bill.prints[0]))


class Clause(ReplyModel):
    number: str = Field(description='"4" for clause 4; "Schedule 1" for a schedule')
    kind: Literal["clause", "schedule"]
    heading: str
    part: NullableStr
    start: Place
    end: Place = Field(description="Its last line (inclusive)")

    @classmethod
    def of(cls, provision: bills.PrintProvision) -> Clause:
        return cls(
            number=provision.number,
            kind="schedule" if provision.number.startswith("Schedule") else "clause",
            heading=provision.heading,
            part=provision.part,
            start=Place(page=provision.start_page, line=provision.start_line),
            end=Place(page=provision.end_page, line=provision.end_line),
        )


class Line(ReplyModel):
    page: int
    line: int
    text: str = Field(description="As printed (a hyphenated word stays broken)")
    clause: NullableStr = Field(description="The clause or schedule it is in (null: none)")
    subsection: NullableStr
    hyphenated: bool = Field(description="It ends in a word broken across lines")

    @classmethod
    def of(cls, line: bills.PrintLine) -> Line:
        return cls(
            page=line.page,
            line=line.line,
            text=line.text,
            clause=line.provision,
            subsection=line.subsection,
            hyphenated=line.hyphenated,
        )


# --- replies: amendments --------------------------------------------------------------------


class Problem(ReplyModel):
    inline = True
    message: str
    field: NullableStr = Field(description="The field to change")
    warning: bool = Field(description="Worth a second look, but it does not stop a save")

    @classmethod
    def of(cls, problem: AmendmentProblem) -> Problem:
        return cls(message=problem.message, field=problem.field, warning=problem.warning)


class Paragraph(ReplyModel):
    inline = True
    role: Literal[ROLES]
    text: str


class AmendmentText(ReplyModel):
    """An amendment's fields, in the form a PUT takes back, and its House style."""

    kind: Literal[KINDS] | None = Field(description="null only for text that is no amendment")
    clause: NullableStr
    page: NullableInt
    line: NullableInt
    subsection: NullableStr
    leave_out: str
    from_words: str
    to_words: str
    to_end_of_line: bool
    to_line: NullableInt
    after: str
    occurrence: NullableInt
    insert: str
    title: str
    text: str
    position: NullableStr
    explanatory_statement: str
    purpose: str
    house_style: NullableStr = Field(
        description="As the House the bill is in now prints it, one paragraph a line (null: "
        "it cannot be rendered until its problems are fixed)"
    )
    reference: NullableStr = Field(description='The opening line, e.g. "Clause 4, page 3, ..."')
    paragraphs: list[Paragraph] = Field(description="The House style with each part's role")
    problems: list[Problem] = Field(
        description="Against the bill's current print: errors (a new print moved the words, "
        "say) and warnings"
    )

    @classmethod
    def fields_of(
        cls,
        amendment: AmendmentData | None,
        rendered: Rendered | None,
        problems: list[AmendmentProblem],
    ) -> dict[str, Any]:
        return {
            **(amendment.as_dict() if amendment else _NO_AMENDMENT),
            "house_style": rendered.text if rendered else None,
            "reference": rendered.reference if rendered else None,
            "paragraphs": [Paragraph(role=p.role.value, text=p.text) for p in rendered.paragraphs]
            if rendered
            else [],
            "problems": [Problem.of(problem) for problem in problems],
        }


# The fields of text that holds no amendment (a clash resolved by hand into something else).
_NO_AMENDMENT = {**AmendmentData(Kind.LEAVE_OUT).as_dict(), "kind": None}


class Amendment(AmendmentText):
    id: int
    number: int = Field(description="Its number in the response (1, 2 ...)")
    label: str = Field(description='The section\'s title, e.g. "Amendment 1"')
    head_revision: NullableInt = Field(description="Send it back as base_revision when saving")
    needs_attention: bool = Field(
        description="It no longer fits the current print (see problems): fix it"
    )
    updated_at: Time

    @classmethod
    def of(
        cls,
        section: drafted.Section,
        amendment: AmendmentData | None,
        rendered: Rendered | None,
        problems: list[AmendmentProblem],
    ) -> Amendment:
        return cls(
            **cls.fields_of(amendment, rendered, problems),
            id=section.id,
            number=section.number or 0,
            label=section.title,
            head_revision=section.head_revision_id,
            needs_attention=any(not problem.warning for problem in problems),
            updated_at=section.updated_at,
        )


class CheckedAmendment(AmendmentText):
    valid: bool = Field(description="Nothing stops it being saved (warnings aside)")


class SavedAmendment(SavedSection):
    """A save's outcome as for sections (merged: both people's edits kept), and the amendment
    as it now stands."""

    amendment: Amendment

    @classmethod
    def of(
        cls, section: drafted.Section, outcome: SaveOutcome, amendment: Amendment
    ) -> SavedAmendment:
        return cls(
            **cls.fields_of(section, outcome.revision),
            merged=outcome.merged,
            unchanged=outcome.unchanged,
            amendment=amendment,
        )
