"""Signing forms: freezing a version, opening signing, the three ways of signing (member,
public, on behalf of an organisation), verification and the coordinator's filters.

Consent is a checkbox of its own, never ticked in advance and required; publishing one's name
is a second, optional checkbox, off by default (UK GDPR Art. 7 and 9, Art. 25 by default)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Literal

from flask import request
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    EmailField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    ValidationError,
)
from wtforms.validators import AnyOf, DataRequired, Email, InputRequired, Length, Optional

from consult.forms import MAX_ID, choices, no_control_characters
from consult.organisations.models import Membership, Organisation
from consult.signing import consent as statements
from consult.signing.models import Version
from consult.signing.permissions import is_open
from consult.timeutil import LONDON, uk_time

CONSENT_MESSAGE = "Tick “I agree” to give your consent: without it we cannot record a signature."
STALE_STATEMENT_MESSAGE = (
    "The consent statement has changed since this page was opened. Please read it again and sign."
)
NAME_LIMIT = 200


def _strip(value):
    return value.strip() if isinstance(value, str) else value


def _current_statement(_form, field) -> None:
    if field.data != statements.CURRENT_VERSION:
        raise ValidationError(STALE_STATEMENT_MESSAGE)


class FreezeForm(FlaskForm):
    note = TextAreaField(
        "Note (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=500, message="Keep the note to 500 characters."),
            no_control_characters,
        ],
    )


class OpenSigningForm(FlaskForm):
    """Open signing (or change who can sign and until when), or close it: `operation`."""

    operation = HiddenField(
        default="open",
        validators=[AnyOf(("open", "close"), message="Open or close signing with its button.")],
    )
    audience = RadioField(
        "Who can sign",
        validate_choice=False,
        choices=choices(
            [
                ("members", "Members of the organisation only"),
                ("public", "Anyone with the link (public signing, with e-mail confirmation)"),
            ]
        ),
        default="members",
    )
    closes_at = DateTimeLocalField(
        "Closing date and time (optional, UK time)",
        format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
        validators=[Optional()],
    )

    def validate_audience(self, field) -> None:
        if self.operation.data == "open" and field.data not in ("members", "public"):
            raise ValidationError("Choose who can sign.")

    @classmethod
    def as_set_for(cls, version: Version) -> OpenSigningForm:
        """The form as the version's signing stands: its audience, and while it is open its
        closing time, in UK time as the coordinator typed it."""
        closes_at = version.signing_closes_at if is_open(version) else None
        return cls(
            formdata=None,
            audience="public" if version.signing_public else "members",
            closes_at=uk_time(closes_at).replace(tzinfo=None) if closes_at else None,
        )

    def closes_at_utc(self) -> datetime | None:
        """The closing time typed in UK time, as the naive UTC the database stores."""
        moment = self.closes_at.data
        if moment is None:
            return None
        return moment.replace(tzinfo=LONDON).astimezone(UTC).replace(tzinfo=None)


def consent_field() -> BooleanField:
    return BooleanField("I agree", validators=[DataRequired(CONSENT_MESSAGE)])


def publish_field() -> BooleanField:
    return BooleanField("Publish my name and affiliation with the response", default=False)


def statement_field() -> HiddenField:
    return HiddenField(default=statements.CURRENT_VERSION)


def affiliation_field() -> StringField:
    return StringField(
        "Affiliation (optional)",
        filters=[_strip],
        validators=[
            Optional(),
            Length(max=NAME_LIMIT, message=f"Use at most {NAME_LIMIT} characters."),
            no_control_characters,
        ],
    )


def name_field(label: str) -> StringField:
    return StringField(
        label,
        filters=[_strip],
        validators=[
            DataRequired("Enter your name."),
            Length(max=NAME_LIMIT, message=f"Use at most {NAME_LIMIT} characters."),
            no_control_characters,
        ],
    )


class MemberSignForm(FlaskForm):
    """A logged-in person signs as themselves."""

    display_name = name_field("Your name as it should appear")
    affiliation = affiliation_field()
    publish = publish_field()
    consent = consent_field()
    statement_version = statement_field()

    def validate_statement_version(self, field) -> None:
        _current_statement(self, field)


class PublicSignForm(FlaskForm):
    """A member of the public signs; pending until they confirm from the e-mail.

    `website` is a honeypot (people never see it, form-filling robots do) and `started` the
    form's signed, single-use stamp (when the page was drawn): both are judged by robots.py,
    which holds back what looks like a robot's and asks the person to confirm once more."""

    name = name_field("Your name")
    email = EmailField(
        "E-mail address",
        filters=[_strip],
        validators=[
            InputRequired("Enter your e-mail address."),
            Length(max=254, message="Use at most 254 characters."),
            Email("Enter an e-mail address like name@example.org.", check_deliverability=False),
        ],
    )
    affiliation = affiliation_field()
    publish = publish_field()
    consent = consent_field()
    statement_version = HiddenField(default=statements.CURRENT_VERSION)
    started = HiddenField()
    website = StringField("Leave this empty")


