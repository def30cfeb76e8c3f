"""Responses: starting one (a section per part the consultation asks for), its settings, and
what the response's pages list of it: its sections in order, as overview rows, their words,
and the recent activity."""

from __future__ import annotations

from datetime import datetime
from typing import NamedTuple

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import aliased, joinedload

from consult.accounts.models import User
from consult.audit.services import record
from consult.bills.models import Bill
from consult.bills.parts import chosen, respondables
from consult.consultations.models import Consultation, Question
from consult.consultations.profiles import BILL_PROFILE, DEFAULT_PROFILE, PROFILES
from consult.drafting.errors import DraftingError
from consult.drafting.models import Response, Revision, Section
from consult.drafting.services.text import MAX_TITLE_LENGTH
from consult.drafting.titles import bill_response_title, default_response_title
from consult.extensions import db
from consult.organisations.models import Membership, Organisation
from consult.timeutil import utcnow


def create_response(
    membership: Membership,
    consultation: Consultation,
    title: str,
    profile: str | None = None,
) -> Response:
    """A response with a section for the summary, about us, each question and recommendations."""
    if consultation.organisation_id not in (None, membership.organisation_id):
        # Another organisation's own consultation: callers look it up with find_visible, and
        # this keeps the rule in one place should one forget.
        raise DraftingError("That consultation is not open to this organisation.")
    plan: list[tuple[str, int | None, str, dict]] = [
        ("question", q.number, q.text, {"question": q}) for q in consultation.questions
    ]
    return _start(
        membership,
        Response(consultation=consultation),
        title.strip() or default_response_title(consultation),
        profile or DEFAULT_PROFILE,
        plan,
        consultation=consultation.slug,
    )


def create_bill_response(
    membership: Membership,
    bill: Bill,
    title: str,
    profile: str | None = None,
    clauses: list[str] | None = None,
) -> Response:
    """A response to a bill: the summary, about us, a section per clause and schedule of its
    current print (or only what `clauses` names: clause numbers, "Schedule 1", or a whole
    part, "Part 2", answered as one section), and recommendations. Amendments are added as
    they are drafted (bills.services.add_amendment)."""
    if bill.organisation_id != membership.organisation_id:
        raise DraftingError("That bill is not this organisation's.")
    current = bill.current_print
    if current is None:
        raise DraftingError("The bill has no print yet: import its text first.")
    if clauses is None:
        picked = [r for r in respondables(current.provisions) if r.kind != "part"]
    else:
        try:
            picked = chosen(current.provisions, clauses)
        except ValueError as refused:
            raise DraftingError(str(refused)) from None
        if not picked:
            raise DraftingError("Choose at least one part, clause or schedule of the bill.")
    plan: list[tuple[str, int | None, str, dict]] = [
        ("clause", None, r.title, {"clause": r.value}) for r in picked
    ]
    return _start(
        membership,
        Response(bill=bill),
        title.strip() or bill_response_title(bill),
        profile or BILL_PROFILE,
        plan,
        bill=bill.slug,
    )


def _start(
    membership: Membership,
    response: Response,
    title: str,
    profile: str,
    plan: list[tuple[str, int | None, str, dict]],
    **audit: str,
) -> Response:
    """The response with its sections: summary, about us, what `plan` lists (kind, number,
    title, other columns), recommendations."""
    if profile not in PROFILES:
        raise DraftingError("Choose one of the listed submission profiles.")
    response.organisation_id = membership.organisation_id
    response.title = title[:200]
    response.profile = profile
    response.created_by_id = membership.user_id
    plan = [
        ("summary", None, "Summary", {}),
        ("about", None, f"About {membership.organisation.name}", {}),
        *plan,
        ("recommendations", None, "Recommendations", {}),
    ]
    for position, (kind, number, section_title, columns) in enumerate(plan):
        response.sections.append(
            Section(
                kind=kind,
                number=number,
                title=section_title[:MAX_TITLE_LENGTH],
                position=position,
                **columns,
            )
        )
    db.session.add(response)
    db.session.flush()
    record(
        "response.created",
        actor=membership.user,
        organisation=membership.organisation,
        subject=response,
        **audit,
    )
    return response


def responses_of(organisation: Organisation) -> list[Response]:
    return list(
        db.session.scalars(
            select(Response)
            .where(Response.organisation_id == organisation.id)
            .options(joinedload(Response.consultation), joinedload(Response.bill))
            .order_by(Response.updated_at.desc())
        )
    )


def live_sections(response: Response) -> list[Section]:
    """The response's sections in order, with their head revisions (and the heads' authors),
    questions and assignees, in one query however many sections and revisions there are.
    Pages that list sections without their text use `section_overview` instead."""
    return list(
        db.session.scalars(
            select(Section)
            .where(Section.response_id == response.id, Section.removed_at.is_(None))
            .options(
                joinedload(Section.head).joinedload(Revision.author),
                joinedload(Section.question),
                joinedload(Section.assignee),
            )
            .order_by(Section.position)
        ).unique()
    )


