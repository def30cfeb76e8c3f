"""The bill rules' refusals: each message is written for the person (consult/errors.py)."""

from __future__ import annotations

from consult.errors import DomainError


class BillError(DomainError):
    """A rule about bills, prints or amendments said no; the message says what to do."""
