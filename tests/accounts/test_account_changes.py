"""Changing password, e-mail address and name from the account page."""

from __future__ import annotations

import pytest

from consult.accounts.models import User
from consult.extensions import db
from tests import factories
from tests.accounts.conftest import (
    age_links,
    assert_inline_error,
    flashes,
    is_logged_in,
    links,
    log_in,
    logged_in_client,
    parse_fields,
    sessions_of,
    user_by_email,
)
from tests.organisations.support import text_of

NEW_PASSWORD = "another fine passphrase"


@pytest.fixture
def user(db):
    return factories.make_user(email="person@example.org", name="Pat Person")


def _change_password(client, current=factories.PASSWORD, new=NEW_PASSWORD):
    return client.post("/account/password", data={"current_password": current, "password": new})


def _change_email(client, email, password=factories.PASSWORD):
    return client.post("/account/email", data={"email": email, "current_password": password})


# --- password -------------------------------------------------------------------------------


def test_change_password_refuses_a_wrong_current_password(make_client, user):
    browser = logged_in_client(make_client, user)
    before = user.password_hash
    response = _change_password(browser, current="not my password at all")
    assert response.status_code == 422
    assert_inline_error(response.text, "password-current", "Your current password is not right.")
    assert user_by_email(user.email).password_hash == before
    assert factories.emails_to(user.email) == []


def test_change_password_keeps_this_browser_and_logs_out_the_others(make_client, user):
    here = logged_in_client(make_client, user)
    elsewhere = logged_in_client(make_client, user)

    response = _change_password(here)
    assert response.status_code == 302
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert len(sessions_of(user)) == 1

    assert log_in(make_client(), user.email, NEW_PASSWORD).status_code == 302
    assert log_in(make_client(), user.email, factories.PASSWORD).status_code == 200


def test_change_password_sends_a_notification_email(make_client, user):
    _change_password(logged_in_client(make_client, user))
    [message] = factories.emails_to(user.email)
    assert "password was changed" in message.subject
    assert NEW_PASSWORD not in message.body and factories.PASSWORD not in message.body


def test_change_password_spends_reset_links_sent_before(make_client, client, user):
    client.post("/password/forgot", data={"email": user.email})
    reset_link = factories.link_in_last_email(user.email, "/password/reset/")
    _change_password(logged_in_client(make_client, user))
    response = client.post(
        reset_link, data={"password": "attacker password", "confirm": "attacker password"}
    )
    assert response.status_code == 302
    assert log_in(make_client(), user.email, "attacker password").status_code == 200
    assert log_in(make_client(), user.email, NEW_PASSWORD).status_code == 302


# --- e-mail address -------------------------------------------------------------------------


def test_change_email_sends_a_link_to_the_new_address_and_changes_only_when_followed(
    make_client, user
):
    here = logged_in_client(make_client, user)
    elsewhere = logged_in_client(make_client, user)

    response = _change_email(here, "New.Address@Example.org")
    assert response.status_code == 302
    assert user_by_email("person@example.org") is not None  # not yet changed
    assert factories.emails_to("person@example.org") == []
    link = factories.link_in_last_email("new.address@example.org", "/account/email/confirm/")

    assert here.get(link).status_code == 200  # opening the link changes nothing
    assert user_by_email("new.address@example.org") is None

    confirmed = here.post(link)
    assert confirmed.status_code == 302
    changed = db.session.get(User, user.id)
    assert changed.email == "new.address@example.org" and changed.is_confirmed
    [notice] = factories.emails_to("person@example.org")
    assert "e-mail address was changed" in notice.subject

    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)
    assert log_in(make_client(), "new.address@example.org").status_code == 302
    assert log_in(make_client(), "person@example.org").status_code == 200


