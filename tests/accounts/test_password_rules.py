"""Password length rules: long inputs are refused before any hashing work; short ones get an
error tied to the field for screen readers."""

from __future__ import annotations

import pytest

from consult.accounts import services
from consult.demo import DEMO_PASSWORD
from tests import factories
from tests.accounts.conftest import (
    assert_inline_error,
    log_in,
    logged_in_client,
    sign_up,
    user_by_email,
)

TOO_LONG = "p" * 257
LONGEST = "q" * 256


class CountingHasher:
    """Wraps the real hasher and counts the expensive calls."""

    def __init__(self, real) -> None:
        self.real = real
        self.hashed: list[int] = []
        self.verified: list[int] = []

    def hash(self, password, **kwargs):
        self.hashed.append(len(password))
        return self.real.hash(password, **kwargs)

    def verify(self, password_hash, password):
        self.verified.append(len(password))
        return self.real.verify(password_hash, password)

    def check_needs_rehash(self, password_hash):
        return self.real.check_needs_rehash(password_hash)


@pytest.fixture
def hasher(monkeypatch):
    counting = CountingHasher(services._HASHERS["test"])
    monkeypatch.setitem(services._HASHERS, "test", counting)
    return counting


def test_sign_up_refuses_an_over_long_password_without_hashing_it(client, hasher):
    response = sign_up(client, "long@example.org", password=TOO_LONG)
    assert response.status_code in (200, 422)
    assert_inline_error(response.text, "password", "Use between 10 and 256 characters.")
    assert user_by_email("long@example.org") is None
    assert hasher.hashed == []


def test_sign_up_accepts_a_password_of_exactly_256_characters(client, hasher):
    assert sign_up(client, "longest@example.org", password=LONGEST).status_code == 302
    assert hasher.hashed == [256]


def test_login_with_an_over_long_password_fails_without_hashing(client, db, hasher):
    user = factories.make_user()
    hasher.hashed.clear()
    response = log_in(client, user.email, TOO_LONG)
    assert response.status_code == 200
    assert hasher.verified == [] and hasher.hashed == []


def test_service_refuses_over_long_passwords_even_without_the_form(db, hasher):
    user = factories.make_user()
    hasher.hashed.clear()
    assert services.verify_password(user, TOO_LONG) is False
    with pytest.raises(services.AccountError):
        services.hash_password(TOO_LONG)
    assert hasher.verified == [] and hasher.hashed == []


def test_change_and_reset_refuse_over_long_new_passwords_before_hashing(
    client, make_client, db, hasher
):
    user = factories.make_user(email="person@example.org")
    browser = logged_in_client(make_client, user)
    hasher.hashed.clear()
    hasher.verified.clear()
    response = browser.post(
        "/account/password", data={"current_password": factories.PASSWORD, "password": TOO_LONG}
    )
    assert response.status_code == 422
    assert_inline_error(response.text, "password-new", "Use between 10 and 256 characters.")

    client.post("/password/forgot", data={"email": user.email})
    link = factories.link_in_last_email(user.email, "/password/reset/")
    response = client.post(link, data={"password": TOO_LONG, "confirm": TOO_LONG})
    assert response.status_code in (200, 422)
    assert_inline_error(response.text, "password", "Use between 10 and 256 characters.")
    assert hasher.hashed == [] and hasher.verified == []
    assert log_in(make_client(), user.email).status_code == 302


@pytest.mark.parametrize("password", ["", "short", "nine char"])
def test_sign_up_refuses_a_short_password_with_an_error_tied_to_the_field(client, password):
    response = sign_up(client, "short@example.org", password=password)
    assert response.status_code in (200, 422)
    message = "Choose a password." if not password else "Use between 10 and 256 characters."
    assert_inline_error(response.text, "password", message)
    # The hint stays linked too, and the error summary points at the field.
    described_by = response.text.split('id="password"')[0]  # the input comes after both
    assert 'id="password-hint"' in described_by and 'id="password-error"' in described_by
    assert 'href="#password"' in response.text
    assert user_by_email("short@example.org") is None


def test_change_password_refuses_a_short_new_password_inline(make_client, db):
    user = factories.make_user()
    browser = logged_in_client(make_client, user)
    response = browser.post(
        "/account/password", data={"current_password": factories.PASSWORD, "password": "tiny"}
    )
    assert response.status_code == 422
    assert_inline_error(response.text, "password-new", "Use between 10 and 256 characters.")


# --- leaked and common passwords (NIST SP 800-63B) ---------------------------------------

COMMON = ["password123", "Password123", "qwertyuiop", "1234567890", "iloveyou12"]


@pytest.mark.parametrize("password", COMMON)
def test_sign_up_refuses_a_common_password_with_an_error_tied_to_the_field(client, password):
    response = sign_up(client, "common@example.org", password=password)
    assert response.status_code in (200, 422)
    assert_inline_error(response.text, "password", "lists of leaked or much-used passwords")
    assert user_by_email("common@example.org") is None


def test_change_password_refuses_a_common_password_inline(make_client, db):
    user = factories.make_user()
    browser = logged_in_client(make_client, user)
    response = browser.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "password123"},
    )
    assert response.status_code == 422
    assert_inline_error(response.text, "password-new", "lists of leaked or much-used passwords")
    assert log_in(make_client(), user.email).status_code == 302  # the old one still works


def test_reset_refuses_a_common_password_and_keeps_the_link_usable(client, make_client, db):
    user = factories.make_user()
    client.post("/password/forgot", data={"email": user.email})
    link = factories.link_in_last_email(user.email, "/password/reset/")

    refused = client.post(link, data={"password": "password123", "confirm": "password123"})
    assert refused.status_code in (200, 422)
    assert_inline_error(refused.text, "password", "lists of leaked or much-used passwords")

    fine = "a sturdy new passphrase"
    assert client.post(link, data={"password": fine, "confirm": fine}).status_code == 302
    assert log_in(make_client(), user.email, fine).status_code == 302


def test_the_command_line_refuses_a_common_password(app, db):
    result = app.test_cli_runner().invoke(
        args=[
            "users",
            "create",
            "--email",
            "cli@example.org",
            "--name",
            "C",
            "--password",
            "password123",
        ]
    )
    assert result.exit_code != 0
    assert "lists of leaked or much-used passwords" in result.output
    assert user_by_email("cli@example.org") is None


def test_the_service_refuses_common_passwords_whatever_calls_it(db):
    with pytest.raises(services.AccountError, match="leaked or much-used"):
        services.hash_password("PASSWORD123")


@pytest.mark.parametrize(
    "password",
    [factories.PASSWORD, DEMO_PASSWORD, "a new good password", "three unrelated words"],
)
def test_good_passwords_and_the_published_demo_and_test_passwords_pass(password):
    assert not services.is_common_password(password)


def test_the_shipped_list_is_large():
    """A well-known list of leaked passwords, not a handful: spot checks across it."""
    samples = ["1q2w3e4r5t", "qwerty123456", "football123", "princess12", "abc1234567"]
    assert all(services.is_common_password(sample) for sample in samples)
