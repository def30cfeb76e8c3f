"""The one loader of a notice, for pages and API alike: a notice is its recipient's alone, so
anyone else (and a notice about an organisation the recipient has left) is a 404."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select

from consult.accounts.models import User
from consult.extensions import db
from consult.forms import MAX_ID
from consult.notifications.models import Notification
from consult.organisations.models import Membership


def load_notification(notification_id: int, user: User) -> Notification:
    """The person's own notice that they may still see, or 404."""
    if not 0 < notification_id <= MAX_ID:
        abort(404)
    notice = db.session.get(Notification, notification_id)
    if notice is None or notice.recipient_id != user.id:
        abort(404)
    if notice.organisation_id is not None and not db.session.scalar(
        select(Membership.id).where(
            Membership.organisation_id == notice.organisation_id, Membership.user_id == user.id
        )
    ):
        abort(404)
    return notice