def test_change_email_link_followed_in_another_browser_ends_every_session(make_client, user):
    here = logged_in_client(make_client, user)
    _change_email(here, "new@example.org")
    link = factories.link_in_last_email("new@example.org", "/account/email/confirm/")
    assert make_client().post(link).status_code == 302
    assert user_by_email("new@example.org") is not None
    assert not is_logged_in(here)


def test_change_email_refuses_a_wrong_password(make_client, user):
    browser = logged_in_client(make_client, user)
    response = _change_email(browser, "new@example.org", password="not my password at all")
    assert response.status_code == 422
    assert_inline_error(
        response.text, "email-current-password", "Your current password is not right."
    )
    assert parse_fields(response.text).inputs["email-new"].get("aria-invalid") is None
    assert factories.emails_to("new@example.org") == []
    assert links("change_email") == []


def test_change_email_to_a_taken_address_does_not_reveal_it(make_client, user):
    factories.make_user(email="taken@example.org")
    browser = logged_in_client(make_client, user)

    free = _change_email(browser, "free@example.org")
    taken = _change_email(browser, "taken@example.org")
    assert (free.status_code, free.headers.get("Location")) == (
        taken.status_code,
        taken.headers.get("Location"),
    )
    page = browser.get("/account").text
    assert (
        flashes(page)
        == ["We have sent a link to the new address. Your address changes when you follow it."] * 2
    )
    assert factories.emails_to("taken@example.org") == []
    assert [link.new_email for link in links("change_email")] == ["free@example.org"]


def test_change_email_link_for_an_address_taken_meanwhile_fails_cleanly(make_client, user):
    browser = logged_in_client(make_client, user)
    _change_email(browser, "new@example.org")
    link = factories.link_in_last_email("new@example.org", "/account/email/confirm/")
    factories.make_user(email="new@example.org")

    response = browser.post(link, follow_redirects=True)
    assert response.status_code == 200
    assert "That address now belongs to another account." in flashes(response.text)
    assert db.session.get(User, user.id).email == "person@example.org"
    assert is_logged_in(browser)


def test_change_email_link_expires_and_works_once(make_client, user):
    browser = logged_in_client(make_client, user)
    _change_email(browser, "new@example.org")
    link = factories.link_in_last_email("new@example.org", "/account/email/confirm/")
    age_links("change_email", seconds=1)
    expired = browser.post(link, follow_redirects=True)
    assert "This link has expired. Ask for a new one." in flashes(expired.text)
    assert db.session.get(User, user.id).email == "person@example.org"

    _change_email(browser, "newer@example.org")
    link = factories.link_in_last_email("newer@example.org", "/account/email/confirm/")
    assert browser.post(link).status_code == 302
    reused = browser.post(link, follow_redirects=True)
    assert "This link is not valid or has already been used." in flashes(reused.text)


def test_change_email_to_the_same_address_is_explained(make_client, user):
    browser = logged_in_client(make_client, user)
    response = _change_email(browser, "Person@Example.org")
    assert response.status_code == 422
    assert_inline_error(response.text, "email-new", "That is already your e-mail address.")


def test_change_email_spends_reset_links_sent_to_the_old_address(make_client, client, user):
    client.post("/password/forgot", data={"email": user.email})
    reset_link = factories.link_in_last_email(user.email, "/password/reset/")
    browser = logged_in_client(make_client, user)
    _change_email(browser, "new@example.org")
    browser.post(factories.link_in_last_email("new@example.org", "/account/email/confirm/"))

    client.post(reset_link, data={"password": "attacker password", "confirm": "attacker password"})
    assert log_in(make_client(), "new@example.org", "attacker password").status_code == 200


# --- name -----------------------------------------------------------------------------------


def test_name_can_be_changed_and_is_trimmed(make_client, user):
    browser = logged_in_client(make_client, user)
    assert browser.post("/account/profile", data={"name": "  Pat Q. Person "}).status_code == 302
    assert db.session.get(User, user.id).name == "Pat Q. Person"


