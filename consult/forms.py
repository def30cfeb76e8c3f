"""Form pieces shared by every domain."""

from __future__ import annotations

import unicodedata

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup
from wtforms import ValidationError

try:  # WTForms 3.3 deprecates (value, label) tuples in favour of SelectChoice
    from wtforms.fields.choices import SelectChoice
except ImportError:  # pragma: no cover - WTForms < 3.3
    SelectChoice = None

# Ids are 32-bit integers in the database: a larger number cannot name anything (and would make
# PostgreSQL raise), so forms and loaders refuse it as they refuse any other bad number.
MAX_ID = 2**31 - 1

# Bidirectional overrides and isolates let a name display as something else ("spoofing").
BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def has_control_characters(value: str) -> bool:
    """True for NUL, other C0/C1 controls and DEL (tabs and newlines excepted), and bidi
    overrides: none belongs in a name or title that others will read or sign under."""
    return any(
        (unicodedata.category(char) == "Cc" and char not in "\t\n\r") or char in BIDI_CONTROLS
        for char in value
    )


def page_number() -> int:
    """The `?page=` of a paged list: a whole number from 1, anything else the first page."""
    value = request.args.get("page", "1")
    return int(value) if value.isdigit() and 0 < int(value) < 100_000 else 1


def choices(pairs: list[tuple[str, str]]) -> list:
    """Select options from (value, label) pairs, in the form this WTForms prefers."""
    if SelectChoice is None:
        return list(pairs)
    return [SelectChoice(value, label) for value, label in pairs]


class ActionForm(FlaskForm):
    """A button that changes something: no fields, but CSRF-protected like every form."""


def no_control_characters(_form, field) -> None:
    """Refuse NUL and other control characters that have no place in names or titles."""
    if has_control_characters(field.data or ""):
        raise ValidationError("Remove the invisible control characters from this field.")


def csrf_field() -> Markup:
    """The hidden CSRF input for a form in a template: `{{ csrf_field() }}`. One helper for
    every form, without an id, so pages with several forms stay valid HTML."""
    return Markup('<input type="hidden" name="csrf_token" value="{}">').format(generate_csrf())
