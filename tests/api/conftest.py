"""Fixtures for the JSON API tests: bearer headers for each member of a team, one client per
person, and a switch for the rate limiter."""

from __future__ import annotations

import pytest

from consult.extensions import limiter


@pytest.fixture
def client_factory(app):
    """client_factory() -> a new client (one per person in a journey)."""
    return app.test_client


@pytest.fixture
def bearer(team, api_token):
    """bearer(role) -> Authorization headers for the team member with that role
    ("owner", "coordinator", "editor", "member" or "outsider")."""
    made: dict[str, dict[str, str]] = {}

    def _headers(role: str) -> dict[str, str]:
        if role not in made:
            made[role] = api_token(team.user(role))
        return made[role]

    return _headers


@pytest.fixture
def no_rate_limit():
    """Switch the rate limiter off for tests that send many requests on purpose."""
    enabled = limiter.enabled
    limiter.enabled = False
    yield
    limiter.enabled = enabled


@pytest.fixture
def draft(team):
    """A response of the team's organisation to the built-in consultation, made through the
    service (the API's own creation is tested on its own): see tests/api/drafting_support."""
    from tests.api.drafting_support import make_draft

    return make_draft(team)
