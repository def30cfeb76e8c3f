"""Drafting forms: starting a response, editing a section, resolving a conflict, managing
sections, comments and suggested edits.

Field names are distinct across the forms that share the editor page (body, comment, reply,
suggestion), so every input keeps a unique id without form prefixes."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
)
from wtforms.widgets import HiddenInput

from consult.bills.amendments import (
    FIELD_KINDS,
    FREE_TEXT_LIMITS,
    MAX_AMENDMENT_TEXT,
    MAX_WORDS_LENGTH,
    for_kind,
    typed_values,
)
from consult.consultations.profiles import DEFAULT_PROFILE, PROFILES
from consult.drafting.models import SECTION_STATUSES, STATUS_LABELS
from consult.drafting.services import (
    CONTROL_CHARACTERS,
    KEEP_CHOICE,
    MAX_BODY_LENGTH,
    MAX_TITLE_LENGTH,
    has_control_characters,
)
from consult.drafting.services.saving import Keep
from consult.forms import MAX_ID, choices, no_control_characters

MAX_COMMENT_LENGTH = 10_000
MAX_QUOTE_LENGTH = 5_000
MAX_NOTE_LENGTH = 2_000
PROFILE_MESSAGE = "Choose one of the listed submission profiles."


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


def _newlines(value: str | None) -> str | None:
    """Browsers send textareas with CRLF line ends; the stored text uses LF."""
    return value.replace("\r\n", "\n") if isinstance(value, str) else value


def no_nul(_form, field) -> None:
    """NUL cannot be stored (PostgreSQL refuses it) and is never typed on purpose; nor are
    the other control characters, which no export (XML, in a DOCX) can hold. The page gives
    the text back without them (strip_control_characters)."""
    if "\x00" in (field.data or ""):
        raise ValidationError(
            "The text contained an invisible NUL character, which cannot be saved. "
            "It has been taken out: check the text and save again."
        )
    if has_control_characters(field.data or ""):
        raise ValidationError(
            "The text contained invisible control characters, which cannot be saved. "
            "They have been taken out: check the text and save again."
        )


def strip_control_characters(form: FlaskForm) -> None:
    """The text comes back to the page without the NUL or other control characters that
    stopped the save (the message says they were taken out)."""
    for field in form:
        if isinstance(field.data, str) and has_control_characters(field.data):
            field.data = CONTROL_CHARACTERS.sub("", field.data)


def id_arg(name: str) -> int | bool | None:
    """A whole-number query argument (`?page=2`, `?from=15`): the number, None when absent,
    False when it is not a usable id."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        return False
    return int(raw)


def revision_id_field(label: str = "Base revision") -> IntegerField:
    return IntegerField(
        label,
        widget=HiddenInput(),
        validators=[
            Optional(),
            NumberRange(min=1, max=MAX_ID, message="That revision number is not valid."),
        ],
    )


def body_field(label: str) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_newlines],
        validators=[
            Length(
                max=MAX_BODY_LENGTH,
                message=(
                    f"A section can hold at most {MAX_BODY_LENGTH:,} characters. "
                    "Shorten the text (it is still here), or split it into two sections."
                ),
            ),
            no_nul,
        ],
    )


def profile_choices() -> list:
    return choices([(slug, profile.name) for slug, profile in PROFILES.items()])


def title_field(label: str, max_length: int) -> StringField:
    return StringField(
        label,
        filters=[_strip],
        validators=[
            DataRequired("Enter a title."),
            Length(max=max_length, message=f"Use at most {max_length} characters."),
            no_control_characters,
        ],
    )


# --- responses ------------------------------------------------------------------------------


# A bill among the choices of what a new response answers: "bill:<slug>" (a consultation is
# its slug), so one radio group offers both and a bill cannot be mistaken for a consultation.
BILL_CHOICE = "bill:"


