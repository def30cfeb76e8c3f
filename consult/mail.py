"""Sending e-mail: SMTP when MAIL_SERVER is set, otherwise a database outbox.

The outbox lets development, tests and demo instances work without a mail server, and is
readable with `flask --app wsgi outbox list --json` (and a page in development).

E-mails belong to the transaction that caused them: an outbox row commits or rolls back with
it, and an SMTP message is sent only after the commit succeeds, so nobody receives a link
to something that was never saved, and a mail server outage cannot undo a sign-up.
"""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterator
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import String, Text, event
from sqlalchemy.orm import Mapped, Session, mapped_column

from consult.extensions import db
from consult.timeutil import isoformat, utcnow


class OutboxMessage(db.Model):
    __tablename__ = "outbox_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    to: Mapped[str] = mapped_column(String(254), index=True)
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    def as_dict(self) -> dict:
        return {
            "to": self.to,
            "subject": self.subject,
            "body": self.body,
            "created_at": isoformat(self.created_at),
        }


_INSERT_OUTBOX = OutboxMessage.__table__.insert()


def send_email(to: str, subject: str, body: str) -> None:
    """Send a plain-text e-mail when the current transaction commits (see the module text)."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        # Written in the request's transaction: a plain INSERT, built once.
        db.session.execute(
            _INSERT_OUTBOX, {"to": to, "subject": subject, "body": body, "created_at": utcnow()}
        )
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="consult")
    message.set_content(body)
    session = db.session()
    session.connection()  # make sure a transaction is open, so its commit or rollback decides
    session.info.setdefault(_PENDING, []).append((current_app._get_current_object(), message))


def send_emails(messages: list[tuple[str, str, str]]) -> None:
    """Send many e-mails, each (to, subject, body), as send_email does, so that inviting
    thousands of signers at once stays quick: into the outbox in one INSERT, or over one SMTP
    connection after the commit."""
    if current_app.config["MAIL_SERVER"]:
        for to, subject, body in messages:
            send_email(to, subject, body)
        return
    if messages:
        now = utcnow()
        db.session.execute(
            _INSERT_OUTBOX,
            [
                {"to": to, "subject": subject, "body": body, "created_at": now}
                for to, subject, body in messages
            ],
        )


_PENDING = "consult.pending_mail"


# The server refused this one message (its recipient, sender or content), not the connection:
# the others of the transaction are still sent.
_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _deliver(app, messages: list[EmailMessage]) -> list[EmailMessage]:
    """Send the messages over one SMTP connection (re-sign invitations can be thousands).
    Returns those that were not sent: refused ones, and all the rest once the connection
    fails."""
    config = app.config
    unsent: list[EmailMessage] = []
    remaining = list(messages)
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                # Verify the server's certificate: without a context, starttls() encrypts but
                # trusts anyone, so the SMTP password and the links could be intercepted.
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            while remaining:
                try:
                    smtp.send_message(remaining[0])
                except _REFUSED:
                    app.logger.exception("The SMTP server refused an e-mail")
                    unsent.append(remaining[0])
                remaining.pop(0)
    except (OSError, smtplib.SMTPException):
        app.logger.exception("Could not send e-mails to the SMTP server")
        unsent.extend(remaining)
    return unsent


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    by_app: dict = {}
    for app, message in session.info.pop(_PENDING, []):
        by_app.setdefault(app, []).append(message)
    for app, messages in by_app.items():
        unsent = _deliver(app, messages)
        if unsent:
            # The change is saved; the e-mails wait in the outbox (`outbox list`), and the
            # person can ask for them again (resend links).
            _keep_undelivered(app, unsent)


def _keep_undelivered(app, messages: list[EmailMessage]) -> None:
    """Store e-mails the SMTP server did not take, in their own transaction (the one that
    caused them has already committed), so that an outage loses no confirmation or
    invitation link."""
    now = utcnow()
    rows = [
        {
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "body": message.get_content(),
            "created_at": now,
        }
        for message in messages
    ]
    with app.app_context(), db.engine.begin() as connection:
        connection.execute(_INSERT_OUTBOX, rows)


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    if previous_transaction.parent is None:  # the whole transaction, not a savepoint
        session.info.pop(_PENDING, None)


def count_outbox() -> int:
    """How many e-mails are stored."""
    return db.session.scalar(db.select(db.func.count()).select_from(OutboxMessage)) or 0


def _nth_newest_id(n: int) -> int | None:
    """The id of the n-th newest stored e-mail (0 is the newest), or None past the oldest."""
    return db.session.scalar(
        db.select(OutboxMessage.id).order_by(OutboxMessage.id.desc()).offset(n).limit(1)
    )


def outbox(limit: int | None = None, skip_newest: int = 0) -> Iterator[OutboxMessage]:
    """Stored e-mails, newest last: all of them, or the `limit` newest after leaving out the
    `skip_newest` newest (so pages go back in time). Rows are fetched in batches, so listing a
    large outbox holds only a batch in memory at once."""
    newest = _nth_newest_id(skip_newest)
    if newest is None:
        return iter(())
    statement = db.select(OutboxMessage).where(OutboxMessage.id <= newest)
    if limit is not None:
        oldest = _nth_newest_id(skip_newest + limit - 1)
        if oldest is not None:
            statement = statement.where(OutboxMessage.id >= oldest)
    statement = statement.order_by(OutboxMessage.id).execution_options(yield_per=500)
    return iter(db.session.scalars(statement))


def purge_outbox(before: datetime) -> int:
    """Storage limitation: stored e-mails hold addresses and live links; forget old ones."""
    result = db.session.execute(db.delete(OutboxMessage).where(OutboxMessage.created_at < before))
    return result.rowcount or 0
