"""Drafting fixtures: a response to the built-in consultation for the team's organisation, and
small helpers that make the tests read like the rules they check."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.drafting import services
from consult.drafting.models import Response, Revision, Section
from consult.extensions import db
from consult.organisations.models import Membership

BUILTIN_SLUG = "facial-recognition-framework"


def membership_of(user, organisation) -> Membership:
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def builtin_consultation() -> Consultation:
    return db.session.scalar(select(Consultation).where(Consultation.slug == BUILTIN_SLUG))


def section_of(response: Response, kind: str, number: int | None = None) -> Section:
    """The live section of that kind (and question number)."""
    for section in services.live_sections(response):
        if section.kind == kind and (number is None or section.number == number):
            return section
    raise AssertionError(f"no {kind} section {number or ''} in the response")


def revisions(section: Section) -> list[Revision]:
    """Every revision of the section, oldest first."""
    return list(
        db.session.scalars(
            select(Revision).where(Revision.section_id == section.id).order_by(Revision.number)
        )
    )


def paragraphs(*texts: str) -> str:
    return "\n\n".join(texts)


@pytest.fixture
def consultation(db) -> Consultation:
    return builtin_consultation()


@pytest.fixture
def response(team, consultation) -> Response:
    """A fresh response of the team's organisation to the facial-recognition consultation."""
    response = services.create_response(
        membership_of(team.owner, team.organisation), consultation, "Our response"
    )
    db.session.commit()
    return response


@pytest.fixture
def summary(response) -> Section:
    return section_of(response, "summary")


@pytest.fixture
def save(team):
    """save(section, body, base, user=editor, choice=None) -> SaveOutcome, committed."""

    def _save(section, body, base, user=None, choice=None):
        outcome = services.save_section(user or team.editor, section, body, choice, base)
        db.session.commit()
        return outcome

    return _save
