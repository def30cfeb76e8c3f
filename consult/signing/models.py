"""Signing tables. Versions and consent records are append-only; a signature row is unique per
(version, signer) in the database, so retries, double clicks and bursts never double-count."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.drafting.models import Response
from consult.extensions import db
from consult.organisations.models import Organisation
from consult.timeutil import utcnow

SIGNATURE_KINDS = ("member", "organisation", "public")
SIGNATURE_STATUSES = ("pending", "confirmed", "withdrawn")


class Version(db.Model):
    """A frozen snapshot of a response. `content` holds the exact canonical bytes (as text)
    whose SHA-256 is `sha256`; nothing about a version changes after it is made, except
    whether signing is open and when it was first published (opened or exported)."""

    __tablename__ = "versions"
    __table_args__ = (
        UniqueConstraint("response_id", "number", name="uq_versions_response_number"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    sha256: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[str] = mapped_column(Text)
    # The response's title as frozen (also in `content`): what its signers saw, and what
    # e-mails to them name. The draft's title may have changed since, and is not public until
    # frozen again. Kept apart so that e-mails need not read and parse the whole content.
    title: Mapped[str] = mapped_column(String(200))
    note: Mapped[str] = mapped_column(String(500), default="")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    signing_open: Mapped[bool] = mapped_column(default=False)
    signing_public: Mapped[bool] = mapped_column(default=False)
    signing_closes_at: Mapped[datetime | None]
    signing_opened_at: Mapped[datetime | None]
    # Set when the version is first exported or opened for signing: only then is its
    # fingerprint answered by the public verification page.
    published_at: Mapped[datetime | None]
    # Set when the version is first exported (a copy went out): with an opening for public
    # signing, what lets someone who verifies its fingerprint read its text.
    exported_at: Mapped[datetime | None]
    # Part of the partner organisations' signing link; replacing it revokes old links.
    partner_link_nonce: Mapped[str] = mapped_column(String(32), default="")

    response: Mapped[Response] = relationship()
    created_by: Mapped[User | None] = relationship()


class Signature(db.Model):
    """One signer's signature of one version.

    `signer_key` identifies the signer within the version ("user:12", "organisation:5",
    "email:<normalised address>"); (version, signer_key) is unique, so the same person or
    organisation can never be counted twice, however the requests arrive."""

    __tablename__ = "signatures"
    __table_args__ = (
        UniqueConstraint("version_id", "signer_key", name="uq_signatures_version_signer"),
        CheckConstraint("kind IN ('member', 'organisation', 'public')", name="kind"),
        CheckConstraint("status IN ('pending', 'confirmed', 'withdrawn')", name="status"),
        Index("ix_signatures_version_status", "version_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    signer_key: Mapped[str] = mapped_column(String(300))
    user_id: Mapped[int | None] = mapped_column(
        ForeignKey("users.id", ondelete="SET NULL"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="SET NULL")
    )
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str | None] = mapped_column(String(254))
    affiliation: Mapped[str] = mapped_column(String(200), default="")
    consent_public: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(String(20), default="pending")
    confirm_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    manage_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None] = mapped_column(index=True)
    withdrawn_at: Mapped[datetime | None]

    version: Mapped[Version] = relationship()
    user: Mapped[User | None] = relationship()
    organisation: Mapped[Organisation | None] = relationship()


class ConsentRecord(db.Model):
    """Who consented or withdrew, when, how, and the exact statement they were shown."""

    __tablename__ = "consent_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    signature_id: Mapped[int] = mapped_column(
        ForeignKey("signatures.id", ondelete="CASCADE"), index=True
    )
    # given, confirmed, withdrawn; name_published, name_unpublished (changed their mind)
    action: Mapped[str] = mapped_column(String(20))
    method: Mapped[str] = mapped_column(String(40))  # web form, account, api, e-mail link
    statement_version: Mapped[str] = mapped_column(String(40))
    statement: Mapped[str] = mapped_column(Text)
    consent_public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ResignInvitation(db.Model):
    """That an earlier signer was invited to sign this version again: one row per (version,
    invitee), so nobody is invited twice to the same version however often signing is opened
    or changed, and a members-only opening can leave the public's invitations for later.

    The invitee is kept only as a SHA-256 of "email:<normalised address>" or
    "organisation:<id>": enough to recognise them again, not to read who they are."""

    __tablename__ = "resign_invitations"
    __table_args__ = (
        UniqueConstraint(
            "version_id", "invitee_hash", name="uq_resign_invitations_version_invitee"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    invitee_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class UsedFormStamp(db.Model):
    """A public signing form's stamp that was used to sign: the same stamp sent again is
    refused until it expires (a copied or replayed form). Kept in the database so that every
    instance of the app knows it, and written in the signing's own transaction."""

    __tablename__ = "used_form_stamps"

    nonce: Mapped[str] = mapped_column(String(32), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(index=True)


ROBOT_CHECK_REASONS = ("too_fast", "honeypot", "no_stamp", "reused", "confirmed_again")


class RobotCheckCount(db.Model):
    """How many public signing forms each check against robots held back, per version (and,
    as "confirmed_again", how many of those were then sent again and signed): counters, so
    that a flood of robots costs one row per version and reason, not one per attempt."""

    __tablename__ = "robot_check_counts"
    __table_args__ = (
        CheckConstraint(
            "reason IN (" + ", ".join(f"'{reason}'" for reason in ROBOT_CHECK_REASONS) + ")",
            name="reason",
        ),
    )

    version_id: Mapped[int] = mapped_column(
        ForeignKey("versions.id", ondelete="CASCADE"), primary_key=True
    )
    reason: Mapped[str] = mapped_column(String(20), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)
    last_at: Mapped[datetime] = mapped_column(default=utcnow)
