"""Notices: who is told what, how each person chose to hear of it, and read or unread.

`notify` is the one way a notice is made. It decides who receives it by what each person may
see now (their membership of the object's organisation, checked with the same predicates as
the pages: consult/drafting/permissions.py), never tells the person who acted (except about
their own account's security, where the point is that it might not have been them), files
each notice with its e-mail mode (the person's choice for the kind) and e-mails the immediate
ones in the same transaction (consult/mail.py: nothing is sent for a change rolled back).
Services flush; the request (or the command) commits."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, or_, select, update
from sqlalchemy.orm import joinedload

from consult.accounts.models import User
from consult.drafting.permissions import can_view
from consult.errors import DomainError
from consult.extensions import db
from consult.notifications import emails
from consult.notifications.models import (
    ALWAYS_IMMEDIATE,
    DEFAULT_MODES,
    KINDS,
    MODES,
    Notification,
    NotificationPreference,
)
from consult.organisations.models import Membership
from consult.timeutil import utcnow

Rule = Callable[[Membership], bool]


class PreferenceError(DomainError):
    """A preference that cannot be set (an unknown kind or mode, or turning security off)."""


# --- making notices -------------------------------------------------------------------------


def notify(
    kind: str,
    recipients: Iterable[User | int | None],
    *,
    actor: User | None = None,
    organisation_id: int | None = None,
    may_see: Rule = can_view,
    dedupe_key: str | None = None,
    detail: str | None = None,
    **objects: Any,
) -> list[int]:
    """Tell each of `recipients` who may see the object (their membership of
    `organisation_id` passes `may_see`), but not the actor; `objects` are what the notice is
    about (response=, section=, comment=, suggestion=, version=). A notice with no
    organisation is about the recipient's own account (security) and goes to them alone.
    Returns the ids of those told.

    The notices go in with one INSERT whatever their number (a version opened for signing
    tells a whole organisation), and the immediate ones' e-mails with them."""
    if kind not in KINDS:
        raise ValueError(f"unknown kind of notice: {kind}")
    wanted = _ids(recipients)
    if actor is not None and kind not in ALWAYS_IMMEDIATE:
        wanted = [user_id for user_id in wanted if user_id != actor.id]
    if organisation_id is not None:
        wanted = _who_may_see(wanted, organisation_id, may_see)
    elif kind not in ALWAYS_IMMEDIATE:
        raise ValueError("only security notices are about no organisation's objects")
    if dedupe_key is not None:
        wanted = _not_told_yet(wanted, dedupe_key)
    if not wanted:
        return []
    fields = {
        "kind": kind,
        "actor_id": actor.id if actor is not None else None,
        "organisation_id": organisation_id,
        "dedupe_key": dedupe_key,
        "detail": detail,
        **{f"{name}_id": thing.id for name, thing in objects.items()},
    }
    _file(kind, [({**fields, "recipient_id": user_id}, objects) for user_id in wanted], actor)
    return wanted


@dataclass(frozen=True)
class Notice:
    """One notice of `notify_each`: to whom, in which organisation, about what."""

    recipient_id: int
    organisation_id: int
    objects: dict[str, Any]
    dedupe_key: str | None = None


def notify_each(kind: str, wanted: list[Notice], *, may_see: Rule = can_view) -> int:
    """Many notices of one kind, each to one person about objects of its own (a reminder for
    each clash left open), with the rules of `notify` (only members of the organisation who
    pass `may_see`; no actor). A bounded number of queries whatever their number: the
    memberships (one), the modes (one), the insert (one) and the immediate e-mails'
    addresses (one). Returns how many were made."""
    if not wanted:
        return 0
    memberships = {
        (membership.organisation_id, membership.user_id): membership
        for membership in db.session.scalars(
            select(Membership).where(
                Membership.organisation_id.in_({notice.organisation_id for notice in wanted}),
                Membership.user_id.in_({notice.recipient_id for notice in wanted}),
            )
        )
    }
    kept = [
        notice
        for notice in wanted
        if (membership := memberships.get((notice.organisation_id, notice.recipient_id)))
        is not None
        and may_see(membership)
    ]
    _file(
        kind,
        [
            (
                {
                    "kind": kind,
                    "recipient_id": notice.recipient_id,
                    "organisation_id": notice.organisation_id,
                    "dedupe_key": notice.dedupe_key,
                    **{f"{name}_id": thing.id for name, thing in notice.objects.items()},
                },
                notice.objects,
            )
            for notice in kept
        ],
    )
    return len(kept)


