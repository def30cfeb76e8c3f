"""Consultations and drafting (API.md, "Consultations" and "Drafting"), and the editor's
preview and presence."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import ConfigDict, Field

from consult.api.fields import Bool, Choice, Id, Markdown, NullableString, QueryId, Text, Time
from consult.api.models.base import (
    EditConflict,
    NullableInt,
    NullableStr,
    ReplyModel,
    RequestModel,
)
from consult.consultations import models as consultations
from consult.consultations.models import QUESTION_KINDS
from consult.consultations.profiles import BILL_PROFILE, DEFAULT_PROFILE, PROFILES
from consult.drafting import models as drafted
from consult.drafting import services as drafting
from consult.drafting.models import (
    CLAUSE_POSITIONS,
    REVISION_KINDS,
    SECTION_KINDS,
    SECTION_STATUSES,
)

FORMER_MEMBER = "Former member"


# --- requests -------------------------------------------------------------------------------


class NewResponse(RequestModel):
    consultation: Annotated[str, Text(100, description="The consultation's slug")]
    title: Annotated[
        str | None,
        Text(
            200,
            required=False,
            description="Default (left out, null or blank): made from the consultation, e.g. "
            '"Response to the Home Office consultation on a new legal framework for ..."',
        ),
    ] = None
    profile: Annotated[
        str | None,
        Choice(PROFILES, nullable=True, description="The submission profile (null: the default)"),
    ] = Field(None, json_schema_extra={"default": DEFAULT_PROFILE})


class NewBillResponse(RequestModel):
    bill: Annotated[int, Id(description="The bill's id (a bill of this organisation)")]
    title: Annotated[
        str | None,
        Text(
            200,
            required=False,
            description='Default (left out, null or blank): "Response to the <bill\'s title>"',
        ),
    ] = None
    profile: Annotated[
        str | None,
        Choice(PROFILES, nullable=True, description="The submission profile (null: the default)"),
    ] = Field(None, json_schema_extra={"default": BILL_PROFILE})
    clauses: list[Annotated[str, Text(30)]] | None = Field(
        None,
        max_length=1000,
        description="What to respond to, a section each, in the bill's order: clause numbers "
        '("4"), schedules ("Schedule 1") and whole parts ("Part 2": one section for the part, '
        'its `clause` "Part 2") of the current print. A clause cannot be chosen with its part. '
        "Default (left out or null): every clause and schedule.",
    )


class SaveSection(RequestModel):
    body: Annotated[str, Markdown(drafting.MAX_BODY_LENGTH)]
    choice: Annotated[
        str | None,
        NullableString(
            description="Scale questions only: one of the question's options. Left out: the "
            "base revision's answer is kept; null: no answer"
        ),
    ] = None
    base_revision: Annotated[
        int | None,
        Id(
            nullable=True,
            description="The head_revision the text was made from; null only while the "
            "section has no text yet",
        ),
    ]
    clash: Annotated[
        int | None,
        Id(
            nullable=True,
            description="Optional: the open clash (your_revision of an earlier 409; yours, or "
            "anyone's for an owner or coordinator) this save settles. The save merges as any "
            "other, from base_revision: a clean result resolves the clash; an overlap makes a "
            "newer clash that replaces it (the same text from the same base again answers with "
            "the same clash). Not a clash of yours in this section: 422",
        ),
    ] = None
    position: Annotated[
        str | None,
        NullableString(
            description="Clause sections of a response to a bill: the position (support, "
            "oppose, amend, concerns, no_view), another name for `choice` there; null: none"
        ),
    ] = None


class RestoreRevision(RequestModel):
    revision: Annotated[int, Id()]


class PresenceUpdate(RequestModel):
    editing: Annotated[bool, Bool()] = False


class PreviewRequest(RequestModel):
    body: Annotated[str, Markdown(drafting.MAX_BODY_LENGTH)]


class DiffQuery(RequestModel):
    against: Annotated[
        int | None,
        QueryId(
            description="The older revision, of the same response; default: the revision's "
            "parent (the empty text for a first revision)"
        ),
    ] = None


# --- consultations --------------------------------------------------------------------------


class Question(ReplyModel):
    number: int = Field(ge=1)
    text: str
    kind: Literal[QUESTION_KINDS]
    options: list[str] = Field(
        description="The closed answers of a scale question; empty for open ones"
    )
    word_limit: NullableInt = Field(json_schema_extra={"minimum": 1})
    wording_verified: bool | None = Field(
        description="Built-in questions: true when `wording_source` quotes the publisher's "
        "question word for word; false when the wording is ours and could not be checked (nor "
        "its number, nor whether the form offers the closed answers). Null for an "
        "organisation's own questions."
    )
    wording_source: NullableStr = Field(
        description="The published page quoting a verified question, or null"
    )

    @classmethod
    def of(cls, question: consultations.Question) -> Question:
        return cls(
            number=question.number,
            text=question.text,
            kind=question.kind,
            options=list(question.options or []),
            word_limit=question.word_limit,
            wording_verified=question.wording_verified,
            wording_source=question.wording_source,
        )


class Consultation(ReplyModel):
    id: int
    slug: str = Field(
        description="Unique among the consultations one organisation sees: built-in ones have "
        "fixed slugs, an organisation's own are unique within it (two organisations may use "
        "the same one; `organisation` tells them apart)"
    )
    title: str
    publisher: str
    description: str
    opens_at: Time | None
    closes_at: Time | None
    organisation: NullableStr = Field(
        description="The slug of the organisation that added it; null if built in"
    )
    questions: list[Question]

    @classmethod
    def of(cls, consultation: consultations.Consultation, slugs: dict[int, str]) -> Consultation:
        """`slugs`: the caller's organisations' slugs by id (an organisation's own
        consultation names it)."""
        owner = consultation.organisation_id
        return cls(
            id=consultation.id,
            slug=consultation.slug,
            title=consultation.title,
            publisher=consultation.publisher,
            description=consultation.description,
            opens_at=consultation.opens_at,
            closes_at=consultation.closes_at,
            organisation=slugs.get(owner) if owner is not None else None,
            questions=[Question.of(question) for question in consultation.questions],
        )


# --- responses and sections -----------------------------------------------------------------


class Assignee(ReplyModel):
    inline = True
    id: int
    name: str


class Section(ReplyModel):
    id: int
    kind: Literal[SECTION_KINDS]
    number: NullableInt = Field(
        description="The question number, for questions; the amendment's, for amendments"
    )
    title: str
    body: str = Field(
        description="Markdown: the head revision's text (an amendment's fields, for amendments: "
        "see /responses/{response_id}/amendments)"
    )
    choice: NullableStr = Field(
        description="The closed answer of a scale question; a clause section's position"
    )
    clause: NullableStr = Field(
        description='Clause sections: the clause ("4"), schedule ("Schedule 1") or whole part '
        '("Part 2") it is about'
    )
    position: Literal[CLAUSE_POSITIONS] | None = Field(
        description="Clause sections: where the response stands on the clause, schedule or part "
        "(the choice)"
    )
    head_revision: NullableInt = Field(description="Send it back as base_revision when saving")
    word_count: int = Field(ge=0)
    status: Literal[SECTION_STATUSES]
    assignee: Assignee | None
    order: int = Field(
        ge=0,
        description="Its place in the response, from 0 (the sections come in this order). "
        "Named `position` before responses to bills gave clause sections a position",
    )
    updated_at: Time
    question: Question | None

    @classmethod
    def of(cls, section: drafted.Section) -> Section:
        head = section.head
        assignee = section.assignee
        return cls(
            id=section.id,
            kind=section.kind,
            number=section.number,
            title=section.title,
            body=head.body if head else "",
            choice=head.choice if head else None,
            clause=section.clause,
            position=head.choice if head and section.kind == "clause" else None,
            head_revision=section.head_revision_id,
            word_count=section.word_count,
            status=section.status,
            assignee=Assignee(id=assignee.id, name=assignee.name) if assignee else None,
            order=section.position,
            updated_at=section.updated_at,
            question=Question.of(section.question) if section.question else None,
        )


class BillRef(ReplyModel):
    id: int
    slug: str
    title: str
    illustrative: bool

    @classmethod
    def of(cls, response: drafted.Response) -> BillRef | None:
        bill = response.bill
        if bill is None:
            return None
        return cls(id=bill.id, slug=bill.slug, title=bill.title, illustrative=bill.illustrative)


CONSULTATION_SLUG = "The consultation's slug; null for a response to a bill"
ANSWERED_BILL = "The bill it responds to; null for a response to a consultation"


class Response(ReplyModel):
    id: int
    title: str
    organisation: str = Field(description="The organisation's slug")
    consultation: NullableStr = Field(description=CONSULTATION_SLUG)
    bill: BillRef | None = Field(description=ANSWERED_BILL)
    status: str
    profile: Literal[tuple(PROFILES)]
    word_limit: NullableInt = Field(
        description="The submission profile's limit for the whole response"
    )
    word_count: int = Field(ge=0)
    created_at: Time
    updated_at: Time
    sections: list[Section] = Field(description="In order; removed sections are left out")

    @classmethod
    def of(cls, response: drafted.Response) -> Response:
        sections = drafting.live_sections(response)
        return cls(
            id=response.id,
            title=response.title,
            organisation=response.organisation.slug,
            consultation=_consultation_slug(response),
            bill=BillRef.of(response),
            status=response.status,
            profile=response.profile,
            word_limit=drafting.word_limit(response),
            word_count=drafting.total_words(sections),
            created_at=response.created_at,
            updated_at=response.updated_at,
            sections=[Section.of(section) for section in sections],
        )


def _consultation_slug(response: drafted.Response) -> str | None:
    return response.consultation.slug if response.consultation is not None else None


class ResponseSummary(ReplyModel):
    id: int
    title: str
    consultation: NullableStr = Field(description=CONSULTATION_SLUG)
    bill: BillRef | None = Field(description=ANSWERED_BILL)
    status: str
    profile: Literal[tuple(PROFILES)]
    word_count: int = Field(ge=0)
    word_limit: NullableInt
    updated_at: Time

    @classmethod
    def of(cls, response: drafted.Response, word_count: int) -> ResponseSummary:
        return cls(
            id=response.id,
            title=response.title,
            consultation=_consultation_slug(response),
            bill=BillRef.of(response),
            status=response.status,
            profile=response.profile,
            word_count=word_count,
            word_limit=drafting.word_limit(response),
            updated_at=response.updated_at,
        )


class Html(ReplyModel):
    html: str = Field(
        description="Sanitised HTML (an allow-list of tags and attributes; no scripts, event "
        "attributes, iframes or javascript: links)"
    )


# --- saving, restoring ----------------------------------------------------------------------


class SectionHead(ReplyModel):
    """What a save or a restore answers: the section's head after it."""

    head_revision: NullableInt = Field(
        description="The new head: send it as base_revision next time (null only when an "
        "empty section was saved empty)"
    )
    revision_number: NullableInt = Field(
        description="The head revision's number within the section"
    )
    kind: Literal[REVISION_KINDS] | None
    body: str = Field(description="The head's text")
    choice: NullableStr
    word_count: int = Field(ge=0)
    updated_at: Time

    @classmethod
    def fields_of(cls, section: drafted.Section, revision: drafted.Revision | None) -> dict:
        return {
            "head_revision": section.head_revision_id,
            "revision_number": revision.number if revision else None,
            "kind": revision.kind if revision else None,
            "body": revision.body if revision else "",
            "choice": revision.choice if revision else None,
            "word_count": section.word_count,
            "updated_at": section.updated_at,
        }