class SectionOverview(NamedTuple):
    """One row of the response's overview (the dashboard, the editor's sidebar, the Manage
    page): what a list of sections shows, read as plain values in one query rather than as
    the ORM objects of `live_sections` (a sixth of the time for 40 sections, and nothing for
    the garbage collector to chase). A named tuple: made from a row at the cost of a tuple."""

    id: int
    kind: str
    number: int | None
    title: str
    status: str
    word_count: int
    word_limit: int | None  # the question's, if it has one
    assignee: str | None  # the assignee's name
    changed_at: datetime | None  # when the head revision was saved (None: no text yet)
    changed_by: str | None  # who saved it (None: nobody, or a former member)
    removed_at: datetime | None  # None for a live section


# The two roles of users in an overview row (made once: an alias builds its columns anew).
_ASSIGNEE = aliased(User, name="assignee")
_AUTHOR = aliased(User, name="author")

# The overview's statement, built once (building it is half the cost of running it): every
# section of the response, removed ones included, in order.
_OVERVIEW = (
    select(
        Section.id,
        Section.kind,
        Section.number,
        Section.title,
        Section.status,
        Section.word_count,
        Question.word_limit,
        _ASSIGNEE.name,
        Revision.created_at,
        _AUTHOR.name,
        Section.removed_at,
    )
    .outerjoin(Question, Question.id == Section.question_id)
    .outerjoin(_ASSIGNEE, _ASSIGNEE.id == Section.assignee_id)
    .outerjoin(Revision, Revision.id == Section.head_revision_id)
    .outerjoin(_AUTHOR, _AUTHOR.id == Revision.author_id)
    .where(Section.response_id == bindparam("response_id"))
    .order_by(Section.position)
)


def section_overview(response: Response, *, with_removed: bool = False) -> list[SectionOverview]:
    """The response's live sections in order, as overview rows, in one query; `with_removed`
    adds the removed sections after them, the most recently removed first (the dashboard
    lists both, and one query is cheaper than two)."""
    rows = db.session.execute(_OVERVIEW, {"response_id": response.id})
    overview = [SectionOverview._make(row) for row in rows]
    live = [row for row in overview if row.removed_at is None]
    if not with_removed or len(live) == len(overview):
        return live
    removed = [row for row in overview if row.removed_at is not None]
    removed.sort(key=lambda row: row.removed_at, reverse=True)
    return live + removed


def total_words(sections: list[Section] | list[SectionOverview]) -> int:
    return sum(section.word_count for section in sections)


def total_words_of(responses: list[Response]) -> dict[int, int]:
    """{response id: words in its live sections}, in one query, for listings of responses."""
    if not responses:
        return {}
    rows = db.session.execute(
        select(Section.response_id, func.coalesce(func.sum(Section.word_count), 0))
        .where(
            Section.response_id.in_([response.id for response in responses]),
            Section.removed_at.is_(None),
        )
        .group_by(Section.response_id)
    )
    totals = {response.id: 0 for response in responses}
    totals.update({response_id: int(total) for response_id, total in rows})
    return totals


def word_limit(response: Response) -> int | None:
    return PROFILES[response.profile].word_limit if response.profile in PROFILES else None


def update_response(response: Response, user: User, title: str, profile: str) -> None:
    if profile not in PROFILES:
        raise DraftingError("Choose one of the listed submission profiles.")
    title = title.strip()
    if not title:
        raise DraftingError("Give the response a title.")
    response.title = title[:200]
    response.profile = profile
    response.updated_at = utcnow()
    record("response.updated", actor=user, organisation=response.organisation, subject=response)


# --- activity -------------------------------------------------------------------------------


class Activity(NamedTuple):
    """One entry of a response's activity feed: a revision, without its text."""

    revision_id: int
    section_id: int
    kind: str  # the revision's kind: edit, merge, conflict or restore
    created_at: datetime
    author: str | None  # the author's name (None: a former member)


# The feed's statement, built once, in two steps: the ids of the newest revisions first,
# which the database sorts from the section index alone, then those few revisions with their
# authors' names. Sorting the revisions' rows themselves would read every revision of the
# response from the table (ten times slower with 2,000 revisions).
_NEWEST_REVISIONS = (
    select(Revision.id)
    .join(Section, Revision.section_id == Section.id)
    .where(Section.response_id == bindparam("response_id"))
    .order_by(Revision.id.desc())
    .limit(bindparam("limit"))
)
_ACTIVITY = (
    select(Revision.id, Revision.section_id, Revision.kind, Revision.created_at, _AUTHOR.name)
    .outerjoin(_AUTHOR, _AUTHOR.id == Revision.author_id)
    .where(Revision.id.in_(_NEWEST_REVISIONS.scalar_subquery()))
    .order_by(Revision.id.desc())
)


def recent_activity(response: Response, limit: int = 20) -> list[Activity]:
    """The newest revisions of the response's sections, newest first, as plain values (the
    caller names each section from the overview rows it already has), in one query."""
    rows = db.session.execute(_ACTIVITY, {"response_id": response.id, "limit": limit})
    return [Activity._make(row) for row in rows]
