"""The verification page lets someone who verifies a fingerprint read the frozen text it stands
for, when that text is public: the version was opened for public signing, or exported (a copy
went out). A version only ever opened to members has its fingerprint confirmed, but its text
is never shown to anyone outside the organisation."""

from __future__ import annotations

import pytest

from consult.extensions import db
from consult.signing import services as signing
from tests.signing.pages_support import (
    anonymous,
    freeze,
    make_response,
    make_version,
    open_signing,
    text_of,
)

ANSWER_WORDS = "Live facial recognition needs prior judicial authorisation."


def _verify(app, sha256: str) -> tuple[int, str]:
    reply = anonymous(app).get(f"/verify/{sha256}")
    return reply.status_code, reply.get_data(as_text=True)


def test_the_text_of_a_version_open_for_public_signing_can_be_read(team, app):
    version = make_version(team, public=True)
    status, page = _verify(app, version.sha256)
    assert status == 200
    assert "This fingerprint matches a published version" in text_of(page)
    assert "Read the text of version 1" in text_of(page)
    assert ANSWER_WORDS in page


def test_a_members_only_version_is_confirmed_but_its_text_is_not_shown(team, app):
    version = make_version(team, public=False)
    status, page = _verify(app, version.sha256)
    assert status == 200
    assert "This fingerprint matches a published version" in text_of(page)
    assert ANSWER_WORDS not in page and "Read the text" not in text_of(page)
    assert "The text of this version is not published here" in text_of(page)


@pytest.mark.parametrize("opened", [None, False])
def test_an_exported_version_can_be_read_even_if_only_members_signed_it(team, app, opened):
    version = freeze(team, make_response(team))
    if opened is not None:
        open_signing(team, version, public=opened)
    signing.mark_published(version)  # what every export of a version does
    db.session.commit()
    status, page = _verify(app, version.sha256)
    assert status == 200 and ANSWER_WORDS in page


def test_a_public_version_later_kept_to_members_is_no_longer_shown(team, app):
    version = make_version(team, public=True)
    open_signing(team, version, public=False)
    _status, page = _verify(app, version.sha256)
    assert ANSWER_WORDS not in page
