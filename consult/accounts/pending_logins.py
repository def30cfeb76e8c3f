"""The log-in's state between the password and the second factor, kept on the server.

The browser's session cookie holds only a random token for this one attempt; the database
holds its hash. The token is single use (the second step deletes it, so a cookie copied before
or after cannot log in again), bound to the attempt (the account's next password step replaces
it, and a password change or reset drops it) and short-lived (LIFETIME).
"""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import or_, select

from consult.accounts.models import PendingLogin, User
from consult.extensions import db
from consult.timeutil import utcnow
from consult.tokens import hash_token, new_token

LIFETIME = timedelta(minutes=5)  # time enough to open the authenticator app


def begin(user: User) -> str:
    """Record that the password step succeeded; returns the token for the browser. Any
    earlier pending log-in of the account ends (and expired ones of anyone are swept)."""
    token, token_hash = new_token()
    now = utcnow()
    db.session.execute(
        db.delete(PendingLogin).where(
            or_(PendingLogin.user_id == user.id, PendingLogin.created_at < now - LIFETIME)
        )
    )
    db.session.add(PendingLogin(user_id=user.id, token_hash=token_hash, created_at=now))
    db.session.flush()
    return token


def user_for(token: str | None) -> User | None:
    """The account this live pending log-in belongs to, or None (unknown, spent, replaced or
    expired)."""
    if not isinstance(token, str) or not token:
        return None
    pending = db.session.scalar(
        select(PendingLogin).where(PendingLogin.token_hash == hash_token(token))
    )
    if pending is None or pending.created_at < utcnow() - LIFETIME:
        return None
    return pending.user


def spend(token: str) -> bool:
    """Use the pending log-in up; False if it was already used (two requests racing with the
    same cookie: only one logs in)."""
    spent = db.session.execute(
        db.delete(PendingLogin).where(PendingLogin.token_hash == hash_token(token))
    ).rowcount
    return spent == 1


def end_all(user: User) -> None:
    """Drop the account's pending log-ins: its password has changed."""
    db.session.execute(db.delete(PendingLogin).where(PendingLogin.user_id == user.id))