class SavedSection(SectionHead):
    merged: bool = Field(
        description="True when someone else had saved since base_revision and both changes "
        "were merged: body is the merged text, show it"
    )
    unchanged: bool = Field(description="True when the save changed nothing (no new revision)")

    @classmethod
    def of(cls, section: drafted.Section, outcome: drafting.SaveOutcome) -> SavedSection:
        return cls(
            **cls.fields_of(section, outcome.revision),
            merged=outcome.merged,
            unchanged=outcome.unchanged,
        )


class RestoredSection(SectionHead):
    kind: Literal["restore"]
    restored_from: int = Field(description="The revision whose text was restored")

    @classmethod
    def of(
        cls, section: drafted.Section, restored: drafted.Revision, source: drafted.Revision
    ) -> RestoredSection:
        return cls(**cls.fields_of(section, restored), restored_from=source.id)


def conflict_of(section: drafted.Section, conflict: drafting.Conflict) -> EditConflict:
    """The `conflict` of a 409 edit_conflict: both texts, and the page that resolves it."""
    base, theirs, yours = conflict.base, conflict.theirs, conflict.yours
    return EditConflict(
        base_revision=base.id if base else None,
        their_revision=theirs.id if theirs else None,
        your_revision=yours.id,
        your_revision_number=yours.number,
        base=base.body if base else "",
        theirs=theirs.body if theirs else "",
        yours=yours.body,
        base_choice=base.choice if base else None,
        their_choice=theirs.choice if theirs else None,
        your_choice=yours.choice,
        # The HTML conflict screen (served by the drafting pages).
        resolve_url=f"/responses/{section.response_id}/sections/{section.id}/conflict/{yours.id}",
    )


