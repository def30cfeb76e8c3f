"""Consultation rules: which consultations an organisation sees, adding its own (questions
pasted as a numbered list, or uploaded as CSV or JSON), and installing the built-in ones."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select
from sqlalchemy.orm import selectinload

from consult import jsoninput
from consult.audit.services import record
from consult.consultations.builtin import BUILTIN_CONSULTATIONS, SCALE_OPTIONS
from consult.consultations.models import QUESTION_KINDS, Consultation, Question
from consult.errors import DomainError
from consult.extensions import db
from consult.organisations.models import Membership, Organisation
from consult.organisations.permissions import can
from consult.organisations.services import NotAllowed, slugify
from consult.timeutil import utcnow

MAX_QUESTIONS = 200
MAX_QUESTION_LENGTH = 2000
# Beyond these the database refuses the row (integer columns), so the parsers refuse first.
MAX_QUESTION_NUMBER = 999
MAX_WORD_LIMIT = 99_999
MAX_TITLE_LENGTH = 300  # the columns' sizes
MAX_PUBLISHER_LENGTH = 200


class QuestionsError(DomainError):
    """The questions could not be read; the message says where and why."""


class DetailsError(QuestionsError):
    """The consultation's title or publisher is not right (the page shows it on the title)."""


@dataclass(frozen=True)
class QuestionDraft:
    number: int
    text: str
    kind: str = "open"
    word_limit: int | None = None


def visible_consultations(organisation: Organisation | None) -> list[Consultation]:
    """Built-in consultations and the organisation's own: open ones first, soonest closing
    first (those without a closing date after them), then closed ones, most recently closed
    first."""
    return visible_consultations_for([organisation] if organisation is not None else [])


def visible_consultations_for(organisations: list[Organisation]) -> list[Consultation]:
    """Built-in consultations and the own consultations of all these organisations (someone
    in several sees each once), in visible_consultations' order. One query for the
    consultations, however many organisations, and one for their questions."""
    condition = Consultation.organisation_id.is_(None)
    ids = sorted({organisation.id for organisation in organisations})
    if ids:
        condition = or_(condition, Consultation.organisation_id.in_(ids))
    rows = db.session.scalars(
        select(Consultation)
        .where(condition)
        .options(selectinload(Consultation.questions))
        .order_by(Consultation.id)
    )
    now = utcnow()

    def order(consultation: Consultation) -> tuple:
        closes_at = consultation.closes_at
        if closes_at is None:
            return (1, 0.0)
        if closes_at >= now:
            return (0, (closes_at - now).total_seconds())
        return (2, (now - closes_at).total_seconds())

    return sorted(rows, key=order)  # stable: ties stay in id order


def find_visible(slug: str, organisation: Organisation | None) -> Consultation | None:
    """The consultation this organisation sees under `slug`: a built-in one or its own. What
    other organisations have is never looked at, so the answer (None) is the same whether
    or not one of them has a consultation by that slug."""
    condition = Consultation.organisation_id.is_(None)
    if organisation is not None:
        condition = or_(condition, Consultation.organisation_id == organisation.id)
    # An organisation's slugs never take a built-in's (_unique_slug), so there is at most
    # one; built-in first all the same, should a later built-in take a slug already used.
    return db.session.scalar(
        select(Consultation)
        .where(Consultation.slug == slug, condition)
        .order_by(Consultation.organisation_id.is_not(None))
        .limit(1)
    )


# --- reading questions ----------------------------------------------------------------------

# "1. Text", "Q2) Text", "Question 3: Text", "4 Text", and "2.Text" (no space after the mark,
# but not "1.5 million...", a continuation line that starts with a decimal number).
_NUMBERED = re.compile(
    r"^\s*(?:Q(?:uestion)?\s*)?(\d{1,3})(?:\s*[.):\-]\s*(?=[^\d\s])|\s*[.):\-]?\s+)(.*\S)\s*$",
    re.I,
)
_SCALE_MARK = re.compile(r"\s*\((scale|open)\)\s*$", re.I)
_LIMIT_MARK = re.compile(r"\s*\[(\d{1,5})\s*words?\]\s*$", re.I)


