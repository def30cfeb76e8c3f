"""Consultation rules: which consultations an organisation sees, adding its own (questions
pasted as a numbered list, or uploaded as CSV or JSON), and installing the built-in ones."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from consult.audit.services import record
from consult.consultations.builtin import BUILTIN_CONSULTATIONS, SCALE_OPTIONS
from consult.consultations.models import QUESTION_KINDS, Consultation, Question
from consult.extensions import db
from consult.organisations.models import Membership, Organisation
from consult.organisations.permissions import can
from consult.organisations.services import NotAllowed, slugify

MAX_QUESTIONS = 200
MAX_QUESTION_LENGTH = 2000


class QuestionsError(ValueError):
    """The questions could not be read; the message says where and why."""


@dataclass(frozen=True)
class QuestionDraft:
    number: int
    text: str
    kind: str = "open"
    word_limit: int | None = None


def visible_consultations(organisation: Organisation | None) -> list[Consultation]:
    """Built-in consultations and the organisation's own, soonest closing first."""
    condition = Consultation.organisation_id.is_(None)
    if organisation is not None:
        condition = or_(condition, Consultation.organisation_id == organisation.id)
    rows = db.session.scalars(
        select(Consultation)
        .where(condition)
        .options(selectinload(Consultation.questions))
        .order_by(Consultation.closes_at.desc().nulls_last(), Consultation.id)
    )
    return list(rows)


def find_visible(slug: str, organisation: Organisation | None) -> Consultation | None:
    consultation = db.session.scalar(select(Consultation).where(Consultation.slug == slug))
    if consultation is None:
        return None
    if consultation.organisation_id is not None and (
        organisation is None or consultation.organisation_id != organisation.id
    ):
        return None
    return consultation


# --- reading questions ----------------------------------------------------------------------

_NUMBERED = re.compile(r"^\s*(?:Q(?:uestion)?\s*)?(\d{1,3})\s*[.):\-]?\s+(.*\S)\s*$", re.I)
_SCALE_MARK = re.compile(r"\s*\((scale|open)\)\s*$", re.I)
_LIMIT_MARK = re.compile(r"\s*\[(\d{1,5})\s*words?\]\s*$", re.I)


def _draft(number: int, text: str, kind: str | None, word_limit: int | None) -> QuestionDraft:
    text = text.strip()
    if not text:
        raise QuestionsError(f"Question {number} has no text.")
    if len(text) > MAX_QUESTION_LENGTH:
        raise QuestionsError(f"Question {number} is longer than {MAX_QUESTION_LENGTH} characters.")
    kind = (kind or "open").strip().lower()
    if kind not in QUESTION_KINDS:
        raise QuestionsError(f"Question {number}: the kind must be 'scale' or 'open'.")
    if word_limit is not None and word_limit <= 0:
        raise QuestionsError(f"Question {number}: the word limit must be a positive number.")
    return QuestionDraft(number=number, text=text, kind=kind, word_limit=word_limit)


def parse_numbered_list(text: str) -> list[QuestionDraft]:
    """Questions pasted as '1. Text (scale) [300 words]', one per line; a line that does not
    start with a number continues the previous question."""
    drafts: list[tuple[int, str]] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _NUMBERED.match(line)
        if match:
            drafts.append((int(match.group(1)), match.group(2)))
        elif drafts:
            number, previous = drafts[-1]
            drafts[-1] = (number, previous + " " + line.strip())
        else:
            raise QuestionsError(
                f"Line {line_number} does not start with a question number, like '1.'."
            )
    questions = []
    for number, raw in drafts:
        word_limit = None
        limit = _LIMIT_MARK.search(raw)
        if limit:
            word_limit = int(limit.group(1))
            raw = raw[: limit.start()]
        kind = None
        mark = _SCALE_MARK.search(raw)
        if mark:
            kind = mark.group(1)
            raw = raw[: mark.start()]
        questions.append(_draft(number, raw, kind, word_limit))
    return _checked(questions)


def _int_or_none(value, number: int) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        raise QuestionsError(f"Question {number}: the word limit must be a whole number.") from None


