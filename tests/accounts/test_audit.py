"""The audit log records account events and never a password or a token."""

from __future__ import annotations

import json
import re

from consult.accounts.models import ApiToken
from consult.audit.models import AuditEvent
from consult.extensions import db
from tests import factories
from tests.accounts.conftest import log_in, logged_in_client, session_value

NEW_PASSWORD = "the replacement passphrase"
WRONG_PASSWORD = "an incorrect guess here"


def _events() -> list[AuditEvent]:
    return list(db.session.scalars(db.select(AuditEvent).order_by(AuditEvent.id)))


def _serialised(events) -> str:
    return json.dumps(
        [
            {column.name: str(getattr(event, column.key)) for column in AuditEvent.__table__.c}
            | {"details": event.details}
            for event in events
        ]
    )


def test_account_events_are_audited_without_secrets(make_client, client, db):
    user = factories.make_user(email="audited@example.org")
    secrets = {factories.PASSWORD, NEW_PASSWORD, WRONG_PASSWORD, user.password_hash}

    assert log_in(make_client(), user.email, WRONG_PASSWORD).status_code == 200
    assert log_in(make_client(), "unknown@example.org", WRONG_PASSWORD).status_code == 200
    browser = logged_in_client(make_client, user)
    secrets.add(session_value(browser, "sid"))

    browser.post("/account/tokens", data={"name": "CRM"})
    token_row = db.session.scalars(db.select(ApiToken)).one()
    secrets.add(token_row.token_hash)
    browser.post(f"/account/tokens/{token_row.id}/revoke")

    browser.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": NEW_PASSWORD},
    )
    browser.post(
        "/account/email", data={"email": "moved@example.org", "current_password": NEW_PASSWORD}
    )
    link = factories.link_in_last_email("moved@example.org", "/account/email/confirm/")
    secrets.add(link.rsplit("/", 1)[1])
    browser.post(link)

    events = _events()
    by_action = {}
    for event in events:
        by_action.setdefault(event.action, []).append(event)

    failed = by_action["account.login_failed"]
    assert len(failed) == 2
    assert [e.actor_id for e in failed] == [user.id, None]
    [logged_in] = by_action["account.logged_in"]
    assert logged_in.actor_id == logged_in.subject_id == user.id
    [created] = by_action["api_token.created"]
    [revoked] = by_action["api_token.revoked"]
    assert created.subject_type == revoked.subject_type == "ApiToken"
    assert created.subject_id == revoked.subject_id == token_row.id
    [changed] = by_action["account.password_changed"]
    assert changed.actor_id == user.id
    [email_changed] = by_action["account.email_changed"]
    assert email_changed.actor_id == user.id
    assert all(e.ip_hash and "127.0.0.1" not in e.ip_hash for e in events)

    stored = _serialised(events)
    for secret in secrets:
        assert secret not in stored
    # No API token (or any other bearer-looking secret) slipped in under another key.
    assert not re.search(r"cst_[A-Za-z0-9_-]{20,}", stored)


def test_record_drops_secret_keys_whoever_calls_it(app, db):
    from consult.audit.services import record

    with app.test_request_context("/"):
        record("test.event", password="hunter2-password", token="cst_secret", harmless="kept")
    event = factories.newest_audit_event()
    assert event.details == {"harmless": "kept"}
