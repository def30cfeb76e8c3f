"""Rate limits on the doors people knock on: log-in (per account and per client), sign-up,
password reset and confirmation e-mails."""

from __future__ import annotations

import pytest

from tests import factories
from tests.accounts.conftest import is_logged_in, log_in, logged_in_client, sign_up

PER_ACCOUNT = 10  # failed log-ins per account and client address per 15 minutes
PER_CLIENT = 30  # log-in attempts per client address per 15 minutes
PER_ACCOUNT_EVERYWHERE = 100  # failed log-ins per account from all addresses per hour
HOUR = 3600


def _assert_rate_limited(response, window_seconds: int = 15 * 60) -> None:
    assert response.status_code == 429
    retry_after = int(response.headers["Retry-After"])
    assert 0 < retry_after <= window_seconds
    assert "Too many attempts" in response.text


def test_failed_logins_for_one_account_are_limited_without_locking_out_others(make_client, db):
    target = factories.make_user(email="target@example.org")
    bystander = factories.make_user(email="bystander@example.org")
    attacker = make_client()
    for _ in range(PER_ACCOUNT):
        assert log_in(attacker, target.email, "guessing wrongly").status_code == 200
    _assert_rate_limited(log_in(attacker, target.email, "guessing again"))
    # Even the right password waits: the account is being guessed at.
    _assert_rate_limited(log_in(attacker, "Target@Example.org ", factories.PASSWORD))

    # Another account from the same client (an office behind one address) still gets in.
    assert log_in(attacker, bystander.email).status_code == 302
    assert is_logged_in(attacker)


def test_guessing_from_one_address_does_not_lock_the_owner_out_from_another(make_client, db):
    owner = factories.make_user(email="owner@example.org")
    attacker = make_client(remote_addr="198.51.100.7")
    for _ in range(PER_ACCOUNT):
        log_in(attacker, owner.email, "guessing wrongly")
    _assert_rate_limited(log_in(attacker, owner.email, factories.PASSWORD))

    at_home = make_client(remote_addr="203.0.113.5")
    assert log_in(at_home, owner.email).status_code == 302
    assert is_logged_in(at_home)


def _reset_password(browser, email: str, new_password: str) -> None:
    assert browser.post("/password/forgot", data={"email": email}).status_code == 302
    link = factories.link_in_last_email(email, "/password/reset/")
    form = {"password": new_password, "confirm": new_password}
    assert browser.post(link, data=form).status_code == 302