def _file(kind: str, notices: list[tuple[dict, dict]], actor: User | None = None) -> None:
    """Insert the notices (each its row's values and the objects it is about) with one
    statement, each with its recipient's e-mail mode for the kind, and e-mail the immediate
    ones in the same transaction."""
    if not notices:
        return
    modes = modes_of(list({row["recipient_id"] for row, _objects in notices}), kind)
    now = utcnow()
    rows = [
        {**row, "created_at": now, "delivery": modes[row["recipient_id"]]} for row, _ in notices
    ]
    # The immediate ones as unsaved notices, with what their e-mails' sentences and links are
    # drawn from; send_now marks those it sent.
    immediate = {
        index: Notification(**row, actor=actor, **notices[index][1])
        for index, row in enumerate(rows)
        if row["delivery"] == "immediate"
    }
    emails.send_now(list(immediate.values()), now)
    db.session.execute(
        insert(Notification),
        [
            row | {"emailed_at": immediate[index].emailed_at if index in immediate else None}
            for index, row in enumerate(rows)
        ],
    )


def _ids(recipients: Iterable[User | int | None]) -> list[int]:
    """The recipients' ids, each once, in the order given."""
    ids: dict[int, None] = {}
    for recipient in recipients:
        if recipient is not None:
            ids[recipient if isinstance(recipient, int) else recipient.id] = None
    return list(ids)


def _who_may_see(user_ids: list[int], organisation_id: int, may_see: Rule) -> list[int]:
    """Those of `user_ids` who are members of the organisation and pass `may_see`: one query
    whatever their number. A former member (an assignee since removed, say) is told nothing."""
    if not user_ids:
        return []
    memberships = {
        membership.user_id: membership
        for membership in db.session.scalars(
            select(Membership).where(
                Membership.organisation_id == organisation_id, Membership.user_id.in_(user_ids)
            )
        )
    }
    return [
        user_id
        for user_id in user_ids
        if (membership := memberships.get(user_id)) is not None and may_see(membership)
    ]


def _not_told_yet(user_ids: list[int], dedupe_key: str) -> list[int]:
    """Those of `user_ids` without a notice of this key (a reminder is sent once; the unique
    constraint stands behind this against two runs at once)."""
    if not user_ids:
        return []
    told = set(
        db.session.scalars(
            select(Notification.recipient_id).where(
                Notification.dedupe_key == dedupe_key, Notification.recipient_id.in_(user_ids)
            )
        )
    )
    return [user_id for user_id in user_ids if user_id not in told]


# --- preferences ----------------------------------------------------------------------------


def modes_of(user_ids: list[int], kind: str) -> dict[int, str]:
    """How each person hears of `kind` by e-mail: their choice, or the default (one query)."""
    if kind in ALWAYS_IMMEDIATE:
        return dict.fromkeys(user_ids, "immediate")
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.user_id, NotificationPreference.mode).where(
                NotificationPreference.kind == kind,
                NotificationPreference.user_id.in_(user_ids),
            )
        ).all()
    )
    return {user_id: chosen.get(user_id, DEFAULT_MODES[kind]) for user_id in user_ids}


def preferences(user: User) -> dict[str, str]:
    """The person's mode for every kind (defaults filled in), in KINDS order."""
    chosen = dict(
        db.session.execute(
            select(NotificationPreference.kind, NotificationPreference.mode).where(
                NotificationPreference.user_id == user.id
            )
        ).all()
    )
    return {
        kind: "immediate" if kind in ALWAYS_IMMEDIATE else chosen.get(kind, DEFAULT_MODES[kind])
        for kind in KINDS
    }