class PublicationForm(FlaskForm):
    """A signer stops publishing their name ("no") or allows it again ("yes")."""

    publish = HiddenField(
        validators=[AnyOf(("yes", "no"), message="Choose with one of the buttons.")]
    )


class PartnerSignForm(FlaskForm):
    """An owner or coordinator of a partner organisation co-signs on its behalf."""

    organisation = SelectField("Sign on behalf of", validate_choice=True)
    consent = consent_field()
    statement_version = statement_field()

    def validate_statement_version(self, field) -> None:
        _current_statement(self, field)

    def offer(self, memberships: list[Membership]) -> PartnerSignForm:
        """Offer the organisations of these memberships (those not signed yet)."""
        self.organisation.choices = choices(
            [(str(m.organisation_id), m.organisation.name) for m in memberships]
        )
        return self

    def chosen(self, memberships: list[Membership]) -> Organisation:
        """The organisation picked, once validated (so one of those offered)."""
        return next(
            m.organisation for m in memberships if str(m.organisation_id) == self.organisation.data
        )


def ask_consent_again(form: MemberSignForm | PublicSignForm | PartnerSignForm) -> None:
    """After a stale statement the new one must be read and agreed afresh."""
    form.statement_version.data = statements.CURRENT_VERSION
    form.consent.data = False


class Problem:
    """A refusal shown in a signing form's summary ("There is a problem"), where the form's
    own errors are, rather than as a flash message: consult.web.commit puts it here
    (`error_to=problem`) as it would on a form field."""

    def __init__(self) -> None:
        self.errors: list[str] = []

    @property
    def message(self) -> str | None:
        """What to show, or None when nothing was refused."""
        return " ".join(self.errors) or None


def id_arg(name: str) -> int | Literal[False] | None:
    """An id from the query string: None when it is not there, False when it cannot be one."""
    raw = request.args.get(name, "")
    if raw == "":
        return None
    if not raw.isdigit() or not 0 < int(raw) <= MAX_ID:
        return False
    return int(raw)


class VerifyForm(FlaskForm):
    class Meta:
        csrf = False  # a GET search form

    fingerprint = StringField(
        "Fingerprint (SHA-256)",
        filters=[lambda value: "".join(value.split()).lower() if isinstance(value, str) else value],
        validators=[
            InputRequired("Paste the fingerprint printed on the response."),
            Length(max=200, message="A fingerprint is 64 characters long."),
        ],
    )

    def validate_fingerprint(self, field) -> None:
        value = field.data or ""
        if len(value) != 64 or any(char not in "0123456789abcdef" for char in value):
            raise ValidationError(
                "A fingerprint is 64 characters, the digits 0-9 and the letters a-f."
            )


class SignatureFilterForm(FlaskForm):
    """The coordinator's filters for the list of signatures (a GET form)."""

    class Meta:
        csrf = False

    kind = SelectField(
        "Kind",
        choices=choices(
            [
                ("", "All kinds"),
                ("member", "Members"),
                ("organisation", "Organisations"),
                ("public", "Public"),
            ]
        ),
        default="",
        validators=[Optional()],
    )
    status = SelectField(
        "Status",
        choices=choices(
            [
                ("", "All statuses"),
                ("confirmed", "Confirmed"),
                ("pending", "Waiting for confirmation"),
                ("withdrawn", "Withdrawn"),
            ]
        ),
        default="",
        validators=[Optional()],
    )
    q = StringField(
        "Name contains",
        filters=[_strip],
        validators=[Optional(), Length(max=200, message="Use at most 200 characters.")],
    )