def test_guessing_from_many_addresses_is_capped_and_the_reset_link_lets_the_owner_in(
    make_client, db
):
    owner = factories.make_user(email="owner@example.org")
    attackers = [make_client(remote_addr=f"198.51.100.{number + 1}") for number in range(10)]
    for attacker in attackers:
        for _ in range(PER_ACCOUNT_EVERYWHERE // len(attackers)):
            assert log_in(attacker, owner.email, "guessing wrongly").status_code == 200
    at_home = make_client(remote_addr="203.0.113.5")
    response = log_in(at_home, owner.email)
    _assert_rate_limited(response, window_seconds=3600)
    assert "reset your password" in response.text  # the way back in is said on the page

    _reset_password(at_home, owner.email, "a fresh passphrase")

    assert log_in(at_home, owner.email, "a fresh passphrase").status_code == 302
    elsewhere = make_client(remote_addr="203.0.113.6")
    assert log_in(elsewhere, owner.email, "a fresh passphrase").status_code == 302
    # The addresses that guessed are still held back for this account.
    _assert_rate_limited(log_in(attackers[0], owner.email, "a fresh passphrase"))


def test_the_owner_who_mistyped_too_often_gets_back_in_through_the_reset_link(make_client, db):
    owner = factories.make_user(email="owner@example.org")
    browser = make_client()
    for _ in range(PER_ACCOUNT):
        log_in(browser, owner.email, "mistyped password")
    response = log_in(browser, owner.email)
    _assert_rate_limited(response)
    assert "reset your password" in response.text

    _reset_password(browser, owner.email, "a fresh passphrase")

    assert log_in(browser, owner.email, "a fresh passphrase").status_code == 302


def test_successful_logins_do_not_use_up_the_per_account_allowance(make_client, db):
    user = factories.make_user()
    for _ in range(PER_ACCOUNT + 2):
        browser = make_client()
        assert log_in(browser, user.email).status_code == 302


def test_one_client_guessing_many_accounts_is_limited_per_address(make_client, db):
    attacker = make_client(remote_addr="198.51.100.7")
    for number in range(PER_CLIENT):
        response = log_in(attacker, f"guess{number}@example.org", "guessing wrongly")
        assert response.status_code == 200, number
    _assert_rate_limited(log_in(attacker, "guess-last@example.org", "guessing wrongly"))

    # Someone else, from another address, is unaffected.
    user = factories.make_user()
    assert log_in(make_client(remote_addr="203.0.113.5"), user.email).status_code == 302


def test_x_forwarded_for_does_not_dodge_the_limit_without_trusted_proxies(make_client, db):
    attacker = make_client(remote_addr="198.51.100.7")
    for number in range(PER_CLIENT):
        log_in(
            attacker,
            f"guess{number}@example.org",
            "guessing wrongly",
            headers={"X-Forwarded-For": f"10.0.{number}.1"},
        )
    response = log_in(
        attacker, "last@example.org", "wrong", headers={"X-Forwarded-For": "10.9.9.9"}
    )
    _assert_rate_limited(response)


def test_sign_up_is_limited(make_client, db):
    browser = make_client()
    for number in range(10):
        assert sign_up(browser, f"new{number}@example.org").status_code == 302
    _assert_rate_limited(sign_up(browser, "one-more@example.org"), HOUR)


@pytest.mark.parametrize("path", ["/password/forgot", "/confirm"])
def test_emailing_links_is_limited_per_client(make_client, db, path):
    browser = make_client()
    for number in range(10):
        response = browser.post(path, data={"email": f"person{number}@example.org"})
        assert response.status_code == 302
    _assert_rate_limited(browser.post(path, data={"email": "another@example.org"}), HOUR)
    other = make_client(remote_addr="203.0.113.5")
    assert other.post(path, data={"email": "another@example.org"}).status_code == 302


@pytest.mark.parametrize(
    ("path", "confirmed"), [("/password/forgot", True), ("/confirm", False), ("/signup", True)]
)
def test_one_inbox_cannot_be_flooded_with_links_from_many_clients(make_client, db, path, confirmed):
    factories.make_user(email="victim@example.org", confirmed=confirmed)
    form = {"name": "Flooder", "password": "flooding password"}
    for number in range(5):
        browser = make_client(remote_addr=f"198.51.100.{number + 1}")
        response = browser.post(path, data=form | {"email": "Victim@example.org"})
        assert response.status_code == 302
    late = make_client(remote_addr="198.51.100.99")
    _assert_rate_limited(late.post(path, data=form | {"email": "victim@example.org"}), HOUR)
    assert len(factories.emails_to("victim@example.org")) == 5
    # The same client can still help someone else.
    assert late.post(path, data=form | {"email": "someone@example.org"}).status_code == 302


def test_guessing_the_current_password_is_limited_per_person_not_per_address(make_client, db):
    guesser = logged_in_client(make_client, factories.make_user())
    colleague = logged_in_client(make_client, factories.make_user())  # same office address
    for _ in range(10):
        response = guesser.post(
            "/account/password", data={"current_password": "guess guess", "password": "x" * 12}
        )
        assert response.status_code == 422
    _assert_rate_limited(
        guesser.post("/account/password", data={"current_password": "guess", "password": "x" * 12}),
        HOUR,
    )
    response = colleague.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "a new good password"},
    )
    assert response.status_code == 302


def test_reading_the_forms_is_not_limited(make_client, db):
    browser = make_client()
    for _ in range(40):
        assert browser.get("/login").status_code == 200
    assert browser.get("/password/forgot").status_code == 200