def set_preferences(user: User, modes: dict[str, str]) -> None:
    """Set the person's mode for the kinds given (the others stay as they are). Security
    notices cannot be turned off or delayed: asking to is refused, not ignored."""
    for kind, mode in modes.items():
        if kind not in KINDS:
            raise PreferenceError(f"There is no kind of notice called {kind!r}.")
        if mode not in MODES:
            raise PreferenceError(f"Choose one of: {', '.join(MODES)}.")
        if kind in ALWAYS_IMMEDIATE and mode != "immediate":
            raise PreferenceError("Security notices are always e-mailed: they cannot be changed.")
    current = {
        row.kind: row
        for row in db.session.scalars(
            select(NotificationPreference).where(NotificationPreference.user_id == user.id)
        )
    }
    for kind, mode in modes.items():
        if kind in ALWAYS_IMMEDIATE:
            continue
        row = current.get(kind)
        if row is None:
            db.session.add(NotificationPreference(user_id=user.id, kind=kind, mode=mode))
        elif row.mode != mode:
            row.mode, row.updated_at = mode, utcnow()
    db.session.flush()


def unsubscribe(user: User, kinds: list[str]) -> None:
    """No more e-mails of these kinds (the one-click link in each e-mail); the notices still
    show in the app."""
    set_preferences(user, dict.fromkeys(kinds, "off"))


# --- reading notices ------------------------------------------------------------------------


# The person's notices that they may still see: about their own account, or about an
# organisation they still belong to (a former member's old notices name its sections). Built
# once, with the person as a parameter: the header's bell counts them on every page.
_VISIBLE = (Notification.recipient_id == bindparam("user_id")) & or_(
    Notification.organisation_id.is_(None),
    Notification.organisation_id.in_(
        select(Membership.organisation_id).where(Membership.user_id == bindparam("user_id"))
    ),
)


def notices_for(
    user: User, *, limit: int = 50, before_id: int | None = None, unread_only: bool = False
) -> list[Notification]:
    """The person's notices, newest first, with what their sentences and links need (one
    query)."""
    statement = (
        select(Notification)
        .where(_VISIBLE)
        .options(
            joinedload(Notification.actor),
            joinedload(Notification.organisation),
            joinedload(Notification.response),
            joinedload(Notification.section),
            joinedload(Notification.version),
        )
        .order_by(Notification.id.desc())
        .limit(limit)
    )
    if before_id is not None:
        statement = statement.where(Notification.id < before_id)
    if unread_only:
        statement = statement.where(Notification.read_at.is_(None))
    return list(db.session.scalars(statement, {"user_id": user.id}))


_UNREAD_COUNT = (
    select(func.count()).select_from(Notification).where(_VISIBLE, Notification.read_at.is_(None))
)


def unread_count(user: User) -> int:
    """How many of the person's visible notices (as `_VISIBLE` says) are unread."""
    return db.session.scalar(_UNREAD_COUNT, {"user_id": user.id}) or 0


def mark_read(user: User, notice: Notification) -> None:
    """Mark one of the person's notices read (reading it twice changes nothing)."""
    if notice.recipient_id != user.id:
        raise ValueError("a notice is marked read by its recipient only")
    if notice.read_at is None:
        notice.read_at = utcnow()
    db.session.flush()


def mark_all_read(user: User, now: datetime | None = None) -> int:
    """Mark every unread notice of the person read; returns how many were unread."""
    result = db.session.execute(
        update(Notification)
        .where(Notification.recipient_id == user.id, Notification.read_at.is_(None))
        .values(read_at=now or utcnow())
    )
    return result.rowcount or 0


def purge_old_notifications(before: datetime) -> int:
    """Storage limitation: notices made before `before` go (read or not; a digest has long
    carried the unread ones)."""
    result = db.session.execute(db.delete(Notification).where(Notification.created_at < before))
    return result.rowcount or 0
