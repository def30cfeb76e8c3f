"""What goes wrong and how it is told: a domain rule's refusal (DomainError, whose message is
for the person), friendly error pages for people, JSON errors for the API. Never a stack trace."""

from __future__ import annotations

import time

from flask import Flask, current_app, jsonify, make_response, render_template, request
from flask_limiter import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from sqlalchemy.exc import OperationalError
from werkzeug.exceptions import HTTPException, InternalServerError, ServiceUnavailable

from consult.extensions import db, limiter


class DomainError(ValueError):
    """A domain rule said no (a service raises it, having changed nothing worth keeping); its
    message is written for the person. Every domain's errors derive from it, so one write path
    (consult/web.py) and the API can tell a refusal from a bug."""

    # True when it is the person's role that does not allow this (organisations' NotAllowed):
    # a page that never offered the action answers 403 instead of showing the message.
    forbidden = False
    # True when the refusal is itself on the record (a wrong password or code is audited, so
    # owners see guessing): the write path commits that record instead of rolling back.
    kept = False
    # How the message is flashed when no form field shows it: a step still to take ("confirm
    # your address first") is a warning, not an error.
    category = "error"


MESSAGES = {
    400: ("Something in that request was not right", "Please go back and try again."),
    401: ("Please log in", "You need to log in to see this page."),
    403: ("You do not have permission", "Your role does not allow this. Ask a coordinator."),
    404: ("Page not found", "The page may have moved, or you may not have access to it."),
    405: ("That did not work", "This page cannot be used like that."),
    413: ("That was too large", "Please send less at once, or a smaller file."),
    429: ("Too many attempts", "Please wait a moment and try again."),
    500: ("Something went wrong on our side", "Nothing you did caused this. Please try again."),
    503: ("We are briefly unavailable", "Please try again in a minute."),
}

CODES = {
    400: "bad_request",
    401: "unauthorised",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid",
    429: "rate_limited",
    500: "server_error",
    503: "unavailable",
}


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def json_error(status: int, message: str | None = None, code: str | None = None, **extra):
    """The API's error shape: {"error": {"code", "message", "fields"?}}."""
    title, _ = MESSAGES.get(status, ("Error", ""))
    body = {"error": {"code": code or CODES.get(status, "error"), "message": message or title}}
    body["error"].update(extra)
    return jsonify(body), status


def handle_http_error(error: HTTPException):
    status = error.code or 500
    if wants_json():
        # Werkzeug's stock descriptions are for developers; say something plainer instead.
        custom = error.description != type(error).description and status != 500
        body, _ = json_error(status, error.description if custom else None)
        response = make_response(body, status)
        if status == 401:
            response.headers["WWW-Authenticate"] = 'Bearer realm="consult"'

    else:
        title, advice = MESSAGES.get(status, (error.name, ""))
        if isinstance(error, RateLimitExceeded) and error.limit.error_message:
            advice = error.description  # what this limit means for the person, and what to do
        if isinstance(error, CSRFError):
            title, advice = (
                "This form has expired",
                "Please go back, reload the page and send it again. Nothing was saved.",
            )
        page = render_template("errors/error.html", status=status, title=title, advice=advice)
        response = make_response(page, status)
    for name, value in error.get_headers():  # e.g. Allow on a 405
        if name.lower() not in ("content-type", "content-length"):
            response.headers.setdefault(name, value)
    if status in (429, 503):
        response.headers["Retry-After"] = str(_retry_after(error))
    return response


def _retry_after(error: HTTPException) -> int:
    """Seconds until the breached rate limit's window ends (asked of its storage only now:
    Flask-Limiter's X-RateLimit headers would ask on every request, or already known to a
    TooManyRequests raised with it: consult/ratelimits.py), else a minute."""
    if isinstance(getattr(error, "retry_after", None), int):
        return max(1, error.retry_after)
    if isinstance(error, RateLimitExceeded) and limiter.current_limit is not None:
        try:
            return max(1, int(limiter.current_limit.reset_at - time.time()))
        except Exception:  # the storage went away meanwhile: a minute it is
            current_app.logger.warning("Rate limit storage unreachable for Retry-After")
    return 60


# Seconds a person is asked to wait when the database was too busy to take their change.
BUSY_RETRY_AFTER = 2


def database_busy(error: Exception) -> bool:
    """SQLite refused a write: another writer committed after this transaction began reading
    (in WAL mode that refusal is immediate, the busy timeout cannot help), or held the lock
    past the timeout. Nothing was written; trying again works."""
    return isinstance(error, OperationalError) and "database is locked" in str(error.orig)


def handle_unexpected(error: Exception):
    db.session.rollback()
    if isinstance(error, HTTPException):
        return handle_http_error(error)
    if database_busy(error):
        current_app.logger.warning("Database busy: asked the client to try again")
        return handle_http_error(ServiceUnavailable(retry_after=BUSY_RETRY_AFTER))
    current_app.logger.exception("Unhandled error")
    return handle_http_error(InternalServerError())


def init_app(app: Flask) -> None:
    app.register_error_handler(HTTPException, handle_http_error)
    app.register_error_handler(Exception, handle_unexpected)
