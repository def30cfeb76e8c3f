"""Two-factor authentication: a TOTP app (RFC 6238) with single-use recovery codes.

The TOTP secret is stored encrypted (Fernet, with a key derived from TWO_FACTOR_KEY or the
SECRET_KEY), is shown once while setting up and never again, and never reaches the logs or the
audit log. A code is accepted once only: the time step of the last accepted code is kept and a
conditional UPDATE refuses the same or an older step, so a code seen over someone's shoulder
(or sent twice at once) cannot be replayed. Recovery codes carry 80 random bits and are stored
as SHA-256 hashes, like the app's other secrets; each one works once.

API bearer tokens are not affected: a token is a separate credential created by someone who
was logged in, and it is revoked from the account page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time

import pyotp
import segno
from cryptography.fernet import Fernet, InvalidToken
from flask import current_app
from markupsafe import Markup
from sqlalchemy import func, select

from consult.accounts import events, pending_logins
from consult.accounts.models import RecoveryCode, User
from consult.accounts.services import AccountError, WrongPassword, verify_password
from consult.audit.services import record
from consult.extensions import db
from consult.timeutil import utcnow
from consult.tokens import hash_token

ISSUER = "Consult"
RECOVERY_CODE_COUNT = 10
STEP_SECONDS = 30
# Codes from the step before and after are accepted too: phones' clocks drift.
DRIFT_STEPS = 1
_RECOVERY_ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"  # no 0/o, 1/l/i to misread


class TwoFactorError(AccountError):
    """A code was wrong, used already, or two-factor is not in the state the action needs."""


class WrongCode(TwoFactorError):
    """A wrong or spent code: audited, and the audit event kept (owners see guessing)."""

    kept = True


class PendingLoginUsed(TwoFactorError):
    """Another request finished this log-in first (the same cookie, racing): start again."""

    category = "warning"


def _fernet() -> Fernet:
    key = current_app.config.get("TWO_FACTOR_KEY") or current_app.config["SECRET_KEY"]
    digest = hashlib.sha256(b"consult two-factor secrets\x00" + key.encode()).digest()
    return Fernet(base64.urlsafe_b64encode(digest))


def _secret_of(user: User) -> str | None:
    """The user's TOTP secret in clear, or None (none stored, or the key has changed)."""
    if not user.totp_secret:
        return None
    try:
        return _fernet().decrypt(user.totp_secret.encode()).decode()
    except InvalidToken:
        return None


def totp_for(user: User) -> pyotp.TOTP | None:
    """The user's TOTP generator (set up or being set up), for checking codes."""
    secret = _secret_of(user)
    return pyotp.TOTP(secret, issuer=ISSUER, interval=STEP_SECONDS) if secret else None


# --- setting up -----------------------------------------------------------------------------


def begin_setup(user: User) -> str:
    """The secret to put in the authenticator app: a new one, or the one already being set up
    (so reloading the page does not invalidate a QR code just scanned)."""
    if user.has_two_factor:
        raise TwoFactorError("Two-factor authentication is already on.")
    secret = _secret_of(user)
    if secret is None:
        secret = pyotp.random_base32()  # 160 bits
        user.totp_secret = _fernet().encrypt(secret.encode()).decode()
        user.totp_last_step = None
        db.session.flush()
    return secret


def provisioning_uri(user: User, secret: str) -> str:
    return pyotp.TOTP(secret, interval=STEP_SECONDS).provisioning_uri(
        name=user.email, issuer_name=ISSUER
    )


def qr_code_svg(uri: str) -> Markup:
    """The otpauth:// link as an inline SVG QR code (no inline style: the CSP forbids it)."""
    code = segno.make(uri, error="m")
    # segno writes the SVG itself (paths from our own link; the title is a constant).
    return Markup(  # noqa: S704  # nosec B704
        code.svg_inline(
            scale=4, omitsize=True, dark="#000", light="#fff", title="QR code for your app"
        )
    )


def group_secret(secret: str) -> str:
    """The secret in groups of four, easier to type into an app by hand."""
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def enable(user: User, code: str) -> list[str]:
    """Turn two-factor on once the first code from the app proves it is set up; returns the
    recovery codes, to show once."""
    if user.has_two_factor:
        raise TwoFactorError("Two-factor authentication is already on.")
    if _secret_of(user) is None:
        raise TwoFactorError("Start again: scan the new QR code.")
    if not _accept_totp(user, code):
        raise TwoFactorError("That code is not right. Type the 6 digits your app shows now.")
    user.two_factor_enabled_at = utcnow()
    codes = _replace_recovery_codes(user)
    record("two_factor.enabled", actor=user, subject=user)
    return codes