def parse_csv(content: str) -> list[QuestionDraft]:
    """CSV with a header row: number, text, kind (optional), word_limit (optional)."""
    reader = csv.DictReader(io.StringIO(content))
    fields = {name.strip().lower() for name in (reader.fieldnames or []) if name}
    if not {"number", "text"} <= fields:
        raise QuestionsError("The CSV needs a header row with at least 'number' and 'text'.")
    questions = []
    for row_number, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
        try:
            number = int(row["number"])
        except ValueError:
            raise QuestionsError(f"Row {row_number}: 'number' must be a whole number.") from None
        limit = _int_or_none(row.get("word_limit"), number)
        questions.append(_draft(number, row["text"], row.get("kind") or None, limit))
    return _checked(questions)


def parse_json(content: str) -> list[QuestionDraft]:
    """A JSON list of {"number", "text", "kind"?, "word_limit"?}."""
    try:
        data = json.loads(content)
    except json.JSONDecodeError as error:
        raise QuestionsError(
            f"The JSON could not be read: {error.msg} (line {error.lineno})."
        ) from None
    if isinstance(data, dict):
        data = data.get("questions")
    if not isinstance(data, list):
        raise QuestionsError("The JSON must be a list of questions.")
    questions = []
    for index, item in enumerate(data, start=1):
        if not isinstance(item, dict) or not isinstance(item.get("text"), str):
            raise QuestionsError(f"Item {index} must be an object with a 'text'.")
        number = item.get("number", index)
        if not isinstance(number, int) or isinstance(number, bool):
            raise QuestionsError(f"Item {index}: 'number' must be a whole number.")
        kind = item.get("kind")
        if kind is not None and not isinstance(kind, str):
            raise QuestionsError(f"Question {number}: the kind must be 'scale' or 'open'.")
        limit = _int_or_none(item.get("word_limit"), number)
        questions.append(_draft(number, item["text"], kind, limit))
    return _checked(questions)


def _checked(questions: list[QuestionDraft]) -> list[QuestionDraft]:
    if not questions:
        raise QuestionsError("Add at least one question.")
    if len(questions) > MAX_QUESTIONS:
        raise QuestionsError(f"At most {MAX_QUESTIONS} questions.")
    seen: set[int] = set()
    for question in questions:
        if question.number <= 0:
            raise QuestionsError("Question numbers start at 1.")
        if question.number in seen:
            raise QuestionsError(f"Question {question.number} appears twice.")
        seen.add(question.number)
    return sorted(questions, key=lambda question: question.number)


# --- creating consultations -----------------------------------------------------------------


def _unique_slug(title: str) -> str:
    base = slugify(title)[:80]
    slug, number = base, 2
    while db.session.scalar(select(Consultation.id).where(Consultation.slug == slug)):
        slug = f"{base}-{number}"
        number += 1
    return slug


def create_consultation(
    membership: Membership,
    title: str,
    publisher: str,
    closes_at: datetime | None,
    questions: list[QuestionDraft],
    description: str = "",
) -> Consultation:
    """An organisation's own consultation (owners and coordinators)."""
    if not can(membership, "freeze"):
        raise NotAllowed("Only owners and coordinators can add consultations.")
    consultation = Consultation(
        slug=_unique_slug(title),
        title=title.strip(),
        publisher=publisher.strip(),
        description=description.strip(),
        closes_at=closes_at,
        organisation_id=membership.organisation_id,
        created_by_id=membership.user_id,
    )
    for draft in questions:
        consultation.questions.append(
            Question(
                number=draft.number,
                text=draft.text,
                kind=draft.kind,
                options=list(SCALE_OPTIONS) if draft.kind == "scale" else [],
                word_limit=draft.word_limit,
            )
        )
    db.session.add(consultation)
    db.session.flush()
    record(
        "consultation.created",
        actor=membership.user,
        organisation=membership.organisation,
        subject=consultation,
        questions=len(questions),
    )
    return consultation


def install_builtin_consultations() -> None:
    """Make sure the built-in consultations exist (idempotent; run by the migration and tests)."""
    for data in BUILTIN_CONSULTATIONS:
        if db.session.scalar(select(Consultation.id).where(Consultation.slug == data["slug"])):
            continue
        consultation = Consultation(
            slug=data["slug"],
            title=data["title"],
            publisher=data["publisher"],
            description=data["description"],
            opens_at=datetime.fromisoformat(data["opens_at"]),
            closes_at=datetime.fromisoformat(data["closes_at"]),
        )
        for number, (kind, text) in enumerate(data["questions"], start=1):
            consultation.questions.append(
                Question(
                    number=number,
                    text=text,
                    kind=kind,
                    options=list(SCALE_OPTIONS) if kind == "scale" else [],
                )
            )
        db.session.add(consultation)
    db.session.flush()
