"""Organisation forms."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from consult.forms import no_control_characters
from consult.organisations.permissions import ROLE_LABELS, ROLES

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - WTForms < 3.3
    SelectChoice = None


def role_choices(roles: tuple[str, ...] = ROLES) -> list:
    """Select options for these roles, labelled as the permission table labels them."""
    if SelectChoice is None:
        return [(role, ROLE_LABELS[role]) for role in roles]
    return [SelectChoice(role, ROLE_LABELS[role]) for role in roles]


def _strip(value: str | None) -> str | None:
    return value.strip() if isinstance(value, str) else value


class OrganisationForm(FlaskForm):
    # Stripped first, so a name of only spaces is "missing" (an inline error), not a 500.
    name = StringField(
        "Organisation name",
        filters=[_strip],
        validators=[
            DataRequired("Enter the organisation's name."),
            Length(max=160, message="Use at most 160 characters."),
            no_control_characters,
        ],
    )


class InvitationForm(FlaskForm):
    email = EmailField(
        "E-mail address",
        filters=[_strip],
        validators=[
            InputRequired("Enter the e-mail address to invite."),
            Length(max=254),
            Email("Enter an e-mail address like name@example.org.", check_deliverability=False),
        ],
    )
    role = SelectField("Role", choices=role_choices(), default="member")

    def limit_roles(self, roles: tuple[str, ...]) -> InvitationForm:
        """Offer only the roles the inviter may give (only owners appoint owners)."""
        self.role.choices = role_choices(roles)
        return self


class RoleForm(FlaskForm):
    role = SelectField("Role", choices=role_choices())
