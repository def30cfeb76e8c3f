"""E-mails about notices, through the mail layer (consult/mail.py: SMTP or the outbox, in the
transaction that made them): one at once for an immediate notice, and a daily digest of the
rest. Every e-mail but a security notice carries a one-click unsubscribe for its kinds, as a
link and as List-Unsubscribe / List-Unsubscribe-Post headers (RFC 8058): the link holds a
signed token, so it works without logging in, and it only ever turns e-mails off."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, fields
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer
from sqlalchemy import delete, select, update
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from consult.accounts.models import User
from consult.extensions import db
from consult.links import public_urls
from consult.mail import send_emails, shorten
from consult.notifications.models import (
    ALWAYS_IMMEDIATE,
    KIND_LABELS,
    KINDS,
    DigestRun,
    Notification,
)
from consult.notifications.presenters import (
    FACT_COLUMNS,
    SECURITY_SUBJECTS,
    Facts,
    describe,
    fact_joins,
    facts,
    public_link,
)
from consult.timeutil import utcnow

_SALT = "notification-unsubscribe"
# Rows marked e-mailed per statement (a bound on the statement's parameters).
_BATCH = 500


# --- unsubscribing --------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt=_SALT)


def unsubscribe_token(user_id: int, kinds: list[str]) -> str:
    """The token of the link that stops e-mails of `kinds` to the person."""
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


class _Writer:
    """Writes the e-mails of one run: the public address bound, the signer made and the
    settings link built once, not for each of thousands of e-mails."""

    def __init__(self) -> None:
        self.build = public_urls()
        self.signer = _serializer()
        self.settings_url = self.build("accounts.account", _anchor="notifications")
        # The template alone (render_template would run every context processor per e-mail).
        self.template = current_app.jinja_env.get_template("mail/notifications.txt")

    def unsubscribe_url(self, user_id: int, kinds: list[str]) -> str:
        token = self.signer.dumps({"u": user_id, "k": sorted(kinds)})
        return self.build("notifications.unsubscribe", token=token)

    def message(self, user: Recipient, notices: list[Facts], digest: bool) -> tuple:
        """(to, subject, body, headers) of the e-mail telling `user` of `notices`."""
        kinds = sorted({notice.kind for notice in notices} - ALWAYS_IMMEDIATE)
        links = {kind: self.unsubscribe_url(user.id, [kind]) for kind in kinds}
        headers = None
        if kinds:
            everything = (
                links[kinds[0]] if len(kinds) == 1 else self.unsubscribe_url(user.id, kinds)
            )
            headers = _unsubscribe_headers(everything)
        entries = [
            {"text": describe(notice), "url": public_link(notice, self.build)} for notice in notices
        ]
        body = self.template.render(
            user=user,
            entries=entries,
            digest=digest,
            unsubscribe=[(KIND_LABELS[kind], url) for kind, url in links.items()],
            settings_url=self.settings_url,
        )
        if digest:
            count = len(notices)
            subject = f"Consult: {count} thing{'s' if count != 1 else ''} since your last digest"
        elif notices[0].kind == "security":
            subject = SECURITY_SUBJECTS.get(
                (notices[0].detail or "").partition(":")[0], "A security change on Consult"
            )
        else:
            subject = shorten(entries[0]["text"], 150)
        return user.email, subject, body, headers


def send_now(notices: list[Notification], now: datetime) -> None:
    """E-mail each immediate notice to its recipient, in the current transaction, and mark
    those sent (`emailed_at`: not yet saved, the caller saves them)."""
    if not notices:
        return
    users = {
        user.id: user
        for user in db.session.scalars(
            select(User).where(User.id.in_({notice.recipient_id for notice in notices}))
        )
    }
    writer = _Writer()
    sent = []
    messages = []
    for notice in notices:
        user = users.get(notice.recipient_id)
        if _can_receive(user):
            messages.append(writer.message(user, [facts(notice)], digest=False))
            sent.append(notice)
    send_emails(messages)
    for notice in sent:
        notice.emailed_at = now


@dataclass(frozen=True)
class Recipient:
    id: int
    email: str
    name: str


def digest_slot(now: datetime, hour: int, zone: str) -> datetime:
    """The latest digest time not after `now` (naive UTC): `hour` o'clock local time in
    `zone`, today's if it has come, else yesterday's. Summer time is followed: 8 o'clock in
    London is 08:00 UTC in winter and 07:00 UTC in summer."""
    local_zone = ZoneInfo(zone)
    local_now = now.replace(tzinfo=UTC).astimezone(local_zone)
    slot = datetime.combine(local_now.date(), time(hour), tzinfo=local_zone)
    if slot > local_now:
        slot = datetime.combine(local_now.date() - timedelta(days=1), time(hour), local_zone)
    return slot.astimezone(UTC).replace(tzinfo=None)


def _claim(slot: datetime, now: datetime) -> bool:
    """Claim the digests of the day whose digest time is `slot`: False when a run already
    sent them, or is sending them (one statement: the unique slot lets one row in, and a
    run meeting another's row does nothing; no savepoint, whose release would send the
    run's e-mails before its commit)."""
    dialect = db.session.get_bind().dialect.name
    insert = postgresql_insert if dialect == "postgresql" else sqlite_insert
    claimed = db.session.scalar(
        insert(DigestRun)
        .values(slot_at=slot, ran_at=now)
        .on_conflict_do_nothing(index_elements=["slot_at"])
        .returning(DigestRun.id)
    )
    if claimed is None:
        return False
    db.session.execute(delete(DigestRun).where(DigestRun.slot_at < slot))
    return True


def send_digests(now: datetime | None = None) -> int:
    """Once a day, at the first run at or after the digest hour (NOTIFICATION_DIGEST_HOUR,
    local time), one e-mail to each person with digest notices waiting (unread, not e-mailed
    yet); all of them over one SMTP connection after the commit. Runs later that day send
    nothing; a run that comes late, even a day late, sends the digests it finds due. Returns
    how many digests went. A bounded number of queries, whatever the number of people: the
    day's run claimed (two), the notices with what their sentences need, as plain rows
    (one), the marking (one a batch)."""
    now = now or utcnow()
    config = current_app.config
    slot = digest_slot(
        now, config["NOTIFICATION_DIGEST_HOUR"], config["NOTIFICATION_DIGEST_TIMEZONE"]
    )
    if not _claim(slot, now):
        return 0
    waiting = db.session.execute(
        fact_joins(
            select(
                Notification.id.label("notice_id"),
                Notification.recipient_id,
                User.email.label("recipient_email"),
                User.name.label("recipient_name"),
                *FACT_COLUMNS,
            ).join(User, Notification.recipient_id == User.id)
        )
        .where(
            Notification.delivery == "digest",
            Notification.emailed_at.is_(None),
            Notification.read_at.is_(None),
            Notification.created_at <= now,
            User.email_confirmed_at.is_not(None),
            User.erased_at.is_(None),
        )
        .order_by(Notification.recipient_id, Notification.id)
    ).all()
    if not waiting:
        return 0
    people: dict[int, Recipient] = {}
    by_person: dict[int, list[Facts]] = defaultdict(list)
    ids: list[int] = []
    for row in waiting:
        people.setdefault(
            row.recipient_id, Recipient(row.recipient_id, row.recipient_email, row.recipient_name)
        )
        values = row._mapping
        by_person[row.recipient_id].append(Facts(**{key: values[key] for key in _FACT_KEYS}))
        ids.append(row.notice_id)
    writer = _Writer()
    messages = [
        writer.message(people[person], notices, digest=True)
        for person, notices in by_person.items()
    ]
    send_emails(messages)
    for start in range(0, len(ids), _BATCH):
        db.session.execute(
            update(Notification)
            .where(Notification.id.in_(ids[start : start + _BATCH]))
            .values(emailed_at=now)
            .execution_options(synchronize_session=False)
        )
    return len(messages)


_FACT_KEYS = [field.name for field in fields(Facts)]
