"""Fixtures for the consultation pages: a logged-in browser per role, and a way to add an
organisation's own consultation directly through the service (for pages that only read)."""

from __future__ import annotations

from datetime import datetime

import pytest

from consult.consultations import services
from consult.extensions import db
from tests.organisations.support import log_in, membership


@pytest.fixture
def browser_of(team, app):
    """browser_of(role) -> a client logged in as the team member with that role (or
    "outsider", the owner of another organisation); one browser per role per test."""
    browsers: dict[str, object] = {}

    def _browser(role: str):
        if role not in browsers:
            browsers[role] = log_in(app.test_client(), team.user(role))
        return browsers[role]

    return _browser


@pytest.fixture
def add_consultation(team):
    """add_consultation(title, organisation=team.organisation, closes_at=None, questions=...)
    -> the slug of a new consultation of that organisation, committed."""

    def _add(
        title: str = "Clean air zones",
        organisation=None,
        closes_at: datetime | None = None,
        questions: str = "1. Do you support a clean air zone? (scale)\n2. Why? [200 words]",
    ) -> str:
        organisation = organisation or team.organisation
        owner = team.outsider if organisation is team.other_organisation else team.owner
        consultation = services.create_consultation(
            membership(organisation, owner),
            title=title,
            publisher="Northtown Council",
            closes_at=closes_at,
            questions=services.parse_numbered_list(questions),
        )
        db.session.commit()
        return consultation.slug

    return _add
