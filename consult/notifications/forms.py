"""Notification forms: the account page's choice per kind."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import RadioField

from consult.forms import choices
from consult.notifications.models import ALWAYS_IMMEDIATE, KIND_LABELS, MODE_LABELS, MODES

# The kinds a person chooses for (security notices are always e-mailed at once).
CHOOSABLE = tuple(kind for kind in KIND_LABELS if kind not in ALWAYS_IMMEDIATE)


class PreferencesForm(FlaskForm):
    """One radio group per kind: e-mail at once, daily digest, or no e-mail."""

    def modes(self) -> dict[str, str]:
        return {kind: self[kind].data for kind in CHOOSABLE}


for _kind in CHOOSABLE:
    setattr(
        PreferencesForm,
        _kind,
        RadioField(
            KIND_LABELS[_kind],
            choices=choices([(mode, MODE_LABELS[mode]) for mode in MODES]),
            validate_choice=True,
        ),
    )
