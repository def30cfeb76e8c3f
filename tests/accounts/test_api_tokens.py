"""Personal API tokens: created on the account page, shown once, stored hashed, revocable."""

from __future__ import annotations

import hashlib
import json
import re

import pytest
from sqlalchemy import text

from consult.accounts.models import ApiToken
from consult.extensions import db
from tests import factories
from tests.accounts.conftest import assert_inline_error, flashes, logged_in_client

TOKEN_PATTERN = re.compile(r"cst_[A-Za-z0-9_-]{40,}")


@pytest.fixture
def user(db):
    return factories.make_user(email="scripter@example.org")


def _create(browser, name="Campaign website") -> str:
    response = browser.post("/account/tokens", data={"name": name})
    assert response.status_code == 200
    [token] = set(TOKEN_PATTERN.findall(response.text))
    return token


def _everything_stored() -> str:
    """Every row of every table, as text."""
    dump = []
    with db.engine.connect() as connection:
        for table in db.metadata.sorted_tables:
            rows = connection.execute(text(f'SELECT * FROM "{table.name}"')).all()  # noqa: S608
            dump.extend(json.dumps([str(v) for v in row]) for row in rows)
    return "\n".join(dump)


def test_token_is_shown_once_and_only_its_sha256_is_stored(make_client, user):
    browser = logged_in_client(make_client, user)
    token = _create(browser)

    [row] = db.session.scalars(db.select(ApiToken)).all()
    assert row.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert row.name == "Campaign website" and row.user_id == user.id
    assert token not in _everything_stored()

    account_page = browser.get("/account").text
    assert "Campaign website" in account_page
    assert token not in account_page
    assert row.prefix in account_page  # enough to recognise it, not to use it


def test_token_page_is_not_cached(make_client, user):
    browser = logged_in_client(make_client, user)
    response = browser.post("/account/tokens", data={"name": "CRM"})
    assert response.headers["Cache-Control"] == "no-store"


def test_token_works_as_a_bearer_token_for_me(make_client, user):
    token = _create(logged_in_client(make_client, user))
    response = make_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.json["email"] == "scripter@example.org"
    assert response.json["id"] == user.id
    assert db.session.scalars(db.select(ApiToken)).one().last_used_at is not None


@pytest.mark.parametrize(
    "header",
    ["Bearer cst_not-a-real-token", "Bearer ", "Basic dXNlcjpwYXNz", "Bearer not-our-prefix"],
)
def test_bad_authorisation_headers_get_401_json(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})
    assert response.status_code == 401
    assert response.json["error"]["code"] == "unauthorised"


def test_revoked_token_stops_working(make_client, user):
    browser = logged_in_client(make_client, user)
    token = _create(browser)
    headers = {"Authorization": f"Bearer {token}"}
    api = make_client()
    assert api.get("/api/v1/me", headers=headers).status_code == 200

    row = db.session.scalars(db.select(ApiToken)).one()
    assert browser.post(f"/account/tokens/{row.id}/revoke").status_code == 302
    assert api.get("/api/v1/me", headers=headers).status_code == 401
    assert db.session.get(ApiToken, row.id).revoked_at is not None
    assert "Revoked" in browser.get("/account").text


def test_another_user_cannot_revoke_your_token(make_client, user):
    token = _create(logged_in_client(make_client, user))
    row = db.session.scalars(db.select(ApiToken)).one()
    intruder = logged_in_client(make_client, factories.make_user())

    assert intruder.post(f"/account/tokens/{row.id}/revoke").status_code == 404
    assert intruder.post("/account/tokens/999999/revoke").status_code == 404
    assert db.session.get(ApiToken, row.id).revoked_at is None
    api = make_client()
    assert api.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).status_code == 200
    assert "Campaign website" not in intruder.get("/account").text


def test_revoke_is_post_only(make_client, user):
    browser = logged_in_client(make_client, user)
    _create(browser)
    row = db.session.scalars(db.select(ApiToken)).one()
    assert browser.get(f"/account/tokens/{row.id}/revoke").status_code == 405
    assert db.session.get(ApiToken, row.id).revoked_at is None


@pytest.mark.parametrize("name", ["", "   ", "bad\x00name", "x" * 81])
def test_token_needs_a_sensible_name(make_client, user, name):
    browser = logged_in_client(make_client, user)
    response = browser.post("/account/tokens", data={"name": name})
    assert response.status_code == 422
    assert_inline_error(response.text, "token-name", "")
    assert not TOKEN_PATTERN.search(response.text)
    assert db.session.scalars(db.select(ApiToken)).all() == []


def test_tokens_keep_working_for_scripts_after_logging_out(make_client, user):
    browser = logged_in_client(make_client, user)
    token = _create(browser)
    browser.post("/logout")
    response = make_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200


def _works(token: str, make_client) -> bool:
    response = make_client().get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code in (200, 401)
    return response.status_code == 200


def test_changing_the_password_revokes_every_token_and_says_so(make_client, user):
    browser = logged_in_client(make_client, user)
    tokens = [_create(browser, "Website"), _create(browser, "Spreadsheet")]
    other_user_token = _create(logged_in_client(make_client, factories.make_user()), "Theirs")

    response = browser.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "a brand new passphrase"},
        follow_redirects=True,
    )

    assert "Your 2 API tokens have been revoked" in flashes(response.text)[0]
    assert not any(_works(token, make_client) for token in tokens)
    assert _works(other_user_token, make_client)
    assert "API tokens were revoked" in factories.emails_to(user.email)[-1].body


def test_resetting_the_password_revokes_every_token_and_says_so(make_client, client, user):
    token = _create(logged_in_client(make_client, user))
    client.post("/password/forgot", data={"email": user.email})
    link = factories.link_in_last_email(user.email, "/password/reset/")

    new = "a brand new passphrase"
    response = client.post(link, data={"password": new, "confirm": new}, follow_redirects=True)

    assert "Your API token has been revoked" in flashes(response.text)[0]
    assert not _works(token, make_client)
    assert db.session.scalar(db.select(ApiToken.revoked_at)) is not None


def test_a_password_change_without_tokens_says_nothing_of_tokens(make_client, user):
    response = logged_in_client(make_client, user).post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "a brand new passphrase"},
        follow_redirects=True,
    )
    assert flashes(response.text) == ["Your password has been changed."]
