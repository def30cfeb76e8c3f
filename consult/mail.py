"""Sending e-mail: SMTP when MAIL_SERVER is set, otherwise a database outbox.

The outbox lets development, tests and demo instances work without a mail server, and is
readable with `flask --app wsgi outbox list --json` (and a page in development).

E-mails belong to the transaction that caused them. Every e-mail is first written to the
outbox in that transaction, so it commits or rolls back with the change that caused it: nobody
receives a link to something that was never saved, and nothing is left half done (a signature
whose e-mail could not be stored is not saved either). With SMTP the messages are sent only
after the commit, and each one the server took is then deleted from the outbox; the others
stay there, so a mail server outage neither undoes a sign-up nor loses its e-mail.

A message may carry extra headers (a notification's List-Unsubscribe, say): they are kept with
it in the outbox and set on the SMTP message.

Every subject fits its column: callers shorten the titles they quote (`shorten`), and a
subject still too long is cut at a word with an ellipsis rather than failing the transaction.
"""

from __future__ import annotations

import quopri
import smtplib
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from email.header import Header
from email.message import EmailMessage
from email.utils import format_datetime, formataddr, make_msgid, parseaddr

from flask import current_app
from sqlalchemy import JSON, String, Text, delete, event, func, select
from sqlalchemy.exc import SQLAlchemyError
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
    headers: Mapped[dict | None] = mapped_column(JSON)

    def as_dict(self) -> dict:
        entry = {
            "to": self.to,
            "subject": self.subject,
            "body": self.body,
            "created_at": isoformat(self.created_at),
        }
        if self.headers:
            entry["headers"] = self.headers
        return entry


_INSERT_OUTBOX = OutboxMessage.__table__.insert()
# With SMTP the ids are needed, to delete each message the server took (see _send_pending).
_INSERT_OUTBOX_IDS = _INSERT_OUTBOX.returning(
    OutboxMessage.__table__.c.id, sort_by_parameter_order=True
)
SUBJECT_LENGTH = OutboxMessage.__table__.c.subject.type.length
ELLIPSIS = "\u2026"


