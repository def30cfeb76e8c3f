"""Sign-up, the confirmation e-mail and its single-use link."""

from __future__ import annotations

from consult.accounts.models import User
from consult.extensions import db
from tests import factories
from tests.accounts.conftest import (
    age_links,
    flashes,
    is_logged_in,
    links,
    log_in,
    sign_up,
    user_by_email,
)

EMAIL = "new.person@example.org"


def confirmation_link(email: str = EMAIL) -> str:
    return factories.link_in_last_email(email, "/confirm/")


def test_sign_up_emails_a_link_that_confirms_on_post_and_then_login_works(client):
    response = sign_up(client, "New.Person@Example.org", name="New Person")
    assert response.status_code == 302
    assert response.headers["Location"] == "/signup/check-your-email"
    page = client.get("/signup/check-your-email").get_data(as_text=True)
    assert "Check your e-mail" in page and EMAIL in page

    user = user_by_email(EMAIL)
    assert user is not None and user.name == "New Person"
    assert not user.is_confirmed
    [message] = factories.emails_to(EMAIL)
    assert "Confirm your e-mail address" in message.subject

    link = confirmation_link()
    shown = client.get(link)
    assert shown.status_code == 200
    assert '<form method="post"' in shown.get_data(as_text=True)
    assert "Confirm my address" in shown.get_data(as_text=True)
    assert not user_by_email(EMAIL).is_confirmed  # opening the link changes nothing

    confirmed = client.post(link)
    assert confirmed.status_code == 302
    assert confirmed.headers["Location"].startswith("/login")
    assert user_by_email(EMAIL).is_confirmed

    assert log_in(client, EMAIL).status_code == 302
    assert is_logged_in(client)


def test_mail_scanners_opening_the_link_spend_nothing(client, make_client):
    sign_up(client, EMAIL)
    link = confirmation_link()
    scanner = make_client(remote_addr="192.0.2.9")
    for _ in range(3):
        assert scanner.get(link).status_code == 200
    assert scanner.head(link).status_code == 200
    [stored] = links("confirm_email")
    assert stored.used_at is None
    assert not user_by_email(EMAIL).is_confirmed
    assert client.post(link).status_code == 302
    assert user_by_email(EMAIL).is_confirmed


def test_unconfirmed_account_cannot_log_in_and_is_sent_a_fresh_link(client):
    sign_up(client, EMAIL)
    first_link = confirmation_link()

    response = log_in(client, EMAIL)
    assert response.status_code == 200
    assert any("confirm your e-mail address first" in f for f in flashes(response.text))
    assert not is_logged_in(client)

    messages = factories.emails_to(EMAIL)
    assert len(messages) == 2
    fresh_link = confirmation_link()
    assert fresh_link != first_link
    assert client.post(fresh_link).status_code == 302
    assert user_by_email(EMAIL).is_confirmed
    assert log_in(client, EMAIL).status_code == 302


def test_unconfirmed_account_with_wrong_password_gets_no_link_and_generic_message(client):
    sign_up(client, EMAIL)
    response = log_in(client, EMAIL, "not the password at all")
    assert response.status_code == 200
    assert "That e-mail and password do not match an account." in response.text
    assert "confirm your e-mail" not in response.text
    assert len(factories.emails_to(EMAIL)) == 1


def test_expired_confirmation_link_explains_and_confirms_nothing(client):
    sign_up(client, EMAIL)
    link = confirmation_link()
    age_links("confirm_email", minutes=1)

    response = client.post(link, follow_redirects=True)
    assert response.status_code == 200
    assert "This link has expired. Ask for a new one." in flashes(response.text)
    assert "Send the confirmation link again" in response.text
    assert not user_by_email(EMAIL).is_confirmed


def test_confirmation_link_works_only_once(client):
    sign_up(client, EMAIL)
    link = confirmation_link()
    assert client.post(link).status_code == 302

    again = client.post(link, follow_redirects=True)
    assert again.status_code == 200
    assert "This link is not valid or has already been used." in flashes(again.text)


def test_confirmation_link_lifetime_is_48_hours(client):
    sign_up(client, EMAIL)
    [link] = links("confirm_email")
    lifetime = link.expires_at - link.created_at
    assert 48 * 3600 - 5 < lifetime.total_seconds() <= 48 * 3600 + 5


def test_made_up_confirmation_token_gives_a_clear_message(client):
    response = client.post("/confirm/not-a-real-token", follow_redirects=True)
    assert response.status_code == 200
    assert "This link is not valid or has already been used." in flashes(response.text)


def test_confirmation_link_is_for_confirming_only(client, db):
    """A reset link's token cannot be spent on the confirmation page (purposes are separate)."""
    user = factories.make_user(confirmed=False)
    client.post("/password/forgot", data={"email": user.email})
    reset_path = factories.link_in_last_email(user.email, "/password/reset/")
    token = reset_path.rsplit("/", 1)[1]
    response = client.post(f"/confirm/{token}", follow_redirects=True)
    assert "This link is not valid or has already been used." in flashes(response.text)
    assert not db.session.get(User, user.id).is_confirmed


def test_signup_stores_a_strong_hash_not_the_password(client):
    sign_up(client, EMAIL, password="a very particular passphrase")
    user = user_by_email(EMAIL)
    assert user.password_hash.startswith("$argon2id$")
    assert "a very particular passphrase" not in user.password_hash


def test_signup_with_blank_name_is_refused(client):
    response = sign_up(client, EMAIL, name="    ")
    assert response.status_code in (200, 422)
    assert user_by_email(EMAIL) is None
    assert "Enter your name." in response.text
    assert db.session.scalar(db.select(db.func.count()).select_from(User)) == 0


def test_signup_trims_and_lowercases_the_address(client):
    sign_up(client, "  Mixed.Case@Example.ORG ")
    assert user_by_email("mixed.case@example.org") is not None