class NewResponseForm(FlaskForm):
    """What the response answers: a consultation (its slug) or one of the organisation's bills
    ("bill:<slug>"), with, for a bill, the clauses to respond to ("<bill slug>:<number>"
    ticked under it; none ticked: all of them)."""

    consultation = SelectField(
        "What you are responding to",
        invalid_choice_message="Choose one of the listed consultations or bills.",
    )
    clauses = SelectMultipleField(
        "Clauses",
        validate_choice=False,  # checked against the chosen bill's print by clauses_of()
    )
    title = StringField(
        "Title of your response",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=200, message="Use at most 200 characters."),
            no_control_characters,
        ],
    )
    profile = SelectField(
        "Where it will be sent",
        choices=profile_choices(),
        default=DEFAULT_PROFILE,
        invalid_choice_message=PROFILE_MESSAGE,
    )

    def clauses_of(self, bill_slug: str) -> list[str] | None:
        """The clauses ticked under the chosen bill, or None (all of them) when none were."""
        prefix = f"{bill_slug}:"
        ticked = [
            value[len(prefix) :] for value in self.clauses.data or [] if value.startswith(prefix)
        ]
        return ticked or None


class ResponseSettingsForm(FlaskForm):
    title = title_field("Title", 200)
    profile = SelectField(
        "Where it will be sent", choices=profile_choices(), invalid_choice_message=PROFILE_MESSAGE
    )


# --- section text ---------------------------------------------------------------------------


class SectionForm(FlaskForm):
    """The editor. The same names as the API's PUT body: body, choice, base_revision."""

    body = body_field("Text")
    choice = StringField("Answer", filters=[_strip], validators=[Optional(), Length(max=60)])
    base_revision = revision_id_field()

    def choice_to_save(self) -> str | Keep | None:
        """The closed answer to save: the one chosen, None for none, or KEEP_CHOICE when the
        form did not send the field at all (the answer then stays as it was)."""
        if not self.choice.raw_data:
            return KEEP_CHOICE
        return self.choice.data or None

    def place_refusal(self) -> None:
        """consult.web.commit puts a refused save's message on the text; one about the
        answer choice belongs on the choice."""
        if self.body.errors and _about_choice(self.body.errors[-1]):
            self.choice.errors = [*self.choice.errors, self.body.errors[-1]]
            self.body.errors = list(self.body.errors[:-1])


def _about_choice(message: str) -> bool:
    return "choice" in message.lower() or "Choose one" in message


class ConflictForm(SectionForm):
    """Resolving a conflict: the text to keep, made from the current head (base_revision).
    `resolution` comes from the button pressed: edited (the textarea), mine or theirs.
    `suggestion` names the suggested edit whose acceptance clashed, if that is what clashed:
    resolving accepts it (or, keeping theirs, rejects it)."""

    resolution = HiddenField(default="edited")
    suggestion = revision_id_field("Suggestion")

    def validate_resolution(self, field) -> None:
        if (field.data or "edited") not in ("edited", "mine", "theirs"):
            raise ValidationError("Choose one of the buttons below the text.")


# The most people one text may pick to mention (the picker's hidden field).
MAX_PICKED = 50


class PickedField(HiddenField):
    """The ids of the members picked from the @mention list (static/js/mentions.js writes
    them, comma-separated): which of two members of the same name a mention means. They only
    narrow down what the text names, so anything that is no id is left out, not refused
    (without JavaScript the field is empty and names alone are matched)."""

    def _value(self) -> str:
        return ",".join(str(user_id) for user_id in self.data or [])

    def process_formdata(self, valuelist: list[str]) -> None:
        picked: dict[int, None] = {}
        for part in (valuelist[0] if valuelist else "").split(",")[:MAX_PICKED]:
            part = part.strip()
            if part.isascii() and part.isdigit() and 0 < int(part) <= MAX_ID:
                picked[int(part)] = None
        self.data = list(picked)


