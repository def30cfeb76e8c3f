"""Notification tables. A notice points at the objects it is about (by foreign key, so it goes
when they go, and its words are drawn from them when shown: an erased actor reads as "Former
member", a renamed section by its new title); it holds no copy of anyone's text."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.drafting.models import Comment, Response, Revision, Section, Suggestion
from consult.extensions import db
from consult.organisations.models import Organisation
from consult.signing.models import Version
from consult.timeutil import utcnow

# Each kind of notice, in the order the account page lists them, with how it reads there.
KIND_LABELS: dict[str, str] = {
    "mention": "Someone mentions you",
    "assignment": "A section is assigned to you",
    "suggestion": "A suggested edit waits for your decision",
    "clash": "An edit of yours that clashed is still to settle (an hour on)",
    "comment": "A comment on a section assigned to you",
    "reply": "A reply to your comment",
    "suggestion_accepted": "Your suggested edit is accepted",
    "invitation_accepted": "Someone accepts your invitation",
    "signing_opened": "A version is opened for signing",
    "deadline": "A closing date is near (7 days, 2 days, on the day)",
    "security": "A security change on your account",
}
KINDS = tuple(KIND_LABELS)
# How a person hears of a kind besides the bell: an e-mail at once, in the daily digest, or
# not by e-mail at all (the notice still shows in the app).
MODES = ("immediate", "digest", "off")
MODE_LABELS = {"immediate": "E-mail at once", "digest": "Daily digest", "off": "No e-mail"}
# Urgent kinds are e-mailed at once unless the person chooses otherwise; the rest wait for the
# digest. A clash left open is urgent: its words are in no text until it is settled, and the
# notice comes once, an hour on (a day in the digest lets someone write over that part
# meanwhile). Security notices are always e-mailed at once: they cannot be turned off.
DEFAULT_MODES: dict[str, str] = {
    kind: "immediate"
    if kind in {"mention", "assignment", "suggestion", "clash", "security"}
    else "digest"
    for kind in KINDS
}
ALWAYS_IMMEDIATE = frozenset({"security"})


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Notification(db.Model):
    """One notice to one person. `delivery` is how it is e-mailed, decided when it is made (the
    person's choice then); `emailed_at` when it went (at once, or in a digest), so that a
    digest or a reminder run twice sends nothing twice. `dedupe_key` names a notice that must
    exist once per person (a deadline reminder): the unique constraint refuses a second."""

    __tablename__ = "notifications"
    __table_args__ = (
        CheckConstraint(_in("kind", KINDS), name="kind"),
        CheckConstraint(_in("delivery", MODES), name="delivery"),
        UniqueConstraint("recipient_id", "dedupe_key", name="uq_notifications_recipient_dedupe"),
        Index("ix_notifications_recipient_read", "recipient_id", "read_at"),
        Index("ix_notifications_delivery_pending", "delivery", "emailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    recipient_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    response_id: Mapped[int | None] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    section_id: Mapped[int | None] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    comment_id: Mapped[int | None] = mapped_column(
        ForeignKey("comments.id", ondelete="CASCADE"), index=True
    )
    suggestion_id: Mapped[int | None] = mapped_column(
        ForeignKey("suggestions.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), index=True
    )
    # A clash (a `conflict` revision) left open: the notice leads to its screen.
    revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), index=True
    )
    # A fact of the notice that no object holds: the days left of a reminder, say.
    detail: Mapped[str | None] = mapped_column(String(200))
    dedupe_key: Mapped[str | None] = mapped_column(String(120))
    delivery: Mapped[str] = mapped_column(String(10), default="digest")
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    read_at: Mapped[datetime | None]
    emailed_at: Mapped[datetime | None]

    recipient: Mapped[User] = relationship(foreign_keys=[recipient_id])
    actor: Mapped[User | None] = relationship(foreign_keys=[actor_id])
    organisation: Mapped[Organisation | None] = relationship()
    response: Mapped[Response | None] = relationship()
    section: Mapped[Section | None] = relationship()
    comment: Mapped[Comment | None] = relationship()
    suggestion: Mapped[Suggestion | None] = relationship()
    version: Mapped[Version | None] = relationship()
    revision: Mapped[Revision | None] = relationship()


class NotificationPreference(db.Model):
    """A person's choice for one kind, where it differs from DEFAULT_MODES (no row: the
    default). Security notices have no row: they cannot be turned off."""

    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "kind", name="uq_notification_preferences_user_kind"),
        CheckConstraint(_in("kind", tuple(k for k in KINDS if k not in ALWAYS_IMMEDIATE)), "kind"),
        CheckConstraint(_in("mode", MODES), name="mode"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(30))
    mode: Mapped[str] = mapped_column(String(10))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class DigestRun(db.Model):
    """The daily digest's run for one day: `slot_at` is that day's digest hour (UTC). Its
    row says the day's digests went, so `send-due` run every few minutes sends them once,
    and a run that comes late (or after a missed day) still sends them. One row at most is
    kept: each run removes the ones before it."""

    __tablename__ = "notification_digest_runs"

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_at: Mapped[datetime] = mapped_column(unique=True)
    ran_at: Mapped[datetime] = mapped_column(default=utcnow)
