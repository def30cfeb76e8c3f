"""Account forms. Length limits mirror the database columns."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import (
    DataRequired,
    Email,
    EqualTo,
    InputRequired,
    Length,
    StopValidation,
    ValidationError,
)

from consult.accounts.services import (
    PASSWORD_MAX_LENGTH,
    PASSWORD_MIN_LENGTH,
    TOO_COMMON,
    is_common_password,
)
from consult.forms import no_control_characters


class Limit(Length):
    """Length that stops the chain: a megabyte "address" is not worth parsing as one."""

    def __call__(self, form, field):
        try:
            super().__call__(form, field)
        except ValidationError as error:
            raise StopValidation(str(error)) from None


def _strip(value):
    """People paste addresses and names with stray spaces; the spaces are not part of them."""
    return value.strip() if isinstance(value, str) else value


_email = [
    InputRequired("Enter your e-mail address."),
    Limit(max=254, message="Use at most 254 characters."),
    Email("Enter an e-mail address like name@example.org.", check_deliverability=False),
]


def _not_common(form, field) -> None:
    """Refuse leaked and much-used passwords with an error on the field itself."""
    if is_common_password(field.data or ""):
        raise ValidationError(TOO_COMMON)


_new_password = [
    InputRequired("Choose a password."),
    Limit(
        min=PASSWORD_MIN_LENGTH,
        max=PASSWORD_MAX_LENGTH,
        message=f"Use between {PASSWORD_MIN_LENGTH} and {PASSWORD_MAX_LENGTH} characters.",
    ),
    _not_common,
]
_name = [
    DataRequired("Enter your name."),  # after stripping: a name of only spaces is no name
    Limit(max=120, message="Use at most 120 characters."),
    no_control_characters,
]


class SignUpForm(FlaskForm):
    name = StringField("Your name", validators=_name, filters=[_strip])
    email = EmailField("E-mail address", validators=_email, filters=[_strip])
    password = PasswordField("Password", validators=_new_password)


class LoginForm(FlaskForm):
    email = EmailField("E-mail address", validators=_email, filters=[_strip])
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Limit(max=PASSWORD_MAX_LENGTH)],
    )


class EmailOnlyForm(FlaskForm):
    email = EmailField("E-mail address", validators=_email, filters=[_strip])


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=_new_password)
    confirm = PasswordField(
        "New password again",
        validators=[
            InputRequired("Type the new password again."),
            EqualTo("password", "The two passwords differ."),
        ],
    )


# The account page shows the next four forms together, so their fields get distinct HTML ids
# (labels, hints and errors are tied to the field by id); the submitted names stay plain.


class ProfileForm(FlaskForm):
    name = StringField("Your name", validators=_name, filters=[_strip], id="profile-name")


def current_password_field(id_: str) -> PasswordField:
    """The current password, asked again before a change that needs it (privacy's erasure too)."""
    return PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Limit(max=PASSWORD_MAX_LENGTH)],
        id=id_,
    )


class ChangePasswordForm(FlaskForm):
    current_password = current_password_field("password-current")
    password = PasswordField("New password", validators=_new_password, id="password-new")


class ChangeEmailForm(FlaskForm):
    email = EmailField("New e-mail address", validators=_email, filters=[_strip], id="email-new")
    current_password = current_password_field("email-current-password")


class ApiTokenForm(FlaskForm):
    name = StringField(
        "What is this token for?",
        id="token-name",
        filters=[_strip],
        validators=[
            DataRequired("Give the token a name, such as 'Campaign website'."),
            Limit(max=80, message="Use at most 80 characters."),
            no_control_characters,
        ],
    )


# --- two-factor authentication -------------------------------------------------------------

_code = [
    InputRequired("Enter the code."),
    Limit(max=64, message="That is not a code: use the 6 digits or a recovery code."),
]


class TwoFactorCodeForm(FlaskForm):
    """A code from the authenticator app (setting up, replacing recovery codes)."""

    code = StringField("Code from your app", validators=_code, filters=[_strip], id="totp-code")


class SecondStepForm(FlaskForm):
    """The log-in's second step: a code from the app, or one of the recovery codes."""

    code = StringField(
        "Code from your app, or a recovery code",
        validators=_code,
        filters=[_strip],
        id="second-step-code",
    )


class DisableTwoFactorForm(FlaskForm):
    current_password = current_password_field("disable-2fa-password")
    code = StringField(
        "Code from your app, or a recovery code",
        validators=_code,
        filters=[_strip],
        id="disable-2fa-code",
    )
