"""Structured logs: one JSON line per request with its request id, never a secret."""

from __future__ import annotations

import json
import logging

import pytest
from sqlalchemy.exc import IntegrityError

from consult.accounts.models import User
from consult.logging import JsonFormatter
from tests import factories
from tests.conftest import login


@pytest.fixture
def log_lines(caplog):
    """The JSON lines the app writes, as dicts (read after the requests)."""
    caplog.set_level(logging.INFO, logger="consult")
    formatter = JsonFormatter()
    return lambda: [json.loads(formatter.format(record)) for record in caplog.records]


def _request_lines(lines: list[dict]) -> list[dict]:
    return [line for line in lines if line["logger"] == "consult.requests"]


def test_each_request_writes_one_json_line_with_its_id_and_the_person(client, team, log_lines):
    login(client, team.member)
    response = client.get("/account")

    line = _request_lines(log_lines())[-1]
    assert response.status_code == 200
    assert line["request_id"] == response.headers["X-Request-ID"]
    assert line["method"] == "GET" and line["route"] == "/account"
    assert line["status"] == 200 and line["user_id"] == team.member.id
    assert isinstance(line["duration_ms"], float) and line["duration_ms"] >= 0
    assert len(_request_lines(log_lines())) == 2  # the log-in, then the page


def test_a_sane_request_id_from_the_proxy_is_kept(client, log_lines):
    response = client.get("/healthz", headers={"X-Request-ID": "proxy-1234.abcd"})

    assert response.headers["X-Request-ID"] == "proxy-1234.abcd"
    assert _request_lines(log_lines())[-1]["request_id"] == "proxy-1234.abcd"


@pytest.mark.parametrize(
    "offered", ["short", "x" * 65, "has space 12345", "<script>12345", "é-accented-id"]
)
def test_an_insane_request_id_is_replaced(client, offered):
    response = client.get("/healthz", headers={"X-Request-ID": offered})

    assert response.headers["X-Request-ID"] != offered
    assert len(response.headers["X-Request-ID"]) == 32


def test_tokens_passwords_and_emails_never_reach_the_log(client, caplog, log_lines):
    user = factories.make_user(email="secret.person@example.org")
    client.post("/login", data={"email": user.email, "password": "not-the-password-9"})
    client.get("/signatures/confirm/tok_SECRET_abc?email=secret.person@example.org")
    client.get("/reset-password/tok_SECRET_def")
    client.get("/api/v1/me", headers={"Authorization": "Bearer cst_SECRET_ghi"})

    text = caplog.text + json.dumps(log_lines())
    assert len(_request_lines(log_lines())) == 4
    for secret in ("SECRET", "secret.person", "not-the-password"):
        assert secret not in text


def test_an_error_page_quotes_the_reference_that_the_error_log_line_carries(
    app, client, monkeypatch, log_lines
):
    def broken_view():
        raise RuntimeError("a bug")

    monkeypatch.setitem(app.view_functions, "main.privacy", broken_view)

    response = client.get("/privacy")

    reference = response.headers["X-Request-ID"]
    assert response.status_code == 500
    assert f"quote this reference: <code>{reference}</code>" in response.get_data(as_text=True)
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert errors and errors[-1]["request_id"] == reference
    assert "RuntimeError: a bug" in errors[-1]["exception"]
    assert _request_lines(log_lines())[-1]["status"] == 500


def test_a_database_error_is_logged_without_the_values_of_the_statement(
    app, client, db, monkeypatch, log_lines
):
    """A failed INSERT's parameters (a signer's name, an address) and PostgreSQL's own message
    ('Key (email)=(...) already exists') stay out of the log; the constraint is named."""
    factories.make_user(email="secret.signer@example.org")

    def insert_a_duplicate():
        db.session.add(
            User(email="secret.signer@example.org", name="Secret Name", password_hash="x")
        )
        db.session.flush()

    monkeypatch.setitem(app.view_functions, "main.privacy", insert_a_duplicate)

    response = client.get("/privacy")

    assert response.status_code == 500
    errors = [line for line in log_lines() if line["level"] == "ERROR"]
    assert errors, "the error was not logged"
    logged = json.dumps(errors)
    assert "IntegrityError" in logged and "INSERT INTO users" in logged
    assert "secret.signer" not in logged and "Secret Name" not in logged
    assert "secret.signer" not in json.dumps(log_lines())


def test_the_database_engine_hides_statement_parameters(app, db):
    """Any other logger, or an error report, sees no parameters in the exception either."""
    factories.make_user(email="secret.signer@example.org")
    db.session.add(User(email="secret.signer@example.org", name="Secret Name", password_hash="x"))
    with pytest.raises(IntegrityError) as caught:
        db.session.flush()
    db.session.rollback()
    assert "Secret Name" not in str(caught.value)
    assert "parameters hidden" in str(caught.value)


def test_not_found_pages_quote_a_reference_too(client):
    response = client.get("/no-such-page")

    assert response.status_code == 404
    assert response.headers["X-Request-ID"] in response.get_data(as_text=True)


def test_a_request_whose_account_was_deleted_meanwhile_is_still_logged(app, db):
    """A late request (a closing tab's presence beacon) can find its account deleted before it
    is logged: the log line takes the id the session already knew instead of reloading it."""
    from flask import g

    from consult.accounts.models import User
    from consult.extensions import db as database
    from consult.logging import _user_id

    known_id = factories.make_user().id
    database.session.commit()
    user = database.session.get(User, known_id)
    database.session.commit()  # expires `user`, as the request's own commit does
    with database.engine.begin() as elsewhere:  # another request deletes the account
        elsewhere.execute(database.delete(User).where(User.id == known_id))
    # Reading user.id would now reload the row and raise.
    with app.test_request_context("/"):
        g._login_user = user
        assert _user_id() == known_id