class SuggestionForm(FlaskForm):
    suggestion = body_field("Your suggested text")
    note = TextAreaField(
        "Why (optional)",
        filters=[_strip, _newlines],
        validators=[
            Optional(),
            Length(max=MAX_NOTE_LENGTH, message=f"Use at most {MAX_NOTE_LENGTH:,} characters."),
            no_control_characters,
        ],
    )
    suggestion_base = revision_id_field()
    note_mentions = PickedField()


# --- comments -------------------------------------------------------------------------------


class CommentForm(FlaskForm):
    comment = TextAreaField(
        "Comment",
        filters=[_strip, _newlines],
        validators=[
            DataRequired("Write a comment first."),
            Length(
                max=MAX_COMMENT_LENGTH,
                message=f"A comment can be at most {MAX_COMMENT_LENGTH:,} characters.",
            ),
            no_control_characters,
        ],
    )
    quote = TextAreaField(
        "Passage you are commenting on (optional)",
        filters=[_strip, _newlines],
        validators=[
            Optional(),
            Length(
                max=MAX_QUOTE_LENGTH,
                message=f"Quote at most {MAX_QUOTE_LENGTH:,} characters.",
            ),
            no_control_characters,
        ],
    )
    comment_mentions = PickedField()


class ReplyForm(FlaskForm):
    reply = TextAreaField(
        "Reply",
        filters=[_strip, _newlines],
        validators=[
            DataRequired("Write a reply first."),
            Length(
                max=MAX_COMMENT_LENGTH,
                message=f"A reply can be at most {MAX_COMMENT_LENGTH:,} characters.",
            ),
            no_control_characters,
        ],
    )
    reply_mentions = PickedField()


class ResolveForm(FlaskForm):
    resolved = HiddenField(validators=[InputRequired()])

    def validate_resolved(self, field) -> None:
        if field.data not in ("yes", "no"):
            raise ValidationError("Resolve or reopen the comment with its button.")


# --- section structure ----------------------------------------------------------------------


class AddSectionForm(FlaskForm):
    new_title = title_field("Title of the new section", MAX_TITLE_LENGTH)


class RenameSectionForm(FlaskForm):
    title = title_field("New title", MAX_TITLE_LENGTH)


class MoveSectionForm(FlaskForm):
    direction = HiddenField(validators=[InputRequired()])

    def validate_direction(self, field) -> None:
        if field.data not in ("up", "down"):
            raise ValidationError("Move the section up or down with its buttons.")


class SectionDetailsForm(FlaskForm):
    """A section's status and assignee, set together with one button. `assignee` is a
    member's user id, or empty for nobody; its choices are the organisation's members."""

    status = SelectField(
        "Status",
        choices=choices([(status, STATUS_LABELS[status]) for status in SECTION_STATUSES]),
        invalid_choice_message="Choose one of the listed statuses.",
    )
    assignee = SelectField(
        "Assigned to", invalid_choice_message="Choose a member of the organisation."
    )
    # What the page showed when it was drawn. A field the person left as it was is not
    # changed, though someone else (or the first autosave, which makes a section
    # "Drafting") may have changed it since: posting the old value would undo that.
    status_shown = HiddenField()
    assignee_shown = HiddenField()

    @classmethod
    def for_section(cls, section) -> SectionDetailsForm:
        """The form as a page draws it for `section` (no data posted)."""
        assignee = str(section.assignee_id or "")
        return cls(
            formdata=None,
            status=section.status,
            assignee=assignee,
            status_shown=section.status,
            assignee_shown=assignee,
        )

    def changed(self) -> tuple[bool, bool]:
        """(status changed, assignee changed) from what the page showed; a field posted
        without its shown value (a form from before they were sent) counts as changed."""
        return (
            self.status_shown.data is None or self.status.data != self.status_shown.data,
            self.assignee_shown.data is None or self.assignee.data != self.assignee_shown.data,
        )

    def limit_to(self, members: list) -> SectionDetailsForm:
        """`members`: the users a section can be assigned to."""
        self.assignee.choices = choices(
            [("", "Nobody")] + [(str(user.id), user.name) for user in members]
        )
        return self