def _draft(number: int, text: str, kind: str | None, word_limit: int | None) -> QuestionDraft:
    text = text.strip()
    if not text:
        raise QuestionsError(f"Question {number} has no text.")
    if len(text) > MAX_QUESTION_LENGTH:
        raise QuestionsError(f"Question {number} is longer than {MAX_QUESTION_LENGTH} characters.")
    if "\x00" in text:
        raise QuestionsError(f"Question {number} contains a NUL character; remove it.")
    kind = (kind or "open").strip().lower()
    if kind not in QUESTION_KINDS:
        raise QuestionsError(f"Question {number}: the kind must be 'scale' or 'open'.")
    if word_limit is not None and word_limit <= 0:
        raise QuestionsError(f"Question {number}: the word limit must be a positive number.")
    if word_limit is not None and word_limit > MAX_WORD_LIMIT:
        raise QuestionsError(
            f"Question {number}: the word limit can be at most {MAX_WORD_LIMIT:,}."
        )
    return QuestionDraft(number=number, text=text, kind=kind, word_limit=word_limit)


def _marks(raw: str) -> tuple[str, str | None, int | None]:
    """(text, kind, word limit) from a question's trailing marks, in either order:
    "Text (scale) [300 words]" or "Text [300 words] (scale)"."""
    kind: str | None = None
    word_limit: int | None = None
    while True:
        limit = _LIMIT_MARK.search(raw)
        if limit and word_limit is None:
            word_limit = int(limit.group(1))
            raw = raw[: limit.start()]
            continue
        mark = _SCALE_MARK.search(raw)
        if mark and kind is None:
            kind = mark.group(1)
            raw = raw[: mark.start()]
            continue
        return raw, kind, word_limit


def parse_numbered_list(text: str) -> list[QuestionDraft]:
    """Questions pasted as '1. Text (scale) [300 words]', one per line; a line that does not
    start with a number continues the previous question. The marks may end the question's
    first line or its last."""
    # [number, text, kind, word limit] per question
    drafts: list[list] = []
    for line_number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        match = _NUMBERED.match(line)
        if match:
            raw, kind, word_limit = _marks(match.group(2))
            drafts.append([int(match.group(1)), raw.strip(), kind, word_limit])
        elif drafts:
            raw, kind, word_limit = _marks(line.strip())
            draft = drafts[-1]
            draft[1] = f"{draft[1]} {raw.strip()}".strip()
            draft[2] = kind or draft[2]
            draft[3] = word_limit if word_limit is not None else draft[3]
        else:
            raise QuestionsError(
                f"Line {line_number} does not start with a question number, like '1.'."
            )
    questions = [_draft(number, raw, kind, limit) for number, raw, kind, limit in drafts]
    return _checked(questions)


