"""Fixtures for the organisation tests: browsers per role and a helper that invites someone
the way a coordinator does, returning the link from the e-mail."""

from __future__ import annotations

import pytest

from tests import factories
from tests.organisations.support import log_in


@pytest.fixture
def make_client(app):
    """A new browser, optionally logged in: make_client(user=None)."""

    def _make(user=None):
        client = app.test_client()
        if user is not None:
            log_in(client, user)
        return client

    return _make


@pytest.fixture
def browser_of(team, make_client):
    """browser_of(role) -> a client logged in as the team member with that role (or
    "outsider"); one browser per role per test."""
    browsers: dict[str, object] = {}

    def _browser(role: str):
        if role not in browsers:
            browsers[role] = make_client(team.user(role))
        return browsers[role]

    return _browser


@pytest.fixture
def invite(team, browser_of):
    """invite(email, role="member", by="owner") through the members page form; returns the
    invitation link's path, taken from the e-mail that was sent."""

    def _invite(email: str, role: str = "member", by: str = "owner") -> str:
        response = browser_of(by).post(
            f"/o/{team.organisation.slug}/invitations", data={"email": email, "role": role}
        )
        assert response.status_code == 302, response.get_data(as_text=True)[:800]
        return factories.link_in_last_email(email, "/invitations/")

    return _invite
