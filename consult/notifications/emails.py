"""E-mails about notices, through the mail layer (consult/mail.py: SMTP or the outbox, in the
transaction that made them): one at once for an immediate notice, and a daily digest of the
rest. Every e-mail but a security notice carries a one-click unsubscribe for its kinds, as a
link and as List-Unsubscribe / List-Unsubscribe-Post headers (RFC 8058): the link holds a
signed token, so it works without logging in, and it only ever turns e-mails off."""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime, timedelta

from flask import current_app, render_template
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import func, select, update
from sqlalchemy.orm import joinedload

from consult.accounts.models import User
from consult.extensions import db
from consult.links import public_url
from consult.mail import send_emails, shorten
from consult.notifications.models import ALWAYS_IMMEDIATE, KIND_LABELS, KINDS, Notification
from consult.notifications.presenters import describe, public_link
from consult.timeutil import utcnow

# A digest goes to a person at most this often, however often `send-due` runs (daily from
# cron, a little early or late).
DIGEST_INTERVAL = timedelta(hours=20)
_SALT = "notification-unsubscribe"
# Rows marked e-mailed per statement (a bound on the statement's parameters).
_BATCH = 500


# --- unsubscribing --------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def unsubscribe_token(user_id: int, kinds: list[str]) -> str:
    return _serializer().dumps({"u": user_id, "k": sorted(kinds)})


def read_unsubscribe_token(token: str) -> tuple[int, list[str]] | None:
    """(user id, kinds) from an unsubscribe link, or None for a link that is not one of ours
    (or names a kind that cannot be turned off)."""
    if len(token) > 500:
        return None
    try:
        data = _serializer().loads(token)
    except BadSignature:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("u"), int):
        return None
    kinds = data.get("k")
    if not isinstance(kinds, list) or not kinds:
        return None
    if any(kind not in KINDS or kind in ALWAYS_IMMEDIATE for kind in kinds):
        return None
    return data["u"], kinds


def _unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


# --- what is sent ---------------------------------------------------------------------------


def _can_receive(user: User | None) -> bool:
    """Only a confirmed address that still belongs to someone is written to."""
    return user is not None and user.email_confirmed_at is not None and user.erased_at is None


def _entry(notice: Notification) -> dict:
    return {"kind": notice.kind, "text": describe(notice), "url": public_link(notice)}


def _message(user: User, notices: list[Notification], digest: bool) -> tuple:
    """(to, subject, body, headers) of the e-mail telling `user` of `notices`."""
    kinds = sorted({notice.kind for notice in notices} - ALWAYS_IMMEDIATE)
    links = {
        kind: public_url("notifications.unsubscribe", token=unsubscribe_token(user.id, [kind]))
        for kind in kinds
    }
    headers = None
    if kinds:
        everything = public_url(
            "notifications.unsubscribe", token=unsubscribe_token(user.id, kinds)
        )
        headers = _unsubscribe_headers(everything)
    entries = [_entry(notice) for notice in notices]
    body = render_template(
        "mail/notifications.txt",
        user=user,
        entries=entries,
        digest=digest,
        unsubscribe=[(KIND_LABELS[kind], url) for kind, url in links.items()],
        settings_url=public_url("accounts.account", _anchor="notifications"),
    )
    if digest:
        subject = f"Consult: {len(notices)} thing{'s' if len(notices) != 1 else ''} since yesterday"
    else:
        subject = shorten(entries[0]["text"], 150)
    return user.email, subject, body, headers


def send_now(notices: list[Notification]) -> None:
    """E-mail each immediate notice to its recipient, in the current transaction."""
    if not notices:
        return
    users = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_({notice.recipient_id for notice in notices}))
        )
    }
    sent = []
    messages = []
    for notice in notices:
        user = users.get(notice.recipient_id)
        if _can_receive(user):
            messages.append(_message(user, [notice], digest=False))
            sent.append(notice)
    send_emails(messages)
    now = utcnow()
    for notice in sent:
        notice.emailed_at = now


def send_digests(now: datetime | None = None) -> int:
    """One e-mail to each person with digest notices waiting (unread, not e-mailed yet), if
    their last digest went more than DIGEST_INTERVAL ago; all of them over one SMTP connection
    after the commit. Returns how many digests went. A bounded number of queries, whatever
    the number of people: the notices with all their sentences need (one), the last digests
    (one), the marking (one a batch)."""
    now = now or utcnow()
    waiting = list(
        db.session.scalars(
            select(Notification)
            .where(
                Notification.delivery == "digest",
                Notification.emailed_at.is_(None),
                Notification.read_at.is_(None),
                Notification.created_at <= now,
            )
            .options(
                joinedload(Notification.recipient),
                joinedload(Notification.actor),
                joinedload(Notification.organisation),
                joinedload(Notification.response),
                joinedload(Notification.section),
                joinedload(Notification.version),
            )
            .order_by(Notification.recipient_id, Notification.id)
        ).unique()
    )
    if not waiting:
        return 0
    last_digest = dict(
        db.session.execute(
            select(Notification.recipient_id, func.max(Notification.emailed_at))
            .where(Notification.delivery == "digest", Notification.emailed_at.is_not(None))
            .group_by(Notification.recipient_id)
        ).all()
    )
    by_person: dict[int, list[Notification]] = defaultdict(list)
    for notice in waiting:
        previous = last_digest.get(notice.recipient_id)
        if (previous is None or previous <= now - DIGEST_INTERVAL) and _can_receive(
            notice.recipient
        ):
            by_person[notice.recipient_id].append(notice)
    messages = [
        _message(notices[0].recipient, notices, digest=True) for notices in by_person.values()
    ]
    send_emails(messages)
    ids = [notice.id for notices in by_person.values() for notice in notices]
    for start in range(0, len(ids), _BATCH):
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids[start : start + _BATCH]))
            .values(emailed_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(messages)
