"""Consultation tables. Built-in consultations have no organisation and are visible to all;
an organisation's own consultations are visible to its members only.

A slug names a consultation within what one organisation sees: built-in slugs are unique among
built-in consultations, an organisation's own slugs unique within that organisation (and never
a built-in's). A global slug, derived from a private title, would tell an outsider whose new
consultation got "-2" that another organisation had one by that title."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    JSON,
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy import text as sql_text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.timeutil import utcnow

QUESTION_KINDS = ("scale", "open")


BUILTIN_ONLY = sql_text("organisation_id IS NULL")


class Consultation(db.Model):
    __tablename__ = "consultations"
    __table_args__ = (
        UniqueConstraint("organisation_id", "slug", name="uq_consultations_organisation_slug"),
        # NULLs are distinct in a unique constraint, so the built-in ones need their own index.
        Index(
            "uq_consultations_builtin_slug",
            "slug",
            unique=True,
            sqlite_where=BUILTIN_ONLY,
            postgresql_where=BUILTIN_ONLY,
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(300))
    publisher: Mapped[str] = mapped_column(String(200), default="")
    description: Mapped[str] = mapped_column(Text, default="")
    opens_at: Mapped[datetime | None]
    closes_at: Mapped[datetime | None]
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    questions: Mapped[list[Question]] = relationship(
        back_populates="consultation", cascade="all, delete-orphan", order_by="Question.number"
    )

    @property
    def is_builtin(self) -> bool:
        return self.organisation_id is None


class Question(db.Model):
    __tablename__ = "questions"
    __table_args__ = (
        UniqueConstraint("consultation_id", "number", name="uq_questions_consultation_number"),
        CheckConstraint("kind IN ('scale', 'open')", name="kind"),
        CheckConstraint("number > 0", name="number_positive"),
        CheckConstraint("word_limit IS NULL OR word_limit > 0", name="word_limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    consultation_id: Mapped[int] = mapped_column(
        ForeignKey("consultations.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    text: Mapped[str] = mapped_column(Text)
    kind: Mapped[str] = mapped_column(String(10), default="open")
    options: Mapped[list] = mapped_column(JSON, default=list)
    word_limit: Mapped[int | None]
    # A built-in question's published source quoting it word for word; None when the wording
    # is ours and could not be checked. Organisations' own questions have none either.
    wording_source: Mapped[str | None] = mapped_column(String(500))

    consultation: Mapped[Consultation] = relationship(back_populates="questions")

    @property
    def wording_verified(self) -> bool | None:
        """True: a built-in question quoted word for word by `wording_source`. False: a
        built-in question in our own words (its number and its closed answers unchecked too).
        None: an organisation's own question, in the words it entered."""
        if not self.consultation.is_builtin:
            return None
        return self.wording_source is not None
