"""Signing fixtures, kept generic so that every signing test can use them: a response of the
team's organisation with some text, that response frozen into a version, and that version
opened for public or for members-only signing."""

from __future__ import annotations

import pytest

from consult.drafting import services as drafting
from consult.drafting.models import Response
from consult.extensions import db
from consult.signing import services as signing
from consult.signing.models import Version
from tests.signing.support import builtin_consultation, membership

SUMMARY = "We welcome a framework, but it must “protect” rights — not just permit use. ✊"
ANSWER = "Live facial recognition needs prior judicial authorisation.\n\n- one\n- two"


@pytest.fixture
def response(team) -> Response:
    """A response of the team's organisation to the built-in consultation, with a summary and
    an answer to question 1 (a scale question)."""
    response = drafting.create_response(
        membership(team.owner, team.organisation), builtin_consultation(), "Our response"
    )
    for section in drafting.live_sections(response):
        if section.kind == "summary":
            drafting.save_section(team.editor, section, SUMMARY, None, None)
        elif section.kind == "question" and section.number == 1:
            drafting.save_section(team.editor, section, ANSWER, "Agree", None)
    db.session.commit()
    return response


@pytest.fixture
def version(team, response) -> Version:
    """The response frozen (version 1) by its owner; signing not opened yet."""
    version = signing.freeze(membership(team.owner, team.organisation), response, "First")
    db.session.commit()
    return version


@pytest.fixture
def public_version(team, version) -> Version:
    """Version 1, open for public signing (no closing time)."""
    signing.open_signing(membership(team.coordinator, team.organisation), version, True, None)
    db.session.commit()
    return version


@pytest.fixture
def members_version(team, version) -> Version:
    """Version 1, open for signing by members only."""
    signing.open_signing(membership(team.coordinator, team.organisation), version, False, None)
    db.session.commit()
    return version
