"""`flask --app wsgi notifications send-due`: from cron (every few minutes, or hourly), makes
the deadline reminders due today, tells the authors of clashes left open for an hour and, at
the first run at or after the digest hour (NOTIFICATION_DIGEST_HOUR), sends the day's
digests, then commits. Idempotent: each reminder is made once per person, each clash is told
of once, the digests go once a day, and a notice is e-mailed once."""

from __future__ import annotations

import click
from flask import Flask
from flask.cli import AppGroup

from consult.extensions import db
from consult.notifications.emails import send_digests
from consult.notifications.reminders import send_clash_reminders, send_reminders

notifications_cli = AppGroup("notifications", help="Deadline reminders and e-mail digests.")


@notifications_cli.command("send-due")
def send_due() -> None:
    """Make today's deadline reminders, tell of clashes left open, send the digests due."""
    reminders = send_reminders()
    clashes = send_clash_reminders()
    digests = send_digests()
    db.session.commit()
    click.echo(
        f"{reminders} reminders made, {clashes} clashes left open told of, {digests} digests sent."
    )


def init_app(app: Flask) -> None:
    app.cli.add_command(notifications_cli)
