"""Outsiders see only what was frozen and published: once a version is frozen, the draft goes
on (it may be renamed) and its new title is the organisation's business until it is frozen
again; the note a coordinator writes when freezing is for their colleagues. Every page, e-mail
follow-up and API answer that someone outside the organisation can reach names the version
by its frozen title, and never shows the note."""

from __future__ import annotations

import pytest

from consult.drafting import services as drafting
from consult.extensions import db
from tests import factories
from tests.organisations.support import location_path
from tests.signing.pages_support import (
    anonymous,
    link,
    logged_in,
    make_version,
    member_form,
    partner_token,
    public_form,
    signatures,
    text_of,
)

FROZEN = "Our response"  # make_version's title
DRAFT = "Renamed draft: not for outsiders yet"
NOTE = "Only for colleagues: the board has doubts"


@pytest.fixture
def renamed(team):
    """A version open for public signing, with a note; the draft renamed after freezing."""
    version = make_version(team, public=True, note=NOTE)
    drafting.update_response(version.response, team.owner, DRAFT, version.response.profile)
    db.session.commit()
    return version


def _assert_frozen_only(text: str) -> None:
    assert FROZEN in text
    assert DRAFT not in text
    assert NOTE not in text


def test_the_sent_confirmed_and_manage_pages_name_the_frozen_title(team, app, renamed):
    client = anonymous(app)
    reply = client.post(f"/sign/{renamed.id}", data=public_form(app, renamed.id, "pat@example.org"))
    assert location_path(reply) == f"/sign/{renamed.id}/sent"
    _assert_frozen_only(text_of(client.get(f"/sign/{renamed.id}/sent").get_data(as_text=True)))

    manage = link("pat@example.org", "manage")
    client.post(link("pat@example.org", "confirm"))
    _assert_frozen_only(text_of(client.get("/signatures/confirmed").get_data(as_text=True)))
    _assert_frozen_only(text_of(anonymous(app).get(manage).get_data(as_text=True)))


def test_an_outsiders_account_page_and_withdrawal_name_the_frozen_title(team, app, renamed):
    outsider = logged_in(app, team.outsider)
    reply = outsider.post(
        f"/sign/{renamed.id}/member", data=member_form(display_name="Otto Outsider")
    )
    assert reply.status_code == 302
    _assert_frozen_only(text_of(outsider.get("/account").get_data(as_text=True)))
    [signature] = signatures(renamed.id)
    reply = outsider.post(f"/signatures/{signature.id}/withdraw", follow_redirects=True)
    _assert_frozen_only(text_of(reply.get_data(as_text=True)))


def test_a_partner_organisation_is_thanked_with_the_frozen_title(team, app, renamed):
    priya = factories.make_user(name="Priya Partner")
    partner_organisation = factories.make_organisation(priya, name="Open Rights Northwest")
    path = f"/sign/{renamed.id}/partner/{partner_token(app, renamed)}"
    client = logged_in(app, priya)
    form = {"organisation": str(partner_organisation.id), **member_form(display_name=None)}
    reply = client.post(path, data=form, follow_redirects=True)
    assert "Open Rights Northwest now co-signs" in text_of(reply.get_data(as_text=True))
    _assert_frozen_only(text_of(reply.get_data(as_text=True)))


def test_the_verify_api_names_the_frozen_title(team, app, renamed):
    reply = anonymous(app).get(f"/api/v1/verify/{renamed.sha256}")
    assert reply.status_code == 200
    assert reply.get_json()["response"]["title"] == FROZEN
    _assert_frozen_only(reply.get_data(as_text=True))


def test_the_version_note_is_for_the_organisation_only(team, app, renamed, api_token):
    public = anonymous(app).get(f"/api/v1/versions/{renamed.id}")
    assert public.status_code == 200
    assert public.get_json()["note"] == ""
    assert NOTE not in public.get_data(as_text=True)
    outsider = anonymous(app).get(
        f"/api/v1/versions/{renamed.id}", headers=api_token(team.outsider)
    )
    assert outsider.status_code == 200 and outsider.get_json()["note"] == ""

    inside = anonymous(app).get(f"/api/v1/versions/{renamed.id}", headers=api_token(team.member))
    assert inside.status_code == 200 and inside.get_json()["note"] == NOTE
