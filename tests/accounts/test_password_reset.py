"""Password reset by e-mail: a single-use link that lasts one hour and ends every session."""

from __future__ import annotations

import pytest

from tests import factories
from tests.accounts.conftest import (
    age_links,
    flashes,
    is_logged_in,
    links,
    log_in,
    logged_in_client,
    sessions_of,
    user_by_email,
)

NEW_PASSWORD = "a brand new passphrase"


@pytest.fixture
def user(db):
    return factories.make_user(email="forgetful@example.org")


def _request_link(client, email="forgetful@example.org") -> str:
    response = client.post("/password/forgot", data={"email": email})
    assert response.status_code == 302
    return factories.link_in_last_email(email, "/password/reset/")


def _reset(client, link, password=NEW_PASSWORD, **kwargs):
    return client.post(link, data={"password": password, "confirm": password}, **kwargs)


def test_reset_link_sets_a_new_password_that_logs_in(client, make_client, user):
    link = _request_link(client)
    form = client.get(link)
    assert form.status_code == 200 and "Choose a new password" in form.text

    response = _reset(client, link)
    assert response.status_code == 302
    assert response.headers["Location"] == "/login"
    assert log_in(make_client(), user.email, NEW_PASSWORD).status_code == 302
    assert log_in(make_client(), user.email, factories.PASSWORD).status_code == 200


def test_reset_link_works_only_once(client, make_client, user):
    link = _request_link(client)
    assert _reset(client, link).status_code == 302

    again = _reset(client, link, password="a third password here", follow_redirects=True)
    assert again.status_code == 200
    assert "This link is not valid or has already been used." in flashes(again.text)
    assert log_in(make_client(), user.email, "a third password here").status_code == 200
    assert log_in(make_client(), user.email, NEW_PASSWORD).status_code == 302


def test_reset_link_lasts_one_hour(client, user):
    _request_link(client)
    [link] = links("reset_password")
    lifetime = (link.expires_at - link.created_at).total_seconds()
    assert 3600 - 5 < lifetime <= 3600 + 5


def test_expired_reset_link_is_refused_with_a_clear_message(client, make_client, user):
    link = _request_link(client)
    age_links("reset_password", seconds=1)

    page = client.get(link, follow_redirects=True)
    assert page.status_code == 200
    assert page.request.path == "/password/forgot"
    assert "This link has expired. Ask for a new one." in flashes(page.text)

    response = _reset(client, link, follow_redirects=True)
    assert response.status_code == 200
    assert "This link has expired. Ask for a new one." in flashes(response.text)
    assert log_in(make_client(), user.email, NEW_PASSWORD).status_code == 200
    assert log_in(make_client(), user.email).status_code == 302


def test_made_up_reset_link_says_so_on_opening(client):
    page = client.get("/password/reset/not-a-token", follow_redirects=True)
    assert page.status_code == 200
    assert page.request.path == "/password/forgot"  # where a new link can be requested
    assert "This link is not valid or has already been used." in flashes(page.text)


def test_reset_ends_every_session(client, make_client, user):
    first = logged_in_client(make_client, user)
    second = logged_in_client(make_client, user)
    assert len(sessions_of(user)) == 2

    assert _reset(client, _request_link(client)).status_code == 302
    assert sessions_of(user) == []
    assert not is_logged_in(first)
    assert not is_logged_in(second)


def test_reset_spends_the_other_reset_links_sent_earlier(client, user):
    older = _request_link(client)
    newer = _request_link(client)
    assert _reset(client, newer).status_code == 302
    response = _reset(client, older, password="yet another password", follow_redirects=True)
    assert "This link is not valid or has already been used." in flashes(response.text)


def test_mismatched_new_passwords_do_not_spend_the_link(client, user):
    link = _request_link(client)
    response = client.post(link, data={"password": NEW_PASSWORD, "confirm": "something else"})
    assert response.status_code in (200, 422)
    assert "The two passwords differ." in response.text
    assert links("reset_password")[0].used_at is None
    assert _reset(client, link).status_code == 302


def test_reset_confirms_an_unconfirmed_address(client, db):
    user = factories.make_user(email="forgetful@example.org", confirmed=False)
    assert _reset(client, _request_link(client)).status_code == 302
    assert user_by_email(user.email).is_confirmed
    assert log_in(client, user.email, NEW_PASSWORD).status_code == 302


def test_reset_is_audited_without_the_password(client, user):
    from consult.audit.models import AuditEvent
    from consult.extensions import db

    _reset(client, _request_link(client))
    actions = [e.action for e in db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id))]
    assert actions[-2:] == ["account.password_reset_requested", "account.password_reset"]


def test_a_link_spent_by_a_concurrent_request_cannot_be_spent_again(app, monkeypatch, user):
    """Two requests racing with one link: the second finds it live, but cannot spend it."""
    from consult.accounts import services
    from consult.accounts.models import EmailLink
    from consult.extensions import db
    from consult.timeutil import utcnow

    token = services._issue_link(user, "reset_password")
    db.session.commit()
    real_check = services.check_link

    def check_then_lose_the_race(token, purpose):
        link = real_check(token, purpose)
        with db.engine.begin() as other_request:
            other_request.execute(db.update(EmailLink).values(used_at=utcnow()))
        return link

    monkeypatch.setattr(services, "check_link", check_then_lose_the_race)
    with app.test_request_context("/"), pytest.raises(services.AccountError, match="already"):
        services.reset_password(token, NEW_PASSWORD)
    db.session.rollback()
