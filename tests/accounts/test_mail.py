"""Account e-mails: the outbox without a mail server, verified TLS with one."""

from __future__ import annotations

import email
import email.policy
import smtplib
import ssl

import pytest

from consult import mail
from consult.mail import OutboxMessage, send_email, send_emails
from tests import factories
from tests.accounts.conftest import sign_up, user_by_email


class FakeSMTP:
    sent: list = []
    instances: list = []
    refuse: set = set()  # addresses the server refuses
    drop_at: set = set()  # addresses at which the connection drops

    def __init__(self, host, port, timeout):
        self.host, self.port, self.timeout = host, port, timeout
        self.tls_context = None
        self.logged_in = None
        FakeSMTP.instances.append(self)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def starttls(self, context=None):
        self.tls_context = context

    def login(self, username, password):
        self.logged_in = (username, password)

    def sendmail(self, from_addr, to_addrs, msg):
        message = email.message_from_string(msg, policy=email.policy.default)
        assert [message["To"]] == to_addrs and from_addr in message["From"]
        self.send_message(message)

    def send_message(self, message):
        if message["To"] in FakeSMTP.refuse:
            raise smtplib.SMTPRecipientsRefused({message["To"]: (550, b"No such mailbox")})
        if message["To"] in FakeSMTP.drop_at:
            raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")
        FakeSMTP.sent.append(message)


@pytest.fixture
def smtp(app, monkeypatch):
    FakeSMTP.sent, FakeSMTP.instances, FakeSMTP.refuse, FakeSMTP.drop_at = [], [], set(), set()
    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    monkeypatch.setitem(app.config, "MAIL_SERVER", "smtp.example.org")
    monkeypatch.setitem(app.config, "MAIL_USERNAME", "mailer")
    monkeypatch.setitem(app.config, "MAIL_PASSWORD", "smtp secret")
    monkeypatch.setitem(app.config, "MAIL_USE_TLS", True)
    return FakeSMTP


def test_without_a_mail_server_emails_go_to_the_outbox(db):
    send_email("someone@example.org", "Hello", "Body text")
    [stored] = db.session.scalars(db.select(OutboxMessage)).all()
    assert stored.as_dict()["to"] == "someone@example.org"
    assert stored.as_dict()["created_at"].endswith("Z")


def test_smtp_uses_tls_that_verifies_the_server_certificate(smtp, db):
    send_email("someone@example.org", "Hello", "Body text")
    db.session.commit()
    [connection] = smtp.instances
    assert isinstance(connection.tls_context, ssl.SSLContext)
    assert connection.tls_context.verify_mode == ssl.CERT_REQUIRED
    assert connection.tls_context.check_hostname is True
    assert connection.logged_in == ("mailer", "smtp secret")
    [message] = smtp.sent
    assert message["To"] == "someone@example.org" and message["Subject"] == "Hello"
    assert message.get_content().strip() == "Body text"
    assert db.session.scalars(db.select(OutboxMessage)).all() == []


def test_confirmation_email_links_to_the_site_and_says_how_long_it_lasts(client):
    sign_up(client, "new@example.org", name="Nia New")
    [message] = factories.emails_to("new@example.org")
    assert message.body.startswith("Hello Nia New,")
    assert "http://consult.test/confirm/" in message.body
    assert "48 hours" in message.body


def test_emails_never_carry_the_password(client, db):
    sign_up(client, "new@example.org", password="my secret passphrase")
    user = factories.make_user(email="owner@example.org")
    sign_up(client, "owner@example.org", password="another secret phrase")
    client.post("/password/forgot", data={"email": user.email})
    bodies = " ".join(m.body for m in db.session.scalars(db.select(OutboxMessage)))
    assert bodies.count("Hello") == 3
    assert "my secret passphrase" not in bodies and "another secret phrase" not in bodies


def test_smtp_mail_is_sent_only_when_the_change_is_committed(smtp, db):
    send_email("someone@example.org", "Hello", "Body text")
    assert smtp.sent == []
    db.session.rollback()
    db.session.commit()
    assert smtp.sent == []

    send_email("someone@example.org", "Hello again", "Body text")
    db.session.commit()
    assert [message["Subject"] for message in smtp.sent] == ["Hello again"]