def _int_or_none(value, number: int) -> int | None:
    """A word limit from CSV text or a JSON value. Booleans and fractions are refused rather
    than read as 1 or rounded down."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise QuestionsError(f"Question {number}: the word limit must be a whole number.")
    return _whole_number(
        str(value),
        MAX_WORD_LIMIT,
        f"Question {number}: the word limit must be a whole number.",
        f"Question {number}: the word limit can be at most {MAX_WORD_LIMIT:,}.",
    )


def _whole_number(text: str, maximum: int, not_a_number: str, too_large: str) -> int:
    """A whole number typed in a file, or the QuestionsError that says what is wrong. A very
    long one is refused by its length before Python converts it (beyond 4,300 digits it
    would raise a ValueError of its own, and converting is slow well before)."""
    digits = text.strip().lstrip("+-")
    if digits.isdigit() and len(digits) > len(str(maximum)):
        raise QuestionsError(too_large)
    try:
        return int(text)
    except ValueError:
        raise QuestionsError(not_a_number) from None


def parse_csv(content: str) -> list[QuestionDraft]:
    """CSV with a header row: number, text, kind (optional), word_limit (optional)."""
    try:
        return _parse_csv(content)
    except csv.Error as error:  # e.g. a field longer than the csv module's limit
        raise QuestionsError(f"The CSV could not be read: {error}.") from None


def _parse_csv(content: str) -> list[QuestionDraft]:
    reader = csv.DictReader(io.StringIO(content.removeprefix("\ufeff")))  # Excel's BOM
    fields = {name.strip().lower() for name in (reader.fieldnames or []) if name}
    if not {"number", "text"} <= fields:
        raise QuestionsError("The CSV needs a header row with at least 'number' and 'text'.")
    questions = []
    for row_number, row in enumerate(reader, start=2):
        row = {(k or "").strip().lower(): (v or "") for k, v in row.items()}
        if not any(isinstance(v, str) and v.strip() for v in row.values()):
            continue  # an empty row, as spreadsheets export them: ",,,"
        number = _whole_number(
            row["number"],
            MAX_QUESTION_NUMBER,
            f"Row {row_number}: 'number' must be a whole number.",
            f"Question numbers go up to {MAX_QUESTION_NUMBER} (row {row_number}).",
        )
        limit = _int_or_none(row.get("word_limit"), number)
        questions.append(_draft(number, row["text"], row.get("kind") or None, limit))
    return _checked(questions)


def parse_json(content: str) -> list[QuestionDraft]:
    """A JSON list of {"number", "text", "kind"?, "word_limit"?}."""
    try:
        data = jsoninput.loads(content)
    except jsoninput.JSONInputError as error:
        raise QuestionsError(str(error)) from None
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
        if question.number > MAX_QUESTION_NUMBER:
            raise QuestionsError(f"Question numbers go up to {MAX_QUESTION_NUMBER}.")
        if question.number in seen:
            raise QuestionsError(f"Question {question.number} appears twice.")
        seen.add(question.number)
    return sorted(questions, key=lambda question: question.number)


# --- creating consultations -----------------------------------------------------------------


# Addresses under /o/<slug>/consultations/ that a consultation's slug must not take.
RESERVED_SLUGS = frozenset({"new"})


def _unique_slug(title: str, organisation_id: int) -> str:
    """A slug from the title, unique among what this organisation sees (the built-in
    consultations and its own). Other organisations' slugs are not consulted: they may hold
    the same one, and a "-2" here must not tell anyone that they do."""
    base = slugify(title)[:80]
    if base == "organisation" and "organisation" not in title.lower():
        base = "consultation"  # slugify's fallback for a title with no Latin letters
    if base in RESERVED_SLUGS:
        base = f"{base}-consultation"
    taken = select(Consultation.id).where(
        or_(
            Consultation.organisation_id.is_(None),
            Consultation.organisation_id == organisation_id,
        )
    )
    slug, number = base, 2
    while db.session.scalar(taken.where(Consultation.slug == slug)):
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
    title = " ".join(title.split())
    publisher = " ".join(publisher.split())
    if not title:
        raise DetailsError("Give the consultation a title.")
    if len(title) > MAX_TITLE_LENGTH or len(publisher) > MAX_PUBLISHER_LENGTH:
        raise DetailsError(
            f"Use at most {MAX_TITLE_LENGTH} characters for the title and "
            f"{MAX_PUBLISHER_LENGTH} for the publisher."
        )
    questions = _checked(list(questions))
    consultation = Consultation(
        slug=_unique_slug(title, membership.organisation_id),
        title=title,
        publisher=publisher,
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
    """Make sure the built-in consultations exist (idempotent; run by the demo and tests:
    on a database built by the migrations they are there already, in this same shape)."""
    for data in BUILTIN_CONSULTATIONS:
        exists = select(Consultation.id).where(
            Consultation.slug == data["slug"], Consultation.organisation_id.is_(None)
        )
        if db.session.scalar(exists):
            continue
        consultation = Consultation(
            slug=data["slug"],
            title=data["title"],
            publisher=data["publisher"],
            description=data["description"],
            opens_at=datetime.fromisoformat(data["opens_at"]),
            closes_at=datetime.fromisoformat(data["closes_at"]),
        )
        for question in data["questions"]:
            consultation.questions.append(
                Question(
                    number=question["number"],
                    text=question["text"],
                    kind=question["kind"],
                    options=list(SCALE_OPTIONS) if question["kind"] == "scale" else [],
                    wording_source=question["source"],
                )
            )
        db.session.add(consultation)
    db.session.flush()