def shorten(text: str, limit: int) -> str:
    """`text` in at most `limit` characters: whole if it fits, else cut at the last space
    that leaves room for an ellipsis (or mid-word when one word is longer than the room)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = text[: limit - 1]
    cut = room.rfind(" ")
    if cut > limit // 2:
        room = room[:cut]
    return room.rstrip(" ,;:-\u2013\u2014") + ELLIPSIS


def send_email(to: str, subject: str, body: str, headers: dict[str, str] | None = None) -> None:
    """Send a plain-text e-mail when the current transaction commits (see the module text)."""
    send_emails([(to, subject, body, headers)] if headers else [(to, subject, body)])


def send_emails(
    messages: list[tuple[str, str, str]] | list[tuple[str, str, str, dict[str, str] | None]],
) -> None:
    """Send many e-mails, each (to, subject, body) or (to, subject, body, headers), so that
    inviting thousands of signers at once stays quick: into the outbox in one INSERT, in the
    current transaction, and with SMTP over one connection after the commit."""
    if not messages:
        return
    now = utcnow()
    rows = [
        {
            "to": to,
            "subject": shorten(subject, SUBJECT_LENGTH),
            "body": body,
            "created_at": now,
            "headers": extra[0] if extra else None,
        }
        for to, subject, body, *extra in messages
    ]
    config = current_app.config
    if not config["MAIL_SERVER"]:
        # A plain INSERT, built once (public signing is a hot path).
        db.session.execute(_INSERT_OUTBOX, rows)
        return
    for row in rows:
        if any(
            _breaks_a_line(value)
            for value in (row["to"], row["subject"], *(row["headers"] or {}).values())
        ):
            raise ValueError("An e-mail header may not hold a line break.")
    ids = _insert_returning_ids(rows)
    pending = db.session().info.setdefault(_PENDING, [])
    app = current_app._get_current_object()
    pending += [(app, outbox_id, row) for outbox_id, row in zip(ids, rows, strict=True)]


_PENDING = "consult.pending_mail"
_SAVEPOINTS = "consult.pending_mail_savepoints"  # {savepoint: e-mails waiting when it began}


def _insert_returning_ids(rows: list[dict]) -> list[int]:
    """Store the rows; their ids, in order. PostgreSQL returns them from batched INSERTs.
    SQLite cannot promise RETURNING's order for a many-row INSERT, so SQLAlchemy would send
    one INSERT a row (a digest to thousands would be thousands of statements): there the rows
    go in one executemany instead, and since SQLite lets one transaction write at a time and
    numbers new rows one above the highest, they are the len(rows) highest ids."""
    if db.session.get_bind().dialect.name != "sqlite":
        return list(db.session.scalars(_INSERT_OUTBOX_IDS, rows))
    db.session.execute(_INSERT_OUTBOX, rows)
    last = db.session.scalar(select(func.max(OutboxMessage.id)))
    return list(range(last - len(rows) + 1, last + 1))


def _breaks_a_line(value: str) -> bool:
    return "\n" in value or "\r" in value


def _written_out(from_header: str, row: dict) -> str:
    """A message as SMTP carries it, in ASCII: headers (a subject outside ASCII encoded as RFC
    2047 says), then the body in quoted-printable UTF-8. Building an EmailMessage instead
    parses every header again with the email package's header parser, about a millisecond a
    message: 85 % of the time sending 6,500 digests and reminders took (bench/notifications)."""
    subject = row["subject"]
    headers = [
        ("From", from_header),
        ("To", row["to"]),
        ("Subject", subject if subject.isascii() else Header(subject, "utf-8").encode()),
        ("Date", format_datetime(datetime.now(UTC))),
        ("Message-ID", make_msgid(domain="consult")),
        *(row["headers"] or {}).items(),
        ("MIME-Version", "1.0"),
        ("Content-Type", 'text/plain; charset="utf-8"'),
        ("Content-Transfer-Encoding", "quoted-printable"),
    ]
    body = quopri.encodestring(row["body"].encode("utf-8")).decode("ascii")
    return "".join(f"{name}: {value}\n" for name, value in headers) + "\n" + body


def _email_message(sender: str, row: dict) -> EmailMessage:
    """The message built by the email package: for an address outside ASCII (SMTPUTF8)."""
    message = EmailMessage()
    message["From"] = sender
    message["To"] = row["to"]
    message["Subject"] = row["subject"]
    message["Message-ID"] = make_msgid(domain="consult")
    for name, value in (row["headers"] or {}).items():
        message[name] = value
    message.set_content(row["body"])
    return message


# The server refused this one message (its recipient, sender or content), not the connection:
# the others of the transaction are still sent.
_REFUSED = (smtplib.SMTPRecipientsRefused, smtplib.SMTPSenderRefused, smtplib.SMTPDataError)


def _deliver(app, messages: list[tuple[int, dict]]) -> list[int]:
    """Send the messages, each (outbox id, its outbox row), over one SMTP connection (re-sign
    invitations can be thousands). Returns the outbox ids of those the server took; the
    others (refused, or not tried once the connection failed) stay in the outbox."""
    config = app.config
    sent: list[int] = []
    name, sender = parseaddr(config["MAIL_FROM"])
    from_header = formataddr((name, sender), charset="utf-8") if sender.isascii() else ""
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
            if config["MAIL_USE_TLS"]:
                # Verify the server's certificate: without a context, starttls() encrypts but
                # trusts anyone, so the SMTP password and the links could be intercepted.
                smtp.starttls(context=ssl.create_default_context())
            if config["MAIL_USERNAME"]:
                smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
            for outbox_id, row in messages:
                try:
                    if from_header and row["to"].isascii():
                        smtp.sendmail(sender, [row["to"]], _written_out(from_header, row))
                    else:
                        smtp.send_message(_email_message(config["MAIL_FROM"], row))
                except _REFUSED:
                    app.logger.exception("The SMTP server refused an e-mail")
                else:
                    sent.append(outbox_id)
    except (OSError, smtplib.SMTPException):
        app.logger.exception("Could not send e-mails to the SMTP server")
    return sent


# Outbox rows deleted per statement once sent (a bound on the statement's parameters).
_DELETE_BATCH = 500


@event.listens_for(Session, "after_commit")
def _send_pending(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint released (SQLAlchemy calls that a commit too): not yet
    session.info.pop(_SAVEPOINTS, None)
    by_app: dict = {}
    for app, outbox_id, row in session.info.pop(_PENDING, []):
        by_app.setdefault(app, []).append((outbox_id, row))
    for app, messages in by_app.items():
        sent = _deliver(app, messages)
        if sent:
            _forget_sent(app, sent)


def _forget_sent(app, outbox_ids: list[int]) -> None:
    """Delete the sent e-mails from the outbox, in their own transaction (the one that caused
    them has committed): they hold live links, and the outbox keeps only what still waits.
    The rest (refused, or a mail server outage) wait there (`outbox list`), and the person
    can ask for them again (resend links)."""
    try:
        with app.app_context(), db.engine.begin() as connection:
            for start in range(0, len(outbox_ids), _DELETE_BATCH):
                batch = outbox_ids[start : start + _DELETE_BATCH]
                connection.execute(delete(OutboxMessage).where(OutboxMessage.id.in_(batch)))
    except SQLAlchemyError:
        # Sent already: a copy left in the outbox goes with the retention of stored e-mails.
        app.logger.exception("Could not delete sent e-mails from the outbox")


@event.listens_for(Session, "after_transaction_create")
def _mark_savepoint(session: Session, transaction) -> None:
    """A savepoint remembers how many e-mails were waiting when it began."""
    if transaction.nested:
        session.info.setdefault(_SAVEPOINTS, {})[transaction] = len(session.info.get(_PENDING, []))


@event.listens_for(Session, "after_soft_rollback")
def _drop_pending(session: Session, previous_transaction) -> None:
    """A transaction rolled back takes its e-mails with it (their outbox rows are gone); a
    savepoint rolled back, those queued since it began."""
    if previous_transaction.parent is None:
        session.info.pop(_PENDING, None)
        session.info.pop(_SAVEPOINTS, None)
        return
    began_with = session.info.get(_SAVEPOINTS, {}).pop(previous_transaction, None)
    if began_with is not None and _PENDING in session.info:
        del session.info[_PENDING][began_with:]


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
