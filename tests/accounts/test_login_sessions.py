"""Logging in and out: POST only, a fresh server-side session each time, safe redirects,
idle and absolute timeouts."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest

from consult.accounts.models import UserSession
from consult.extensions import db
from consult.timeutil import utcnow
from consult.tokens import hash_token
from tests import factories
from tests.accounts.conftest import (
    SESSION_COOKIE,
    is_logged_in,
    log_in,
    session_value,
    sessions_of,
)


@pytest.fixture
def user(db):
    return factories.make_user(email="person@example.org")


def test_credentials_in_a_get_request_do_not_log_anyone_in(client, user):
    response = client.get(
        "/login", query_string={"email": user.email, "password": factories.PASSWORD}
    )
    assert response.status_code == 200
    assert sessions_of(user) == []
    assert not is_logged_in(client)


def test_login_rotates_the_session_and_drops_values_planted_before(client, user):
    with client.session_transaction() as session:
        session["planted"] = "attacker value"
        session["sid"] = "attacker-chosen-session-id"
    assert log_in(client, user.email).status_code == 302

    assert session_value(client, "planted") is None
    first_sid = session_value(client, "sid")
    assert first_sid and first_sid != "attacker-chosen-session-id"
    [row] = sessions_of(user)
    assert row.token_hash == hash_token(first_sid)
    assert first_sid not in row.token_hash  # only the hash is stored

    client.post("/logout")
    assert log_in(client, user.email).status_code == 302
    second_sid = session_value(client, "sid")
    assert second_sid and second_sid != first_sid


def test_logging_in_again_ends_the_session_the_browser_had(client, user):
    """A browser whose session timed out keeps its stale id; logging in replaces it for good."""
    assert log_in(client, user.email).status_code == 302
    old_sid = session_value(client, "sid")
    with client.session_transaction() as session:  # e.g. Flask-Login forgot the user
        session.pop("_user_id")
    assert log_in(client, user.email).status_code == 302
    assert [row.token_hash for row in sessions_of(user)] == [
        hash_token(session_value(client, "sid"))
    ]
    assert old_sid != session_value(client, "sid")


def test_logout_is_post_only(client, user):
    log_in(client, user.email)
    assert client.get("/logout").status_code == 405
    assert is_logged_in(client)


def test_logout_ends_the_session_on_the_server(client, make_client, user):
    log_in(client, user.email)
    stolen = client.get_cookie(SESSION_COOKIE, domain="consult.test").value

    response = client.post("/logout")
    assert response.status_code == 302
    assert sessions_of(user) == []
    assert not is_logged_in(client)

    replay = make_client()
    replay.set_cookie(SESSION_COOKIE, stolen, domain="consult.test")
    assert not is_logged_in(replay)


def test_anonymous_logout_post_changes_nothing(client):
    response = client.post("/logout")
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"


def test_login_follows_a_same_site_next_path(client, user):
    response = log_in(client, user.email, query_string={"next": "/account?tab=tokens"})
    assert response.headers["Location"] == "/account?tab=tokens"


@pytest.mark.parametrize(
    "target",
    [
        "https://evil.example/",
        "http://evil.example",
        "//evil.example/path",
        "///evil.example",
        "/\\evil.example",
        "\\\\evil.example",
        "\\/evil.example",
        "/\t/evil.example",
        "/\n/evil.example",
        " //evil.example",
        "javascript:alert(1)",
        "http:/evil.example",
        "evil.example",
        "/\x00/evil.example",
    ],
)
def test_login_ignores_next_urls_that_leave_the_site(client, user, target):
    page = client.get("/login", query_string={"next": target})
    assert page.status_code == 200
    assert "evil.example" not in page.text

    response = log_in(client, user.email, query_string={"next": target})
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.netloc in ("", "consult.test")
    assert location.path == "/"
    # Already logged in: visiting the log-in page with the bad target stays on the site too.
    again = client.get("/login", query_string={"next": target})
    assert urlsplit(again.headers["Location"]).path == "/"
    assert urlsplit(again.headers["Location"]).netloc in ("", "consult.test")


def test_anonymous_visit_to_an_account_page_comes_back_after_login(client, user):
    response = client.get("/account")
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert parse_qs(location.query) == {"next": ["/account"]}
    after = log_in(client, user.email, query_string={"next": "/account"})
    assert after.headers["Location"] == "/account"


def _age_session(user, **changes) -> None:
    for row in sessions_of(user):
        for column, value in changes.items():
            setattr(row, column, value)
    db.session.commit()


def test_idle_session_is_logged_out(app, client, user):
    log_in(client, user.email)
    idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] + 1)
    _age_session(user, last_seen_at=utcnow() - idle)
    assert not is_logged_in(client)
    assert sessions_of(user) == []


def test_session_in_use_is_kept_alive_and_its_last_seen_time_moves_on(app, client, user):
    log_in(client, user.email)
    nearly_idle = timedelta(minutes=app.config["SESSION_IDLE_MINUTES"] - 1)
    _age_session(user, last_seen_at=utcnow() - nearly_idle)
    assert is_logged_in(client)
    [row] = sessions_of(user)
    assert utcnow() - row.last_seen_at < timedelta(minutes=1)


def test_session_older_than_the_absolute_limit_is_logged_out_even_if_active(app, client, user):
    log_in(client, user.email)
    too_old = app.config["PERMANENT_SESSION_LIFETIME"] + timedelta(minutes=1)
    _age_session(user, created_at=utcnow() - too_old, last_seen_at=utcnow())
    assert not is_logged_in(client)
    assert sessions_of(user) == []


def test_session_cookie_for_one_user_cannot_be_pointed_at_another(client, user):
    other = factories.make_user()
    log_in(client, user.email)
    with client.session_transaction() as session:
        session["_user_id"] = str(other.id)
    # The cookie is signed, but even a forged user id does not match the server-side session.
    assert not is_logged_in(client)


def test_login_records_the_browser_and_time(client, user):
    log_in(client, user.email, headers={"User-Agent": "TestBrowser/1.0 " + "x" * 500})
    [row] = db.session.scalars(db.select(UserSession)).all()
    assert row.user_agent.startswith("TestBrowser/1.0") and len(row.user_agent) == 200
    assert db.session.get(type(user), user.id).last_login_at is not None


@pytest.mark.parametrize("user_id", ["\u00b2", "\u0661", "-1", "", "1e3"])
def test_odd_user_ids_in_the_session_are_anonymous_not_errors(client, user, user_id):
    log_in(client, user.email)
    with client.session_transaction() as session:
        session["_user_id"] = user_id
    assert not is_logged_in(client)


def test_the_login_page_fills_in_the_address_it_was_sent_from_a_confirmation(client):
    page = client.get("/login?email=new@example.org").text
    assert 'value="new@example.org"' in page


def test_the_first_log_in_welcomes_and_later_ones_welcome_back(client, user):
    first = log_in(client, user.email, follow_redirects=True).get_data(as_text=True)
    client.post("/logout")
    again = log_in(client, user.email, follow_redirects=True).get_data(as_text=True)

    assert f"Welcome to Consult, {user.name}." in first
    assert "Welcome back" not in first
    assert f"Welcome back, {user.name}." in again
