"""API authentication: a bearer token, or the browser session with a CSRF token; and deny by
default: before any API view runs, a request without a caller is refused (401) unless its
endpoint is named below or in consult.security.PUBLIC_ENDPOINTS, the one allow-list of the
pages and the API alike."""

from __future__ import annotations

from flask import abort, current_app, g, request
from flask_login import current_user
from flask_wtf.csrf import CSRFError

from consult.accounts.models import User
from consult.accounts.services import user_for_api_token
from consult.errors import json_error
from consult.extensions import csrf, db
from consult.net import client_ip
from consult.security import PUBLIC_ENDPOINTS
from consult.tokens import hash_token

SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}

# Endpoints that anyone may call for a version its organisation opened to the public (the
# signing page of a campaign site): the view lets the public see only such a version, and
# answers 401 for any other (consult/api/loaders.version). The OpenAPI document marks their
# token as optional.
PUBLIC_VERSION_ENDPOINTS: frozenset[str] = frozenset(
    {
        "api.get_version",
        "api.version_content",
        "api.consent_statement",
        "api.list_signatures",
        "api.sign_version",
    }
)


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


def is_public(endpoint: str) -> bool:
    """Whether a request to `endpoint` needs no caller at all (the public allow-list)."""
    return endpoint in PUBLIC_ENDPOINTS


def needs_caller(endpoint: str) -> bool:
    """Whether a request to `endpoint` is refused without a caller before its view runs."""
    return not is_public(endpoint) and endpoint not in PUBLIC_VERSION_ENDPOINTS


def deny_by_default() -> None:
    """Before any API view, after `authenticate`: 401 without a caller, unless the endpoint is
    in an allow-list above. A view never has to remember to ask for the caller to be safe.
    Unknown paths and methods fall through to their 404 and 405; so does the OPTIONS answer
    Flask makes itself (no view runs for it)."""
    endpoint = request.endpoint
    if endpoint is None or g.get("api_user") is not None or not needs_caller(endpoint):
        return
    rule = request.url_rule
    if request.method == "OPTIONS" and getattr(rule, "provide_automatic_options", False):
        return
    abort(401)


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
    """The caller, or None for the public (only on the allow-listed endpoints)."""
    return g.get("api_user")


def current_caller() -> User:
    """The authenticated caller (deny_by_default has made sure there is one)."""
    user = api_user()
    if user is None:  # an allow-listed endpoint asking for a caller it may not have
        abort(401)
    return user
