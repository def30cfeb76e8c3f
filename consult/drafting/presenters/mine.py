"""The "Responses" page of the header: every response of every organisation the person
belongs to, with how far each has got. A page of rows costs three queries whatever it holds:
the responses (with their organisation and consultation or bill), their sections' totals, and their
latest versions."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import case, func, select

from consult.accounts.models import User
from consult.bills.models import Bill
from consult.consultations.models import Consultation
from consult.drafting.models import Response, Section
from consult.extensions import db
from consult.organisations.models import Membership, Organisation
from consult.signing.models import Version
from consult.timeutil import utcnow
from consult.wording import count_of

PAGE_SIZE = 50


@dataclass(frozen=True)
class ResponseRow:
    id: int
    title: str
    organisation: str
    organisation_slug: str
    consultation: str  # what it answers: the consultation's title, or the bill's
    progress: str  # "3 of 19 sections agreed"
    version: str | None  # "Version 2, open for signing" (None: nothing frozen yet)
    words: int
    updated_at: datetime


def _progress(sections: int, agreed: int, in_review: int) -> str:
    if not sections:
        return "No sections"
    text = f"{agreed} of {count_of(sections, 'section')} agreed"
    return text + (f", {in_review} ready for review" if in_review else "")


def _version_state(number: int, signing_open: bool, public: bool, closes_at) -> str:
    if signing_open and (closes_at is None or closes_at > utcnow()):
        return f"Version {number}, open for signing" + (" by the public" if public else "")
    return f"Version {number} frozen"


def responses_of_person(user: User, page: int = 1) -> tuple[list[ResponseRow], bool]:
    """(rows, whether there is a next page): the most recently changed first, only of the
    organisations `user` is a member of now."""
    rows = db.session.execute(
        select(
            Response.id,
            Response.title,
            Response.updated_at,
            Organisation.name,
            Organisation.slug,
            func.coalesce(Consultation.title, Bill.title),
        )
        .join(Organisation, Organisation.id == Response.organisation_id)
        .outerjoin(Consultation, Consultation.id == Response.consultation_id)
        .outerjoin(Bill, Bill.id == Response.bill_id)
        .join(Membership, Membership.organisation_id == Response.organisation_id)
        .where(Membership.user_id == user.id)
        .order_by(Response.updated_at.desc(), Response.id.desc())
        .offset((page - 1) * PAGE_SIZE)
        .limit(PAGE_SIZE + 1)
    ).all()
    shown = rows[:PAGE_SIZE]
    ids = [row[0] for row in shown]
    totals = _section_totals(ids)
    versions = _latest_versions(ids)
    return [
        ResponseRow(
            id=response_id,
            title=title,
            organisation=organisation,
            organisation_slug=slug,
            consultation=consultation,
            progress=_progress(*totals.get(response_id, (0, 0, 0))[:3]),
            version=versions.get(response_id),
            words=totals.get(response_id, (0, 0, 0, 0))[3],
            updated_at=updated_at,
        )
        for response_id, title, updated_at, organisation, slug, consultation in shown
    ], len(rows) > PAGE_SIZE


def _section_totals(ids: list[int]) -> dict[int, tuple[int, int, int, int]]:
    """{response id: (live sections, agreed, ready for review, words)}."""
    if not ids:
        return {}
    rows = db.session.execute(
        select(
            Section.response_id,
            func.count(),
            func.sum(case((Section.status == "agreed", 1), else_=0)),
            func.sum(case((Section.status == "ready_for_review", 1), else_=0)),
            func.coalesce(func.sum(Section.word_count), 0),
        )
        .where(Section.response_id.in_(ids), Section.removed_at.is_(None))
        .group_by(Section.response_id)
    )
    return {
        response_id: (int(count), int(agreed or 0), int(review or 0), int(words))
        for response_id, count, agreed, review, words in rows
    }


def _latest_versions(ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    latest = (
        select(Version.response_id, func.max(Version.number).label("number"))
        .where(Version.response_id.in_(ids))
        .group_by(Version.response_id)
        .subquery()
    )
    rows = db.session.execute(
        select(
            Version.response_id,
            Version.number,
            Version.signing_open,
            Version.signing_public,
            Version.signing_closes_at,
        ).join(
            latest,
            (latest.c.response_id == Version.response_id) & (latest.c.number == Version.number),
        )
    )
    return {row[0]: _version_state(*row[1:]) for row in rows}
