"""Privacy forms: deleting one's account, confirmed by the password."""

from __future__ import annotations

from flask_wtf import FlaskForm

from consult.accounts.forms import current_password_field


class DeleteAccountForm(FlaskForm):
    current_password = current_password_field("delete-account-password")
