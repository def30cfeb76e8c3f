"""The signing page: who may see it, the consent statement and its two separate, unticked
boxes, signing as a member, signing as a member of the public (always the same answer), the
form's stamp, rate limits and the form with CSRF protection on. The checks against robots
have their own file, test_robot_checks.py."""

from __future__ import annotations

import re

import pytest

from consult.config import build_config
from consult.extensions import db
from consult.organisations.services import membership_of
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import Signature, Version
from tests.conftest import csrf_token_from
from tests.factories import PASSWORD
from tests.organisations.support import location_path
from tests.signing.pages_support import (
    anonymous,
    browsers_for,
    checkbox,
    confirmed,
    consent_records,
    fresh,
    hidden_value,
    link,
    logged_in,
    mail_count,
    make_version,
    member_form,
    partner_token,
    public_form,
    signatures,
    stamp,
    text_of,
)


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


# --- who sees the signing page --------------------------------------------------------------


def test_anyone_sees_a_version_open_for_public_signing(team, app):
    version = make_version(team, public=True)
    reply = anonymous(app).get(f"/sign/{version.id}")
    assert reply.status_code == 200
    assert reply.headers["Cache-Control"] == "no-store"
    page = reply.get_data(as_text=True)
    text = text_of(page)
    assert "Our response" in text and "Northtown Residents" in text
    assert version.sha256 in page
    assert "<strong>protect</strong>" in page  # the summary, rendered from the frozen text
    assert "Read the rest of the text" in text and "<details" in page
    assert "0 confirmed" in text or "0 confirmed signatures" in text


@pytest.mark.parametrize("page_of", ["signing", "partner"])
def test_the_summary_is_shown_once_and_the_rest_behind_a_disclosure(team, app, page_of):
    version = make_version(team, public=True)
    path = f"/sign/{version.id}"
    if page_of == "partner":
        path += f"/partner/{partner_token(app, version)}"
    page = logged_in(app, team.outsider).get(path).get_data(as_text=True)
    assert page.count("<strong>protect</strong>") == 1  # the summary's words, once
    rest = page[page.index("Read the rest of the text") :]
    assert "<strong>protect</strong>" not in rest
    assert "Live facial recognition needs prior judicial authorisation." in rest


@pytest.mark.parametrize("public", [False, None])
def test_other_versions_ask_anonymous_visitors_to_log_in_and_hide_from_outsiders(
    team, browsers, public
):
    version = make_version(team, public=public)
    reply = browsers("anonymous").get(f"/sign/{version.id}")
    assert reply.status_code == 302 and location_path(reply) == "/login"
    assert browsers("outsider").get(f"/sign/{version.id}").status_code == 404
    assert browsers("member").get(f"/sign/{version.id}").status_code == 200


def test_a_missing_version_looks_like_any_other_hidden_one(team, browsers):
    reply = browsers("anonymous").get("/sign/987654")
    assert reply.status_code == 302 and location_path(reply) == "/login"
    assert browsers("member").get("/sign/987654").status_code == 404


def test_a_version_not_yet_open_tells_members_so_without_a_form(team, browsers):
    version = make_version(team, public=None)
    page = browsers("member").get(f"/sign/{version.id}").get_data(as_text=True)
    assert "not open for signing yet" in text_of(page)
    assert f'action="/sign/{version.id}/member"' not in page


def test_public_form_submissions_to_a_members_only_or_closed_version_are_404(team, app):
    members_only = make_version(team, public=False)
    client = anonymous(app)
    form = public_form(app, members_only.id, "a@example.org")
    assert client.post(f"/sign/{members_only.id}", data=form).status_code == 404
    assert signatures(members_only.id) == []


# --- the consent statement ------------------------------------------------------------------


def test_the_consent_statement_is_shown_in_full_beside_a_required_unticked_box(team, app):
    version = make_version(team, public=True)
    page = anonymous(app).get(f"/sign/{version.id}").get_data(as_text=True)
    statement = consent.statement(
        "Northtown Residents", version.response.consultation.title, consent.CURRENT_VERSION
    )
    assert statement in text_of(page)
    assert "Northtown Residents" in statement and "political opinion" in statement
    agree = checkbox(page, "consent")
    publish = checkbox(page, "publish")
    assert "checked" not in agree and "checked" not in publish
    assert 'aria-describedby="consent-statement"' in agree
    assert re.search(r'<label for="consent">I agree</label>', page)
    assert re.search(
        r'<label for="publish">Publish my name and affiliation with the response</label>', page
    )
    # Two separate groups: consent, and (optional) publication.
    assert (
        page.index("Your consent")
        < page.index('name="consent"')
        < page.index("Publishing your name")
        < page.index('name="publish"')
    )
    assert hidden_value(page, "statement_version") == consent.CURRENT_VERSION


