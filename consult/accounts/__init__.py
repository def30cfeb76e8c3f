"""Accounts: people, their log-in sessions, e-mailed links, personal API tokens, two-factor.

The blueprint is created here, below every module that adds pages to it (accounts/views/, and
privacy/views.py, whose pages keep their "accounts." endpoints), so none imports another."""

from flask import Blueprint

blueprint = Blueprint("accounts", __name__)