# --- amendments to a bill -------------------------------------------------------------------

# The six kinds of amendment in plain words (bills/amendments.py Kind holds the values).
AMENDMENT_KIND_LABELS = {
    "leave_out": "Leave out words",
    "leave_out_insert": "Leave out words and insert others",
    "insert": "Insert words",
    "stand_part": "Leave out a whole clause (clause stand part)",
    "new_clause": "New clause",
    "new_schedule": "New schedule",
}


def _number(label: str, what: str) -> StringField:
    """A page, line or occurrence: typed as text so that "three" gets a sentence, not
    WTForms' "Not a valid integer value"."""
    return StringField(
        label,
        filters=[_strip],
        validators=[
            Optional(),
            Regexp(r"^[0-9]{1,5}$", message=f"Give the {what} as a whole number, like 3."),
        ],
    )


def _words(label: str, limit: int = MAX_WORDS_LENGTH) -> StringField:
    return StringField(
        label,
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=limit, message=f"Use at most {limit:,} characters."),
            no_control_characters,
        ],
    )


def _block(label: str, limit: int = MAX_AMENDMENT_TEXT) -> TextAreaField:
    return TextAreaField(
        label,
        filters=[_strip, _newlines],
        validators=[
            Optional(),
            Length(max=limit, message=f"Use at most {limit:,} characters."),
            no_control_characters,
        ],
    )


class AmendmentForm(FlaskForm):
    """An amendment's fields, named as the API names them (so a refusal's `problem.field`
    names the field it goes beside). `base_revision` is the head the form was drawn from,
    for the merge; `action` is the button pressed: save, or preview (nothing saved)."""

    kind = RadioField(
        "What the amendment does",
        choices=list(AMENDMENT_KIND_LABELS.items()),
        validators=[InputRequired("Choose what the amendment does.")],
        validate_choice=True,
    )
    clause = _words("Clause or schedule")
    page = _number("Page", "page")
    line = _number("Line", "line")
    subsection = _words("Subsection (optional)")
    leave_out = _block("Words to leave out", FREE_TEXT_LIMITS["leave_out"])
    from_words = _words("Or leave out a passage: from the words", FREE_TEXT_LIMITS["from_words"])
    to_words = _words("to the words", FREE_TEXT_LIMITS["to_words"])
    to_end_of_line = BooleanField("to the end of the line")
    to_line = _number("The passage ends on line (if not the same line)", "line the passage ends on")
    after = _words(
        "Insert after the words (leave empty to insert at the end of the line)",
        FREE_TEXT_LIMITS["after"],
    )
    occurrence = _number(
        "Which time the words appear on the line (if more than once)", "occurrence"
    )
    insert = _block("Words to insert", FREE_TEXT_LIMITS["insert"])
    title = _words("Title of the new clause or schedule", FREE_TEXT_LIMITS["title"])
    text = _block("Text of the new clause or schedule", FREE_TEXT_LIMITS["text"])
    position = _words("Where it goes: after clause (optional; the Lords print it)")
    explanatory_statement = _block(
        "Explanatory statement", FREE_TEXT_LIMITS["explanatory_statement"]
    )
    purpose = _block("Purpose, for supporters", FREE_TEXT_LIMITS["purpose"])
    base_revision = revision_id_field()
    action = HiddenField(default="save")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.kind.choices = list(AMENDMENT_KIND_LABELS.items())

    @classmethod
    def for_amendment(cls, values: dict, base_revision: int | None) -> AmendmentForm:
        """The form drawn from an amendment's stored values (no data posted)."""
        return cls(formdata=None, data={**typed_values(values), "base_revision": base_revision})

    def values(self) -> dict:
        """The amendment's fields for the chosen kind (those of other kinds left out), as
        Amendment.from_dict takes them."""
        return for_kind({name: self[name].data for name in ("kind", *FIELD_KINDS)})

    @property
    def previewing(self) -> bool:
        return self.action.data == "preview"