# --- history --------------------------------------------------------------------------------


class RevisionSummary(ReplyModel):
    id: int
    number: int = Field(ge=1)
    kind: Literal[REVISION_KINDS]
    author: str = Field(description='The author\'s name, or "Former member" once erased')
    created_at: Time
    word_count: int = Field(ge=0)
    parent: NullableInt = Field(description="The revision it was made from (a conflict: its base)")

    @classmethod
    def fields_of(cls, revision: drafted.Revision) -> dict:
        return {
            "id": revision.id,
            "number": revision.number,
            "kind": revision.kind,
            "author": revision.author.name if revision.author is not None else FORMER_MEMBER,
            "created_at": revision.created_at,
            "word_count": revision.word_count,
            "parent": revision.parent_id,
        }

    @classmethod
    def of(cls, revision: drafted.Revision) -> RevisionSummary:
        return cls(**cls.fields_of(revision))


class Revision(RevisionSummary):
    section: int
    response: int
    title: NullableStr = Field(description="The section's title when it was saved")
    body: str
    choice: NullableStr

    @classmethod
    def of(cls, revision: drafted.Revision) -> Revision:
        return cls(
            **cls.fields_of(revision),
            section=revision.section_id,
            response=revision.section.response_id,
            title=revision.title,
            body=revision.body,
            choice=revision.choice,
        )


