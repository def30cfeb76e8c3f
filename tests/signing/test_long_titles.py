"""Long titles and e-mail: a response's title is quoted in the subjects of the e-mails to its
signers, and every e-mail is written in the transaction of what caused it. The longest title
a response can have must not break signing (the outbox's subject is VARCHAR(200), enforced by
PostgreSQL), and a mail server outage must lose no e-mail, nor record work whose e-mail was
never stored (a re-sign invitation is marked sent only with its e-mail)."""

from __future__ import annotations

import socket

import pytest
from sqlalchemy import func, select

from consult import mail
from consult.drafting.models import Response
from consult.extensions import db
from consult.mail import OutboxMessage
from consult.signing.models import ResignInvitation
from tests.organisations.support import location_path
from tests.signing.pages_support import (
    anonymous,
    browsers_for,
    freeze,
    make_response,
    open_signing,
    public_form,
    signatures,
)
from tests.signing.support import sign_and_confirm

# The longest title a response can have (its column and its form allow 200 characters).
LONGEST = Response.__table__.c.title.type.length
SUBJECT_LENGTH = OutboxMessage.__table__.c.subject.type.length
LONG_TITLE = ("Response of the Northtown Residents Association to the consultation " * 4)[:LONGEST]


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


@pytest.fixture
def mail_server_down(app, monkeypatch):
    """SMTP configured, but nothing listens: every e-mail must wait in the outbox."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setitem(app.config, "MAIL_SERVER", "127.0.0.1")
    monkeypatch.setitem(app.config, "MAIL_PORT", port)
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", False)


def _outbox() -> list[OutboxMessage]:
    db.session.expire_all()
    return list(db.session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


def _invitations() -> int:
    return db.session.scalar(select(func.count()).select_from(ResignInvitation))


def _long_version(team, public: bool = True):
    version = freeze(team, make_response(team, title=LONG_TITLE))
    assert len(version.title) == LONGEST
    return open_signing(team, version, public)


def test_a_title_in_a_subject_is_cut_at_a_word_with_an_ellipsis():
    title = "Word " * 60  # 300 characters
    short = mail.shorten(title, 80)
    assert len(short) <= 80 and short.endswith("Word\u2026")
    assert mail.shorten("A short title", 80) == "A short title"
    assert mail.shorten("x" * 300, 50) == "x" * 49 + "\u2026"  # one long word: cut inside it


def test_public_signing_with_the_longest_title_stores_its_confirmation_email(team, app):
    version = _long_version(team)
    reply = anonymous(app).post(
        f"/sign/{version.id}", data=public_form(app, version.id, "pat@example.org")
    )
    assert reply.status_code == 302 and location_path(reply) == f"/sign/{version.id}/sent"
    [signature] = signatures(version.id)
    assert signature.status == "pending"
    [message] = _outbox()
    assert message.to == "pat@example.org"
    assert len(message.subject) <= SUBJECT_LENGTH
    assert message.subject.startswith("Confirm your signature on “Response of the Northtown")
    assert message.subject.endswith("\u2026”")
    assert LONG_TITLE in message.body  # the body names it whole


def test_opening_signing_with_the_longest_title_invites_every_earlier_signer(team, browsers):
    first = _long_version(team)
    for n in range(3):
        sign_and_confirm(first, f"signer{n}@example.org")
    second = freeze(team, first.response)
    reply = browsers("coordinator").post(
        f"/versions/{second.id}/signing", data={"operation": "open", "audience": "public"}
    )
    assert reply.status_code == 302
    invitations = [m for m in _outbox() if m.subject.startswith("A new version of")]
    assert len(invitations) == 3 == _invitations()
    assert all(len(m.subject) <= SUBJECT_LENGTH for m in invitations)


def test_with_the_mail_server_down_a_signature_and_its_email_are_kept_together(
    team, app, mail_server_down
):
    version = _long_version(team)
    reply = anonymous(app).post(
        f"/sign/{version.id}", data=public_form(app, version.id, "pat@example.org")
    )
    assert reply.status_code == 302
    assert [s.email for s in signatures(version.id)] == ["pat@example.org"]
    [waiting] = _outbox()
    assert waiting.to == "pat@example.org" and "/signatures/confirm/" in waiting.body


def test_with_the_mail_server_down_invitations_are_marked_sent_only_with_their_emails(
    team, browsers, mail_server_down
):
    first = _long_version(team)
    for n in range(2):
        sign_and_confirm(first, f"signer{n}@example.org")  # their e-mails wait in the outbox
    second = freeze(team, first.response)
    reply = browsers("coordinator").post(
        f"/versions/{second.id}/signing", data={"operation": "open", "audience": "public"}
    )
    assert reply.status_code == 302
    waiting = [m.to for m in _outbox() if m.subject.startswith("A new version of")]
    assert sorted(waiting) == ["signer0@example.org", "signer1@example.org"]
    assert _invitations() == 2


def test_an_email_that_cannot_be_stored_leaves_no_signature_behind(team, app, monkeypatch):
    version = _long_version(team)

    def broken_outbox(*args, **kwargs):
        raise RuntimeError("the outbox could not be written")

    monkeypatch.setattr("consult.signing.services.signatures.send_email", broken_outbox)
    reply = anonymous(app).post(
        f"/sign/{version.id}", data=public_form(app, version.id, "pat@example.org")
    )
    assert reply.status_code == 500
    assert signatures(version.id) == []
    assert _outbox() == []
