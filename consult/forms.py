"""Form pieces shared by every domain."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import ValidationError


class ActionForm(FlaskForm):
    """A button that changes something: no fields, but CSRF-protected like every form."""


def no_control_characters(_form, field) -> None:
    """Refuse NUL and other control characters that have no place in names or titles."""
    value = field.data or ""
    if any(ord(char) < 32 and char not in "\t\n\r" for char in value):
        raise ValidationError("Remove the invisible control characters from this field.")
