"""When Redis or the mail server is down, people get clear answers, not crashes, and nothing
is lost: rate limits fall back to per-process memory (and still limit), and e-mails wait in
the outbox."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import select

from consult.accounts.models import User
from consult.extensions import db
from consult.mail import OutboxMessage

ROOT = Path(__file__).resolve().parents[2]


def _closed_port() -> int:
    """A local port nothing listens on (bound, then released)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_a_mail_server_outage_keeps_the_email_in_the_outbox(app, client, monkeypatch):
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", _closed_port())
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)

    response = client.post(
        "/signup",
        data={"email": "new@example.org", "name": "New Person", "password": "a long passphrase 1"},
    )

    assert response.status_code == 302
    assert db.session.scalar(select(User).where(User.email == "new@example.org")) is not None
    [kept] = db.session.scalars(select(OutboxMessage)).all()
    assert kept.to == "new@example.org" and "/confirm/" in kept.body


REDIS_DOWN_SCRIPT = textwrap.dedent(
    """
    import json, sys
    from consult import create_app
    from consult.consultations.services import install_builtin_consultations
    from consult.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": sys.argv[1], "WTF_CSRF_ENABLED": False})
    with app.app_context():
        db.create_all()
    client = app.test_client()
    statuses = [
        client.post("/login", data={"email": f"guess{n}@example.org", "password": "wrong"})
        .status_code
        for n in range(31)
    ]
    print(json.dumps(statuses))
    """
)


def test_a_redis_outage_falls_back_to_memory_rate_limits(tmp_path):
    environment = {
        **os.environ,
        "CONSULT_ENV": "test",
        "REDIS_URL": f"redis://127.0.0.1:{_closed_port()}/0",
        "EXPORT_JOBS": "sync",
    }
    environment.pop("TEST_DATABASE_URL", None)

    result = subprocess.run(
        [sys.executable, "-c", REDIS_DOWN_SCRIPT, f"sqlite:///{tmp_path}/outage.db"],
        cwd=ROOT,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert result.returncode == 0, result.stderr[-2000:]
    statuses = json.loads(result.stdout.strip().splitlines()[-1])
    assert statuses[:30] == [200] * 30  # wrong passwords: the form again, no crash
    assert statuses[30] == 429  # the per-address limit still holds, in memory
    assert "falling back to in-memory storage" in result.stderr


def test_sqlite_lets_readers_and_a_writer_work_at_once(app):
    """WAL mode (readers never wait for the writer) and a busy timeout (a second writer waits
    its turn instead of failing at once with "database is locked")."""
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite only: PostgreSQL has its own concurrency")
    with db.engine.connect() as connection:
        journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
        timeout = connection.exec_driver_sql("PRAGMA busy_timeout").scalar()
    assert journal == "wal"
    assert timeout >= 5000
