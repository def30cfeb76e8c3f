"""Consultation tables. Built-in consultations have no organisation and are visible to all;
an organisation's own consultations are visible to its members only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, CheckConstraint, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.extensions import db
from consult.timeutil import utcnow

QUESTION_KINDS = ("scale", "open")


class Consultation(db.Model):
    __tablename__ = "consultations"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(String(100), unique=True)
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

    consultation: Mapped[Consultation] = relationship(back_populates="questions")
