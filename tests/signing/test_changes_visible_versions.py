"""The public "What changed" page compares a version only with earlier versions its reader may
see: for the public, earlier versions that were themselves opened to the public. A version
frozen in between and kept among members (or never opened) must not leak through the
comparison, not even the text it removed; nor may the signing page tell the public that a
newer, unpublished version exists."""

from __future__ import annotations

import pytest

from tests.signing.pages_support import (
    anonymous,
    browsers_for,
    freeze,
    make_response,
    open_signing,
    rewrite,
    text_of,
)

PUBLIC_ONE = "The first public text about cameras."
MEMBERS_ONLY = "A members-only draft mentioning the secret budget figure."
NEVER_OPENED = "An unopened draft about the confidential partner."
PUBLIC_TWO = "The second public text about cameras and courts."


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


@pytest.fixture
def history(team):
    """Version 1 public, 2 members-only, 3 never opened, 4 public: each with its own summary."""
    response = make_response(team)
    versions = []
    for text, public in (
        (PUBLIC_ONE, True),
        (MEMBERS_ONLY, False),
        (NEVER_OPENED, None),
        (PUBLIC_TWO, True),
    ):
        rewrite(team, response, "summary", text)
        version = freeze(team, response)
        if public is not None:
            open_signing(team, version, public)
        versions.append(version)
    return versions


def test_the_public_compare_with_the_last_earlier_public_version(app, history):
    first, _members, _unopened, fourth = history
    page = anonymous(app).get(f"/versions/{fourth.id}/changes").get_data(as_text=True)
    text = text_of(page)
    assert f"Version 4 replaces version {first.number}" in text
    assert "Changes since version 1" in text
    assert "secret budget" not in text and "confidential partner" not in text
    assert "courts" in text  # the words added since version 1


def test_members_compare_with_the_version_just_before(browsers, history):
    *_, unopened, fourth = history
    text = text_of(browsers("member").get(f"/versions/{fourth.id}/changes").get_data(as_text=True))
    assert f"Version 4 replaces version {unopened.number}" in text
    assert "confidential partner" in text


def test_with_no_earlier_public_version_the_public_is_told_there_is_nothing_to_compare(team, app):
    response = make_response(team)
    rewrite(team, response, "summary", MEMBERS_ONLY)
    open_signing(team, freeze(team, response), public=False)
    rewrite(team, response, "summary", PUBLIC_TWO)
    second = open_signing(team, freeze(team, response), public=True)
    reply = anonymous(app).get(f"/versions/{second.id}/changes")
    assert reply.status_code == 200
    text = text_of(reply.get_data(as_text=True))
    assert "nothing to compare it with" in text
    assert "secret budget" not in text
    assert "replaces version" not in text and "first version" not in text


def test_the_public_signing_page_mentions_only_newer_public_versions(team, app, browsers):
    response = make_response(team)
    first = open_signing(team, freeze(team, response), public=True)
    unopened = freeze(team, response)
    public_text = text_of(anonymous(app).get(f"/sign/{first.id}").get_data(as_text=True))
    assert "newer version" not in public_text
    member_text = text_of(browsers("member").get(f"/sign/{first.id}").get_data(as_text=True))
    assert f"newer version of this response (version {unopened.number})" in member_text

    third = open_signing(team, freeze(team, response), public=True)
    public_text = text_of(anonymous(app).get(f"/sign/{first.id}").get_data(as_text=True))
    assert f"newer version of this response (version {third.number})" in public_text
