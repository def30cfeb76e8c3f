"""Organisation forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import Email, InputRequired, Length

from consult.forms import no_control_characters
from consult.organisations.permissions import ROLE_LABELS, ROLES


class OrganisationForm(FlaskForm):
    name = StringField(
        "Organisation name",
        validators=[
            InputRequired("Enter the organisation's name."),
            Length(max=160, message="Use at most 160 characters."),
            no_control_characters,
        ],
    )


class InvitationForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        validators=[
            InputRequired("Enter the e-mail address to invite."),
            Length(max=254),
            Email("Enter an e-mail address like name@example.org.", check_deliverability=False),
        ],
    )
    role = SelectField("Role", choices=[(role, ROLE_LABELS[role]) for role in ROLES], default="member")

    def limit_roles(self, roles: tuple[str, ...]) -> InvitationForm:
        self.role.choices = [(role, ROLE_LABELS[role]) for role in roles]
        return self


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=[(role, ROLE_LABELS[role]) for role in ROLES])
