"""Drafting tables. Revisions are append-only: a save never changes an earlier revision, it adds
one and moves the section's head, so no one's words are ever lost."""

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
from consult.bills.models import Bill
from consult.consultations.models import Consultation, Question
from consult.extensions import db
from consult.organisations.models import Organisation
from consult.timeutil import utcnow

SECTION_KINDS = (
    "summary",
    "about",
    "question",
    "recommendations",
    "custom",
    "clause",  # a response to a bill: what we say about one clause, part or schedule
    "amendment",  # an amendment to a bill, its fields held in the body (bills/amendment_text.py)
)
# Where a response stands on a clause (a clause section's `choice`): the API's "position".
CLAUSE_POSITIONS = ("support", "oppose", "amend", "concerns", "no_view")
POSITION_LABELS = {
    "support": "Support",
    "oppose": "Oppose",
    "amend": "Amend",
    "concerns": "Concerns",
    "no_view": "No view",
}
SECTION_STATUSES = ("not_started", "drafting", "ready_for_review", "agreed")
STATUS_LABELS = {
    "not_started": "Not started",
    "drafting": "Drafting",
    "ready_for_review": "Ready for review",
    "agreed": "Agreed",
}
REVISION_KINDS = ("edit", "merge", "conflict", "restore")
# How a clash (a `conflict` revision) was settled: resolved by a save, dismissed (the current
# text kept), or replaced by a later clash of the same edit (the person saved again from the
# clash page or the editor and clashed again).
CLASH_OUTCOMES = ("resolved", "dismissed", "replaced")
SUGGESTION_STATUSES = ("open", "accepted", "rejected")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(value) for value in values)})"


class Response(db.Model):
    """One organisation's answer to a consultation or to a bill (exactly one of the two)."""

    __tablename__ = "responses"
    __table_args__ = (
        CheckConstraint(
            "(consultation_id IS NULL AND bill_id IS NOT NULL)"
            " OR (consultation_id IS NOT NULL AND bill_id IS NULL)",
            name="answers_one",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    consultation_id: Mapped[int | None] = mapped_column(ForeignKey("consultations.id"), index=True)
    bill_id: Mapped[int | None] = mapped_column(
        ForeignKey("bills.id", ondelete="CASCADE"), index=True
    )
    title: Mapped[str] = mapped_column(String(200))
    profile: Mapped[str] = mapped_column(String(40), default="home-office")
    status: Mapped[str] = mapped_column(String(20), default="drafting")
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship()
    consultation: Mapped[Consultation | None] = relationship()
    bill: Mapped[Bill | None] = relationship()
    sections: Mapped[list[Section]] = relationship(
        back_populates="response",
        cascade="all, delete-orphan",
        order_by="Section.position",
    )

    @property
    def subject(self) -> Consultation | Bill:
        """What the response answers, as pages, e-mails and consent statements name it (both
        have a `slug`, `title`, `publisher` and `closes_at`)."""
        return self.consultation if self.consultation is not None else self.bill


class Section(db.Model):
    __tablename__ = "sections"
    __table_args__ = (
        CheckConstraint(_in("kind", SECTION_KINDS), name="kind"),
        CheckConstraint(_in("status", SECTION_STATUSES), name="status"),
        Index("ix_sections_response_position", "response_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(20))
    question_id: Mapped[int | None] = mapped_column(ForeignKey("questions.id"))
    # A clause section's provision as the bill numbers it: "4", "Schedule 1", "Part 2".
    clause: Mapped[str | None] = mapped_column(String(30))
    number: Mapped[int | None]
    title: Mapped[str] = mapped_column(String(300))
    position: Mapped[int]
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    status: Mapped[str] = mapped_column(String(20), default="not_started")
    head_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", use_alter=True, ondelete="SET NULL")
    )
    word_count: Mapped[int] = mapped_column(default=0)
    # Bumped by every save: the first statement of a save, so it also takes the row lock.
    lock_version: Mapped[int] = mapped_column(default=0)
    removed_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    response: Mapped[Response] = relationship(back_populates="sections")
    question: Mapped[Question | None] = relationship()
    assignee: Mapped[User | None] = relationship()
    head: Mapped[Revision | None] = relationship(foreign_keys=[head_revision_id])

    @property
    def body(self) -> str:
        return self.head.body if self.head else ""

    @property
    def choice(self) -> str | None:
        return self.head.choice if self.head else None


class Revision(db.Model):
    """One saved state of a section. `parent` is the revision it was made from."""

    __tablename__ = "revisions"
    __table_args__ = (
        UniqueConstraint("section_id", "number", name="uq_revisions_section_number"),
        CheckConstraint(_in("kind", REVISION_KINDS), name="kind"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    kind: Mapped[str] = mapped_column(String(10))
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text, default="")
    choice: Mapped[str | None] = mapped_column(String(60))
    title: Mapped[str | None] = mapped_column(String(300))
    word_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    section: Mapped[Section] = relationship(foreign_keys=[section_id])
    author: Mapped[User | None] = relationship()


class ClashSettlement(db.Model):
    """How a clash was settled, written once: a `conflict` revision without a settlement is
    an open clash. A separate row rather than columns on the revision, which stays
    append-only; one per clash (unique), so two people settling it at once cannot both.

    `result_revision` is what settling made or kept: for "resolved" the head after the
    resolving save, for "replaced" the newer conflict revision, for "dismissed" the head the
    person chose to keep."""

    __tablename__ = "clash_settlements"
    __table_args__ = (CheckConstraint(_in("outcome", CLASH_OUTCOMES), name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    revision_id: Mapped[int] = mapped_column(
        ForeignKey("revisions.id", ondelete="CASCADE"), unique=True
    )
    outcome: Mapped[str] = mapped_column(String(10))
    settled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    result_revision_id: Mapped[int | None] = mapped_column(
        ForeignKey("revisions.id", ondelete="SET NULL")
    )
    settled_at: Mapped[datetime] = mapped_column(default=utcnow)

    revision: Mapped[Revision] = relationship(foreign_keys=[revision_id])
    settled_by: Mapped[User | None] = relationship()
    result_revision: Mapped[Revision | None] = relationship(foreign_keys=[result_revision_id])


class Comment(db.Model):
    __tablename__ = "comments"

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("comments.id", ondelete="CASCADE"))
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(Text)
    quote: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))

    section: Mapped[Section] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    replies: Mapped[list[Comment]] = relationship(order_by="Comment.id")


class Suggestion(db.Model):
    """A proposed change to a section, accepted (through the merge) or rejected by the
    section's assignee or a coordinator."""

    __tablename__ = "suggestions"
    __table_args__ = (CheckConstraint(_in("status", SUGGESTION_STATUSES), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(
        ForeignKey("sections.id", ondelete="CASCADE"), index=True
    )
    author_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    base_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    body: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(10), default="open")
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    result_revision_id: Mapped[int | None] = mapped_column(ForeignKey("revisions.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    section: Mapped[Section] = relationship()
    author: Mapped[User | None] = relationship(foreign_keys=[author_id])
    base_revision: Mapped[Revision | None] = relationship(foreign_keys=[base_revision_id])


class Presence(db.Model):
    """Who has a section open, refreshed by a heartbeat from the editor."""

    __tablename__ = "presence"
    __table_args__ = (UniqueConstraint("section_id", "user_id", name="uq_presence_section_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    section_id: Mapped[int] = mapped_column(ForeignKey("sections.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    editing: Mapped[bool] = mapped_column(default=False)

    user: Mapped[User] = relationship()
    section: Mapped[Section] = relationship()
