"""Notifications: telling each person what needs them, once, in the way they chose.

receivers.py listens to the other domains' events and decides who is told (services.notify:
only those who may see the object, never the actor); the bell in the header and the
notifications page show the notices; emails.py sends the immediate ones at once and the rest
in a daily digest; reminders.py reminds of closing dates; `flask --app wsgi notifications
send-due` (cli.py) sends the digests and reminders that are due."""

from __future__ import annotations

from flask import Flask, has_request_context
from flask_login import current_user


def _bell() -> dict:
    """The header's unread count, for a logged-in page (none for e-mails or the CLI)."""
    if not has_request_context() or not current_user.is_authenticated:
        return {}
    from consult.notifications.services import unread_count

    return {"unread_notifications": unread_count(current_user)}


def init_app(app: Flask) -> None:
    from consult.accounts.presenters import add_account_panel
    from consult.notifications import cli, receivers, services  # noqa: F401  (receivers connect)
    from consult.notifications.forms import PreferencesForm
    from consult.notifications.models import ALWAYS_IMMEDIATE, KIND_LABELS, MODE_LABELS
    from consult.notifications.views import blueprint

    app.register_blueprint(blueprint)
    app.context_processor(_bell)
    cli.init_app(app)
    add_account_panel(
        app,
        lambda user: {
            "notification_form": PreferencesForm(data=services.preferences(user)),
            "notification_kinds": KIND_LABELS,
            "notification_modes": MODE_LABELS,
            "notification_fixed": ALWAYS_IMMEDIATE,
        },
    )