def disable(user: User, password: str, code: str) -> None:
    """Turn two-factor off: the password and a current code (or a recovery code) are needed,
    so a browser left logged in is not enough."""
    if not user.has_two_factor:
        raise TwoFactorError("Two-factor authentication is not on.")
    if not verify_password(user, password):
        raise WrongPassword("Your password is not right.")
    check_second_factor(user, code)
    user.totp_secret = None
    user.two_factor_enabled_at = None
    user.totp_last_step = None
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    record("two_factor.disabled", actor=user, subject=user)
    events.two_factor_disabled.send(user)


def regenerate_recovery_codes(user: User, code: str) -> list[str]:
    """New recovery codes (the old ones stop working), after a current code from the app."""
    if not user.has_two_factor:
        raise TwoFactorError("Two-factor authentication is not on.")
    if not _accept_totp(user, code):
        _failed(user)
        raise WrongCode("That code is not right. Type the 6 digits your app shows now.")
    codes = _replace_recovery_codes(user)
    record("two_factor.recovery_codes_replaced", actor=user, subject=user)
    return codes


def _replace_recovery_codes(user: User) -> list[str]:
    db.session.execute(db.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [_new_recovery_code() for _ in range(RECOVERY_CODE_COUNT)]
    db.session.add_all(
        RecoveryCode(user_id=user.id, code_hash=hash_token(_normalise_recovery(code)))
        for code in codes
    )
    db.session.flush()
    return codes


def _new_recovery_code() -> str:
    raw = "".join(secrets.choice(_RECOVERY_ALPHABET) for _ in range(16))  # about 79 bits
    return "-".join(raw[i : i + 4] for i in range(0, 16, 4))


def _normalise_recovery(code: str) -> str:
    return "".join(char for char in code.lower() if char.isalnum())


def recovery_codes_left(user: User) -> int:
    return db.session.scalar(
        select(func.count())
        .select_from(RecoveryCode)
        .where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )


# --- checking codes -------------------------------------------------------------------------


def _matching_step(user: User, code: str) -> int | None:
    """The time step whose code this is (within the allowed drift), or None."""
    totp = totp_for(user)
    digits = "".join(code.split())
    if totp is None or len(digits) != 6 or not digits.isdigit():
        return None
    now_step = int(time.time()) // STEP_SECONDS
    for step in range(now_step - DRIFT_STEPS, now_step + DRIFT_STEPS + 1):
        if hmac.compare_digest(totp.generate_otp(step), digits):
            return step
    return None


def _accept_totp(user: User, code: str) -> bool:
    """Accept a TOTP code once: its step must be newer than the last one accepted, and the
    UPDATE that records it only succeeds for one of two requests racing with the same code."""
    step = _matching_step(user, code)
    if step is None:
        return False
    claimed = db.session.execute(
        db.update(User)
        .where(
            User.id == user.id,
            (User.totp_last_step.is_(None)) | (User.totp_last_step < step),
        )
        .values(totp_last_step=step)
        .execution_options(synchronize_session=False)
    ).rowcount
    if claimed != 1:
        return False
    user.totp_last_step = step
    return True


def _accept_recovery_code(user: User, code: str) -> bool:
    normalised = _normalise_recovery(code)
    if len(normalised) != 16:
        return False
    spent = db.session.execute(
        db.update(RecoveryCode)
        .where(
            RecoveryCode.user_id == user.id,
            RecoveryCode.code_hash == hash_token(normalised),
            RecoveryCode.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    return spent == 1


def check_second_factor(user: User, code: str) -> str:
    """Check a code from the app or a recovery code; returns which ("app" or "recovery").
    A wrong code is audited, and kept (WrongCode): the write path commits it all the same."""
    code = (code or "")[:64]
    if _accept_totp(user, code):
        return "app"
    if _accept_recovery_code(user, code):
        record(
            "two_factor.recovery_code_used",
            actor=user,
            subject=user,
            remaining=recovery_codes_left(user),
        )
        return "recovery"
    _failed(user)
    raise WrongCode("That code is not right, or it has been used already.")


def complete_login(user: User, pending_token: str, code: str) -> str:
    """The log-in's second step: check the code (or recovery code: returns which, as
    check_second_factor does), then use the pending log-in up, so that of two requests racing
    with the same cookie only one logs in."""
    used = check_second_factor(user, code)
    if not pending_logins.spend(pending_token):
        raise PendingLoginUsed("Please log in again.")
    return used


def _failed(user: User) -> None:
    record("two_factor.failed", actor=user, subject=user)


# --- the instance's rule for owners ---------------------------------------------------------


def must_set_up(user: User) -> bool:
    """Is this person an owner who must turn two-factor on before doing anything else
    (REQUIRE_TWO_FACTOR_FOR_OWNERS)?"""
    if not current_app.config.get("REQUIRE_TWO_FACTOR_FOR_OWNERS") or user.has_two_factor:
        return False
    # Through the User.memberships relationship, so accounts imports nothing of organisations.
    owner = select(User.id).where(User.id == user.id, User.memberships.any(role="owner"))
    return db.session.scalar(owner) is not None