def test_mail_queued_in_a_savepoint_waits_for_the_whole_transactions_commit(smtp, db):
    """Releasing a savepoint fires SQLAlchemy's after_commit too: the mail must not go then,
    before the transaction that made it is committed (or rolled back)."""
    with db.session.begin_nested():
        send_email("someone@example.org", "Inside", "Body text")
    assert smtp.sent == []
    db.session.rollback()
    db.session.commit()
    assert smtp.sent == []

    with db.session.begin_nested():
        send_email("someone@example.org", "Kept", "Body text")
    db.session.commit()
    assert [message["Subject"] for message in smtp.sent] == ["Kept"]


def test_mail_queued_in_a_savepoint_rolled_back_is_never_sent(smtp, db):
    send_email("someone@example.org", "Before", "Body text")
    savepoint = db.session.begin_nested()
    send_email("someone@example.org", "Undone", "Body text")
    savepoint.rollback()
    send_email("someone@example.org", "After", "Body text")
    db.session.commit()

    assert [message["Subject"] for message in smtp.sent] == ["Before", "After"]


def test_a_mail_server_outage_does_not_undo_a_sign_up(smtp, client, db, monkeypatch):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("smtp down")

    monkeypatch.setattr(mail.smtplib, "SMTP", refuse)
    response = sign_up(client, "new@example.org")
    assert response.status_code == 302
    assert user_by_email("new@example.org") is not None


def _outbox_addresses(db) -> list[str]:
    return list(db.session.scalars(db.select(OutboxMessage.to).order_by(OutboxMessage.id)))


def test_a_transactions_emails_go_over_one_smtp_connection(smtp, db):
    send_emails([(f"signer{n}@example.org", "A new version", "Body") for n in range(50)])
    send_email("coordinator@example.org", "Signing opened", "Body")
    db.session.commit()

    assert len(smtp.instances) == 1
    assert len(smtp.sent) == 51
    assert _outbox_addresses(db) == []


def test_a_refused_address_waits_in_the_outbox_and_the_others_are_sent(smtp, db):
    smtp.refuse = {"gone@example.org"}
    send_emails([(address, "Hello", "Body") for address in
                 ("a@example.org", "gone@example.org", "b@example.org")])  # fmt: skip
    db.session.commit()

    assert [message["To"] for message in smtp.sent] == ["a@example.org", "b@example.org"]
    assert _outbox_addresses(db) == ["gone@example.org"]


def test_a_dropped_connection_keeps_every_unsent_email_in_the_outbox(smtp, db):
    smtp.drop_at = {"c@example.org"}
    addresses = [f"{letter}@example.org" for letter in "abcde"]
    send_emails([(address, "Hello", "Body") for address in addresses])
    db.session.commit()

    assert [message["To"] for message in smtp.sent] == ["a@example.org", "b@example.org"]
    assert _outbox_addresses(db) == ["c@example.org", "d@example.org", "e@example.org"]


def test_a_message_written_out_for_smtp_reads_back_as_it_was_sent(smtp, db, app):
    app.config["MAIL_FROM"] = "Réseau Consult <no-reply@consult.example.org>"
    body = (
        "Bonjour Zoë,\n\n"
        + "A line longer than any mail line should be, with = signs and é. " * 5
        + "\n.A line starting with a dot\nLast line — done.\n"
    )
    headers = {"List-Unsubscribe": "<https://consult.example.org/notifications/unsubscribe/x>"}
    send_email("zoe@example.org", "Votre résumé — été 2026", body, headers)
    db.session.commit()

    [message] = smtp.sent
    assert message["To"] == "zoe@example.org"
    assert message["Subject"] == "Votre résumé — été 2026"
    assert message["From"].addresses[0].display_name == "Réseau Consult"
    assert message["List-Unsubscribe"] == headers["List-Unsubscribe"]
    assert message["Message-ID"] and message["Date"]
    assert message.get_content() == body


def test_an_address_outside_ascii_is_sent_through_the_email_package(smtp, db):
    send_email("zoë@exämple.org", "Hello", "Body text")
    db.session.commit()

    [message] = smtp.sent
    assert message["To"] == "zoë@exämple.org"
    assert message.get_content() == "Body text\n"


def test_a_header_with_a_line_break_is_refused_before_anything_is_stored(smtp, db):
    with pytest.raises(ValueError, match="line break"):
        send_email("someone@example.org", "Hello", "Body", {"List-Id": "x\r\nBcc: all@example.org"})
    assert OutboxMessage.query.count() == 0
