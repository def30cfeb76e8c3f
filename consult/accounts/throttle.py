"""Log-in throttling that slows the attacker, not the owner.

Wrong passwords are counted per account *and client address*: someone guessing from one
address is stopped after a few tries without locking the owner out of their own account
from anywhere else. Each address is also limited over all accounts (a guesser trying many
accounts), and each account over all addresses, but far higher (a guesser spreading tries over
many addresses). The password-reset link, which only the owner of the address receives, clears
the account's counts, so the owner is never locked out for long.

The counts live in Flask-Limiter's storage (Redis when several instances share it), by keyed
hashes (consult/extensions.py).
"""

from __future__ import annotations

from collections.abc import Callable

from flask import current_app, request
from flask_login import current_user
from limits import parse
from werkzeug.exceptions import RequestEntityTooLarge

from consult.extensions import hashed_key, limiter
from consult.net import client_ip

ATTEMPTS_PER_CLIENT = "30 per 15 minutes"  # every log-in attempt from one address
FAILURES_PER_ACCOUNT_AND_CLIENT = "10 per 15 minutes"
FAILURES_PER_ACCOUNT = "100 per hour"  # from all addresses together
ACCOUNT_AND_CLIENT_SCOPE = "login-account-client"
ACCOUNT_SCOPE = "login-account"

LOCKED_FROM_HERE = (
    "There have been too many wrong passwords for this account from your connection. Wait "
    "15 minutes, or reset your password: the link we e-mail you lets you straight back in."
)
LOCKED_EVERYWHERE = (
    "There have been too many wrong passwords for this account. If it is yours, reset your "
    "password: the link we e-mail you lets you straight back in."
)


def form_email() -> str:
    """The normalised e-mail address in the posted form ("" if none, or too large to read:
    the view answers 413, and an exception here would make the limiter take its storage for
    dead and count in memory from then on)."""
    try:
        email = request.form.get("email", "")
    except RequestEntityTooLarge:
        email = ""
    return email.strip().lower()[:254]


def email_key(purpose: str) -> Callable[[], str]:
    """A rate-limit key for the address in the form, so one inbox can be protected without
    limiting everyone who shares the client's IP address."""

    def key() -> str:
        return f"{purpose}:" + form_email()

    return key


def user_key() -> str:
    """Changes made while logged in are limited per person, not per shared office address."""
    return f"user:{current_user.get_id()}"


def _account_key(email: str) -> str:
    return f"login:{email}"


def _account_and_client_key(email: str, address: str) -> str:
    return f"login:{email}|{address}"


def account_key() -> str:
    return _account_key(form_email())


def account_and_client_key() -> str:
    return _account_and_client_key(form_email(), client_ip())


def failed(response) -> bool:
    """A log-in that did not redirect onwards (wrong password, unconfirmed address) counts."""
    return response.status_code != 302


def unlock(email: str) -> None:
    """Forget the account's failed log-ins (everywhere, and from the address the owner is
    using now): called when the owner proves control of the address by a reset link."""
    email = email.strip().lower()
    prefix = current_app.config.get("RATELIMIT_KEY_PREFIX") or ""
    for limit, key, scope in (
        (FAILURES_PER_ACCOUNT, _account_key(email), ACCOUNT_SCOPE),
        (
            FAILURES_PER_ACCOUNT_AND_CLIENT,
            _account_and_client_key(email, client_ip()),
            ACCOUNT_AND_CLIENT_SCOPE,
        ),
    ):
        identifiers = [hashed_key(key), scope]
        try:
            limiter.limiter.clear(parse(limit), *([prefix] if prefix else []), *identifiers)
        except Exception:  # the storage is unreachable: the counts expire with their window
            current_app.logger.warning("Could not clear log-in throttling after a reset")