# --- member signatures ----------------------------------------------------------------------


def test_a_member_must_tick_i_agree_and_nothing_is_recorded_without_it(team, browsers):
    version = make_version(team, public=False)
    reply = browsers("member").post(
        f"/sign/{version.id}/member", data=member_form(consent=None, display_name="Mo M.")
    )
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "Tick “I agree”" in text_of(page)
    assert 'id="consent-error"' in page and 'aria-invalid="true"' in checkbox(page, "consent")
    assert 'value="Mo M."' in page  # the person's input is kept
    assert signatures(version.id) == []


def test_a_member_signs_once_confirmed_at_once_and_unpublished_by_default(team, browsers):
    version = make_version(team, public=False)
    browser = browsers("member")
    reply = browser.post(
        f"/sign/{version.id}/member",
        data=member_form(display_name="Mo Member", affiliation="Tenant rep"),
    )
    assert reply.status_code == 302 and location_path(reply) == f"/sign/{version.id}"
    [signature] = signatures(version.id)
    assert (signature.kind, signature.status) == ("member", "confirmed")
    assert signature.consent_public is False
    assert signature.affiliation == "Tenant rep"
    assert [r.action for r in consent_records(signature.id)] == ["given"]
    page = browser.get(f"/sign/{version.id}").get_data(as_text=True)
    text = text_of(page)
    assert "You signed this version on" in text
    assert "you are counted, not listed" in text
    assert f'action="/signatures/{signature.id}/withdraw"' in page
    assert "Mo Member" not in text_of(page[page.index("Who has signed") :])
    # signing again (a double click) changes nothing
    browser.post(f"/sign/{version.id}/member", data=member_form())
    assert len(signatures(version.id)) == 1
    assert confirmed(version.id) == 1


def test_a_member_who_publishes_is_listed(team, browsers):
    version = make_version(team, public=False)
    browsers("member").post(
        f"/sign/{version.id}/member",
        data=member_form(display_name="Mo Member", affiliation="Tenant rep", publish="y"),
    )
    page = browsers("editor").get(f"/sign/{version.id}").get_data(as_text=True)
    assert "Mo Member · Tenant rep" in text_of(page[page.index("Who has signed") :])


def test_a_stale_statement_is_refused_and_the_box_must_be_ticked_again(team, browsers):
    version = make_version(team, public=False)
    reply = browsers("member").post(
        f"/sign/{version.id}/member", data=member_form(statement_version="2020-01")
    )
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "consent statement has changed" in text_of(page)
    assert "checked" not in checkbox(page, "consent")
    assert hidden_value(page, "statement_version") == consent.CURRENT_VERSION
    assert signatures(version.id) == []


def test_the_member_withdraws_from_the_signing_page(team, browsers):
    version = make_version(team, public=False)
    browser = browsers("member")
    browser.post(f"/sign/{version.id}/member", data=member_form())
    [signature] = signatures(version.id)
    assert browsers("editor").post(f"/signatures/{signature.id}/withdraw").status_code == 404
    reply = browser.post(f"/signatures/{signature.id}/withdraw")
    assert reply.status_code == 302 and location_path(reply) == f"/sign/{version.id}"
    assert fresh(Signature, signature.id).status == "withdrawn"
    assert confirmed(version.id) == 0
    assert "is withdrawn" in text_of(browser.get(f"/sign/{version.id}").get_data(as_text=True))


def test_a_logged_in_non_member_signs_a_public_version_from_their_account(team, browsers):
    version = make_version(team, public=True)
    page = browsers("outsider").get(f"/sign/{version.id}").get_data(as_text=True)
    assert f'action="/sign/{version.id}/member"' in page
    reply = browsers("outsider").post(f"/sign/{version.id}/member", data=member_form())
    assert reply.status_code == 302
    assert confirmed(version.id) == 1


def test_a_member_form_for_someone_else_s_members_only_version_is_404(team, browsers):
    version = make_version(team, public=False)
    assert (
        browsers("outsider").post(f"/sign/{version.id}/member", data=member_form()).status_code
        == 404
    )
    assert signatures(version.id) == []