class WordOp(ReplyModel):
    inline = True
    op: Literal["equal", "delete", "insert"]
    text: str


class RevisionDiff(ReplyModel):
    model_config = ConfigDict(frozen=True, populate_by_name=True)
    from_: NullableInt = Field(
        alias="from", description="The older revision (null: the empty text)"
    )
    to: int
    diff: str = Field(description="A unified diff, line by line")
    ops: list[WordOp] = Field(
        description="Word by word: the old text is the equal and delete parts, the new one "
        "the equal and insert parts"
    )


# --- the editor's helpers -------------------------------------------------------------------


class Preview(ReplyModel):
    html: str = Field(description="Sanitised HTML")
    word_count: int = Field(ge=0)


class PresentPerson(ReplyModel):
    inline = True
    name: str
    editing: bool


class PresentInSection(ReplyModel):
    inline = True
    section_id: int
    section_title: str
    name: str
    editing: bool


class ResponsePresence(ReplyModel):
    people: list[PresentInSection] = Field(
        description="Others who had one of the response's sections open in the last 45 "
        "seconds (in the editor, live or not), in section order, those editing first"
    )

    @classmethod
    def of(cls, present: list) -> ResponsePresence:
        return cls(
            people=[
                PresentInSection(
                    section_id=p.section_id,
                    section_title=p.section.title,
                    name=p.user.name,
                    editing=p.editing,
                )
                for p in present
            ]
        )


class Presence(ReplyModel):
    """The heartbeat's answer: who else is here, and the section's head as the editor page
    describes it ("Last changed ... by", "History (n revisions)", the words in the sidebar),
    so that a page kept open (a live one above all, whose text changes without saving) can
    keep that account up to date."""

    others: list[PresentPerson] = Field(
        description="Others who had the section open in the last 45 seconds"
    )
    head_revision: NullableInt = Field(
        description="The section's head now: if it is not the one the editor loaded, the "
        "section changed since"
    )
    updated_at: Time
    revision_number: NullableInt = Field(
        default=None, description="The head revision's number within the section"
    )
    word_count: int = Field(default=0, ge=0, description="The head's words, as counted for limits")
    changed_at: Time | None = Field(default=None, description="When the head was written")
    changed_by: NullableStr = Field(
        default=None, description="Who wrote the head (null: nobody yet, or a former member)"
    )

    @classmethod
    def of(cls, others: list, section: drafted.Section) -> Presence:
        head = section.head
        return cls(
            others=[PresentPerson(name=p.user.name, editing=p.editing) for p in others],
            head_revision=section.head_revision_id,
            updated_at=section.updated_at,
            revision_number=head.number if head else None,
            word_count=section.word_count,
            changed_at=head.created_at if head else None,
            changed_by=head.author.name if head and head.author else None,
        )
