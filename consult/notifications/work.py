""" "My work": what waits for a person, across their organisations, for the home page after
logging in: sections assigned to them and not agreed (words against the limit), suggested
edits they may decide, comments on their sections they have not answered, their own open
clashes, versions open for signing they have not signed, and the next closing dates, soonest
first. One query for each (a few rows each), all limited to organisations the person still
belongs to, with the rights their role gives there."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import aliased

from consult.accounts.models import User
from consult.bills.models import Bill
from consult.bills.presenters import next_deadline, today
from consult.consultations.models import Consultation, Question
from consult.drafting.models import (
    ClashSettlement,
    Comment,
    Response,
    Revision,
    Section,
    Suggestion,
)
from consult.extensions import db
from consult.organisations.models import Membership, Organisation
from consult.organisations.permissions import PERMISSIONS
from consult.signing.models import Signature, Version
from consult.timeutil import utcnow

SHOWN = 10  # rows of each kind at most: the rest are a click away
# Where a waiting item is (its section and response), the columns each list links by.
_WHERE = (
    Section.id.label("section_id"),
    Section.title.label("section"),
    Response.id.label("response_id"),
    Response.title.label("response"),
)


@dataclass(frozen=True)
class Deadline:
    day: date
    response_id: int
    response: str
    organisation: str

    @property
    def days(self) -> int:
        return (self.day - today()).days


@dataclass
class Work:
    sections: list = field(default_factory=list)
    suggestions: list = field(default_factory=list)
    comments: list = field(default_factory=list)
    clashes: list = field(default_factory=list)
    versions: list = field(default_factory=list)
    deadlines: list[Deadline] = field(default_factory=list)

    @property
    def anything(self) -> bool:
        return any((self.sections, self.suggestions, self.comments, self.clashes, self.versions))


def _mine(user: User, *roles: frozenset[str]):
    """The person's membership of the response's organisation (with one of `roles`, if
    given): joined to every query, so another organisation's work never shows."""
    condition = (Membership.organisation_id == Response.organisation_id) & (
        Membership.user_id == user.id
    )
    if roles:
        condition &= Membership.role.in_(roles[0])
    return condition


def my_work(user: User) -> Work:
    drafters, _ = PERMISSIONS["draft"]
    deciders, _ = PERMISSIONS["manage_members"]
    work = Work()
    work.sections = db.session.execute(
        select(
            Section.id,
            Section.title,
            Section.status,
            Section.word_count,
            Question.word_limit,
            Response.id.label("response_id"),
            Response.title.label("response"),
        )
        .join(Response, Response.id == Section.response_id)
        .join(Membership, _mine(user))
        .outerjoin(Question, Question.id == Section.question_id)
        .where(
            Section.assignee_id == user.id,
            Section.removed_at.is_(None),
            Section.status != "agreed",
        )
        .order_by(Response.updated_at.desc(), Section.position)
        .limit(SHOWN)
    ).all()
    author = aliased(User)
    work.suggestions = db.session.execute(
        select(
            Suggestion.id,
            Suggestion.created_at,
            author.name.label("author"),
            *_WHERE,
        )
        .join(Section, Section.id == Suggestion.section_id)
        .join(Response, Response.id == Section.response_id)
        .join(Membership, _mine(user))
        .outerjoin(author, author.id == Suggestion.author_id)
        .where(
            Suggestion.status == "open",
            Section.removed_at.is_(None),
            or_(Suggestion.author_id.is_(None), Suggestion.author_id != user.id),
            or_(
                Membership.role.in_(deciders),
                and_(Section.assignee_id == user.id, Membership.role.in_(drafters)),
            ),
        )
        .order_by(Suggestion.id.desc())
        .limit(SHOWN)
    ).all()
    mine_reply = aliased(Comment)
    work.comments = db.session.execute(
        select(
            Comment.id,
            Comment.created_at,
            author.name.label("author"),
            *_WHERE,
        )
        .join(Section, Section.id == Comment.section_id)
        .join(Response, Response.id == Section.response_id)
        .join(Membership, _mine(user))
        .outerjoin(author, author.id == Comment.author_id)
        .where(
            Section.assignee_id == user.id,
            Comment.parent_id.is_(None),
            Comment.resolved_at.is_(None),
            or_(Comment.author_id.is_(None), Comment.author_id != user.id),
            ~exists().where(mine_reply.parent_id == Comment.id, mine_reply.author_id == user.id),
        )
        .order_by(Comment.id.desc())
        .limit(SHOWN)
    ).all()
    work.clashes = db.session.execute(
        select(
            Revision.id,
            Revision.created_at,
            *_WHERE,
        )
        .join(Section, Section.id == Revision.section_id)
        .join(Response, Response.id == Section.response_id)
        .join(Membership, _mine(user, drafters))
        .outerjoin(ClashSettlement, ClashSettlement.revision_id == Revision.id)
        .where(
            Revision.kind == "conflict",
            Revision.author_id == user.id,
            ClashSettlement.id.is_(None),
        )
        .order_by(Revision.id.desc())
        .limit(SHOWN)
    ).all()
    now = utcnow()
    work.versions = db.session.execute(
        select(Version.id, Version.number, Version.title, Organisation.name.label("organisation"))
        .join(Response, Response.id == Version.response_id)
        .join(Membership, _mine(user))
        .join(Organisation, Organisation.id == Response.organisation_id)
        .where(
            Version.signing_open.is_(True),
            or_(Version.signing_closes_at.is_(None), Version.signing_closes_at > now),
            ~exists().where(
                Signature.version_id == Version.id,
                Signature.user_id == user.id,
                Signature.kind == "member",
                Signature.status != "withdrawn",
            ),
        )
        .order_by(Version.signing_opened_at.desc())
        .limit(SHOWN)
    ).all()
    work.deadlines = _deadlines(user, now)
    return work


def _deadlines(user: User, now: datetime) -> list[Deadline]:
    """The next closing dates of the person's organisations' responses, soonest first: a
    consultation's closing date, or the next deadline of a bill (evidence, or a stage)."""
    found = [
        Deadline(closes_at.date(), response_id, title, organisation)
        for response_id, title, organisation, closes_at in db.session.execute(
            select(Response.id, Response.title, Organisation.name, Consultation.closes_at)
            .join(Consultation, Consultation.id == Response.consultation_id)
            .join(Membership, _mine(user))
            .join(Organisation, Organisation.id == Response.organisation_id)
            .where(Consultation.closes_at >= now)
            .order_by(Consultation.closes_at)
            .limit(5)
        )
    ]
    on = today()
    for response_id, title, organisation, bill in db.session.execute(
        select(Response.id, Response.title, Organisation.name, Bill)
        .join(Bill, Bill.id == Response.bill_id)
        .join(Membership, _mine(user))
        .join(Organisation, Organisation.id == Response.organisation_id)
    ):
        deadline = next_deadline(bill, on)
        if deadline is not None:
            found.append(Deadline(deadline.day, response_id, title, organisation))
    return sorted(found, key=lambda deadline: deadline.day)[:5]
