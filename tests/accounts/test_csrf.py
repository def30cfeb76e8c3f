"""With CSRF protection on, as in production: a forged or stale form changes nothing."""

from __future__ import annotations

import pytest

from tests import factories
from tests.accounts.conftest import is_logged_in, user_by_email
from tests.conftest import csrf_token_from

NEW_PASSWORD = "a password chosen with care"


@pytest.fixture
def user(db):
    return factories.make_user(email="careful@example.org")


def _log_in_with_token(browser, user) -> None:
    token = csrf_token_from(browser.get("/login").text)
    response = browser.post(
        "/login", data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token}
    )
    assert response.status_code == 302


def test_login_without_a_csrf_token_is_refused_with_a_friendly_page(csrf_on, client, user):
    response = client.post("/login", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 400
    assert "This form has expired" in response.text
    assert not is_logged_in(client)


def test_change_password_needs_the_form_token(csrf_on, client, user):
    _log_in_with_token(client, user)
    before = user_by_email(user.email).password_hash

    forged = client.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": NEW_PASSWORD},
    )
    assert forged.status_code == 400
    assert "This form has expired" in forged.text
    assert "Nothing was saved" in forged.text
    assert user_by_email(user.email).password_hash == before
    assert factories.emails_to(user.email) == []

    wrong = client.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": NEW_PASSWORD,
            "csrf_token": "not-the-token",
        },
    )
    assert wrong.status_code == 400
    assert user_by_email(user.email).password_hash == before

    token = csrf_token_from(client.get("/account").text)
    response = client.post(
        "/account/password",
        data={
            "current_password": factories.PASSWORD,
            "password": NEW_PASSWORD,
            "csrf_token": token,
        },
    )
    assert response.status_code == 302
    assert user_by_email(user.email).password_hash != before


def test_logout_needs_the_form_token(csrf_on, client, user):
    _log_in_with_token(client, user)
    assert client.post("/logout").status_code == 400
    assert is_logged_in(client)
    token = csrf_token_from(client.get("/account").text)
    assert client.post("/logout", data={"csrf_token": token}).status_code == 302
    assert not is_logged_in(client)


def test_token_from_before_login_is_not_accepted_after_it(csrf_on, client, user):
    """Logging in starts a new session, so a form token planted before it is worthless."""
    planted = csrf_token_from(client.get("/login").text)
    _log_in_with_token(client, user)
    response = client.post("/account/profile", data={"name": "Hijacked", "csrf_token": planted})
    assert response.status_code == 400
    assert user_by_email(user.email).name != "Hijacked"
