"""Login required by default, and the security headers every response carries.

Deny by default: an endpoint is public only if it is named in PUBLIC_ENDPOINTS. The API
blueprint authenticates its own requests (bearer token or session) and answers in JSON.
"""

from __future__ import annotations

from flask import Flask, current_app, jsonify, redirect, request, session, url_for
from flask_login import current_user

PUBLIC_ENDPOINTS: frozenset[str] = frozenset(
    {
        "static",
        "main.index",
        "main.privacy",
        "main.healthz",
        "main.dev_outbox",  # development only (404 elsewhere): a new user must read the link
        "accounts.signup",
        "accounts.signup_sent",
        "accounts.login",
        "accounts.login_two_factor",  # the second step: needs the password step's pending state
        "accounts.confirm_email",
        "accounts.resend_confirmation",
        "accounts.forgot_password",
        "accounts.reset_password",
        "accounts.confirm_email_change",
        "organisations.invitation",
        "organisations.decline_invitation",
        "api.openapi",
        # Signing (consult/api/signing.py): the e-mailed links' actions and verification.
        "api.confirm_signature",
        "api.withdraw_by_token",
        "api.verify_fingerprint",
        # Signing pages (consult/signing/views.py): the signing page and its public form (404
        # unless the version is open to the public; anonymous visitors of any other version are
        # sent to log in), the links in signers' e-mails, and fingerprint verification.
        "signing.sign",
        "signing.sign_public",
        "signing.sent",
        "signing.changes",
        "signing.confirm",
        "signing.confirmed",
        "signing.manage",
        "signing.manage_withdraw",
        "signing.manage_publication",
        "signing.manage_erase",
        "signing.verify",
        "signing.verify_fingerprint",
        # The one-click unsubscribe link in notification e-mails: its signed token says whose.
        "notifications.unsubscribe",
    }
)

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "font-src 'self'",
        "connect-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)

PERMISSIONS_POLICY = (
    "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"
)


def require_login():
    """Redirect anonymous people to the log-in page unless the endpoint is public."""
    endpoint = request.endpoint
    if endpoint is None or endpoint in PUBLIC_ENDPOINTS:
        return None
    if request.blueprint == "api":
        return None  # the API answers 401 in JSON itself
    if current_user.is_authenticated:
        return None
    if request.method == "GET":
        return redirect(url_for("accounts.login", next=request.full_path.rstrip("?")))
    return redirect(url_for("accounts.login"))


# A URL rule with one of these parts holds a secret (an e-mailed link's token): the page must
# not pass its URL on as a Referer (its own CSS and JS requests, or a link followed, would carry
# the token into someone's logs), and no cache may keep it. Every such page gets this here,
# whether the view answered, redirected or failed, so a new tokened route cannot forget it.
SECRET_URL_PARTS = frozenset({"token"})


def url_holds_secret() -> bool:
    """Does the current request's URL hold a link token?"""
    return not SECRET_URL_PARTS.isdisjoint(request.view_args or ())


def set_security_headers(response):
    headers = response.headers
    if url_holds_secret():
        headers["Referrer-Policy"] = "no-referrer"
        headers["Cache-Control"] = "no-store"
        headers.setdefault("Pragma", "no-cache")
    headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    headers.setdefault("X-Content-Type-Options", "nosniff")
    headers.setdefault("X-Frame-Options", "DENY")
    headers.setdefault("Referrer-Policy", "same-origin")
    headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
    headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
    headers.setdefault("Cross-Origin-Resource-Policy", "same-origin")
    if current_app.config.get("HSTS"):
        headers.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
    if request.endpoint != "static" and (
        current_user.is_authenticated or session.get("sid") or request.path.startswith("/api/")
    ):
        headers["Cache-Control"] = "no-store"
        headers.setdefault("Pragma", "no-cache")
    return response


def unauthorised_json():
    return jsonify(
        {"error": {"code": "unauthorised", "message": "Log in or send a valid API token."}}
    ), 401


def init_app(app: Flask) -> None:
    app.before_request(require_login)
    app.after_request(set_security_headers)
