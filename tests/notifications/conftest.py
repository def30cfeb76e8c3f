"""Notification fixtures: a response of the team's organisation, and helpers that read who was
told what."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from consult.drafting import services as drafting
from consult.drafting.models import Response, Section
from consult.extensions import db
from consult.notifications.models import Notification
from tests.drafting.conftest import builtin_consultation, membership_of, section_of


@pytest.fixture
def response(team) -> Response:
    response = drafting.create_response(
        membership_of(team.owner, team.organisation), builtin_consultation(), "Our response"
    )
    db.session.commit()
    return response


@pytest.fixture
def summary(response) -> Section:
    return section_of(response, "summary")


def notices(kind: str | None = None) -> list[Notification]:
    statement = select(Notification).order_by(Notification.id)
    if kind is not None:
        statement = statement.where(Notification.kind == kind)
    return list(db.session.scalars(statement))


def told(kind: str) -> set[int]:
    """The ids of everyone told of `kind`."""
    return {notice.recipient_id for notice in notices(kind)}


def ids(*users) -> set[int]:
    return {user.id for user in users}
