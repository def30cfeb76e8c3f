"""A database too busy to take a write (SQLite's "database is locked") is a 503 to try
again in a moment, never a 500: nothing was written. Other database errors stay errors.
(Outside tests/security, whose summary counts every 5xx its tests see.)"""

from __future__ import annotations

import sqlite3

from sqlalchemy.exc import OperationalError

from consult.extensions import db


def _heartbeat_failing_with(client, team, api_token, monkeypatch, message: str):
    """A presence heartbeat whose write the database refuses with `message`: the answer."""
    from consult.drafting import services as drafting
    from tests.drafting.conftest import builtin_consultation, membership_of

    response = drafting.create_response(
        membership_of(team.owner, team.organisation), builtin_consultation(), "Busy"
    )
    db.session.commit()
    section = response.sections[0]

    def refused(*_args, **_kwargs):
        raise OperationalError("INSERT ...", {}, sqlite3.OperationalError(message))

    monkeypatch.setattr(drafting, "heartbeat", refused)
    return client.post(
        f"/api/v1/responses/{response.id}/sections/{section.id}/presence",
        json={"editing": True},
        headers=api_token(team.editor),
    )


def test_a_write_sqlite_refuses_as_busy_is_a_503_to_try_again_not_a_crash(
    client, team, api_token, monkeypatch
):
    """The signing benchmark saw a few 500s on SQLite under load: a request that read, then
    wrote after another request's commit, was refused at once with "database is locked".
    Nothing was written, so the honest answer is "try again in a moment"."""
    answer = _heartbeat_failing_with(client, team, api_token, monkeypatch, "database is locked")

    assert answer.status_code == 503
    assert answer.headers["Retry-After"] == "2"
    assert answer.get_json()["error"]["code"] == "unavailable"


def test_other_database_errors_are_still_reported_as_errors(client, team, api_token, monkeypatch):
    answer = _heartbeat_failing_with(client, team, api_token, monkeypatch, "no such table: x")

    assert answer.status_code == 500
