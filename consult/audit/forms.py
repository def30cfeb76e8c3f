"""The audit page's filters: read from the query string (GET, so no CSRF token)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import DateField, SelectField
from wtforms.validators import Optional, ValidationError


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a search: it changes nothing

    kind = SelectField("Kind of event", default="")
    person = SelectField("Person", default="")
    since = DateField("From", validators=[Optional()], id="audit-since")
    until = DateField("To", validators=[Optional()], id="audit-until")

    def validate_until(self, field) -> None:
        if field.data and self.since.data and field.data < self.since.data:
            raise ValidationError("The end date is before the start date.")
