"""Sending e-mail: SMTP when MAIL_SERVER is set, otherwise a database outbox.

The outbox lets development, tests and demo instances work without a mail server, and is
readable with `flask --app wsgi outbox list --json` (and a page in development).
"""

from __future__ import annotations

import smtplib
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

from flask import current_app
from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

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


def send_email(to: str, subject: str, body: str) -> None:
    """Send a plain-text e-mail, or keep it in the outbox when no SMTP server is configured."""
    config = current_app.config
    if not config["MAIL_SERVER"]:
        db.session.add(OutboxMessage(to=to, subject=subject, body=body))
        db.session.flush()
        return
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = subject
    message["Message-ID"] = make_msgid(domain="consult")
    message.set_content(body)
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=20) as smtp:
        if config["MAIL_USE_TLS"]:
            smtp.starttls()
        if config["MAIL_USERNAME"]:
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"] or "")
        smtp.send_message(message)


def outbox(limit: int = 200) -> list[OutboxMessage]:
    """Stored e-mails, newest last."""
    rows = db.session.scalars(
        db.select(OutboxMessage).order_by(OutboxMessage.id.desc()).limit(limit)
    ).all()
    return list(reversed(rows))
