"""Consultation forms: adding an organisation's own consultation.

The questions come one of two ways: pasted as a numbered list, or uploaded as a CSV or JSON
file. Either way they are read by the parsers in services.py; a QuestionsError becomes an inline
error on the field the questions came from, so a bad upload is a message, never a 500."""

from __future__ import annotations

import csv
from datetime import datetime, time

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from consult.consultations.services import (
    QuestionDraft,
    QuestionsError,
    parse_csv,
    parse_json,
    parse_numbered_list,
)
from consult.forms import has_control_characters, no_control_characters

# Questions of a real consultation fit in a few kilobytes; 200 KB leaves room for long ones.
MAX_UPLOAD_BYTES = 200 * 1024
MAX_PASTED_CHARACTERS = 200_000
NUMBERED_LIST_EXAMPLE = (
    "1. Should the framework cover all biometric technologies? (scale)\n"
    "2. Which factors should make a harm serious enough,\n"
    "   and who should decide? [300 words]\n"
    "3. Anything else you want to tell us?"
)
CSV_EXAMPLE = (
    "number,text,kind,word_limit\n"
    "1,Should the framework cover all biometric technologies?,scale,\n"
    "2,Which factors should make a harm serious enough?,open,300"
)
JSON_EXAMPLE = (
    "[\n"
    '  {"number": 1, "text": "Should the framework cover all biometric technologies?",\n'
    '   "kind": "scale"},\n'
    '  {"number": 2, "text": "Which factors should make a harm serious enough?",\n'
    '   "kind": "open", "word_limit": 300}\n'
    "]"
)


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _normalise_newlines(value: str | None) -> str | None:
    return value.replace("\r\n", "\n").replace("\r", "\n") if isinstance(value, str) else value


def read_upload(storage) -> list[QuestionDraft]:
    """The questions in an uploaded CSV or JSON file (a werkzeug FileStorage)."""
    raw = storage.stream.read(MAX_UPLOAD_BYTES + 1)
    if len(raw) > MAX_UPLOAD_BYTES:
        raise QuestionsError(
            f"The file is larger than {MAX_UPLOAD_BYTES // 1024} KB. "
            "A list of questions is much smaller: check that you chose the right file."
        )
    if not raw.strip():
        raise QuestionsError("The file is empty.")
    try:
        content = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise QuestionsError(
            "The file is not UTF-8 text. From a spreadsheet, use “Save as” and choose "
            "“CSV UTF-8”; a Word or Excel file cannot be read directly."
        ) from None
    kind = _file_kind(storage.filename or "", content)
    try:
        return parse_json(content) if kind == "json" else parse_csv(content)
    except csv.Error as error:
        raise QuestionsError(f"The CSV could not be read: {error}.") from None
    except (RecursionError, OverflowError):
        raise QuestionsError("The JSON could not be read: it is nested too deeply.") from None


def _file_kind(filename: str, content: str) -> str:
    """'csv' or 'json', by the file's extension; a .txt or extension-less file by its content."""
    extension = filename.rsplit(".", 1)[-1].lower() if "." in filename else ""
    if extension in ("csv", "json"):
        return extension
    if extension in ("", "txt"):
        return "json" if content.lstrip()[:1] in ("[", "{") else "csv"
    raise QuestionsError("Upload a .csv or .json file. A spreadsheet can be saved as “CSV UTF-8”.")


def _check_text(drafts: list[QuestionDraft]) -> list[QuestionDraft]:
    """The parsers refuse NUL; other control characters (bidi overrides among them) have no
    place in a question people will answer and sign under either, as in titles."""
    for draft in drafts:
        if has_control_characters(draft.text):
            raise QuestionsError(
                f"Question {draft.number} contains invisible control characters; remove them."
            )
    return drafts


def as_numbered_list(drafts: list[QuestionDraft]) -> str:
    """Questions written back as a numbered list that parse_numbered_list reads again, so an
    upload that was read but not yet saved (another field had a problem) is not lost."""
    lines = []
    for draft in drafts:
        text = " ".join(draft.text.split())
        line = f"{draft.number}. {text}"
        if draft.kind == "scale" or text.endswith(")"):  # "(open)" keeps a final "(...)" text
            line += f" ({draft.kind})"
        if draft.word_limit:
            line += f" [{draft.word_limit} words]"
        lines.append(line)
    return "\n".join(lines)


class ConsultationForm(FlaskForm):
    title = StringField(
        "Title",
        filters=[_strip],
        validators=[
            DataRequired("Enter the consultation's title."),
            Length(max=300, message="Use at most 300 characters."),
            no_control_characters,
        ],
    )
    publisher = StringField(
        "Publisher",
        filters=[_strip],
        validators=[
            DataRequired("Enter who published the consultation."),
            Length(max=200, message="Use at most 200 characters."),
            no_control_characters,
        ],
    )
    closes_on = DateField(
        "Closing date (optional)",
        validators=[Optional()],
        render_kw={"autocomplete": "off"},
    )
    description = TextAreaField(
        "Description (optional)",
        filters=[_strip, _normalise_newlines],
        validators=[
            Length(max=5000, message="Use at most 5,000 characters."),
            no_control_characters,
        ],
        render_kw={"rows": 3},
    )
    questions_text = TextAreaField(
        "Paste the questions",
        filters=[_normalise_newlines],
        validators=[
            Length(
                max=MAX_PASTED_CHARACTERS,
                message=f"Paste at most {MAX_PASTED_CHARACTERS:,} characters.",
            ),
            no_control_characters,
        ],
        render_kw={"rows": 12, "spellcheck": "false"},
    )
    questions_file = FileField(
        "Or upload a CSV or JSON file",
        render_kw={"accept": ".csv,.json,text/csv,application/json"},
    )

    # Set by validate(): the questions, read from whichever way they came.
    drafts: list[QuestionDraft] | None = None
    questions_from: str | None = None  # "text" or "file"

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        if self.closes_on.errors:  # WTForms' own "Not a valid date value." says too little
            self.closes_on.errors[:] = ["Enter a real date, for example 31 March 2026."]
        return self._read_questions() and valid

    def _read_questions(self) -> bool:
        self.drafts = None
        upload = self.questions_file.data
        has_file = bool(upload and getattr(upload, "filename", ""))
        has_text = bool((self.questions_text.data or "").strip())
        if has_file and has_text:
            self.questions_file.errors.append(
                "Paste the questions or upload a file, not both. Empty the box above to use "
                "the file."
            )
            return False
        if not has_file and not has_text:
            self.questions_text.errors.append(
                "Paste the questions as a numbered list, or upload a CSV or JSON file."
            )
            return False
        if self.questions_text.errors:  # too long, or control characters: already explained
            return False
        field = self.questions_file if has_file else self.questions_text
        try:
            drafts = read_upload(upload) if has_file else parse_numbered_list(field.data)
            self.drafts = _check_text(drafts)
        except QuestionsError as error:
            field.errors.append(str(error))
            return False
        self.questions_from = "file" if has_file else "text"
        return True

    @property
    def closes_at(self) -> datetime | None:
        """The end of the closing day (as the built-in consultation's closing time)."""
        if self.closes_on.data is None:
            return None
        return datetime.combine(self.closes_on.data, time(23, 59))