# --- public signatures ----------------------------------------------------------------------


def test_consent_is_required_from_the_public_with_an_inline_error(team, app):
    version = make_version(team, public=True)
    reply = anonymous(app).post(
        f"/sign/{version.id}", data=public_form(app, version.id, "pat@example.org", consent=None)
    )
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "Tick “I agree”" in text_of(page)
    assert 'href="#consent"' in page  # the error summary links to the box
    assert signatures(version.id) == []
    assert mail_count("pat@example.org") == 0


def test_a_public_signature_is_pending_until_confirmed_and_unpublished_by_default(team, app):
    version = make_version(team, public=True)
    reply = anonymous(app).post(
        f"/sign/{version.id}", data=public_form(app, version.id, " Pat@Example.org ")
    )
    assert reply.status_code == 302
    assert location_path(reply) == f"/sign/{version.id}/sent"
    [signature] = signatures(version.id)
    assert (signature.kind, signature.status) == ("public", "pending")
    assert signature.email == "pat@example.org" and signature.consent_public is False
    assert confirmed(version.id) == 0
    assert mail_count("pat@example.org") == 1


def the_answer(client, app, version_id: int, email: str, name: str = "Sam Signer"):
    reply = client.post(f"/sign/{version_id}", data=public_form(app, version_id, email, name=name))
    page = client.get(reply.headers["Location"])
    return (
        reply.status_code,
        reply.headers["Location"],
        page.status_code,
        page.get_data(as_text=True),
    )


def test_new_repeat_and_confirmed_addresses_get_exactly_the_same_answer(team, app):
    version = make_version(team, public=True)
    client = anonymous(app)
    new = the_answer(client, app, version.id, "pat@example.org")
    repeat = the_answer(anonymous(app), app, version.id, "PAT@example.org ")
    client.post(link("pat@example.org", "confirm"))
    assert confirmed(version.id) == 1
    already = the_answer(anonymous(app), app, version.id, "pat@example.org", name="Someone Else")
    assert new == repeat == already
    assert "Check your e-mail" in text_of(new[3])
    assert len(signatures(version.id)) == 1
    assert confirmed(version.id) == 1
    assert signatures(version.id)[0].name == "Sam Signer"  # not overwritten by the third
    assert mail_count("pat@example.org") == 3  # the owner of the address is told each time


def test_the_sent_page_exists_only_for_public_versions(team, app):
    members_only = make_version(team, public=False)
    assert anonymous(app).get(f"/sign/{members_only.id}/sent").status_code == 404
    assert anonymous(app).get("/sign/999999/sent").status_code == 404


@pytest.mark.parametrize(("value", "seconds"), [(None, 3.0), ("", 3.0), ("1.5", 1.5)])
def test_the_minimum_fill_time_comes_from_the_environment(tmp_path, value, seconds):
    environ = {} if value is None else {"SIGNING_MIN_FILL_SECONDS": value}
    assert build_config(str(tmp_path), environ)["SIGNING_MIN_FILL_SECONDS"] == seconds


def test_a_page_left_open_for_days_is_drawn_again_rather_than_refused_silently(team, app):
    version = make_version(team, public=True)
    old = stamp(app, version.id, seconds_ago=3 * 24 * 3600)
    reply = anonymous(app).post(
        f"/sign/{version.id}", data=public_form(app, version.id, "slow@example.org", started=old)
    )
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "open for a long time" in text_of(page)
    assert hidden_value(page, "started") != old
    assert signatures(version.id) == []


def test_the_page_gives_a_fresh_stamp_and_a_hidden_trap(team, app):
    version = make_version(team, public=True)
    page = anonymous(app).get(f"/sign/{version.id}").get_data(as_text=True)
    assert hidden_value(page, "started")
    trap = re.search(r'<div class="sign-trap" aria-hidden="true">(.*?)</div>', page, re.S)
    assert trap, "no honeypot"
    assert "Leave this empty" in trap.group(1)
    assert 'tabindex="-1"' in trap.group(1) and 'name="website"' in trap.group(1)


