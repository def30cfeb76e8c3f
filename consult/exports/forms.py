"""The export form: which version (or the draft), which submission profile, which format,
and, when the profile check finds problems, the coordinator's decision to export anyway."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, RadioField, SelectField, SubmitField, ValidationError

from consult.consultations.profiles import PROFILES
from consult.drafting.forms import choices
from consult.exports.models import EXPORT_FORMATS
from consult.exports.services import FORMAT_LABELS

DRAFT = "draft"


class _ChoiceMessage:
    """A choice field that says what to choose instead of "Not a valid choice"."""

    def __init__(self, label: str, message: str, **kwargs) -> None:
        super().__init__(label, **kwargs)
        self.message = message

    def pre_validate(self, form) -> None:
        allowed = {getattr(choice, "value", None) or choice[0] for choice in self.choices}
        if self.data not in allowed:
            raise ValidationError(self.message)


class ChoiceRadio(_ChoiceMessage, RadioField):
    pass


class ChoiceSelect(_ChoiceMessage, SelectField):
    pass


class ExportForm(FlaskForm):
    version = ChoiceSelect("Version", "Choose a version, or the current draft.")
    profile = ChoiceRadio(
        "Where it will be sent",
        "Choose where the response will be sent.",
        choices=choices([(slug, profile.name) for slug, profile in PROFILES.items()]),
    )
    format = ChoiceRadio(
        "File format",
        "Choose a file format.",
        choices=choices([(f, FORMAT_LABELS[f]) for f in EXPORT_FORMATS]),
    )
    override = BooleanField("Export anyway: I have read the problems listed above")
    check = SubmitField("Check for problems")
    export = SubmitField("Export")


class TextForm(FlaskForm):
    """The choices of the text page, sent in the query string (reading changes nothing)."""

    class Meta:
        csrf = False

    version = ChoiceSelect("Version", "Choose a version, or the current draft.")
    profile = ChoiceSelect(
        "Where it will be sent",
        "Choose where the response will be sent.",
        choices=choices([(slug, profile.name) for slug, profile in PROFILES.items()]),
    )