@pytest.mark.parametrize("name", ["", "   ", "Pat\x00Person", "Pat\x1b[31mPerson", "x" * 121])
def test_invalid_names_are_refused_inline(make_client, user, name):
    browser = logged_in_client(make_client, user)
    response = browser.post("/account/profile", data={"name": name})
    assert response.status_code == 422
    assert_inline_error(response.text, "profile-name", "")
    assert db.session.get(User, user.id).name == "Pat Person"


def test_account_pages_need_login_even_for_posts(client, user):
    for path, data in [
        ("/account/password", {"current_password": factories.PASSWORD, "password": NEW_PASSWORD}),
        ("/account/email", {"email": "x@example.org", "current_password": factories.PASSWORD}),
        ("/account/profile", {"name": "Changed"}),
        ("/account/tokens", {"name": "sneaky"}),
        ("/account/sessions/end-others", {}),
    ]:
        response = client.post(path, data=data)
        assert response.status_code == 302, path
        assert response.headers["Location"].startswith("/login"), path
    unchanged = db.session.get(User, user.id)
    assert unchanged.name == "Pat Person" and unchanged.password_hash == user.password_hash
    assert factories.emails_to("x@example.org") == []


def test_log_out_everywhere_else_keeps_only_this_browser(make_client, user):
    here = logged_in_client(make_client, user)
    elsewhere = logged_in_client(make_client, user)
    page = here.get("/account").text
    assert "Log out everywhere else" in page and "This browser" in page
    assert here.post("/account/sessions/end-others").status_code == 302
    assert is_logged_in(here)
    assert not is_logged_in(elsewhere)


def test_account_page_fields_have_unique_ids(make_client, user):
    """Four forms share the page; duplicate ids would tie labels and errors to the wrong field."""
    import re

    page = logged_in_client(make_client, user).get("/account").text
    ids = re.findall(r'\bid="([^"]+)"', page)
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)


def test_failed_email_change_confirmation_commits_nothing_even_when_activity_is_noted(
    make_client, user
):
    """The session loader commits when it notes activity; a refused link must not be spent
    (or anything else half-done kept) by that commit."""
    from datetime import timedelta

    from consult.timeutil import utcnow

    browser = logged_in_client(make_client, user)
    _change_email(browser, "new@example.org")
    link = factories.link_in_last_email("new@example.org", "/account/email/confirm/")
    factories.make_user(email="new@example.org")
    for row in sessions_of(user):
        row.last_seen_at = utcnow() - timedelta(minutes=5)
    db.session.commit()

    response = browser.post(link)
    assert response.status_code == 302
    assert [row.used_at for row in links("change_email")] == [None]
    assert db.session.get(User, user.id).email == "person@example.org"


ANDROID_CHROME = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36"
)
MAC_FIREFOX = "Mozilla/5.0 (Macintosh; Intel Mac OS X 14.5; rv:133.0) Gecko/20100101 Firefox/133.0"


def test_sessions_are_listed_by_device_with_when_and_roughly_where_they_were_used(
    make_client, user
):
    def browser(remote_addr: str, agent: str):
        client = make_client(remote_addr)
        client.environ_base["HTTP_USER_AGENT"] = agent
        return logged_in_client(lambda: client, user)

    here = browser("203.0.113.7", MAC_FIREFOX)
    browser("203.0.113.7", ANDROID_CHROME)  # the same home network
    browser("198.51.100.20", ANDROID_CHROME)  # somewhere else

    page = text_of(here.get("/account").text)
    listed = page.split("Where you are logged in")[1].split("Log out everywhere else")[0]

    assert listed.index("Firefox on Mac") < listed.index("Chrome on Android")
    assert "Firefox on Mac This browser In use now" in listed
    assert listed.count("Chrome on Android") == 2
    assert "Last used just now, on this network" in listed
    assert "Last used just now, on another network" in listed
    assert listed.count("logged in ") == 3
    assert "Mozilla" not in listed and "203.0.113.7" not in listed