def test_a_stale_public_statement_is_refused_with_a_clear_message(team, app):
    version = make_version(team, public=True)
    reply = anonymous(app).post(
        f"/sign/{version.id}",
        data=public_form(app, version.id, "pat@example.org", statement_version="2020-01"),
    )
    assert reply.status_code == 422
    page = reply.get_data(as_text=True)
    assert "The consent statement has changed" in text_of(page)
    assert "checked" not in checkbox(page, "consent")
    assert signatures(version.id) == []


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"name": "   "}, "Enter your name."),
        ({"email": "not-an-address"}, "Enter an e-mail address like name@example.org."),
        ({"name": "x" * 201}, "Use at most 200 characters."),
        ({"name": "Sam\u202eSigner"}, "invisible control characters"),
    ],
)
def test_bad_details_come_back_inline_and_nothing_is_recorded(team, app, fields, message):
    version = make_version(team, public=True)
    reply = anonymous(app).post(
        f"/sign/{version.id}",
        data=public_form(app, version.id, **{"email": "pat@example.org", **fields}),
    )
    assert reply.status_code == 422
    assert message in text_of(reply.get_data(as_text=True))
    assert signatures(version.id) == []


# --- rate limits ----------------------------------------------------------------------------


def test_one_address_is_limited_to_five_submissions_an_hour_from_any_client(team, app):
    version = make_version(team, public=True)
    for number in range(5):
        client = anonymous(app, remote_addr=f"10.0.0.{number + 1}")
        reply = client.post(
            f"/sign/{version.id}", data=public_form(app, version.id, "p@example.org")
        )
        assert reply.status_code == 302
    reply = anonymous(app, remote_addr="10.0.0.99").post(
        f"/sign/{version.id}", data=public_form(app, version.id, " P@EXAMPLE.org")
    )
    assert reply.status_code == 429
    assert int(reply.headers["Retry-After"]) > 0
    assert mail_count("p@example.org") == 5


def test_one_client_is_limited_to_thirty_submissions_a_minute(team, app):
    version = make_version(team, public=True)
    client = anonymous(app, remote_addr="10.1.1.1")
    for number in range(30):
        reply = client.post(
            f"/sign/{version.id}", data=public_form(app, version.id, f"p{number}@example.org")
        )
        assert reply.status_code == 302, number
    reply = client.post(
        f"/sign/{version.id}", data=public_form(app, version.id, "late@example.org")
    )
    assert reply.status_code == 429
    assert reply.headers["Retry-After"]
    assert "Too many attempts" in text_of(reply.get_data(as_text=True))
    assert mail_count("late@example.org") == 0
    # another client is not affected
    other = anonymous(app, remote_addr="10.1.1.2")
    assert (
        other.post(
            f"/sign/{version.id}", data=public_form(app, version.id, "late@example.org")
        ).status_code
        == 302
    )


# --- with CSRF protection on, as in production -------------------------------------------------


def test_the_real_public_form_works_with_csrf_on_and_fails_without_the_token(team, app, csrf_on):
    version = make_version(team, public=True)
    client = anonymous(app)
    page = client.get(f"/sign/{version.id}").get_data(as_text=True)
    token = csrf_token_from(page)
    form = public_form(app, version.id, "pat@example.org")
    assert client.post(f"/sign/{version.id}", data=form).status_code == 400  # form expired
    assert signatures(version.id) == []
    reply = client.post(f"/sign/{version.id}", data={**form, "csrf_token": token})
    assert reply.status_code == 302
    assert len(signatures(version.id)) == 1


def test_a_member_signs_with_csrf_on(team, app, csrf_on):
    version = make_version(team, public=False)
    client = anonymous(app)
    login_page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "email": team.member.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(login_page),
        },
    )
    page = client.get(f"/sign/{version.id}").get_data(as_text=True)
    reply = client.post(
        f"/sign/{version.id}/member", data={**member_form(), "csrf_token": csrf_token_from(page)}
    )
    assert reply.status_code == 302
    assert confirmed(version.id) == 1


def test_signing_a_closed_version_is_refused(team, browsers):
    version = make_version(team, public=False)
    signing.close_signing(
        membership_of(team.coordinator, team.organisation), db.session.get(Version, version.id)
    )
    db.session.commit()
    page = browsers("member").get(f"/sign/{version.id}").get_data(as_text=True)
    assert "Signing of this version is closed." in text_of(page)
    reply = browsers("member").post(f"/sign/{version.id}/member", data=member_form())
    assert reply.status_code == 422
    assert "Signing is closed" in text_of(reply.get_data(as_text=True))
    assert signatures(version.id) == []
