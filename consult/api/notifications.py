"""API v1: the caller's notifications (the bell's count, the list, marking read) and how they
hear of each kind. The same services as the notifications page and the account page."""

from __future__ import annotations

from consult.api.auth import current_caller
from consult.api.body import body, query
from consult.api.models.notifications import (
    KindPreference,
    MarkedRead,
    Notice,
    Notices,
    NotificationsQuery,
    Preferences,
    PreferencesChange,
    UnreadCount,
)
from consult.api.openapi import ACCOUNTS
from consult.api.registry import operation, reply
from consult.api.views import blueprint
from consult.extensions import db
from consult.notifications import presenters, services
from consult.notifications.models import ALWAYS_IMMEDIATE, KIND_LABELS, Notification
from consult.notifications.permissions import load_notification

NOT_YOURS = "No such notice among the caller's (another person's notices are not found)"


def _notice(notice: Notification) -> Notice:
    return Notice(
        id=notice.id,
        kind=notice.kind,
        text=presenters.describe(notice),
        url=presenters.link(notice),
        created_at=notice.created_at,
        read=notice.read_at is not None,
        organisation=notice.organisation.slug if notice.organisation else None,
        response=notice.response_id,
        section=notice.section_id,
        comment=notice.comment_id,
        suggestion=notice.suggestion_id,
        version=notice.version_id,
    )


def _preferences(user) -> Preferences:
    return Preferences(
        preferences=[
            KindPreference(
                kind=kind,
                label=KIND_LABELS[kind],
                mode=mode,
                can_change=kind not in ALWAYS_IMMEDIATE,
            )
            for kind, mode in services.preferences(user).items()
        ]
    )


@blueprint.get("/me/notifications")
@operation(
    "The caller's notifications, newest first, with the unread count",
    ACCOUNTS,
    query=NotificationsQuery,
    responses={
        200: (Notices, "OK"),
        422: "`before` or `limit` is not a whole number in range, or `unread` is not true or false",
    },
)
def my_notifications():
    user = current_caller()
    asked = query(NotificationsQuery)
    notices = services.notices_for(
        user, limit=asked.limit or 50, before_id=asked.before, unread_only=asked.unread
    )
    return reply(
        Notices(unread=services.unread_count(user), notifications=[_notice(n) for n in notices])
    )


@blueprint.get("/me/notifications/unread")
@operation(
    "How many of the caller's notifications are unread (what the bell shows; cheap to poll)",
    ACCOUNTS,
    responses={200: (UnreadCount, "OK")},
)
def unread_notifications():
    return reply(UnreadCount(unread=services.unread_count(current_caller())))


@blueprint.post("/me/notifications/<int:notification_id>/read")
@operation(
    "Mark one of the caller's notifications read",
    ACCOUNTS,
    responses={200: (Notice, "Read"), 404: NOT_YOURS},
)
def mark_notification_read(notification_id: int):
    user = current_caller()
    notice = load_notification(notification_id, user)
    services.mark_read(user, notice)
    db.session.commit()
    return reply(_notice(notice))


@blueprint.post("/me/notifications/read")
@operation(
    "Mark all the caller's notifications read",
    ACCOUNTS,
    responses={200: (MarkedRead, "OK")},
)
def mark_all_notifications_read():
    marked = services.mark_all_read(current_caller())
    db.session.commit()
    return reply(MarkedRead(marked=marked))


@blueprint.get("/me/notification-preferences")
@operation(
    "How the caller hears of each kind of notice by e-mail: immediate, digest (daily) or off",
    ACCOUNTS,
    responses={200: (Preferences, "OK")},
)
def notification_preferences():
    return reply(_preferences(current_caller()))


@blueprint.put("/me/notification-preferences")
@operation(
    "Change how the caller hears of some kinds of notice (security notices cannot be changed)",
    ACCOUNTS,
    body=PreferencesChange,
    responses={200: (Preferences, "Saved")},
)
def set_notification_preferences():
    user = current_caller()
    change = body(PreferencesChange)
    services.set_preferences(user, change.preferences)
    db.session.commit()
    return reply(_preferences(user))
