"""API authentication: a bearer token, or the browser session with a CSRF token."""

from __future__ import annotations

from flask import current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from consult.accounts.models import User
from consult.accounts.services import user_for_api_token
from consult.errors import json_error
from consult.extensions import csrf, db
from consult.net import client_ip
from consult.tokens import hash_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _unauthorised(message: str):
    """A 401 that tells the client how to authenticate (RFC 6750), like the app's own 401s."""
    body, status = json_error(401, message)
    return body, status, {"WWW-Authenticate": 'Bearer realm="consult", error="invalid_token"'}


def authenticate():
    """Before every API request: find the caller, or leave g.api_user as None.

    A request with a bearer token is judged by the token alone (no cookies, no CSRF);
    a cookie-session request that changes state must carry a CSRF token, like a form."""
    g.api_user = None
    header = request.headers.get("Authorization", "")
    if header:
        scheme, _, token = header.partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            return _unauthorised("Send the token as 'Authorization: Bearer <token>'.")
        user = user_for_api_token(token.strip())
        if user is None:
            return _unauthorised("That API token is not valid or was revoked.")
        db.session.commit()  # keeps last_used_at
        g.api_user = user
        return None
    if current_user.is_authenticated:
        # csrf.protect() checks the token even when CSRF is switched off, so honour the
        # switch here, as CSRFProtect does for forms.
        if request.method not in SAFE_METHODS and current_app.config.get("WTF_CSRF_ENABLED", True):
            try:
                csrf.protect()
            except CSRFError:
                return json_error(
                    400, "Send the CSRF token in an X-CSRFToken header.", code="csrf_failed"
                )
        g.api_user = current_user._get_current_object()
    return None


def api_caller_key() -> str:
    """Rate-limit key for the API: the token or the logged-in person, so that colleagues
    autosaving behind one office address do not share one allowance."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return "token:" + hash_token(token.strip())[:32]
    if current_user.is_authenticated:
        return f"user:{current_user.id}"
    return "ip:" + client_ip()


def api_user() -> User | None:
    return g.get("api_user")
