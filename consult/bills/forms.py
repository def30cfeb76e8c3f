"""Bill forms: importing a print (a file or pasted text, then the preview's "Save"), the bill's
stage and dates, and starting a response to it.

The upload's size is bounded twice: the request itself may be no larger than
BILL_UPLOAD_MAX_BYTES (views/imports.py raises the app's 2 MB limit to that for the import page
only, and a larger request is a 413 before anything reads it), and the file field checks its
own size again before the importer sees a byte."""

from __future__ import annotations

from datetime import date, datetime

from flask_wtf import FlaskForm
from flask_wtf.file import FileField
from wtforms import DateField, SelectField, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from consult.bills.importers.limits import megabytes
from consult.bills.stages import HOUSE_NAMES, STAGE_KEYS, STAGES, stages_for
from consult.forms import choices, no_control_characters
from consult.timeutil import end_of_day

# Pasted text: a 300-page print is about a megabyte of text.
MAX_PASTED_CHARACTERS = 1_500_000


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class PrintSourceForm(FlaskForm):
    """A print as a file or as pasted text (one of the two), with its label."""

    upload = FileField(
        "Upload the print (PDF, Word .docx, HTML or text)",
        render_kw={"accept": ".pdf,.docx,.html,.htm,.txt,application/pdf,text/html,text/plain"},
    )
    text = TextAreaField(
        "Or paste the text",
        validators=[
            Length(
                max=MAX_PASTED_CHARACTERS,
                message=f"Paste at most {MAX_PASTED_CHARACTERS:,} characters, or upload the file.",
            )
        ],
        render_kw={"rows": 10, "spellcheck": "false"},
    )
    label = StringField(
        "Print label (optional)",
        filters=[_strip],
        validators=[Length(max=100, message="Use at most 100 characters."), no_control_characters],
    )

    # Set by validate(): the bytes of the upload or None (pasted text is in `text`).
    data_bytes: bytes | None = None
    source_name: str = ""
    max_bytes: int = 25 * 1024 * 1024

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        return self._read_source() and valid

    def _read_source(self) -> bool:
        self.data_bytes = None
        upload = self.upload.data
        has_file = bool(upload and getattr(upload, "filename", ""))
        has_text = bool((self.text.data or "").strip())
        if has_file and has_text:
            self.upload.errors.append(
                "Upload a file or paste the text, not both. Empty the text box to use the file."
            )
            return False
        if not has_file and not has_text:
            self.upload.errors.append("Choose the print's file, or paste its text below.")
            return False
        if has_file:
            data = upload.stream.read(self.max_bytes + 1)
            if len(data) > self.max_bytes:
                self.upload.errors.append(
                    f"The file is larger than {megabytes(self.max_bytes)}, the most a print may "
                    "be. Please upload the bill's own PDF, or paste its text."
                )
                return False
            if not data.strip():
                self.upload.errors.append("The file is empty.")
                return False
            self.data_bytes = data
            self.source_name = (upload.filename or "")[:200]
        return True


class ImportBillForm(PrintSourceForm):
    title = StringField(
        "Title (optional: taken from the file when it says)",
        filters=[_strip],
        validators=[Length(max=300, message="Use at most 300 characters."), no_control_characters],
    )
    house = SelectField(
        "House of introduction",
        choices=choices(list(HOUSE_NAMES.items())),
        default="commons",
    )
    session = StringField(
        "Session (optional)",
        filters=[_strip],
        validators=[Length(max=20, message="Use at most 20 characters."), no_control_characters],
        render_kw={"placeholder": "2026-27"},
    )


class NextPrintForm(PrintSourceForm):
    """The bill's next print: the bill's title, House and session stay as they are."""


class ConfirmImportForm(FlaskForm):
    """ "Save this print" on a next print's preview: no fields, CSRF-protected."""


class ConfirmBillForm(ConfirmImportForm):
    """ "Save this bill" on a new bill's preview, with the bill's title to check: what the
    file said, or nothing when it did not say (pasted text often has no title)."""

    title = StringField(
        "The bill's title",
        filters=[_strip],
        validators=[
            DataRequired(message="Give the bill's title, for example “Police Reform Bill”."),
            Length(max=300, message="Use at most 300 characters."),
            no_control_characters,
        ],
    )


def _date_field_name(key: str) -> str:
    return f"date_{key}"


class _StageFormBase(FlaskForm):
    stage = SelectField("Current stage")
    evidence_deadline = DateField(
        "Evidence deadline (the committee's last day for written evidence)",
        validators=[Optional()],
    )

    def for_house(self, house: str) -> _StageFormBase:
        self.stage.choices = choices([(s.key, s.name) for s in stages_for(house)])
        return self

    def date_fields(self, house: str) -> list[tuple[str, object]]:
        """(stage name, its date field), in the order the bill meets the stages."""
        return [(s.name, self[_date_field_name(s.key)]) for s in stages_for(house)]

    def fill(self, stage: str, stage_dates: dict[str, str], deadline: datetime | None) -> None:
        self.stage.data = stage
        self.evidence_deadline.data = deadline.date() if deadline else None
        for key in STAGE_KEYS:
            value = stage_dates.get(key)
            self[_date_field_name(key)].data = date.fromisoformat(value) if value else None

    @property
    def stage_dates(self) -> dict[str, date | None]:
        return {key: self[_date_field_name(key)].data for key in STAGE_KEYS}

    @property
    def deadline(self) -> datetime | None:
        """The end of the deadline's day, as a consultation's closing date is kept."""
        return end_of_day(self.evidence_deadline.data)

    def validate(self, extra_validators=None) -> bool:
        valid = super().validate(extra_validators)
        for field in self._fields.values():
            if isinstance(field, DateField) and field.errors:
                # WTForms' "Not a valid date value." says too little.
                field.errors[:] = ["Enter a real date, for example 14 July 2026."]
                valid = False
        return valid


# One date field per stage: the field names are the stage keys, fixed by stages.py.
StageForm = type(
    "StageForm",
    (_StageFormBase,),
    {
        _date_field_name(key): DateField(STAGES[key].name, validators=[Optional()])
        for key in STAGE_KEYS
    },
)


class StartResponseForm(FlaskForm):
    title = StringField(
        "Title of the response (optional)",
        filters=[_strip],
        validators=[Length(max=200, message="Use at most 200 characters."), no_control_characters],
    )
    clauses = SelectMultipleField(
        "Parts, clauses and schedules to respond to (none ticked: every clause and schedule; "
        "a part ticked is answered as one section)",
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=True,
    )
