"""Account forms. Length limits mirror the database columns."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, StringField
from wtforms.validators import Email, EqualTo, InputRequired, Length

from consult.accounts.services import PASSWORD_MAX_LENGTH, PASSWORD_MIN_LENGTH
from consult.forms import no_control_characters

_email = [
    InputRequired("Enter your e-mail address."),
    Length(max=254),
    Email("Enter an e-mail address like name@example.org.", check_deliverability=False),
]
_new_password = [
    InputRequired("Choose a password."),
    Length(
        min=PASSWORD_MIN_LENGTH,
        max=PASSWORD_MAX_LENGTH,
        message=f"Use between {PASSWORD_MIN_LENGTH} and {PASSWORD_MAX_LENGTH} characters.",
    ),
]
_name = [
    InputRequired("Enter your name."),
    Length(max=120, message="Use at most 120 characters."),
    no_control_characters,
]


class SignUpForm(FlaskForm):
    name = StringField("Your name", validators=_name)
    email = EmailField("E-mail address", validators=_email)
    password = PasswordField("Password", validators=_new_password)


class LoginForm(FlaskForm):
    email = EmailField("E-mail address", validators=_email)
    password = PasswordField(
        "Password",
        validators=[InputRequired("Enter your password."), Length(max=PASSWORD_MAX_LENGTH)],
    )


class EmailOnlyForm(FlaskForm):
    email = EmailField("E-mail address", validators=_email)


class ResetPasswordForm(FlaskForm):
    password = PasswordField("New password", validators=_new_password)
    confirm = PasswordField(
        "New password again",
        validators=[InputRequired("Type the new password again."), EqualTo("password", "The two passwords differ.")],
    )


class ProfileForm(FlaskForm):
    name = StringField("Your name", validators=_name)


class ChangePasswordForm(FlaskForm):
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Length(max=PASSWORD_MAX_LENGTH)],
    )
    password = PasswordField("New password", validators=_new_password)


class ChangeEmailForm(FlaskForm):
    email = EmailField("New e-mail address", validators=_email)
    current_password = PasswordField(
        "Current password",
        validators=[InputRequired("Enter your current password."), Length(max=PASSWORD_MAX_LENGTH)],
    )


class ApiTokenForm(FlaskForm):
    name = StringField(
        "What is this token for?",
        validators=[
            InputRequired("Give the token a name, such as 'Campaign website'."),
            Length(max=80),
            no_control_characters,
        ],
    )
