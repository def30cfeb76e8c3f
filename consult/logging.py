"""Structured logs: one JSON line per request, and every log line carries the request id.

The request id comes from the X-Request-ID header when a proxy in front set a sane one (so
its logs and ours can be joined), otherwise it is generated; it is returned in the response's
X-Request-ID header and shown on error pages ("quote this reference"), so a person's report
leads straight to the log line. Lines hold the route pattern (`/signatures/confirm/<token>`),
never the path or query string as sent, so links' tokens, e-mail addresses and passwords never
reach the logs; the person is named only by account id.
"""

from __future__ import annotations

import json
import logging
import re
import sqlite3
import sys
import time
import traceback
import uuid
from datetime import UTC, datetime

import psycopg
from flask import Flask, g, has_request_context, request
from flask.logging import default_handler
from sqlalchemy import inspect
from sqlalchemy.exc import StatementError

REQUEST_ID_HEADER = "X-Request-ID"
_SANE_REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")
# Attributes every LogRecord has; anything else was passed in `extra` and is logged as a field.
_STANDARD = set(logging.makeLogRecord({}).__dict__) | {"message", "asctime"}

request_logger = logging.getLogger("consult.requests")


def request_id() -> str | None:
    """The current request's id (None outside a request)."""
    return g.get("request_id") if has_request_context() else None


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, request id, extra fields."""

    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "request_id": getattr(record, "request_id", None),
        }
        entry.update((key, value) for key, value in record.__dict__.items() if key not in _STANDARD)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str, ensure_ascii=False)

    def formatException(self, ei) -> str:
        """The traceback, with database errors described without the values they quote."""
        return format_exception_safely(ei[1]) if ei[1] is not None else ""


_DATABASE_ERRORS = (StatementError, sqlite3.Error, psycopg.Error)
_MAX_STATEMENT = 1000


def _describe_database_error(error: BaseException) -> str:
    """What went wrong in the database, without the values involved: PostgreSQL's messages
    quote them ('Key (email)=(someone@example.org) already exists', 'Failing row contains
    (...)', 'invalid input syntax: "..."'), so only the kind of error, its SQLSTATE, the
    constraint, table and column, and the statement with its placeholders are kept."""
    original = getattr(error, "orig", None) or error
    facts = [f"{type(error).__module__}.{type(error).__qualname__}"]
    if original is not error:
        facts.append(f"from {type(original).__module__}.{type(original).__qualname__}")
    code = getattr(original, "sqlstate", None) or getattr(original, "sqlite_errorname", None)
    if code:
        facts.append(f"code {code}")
    diag = getattr(original, "diag", None)
    for name in ("constraint_name", "table_name", "column_name"):
        value = getattr(diag, name, None)
        if value:
            facts.append(f"{name.removesuffix('_name')} {value}")
    statement = getattr(error, "statement", None)
    text = ", ".join(facts) + " (the database's message is not logged: it can quote values)"
    if statement:
        text += f"\n[SQL: {str(statement)[:_MAX_STATEMENT]}]"
    return text + "\n"


def format_exception_safely(error: BaseException) -> str:
    """Like traceback.format_exception, but database errors in the chain are described by
    _describe_database_error rather than by their message."""
    chain: list[BaseException] = []
    current: BaseException | None = error
    while current is not None and all(current is not seen for seen in chain):
        chain.append(current)
        cause = current.__cause__
        current = (
            cause if cause is not None or current.__suppress_context__ else current.__context__
        )
    parts = []
    for exception in reversed(chain):
        text = "Traceback (most recent call last):\n" + "".join(
            traceback.format_tb(exception.__traceback__)
        )
        if isinstance(exception, _DATABASE_ERRORS):
            text += _describe_database_error(exception)
        else:
            text += "".join(traceback.format_exception_only(exception))
        parts.append(text)
    return "\nThe above exception led to the following one:\n\n".join(parts).rstrip("\n")


_make_record = logging.getLogRecordFactory()


def _record_with_request_id(*args, **kwargs) -> logging.LogRecord:
    """Stamp every log record made during a request with its id, whichever logger made it
    (the formatter may run later, or in another handler, when the request is gone)."""
    record = _make_record(*args, **kwargs)
    record.request_id = request_id()
    return record


def _start() -> None:
    offered = request.headers.get(REQUEST_ID_HEADER, "")
    g.request_id = offered if _SANE_REQUEST_ID.fullmatch(offered) else uuid.uuid4().hex
    g.request_started = time.perf_counter()


def _user_id() -> int | None:
    """The account behind the request, if one was already loaded (never loads one here)."""
    for user in (g.get("_login_user"), g.get("api_user")):
        if user is not None and getattr(user, "is_authenticated", False):
            # The key the session already holds: reading `user.id` would reload an expired
            # row, and raise if the account was deleted while this request was in flight.
            state = inspect(user, raiseerr=False)
            return state.identity[0] if state is not None and state.identity else None
    return None


def _finish(response):
    if "request_id" not in g:  # a request that failed before before_request ran
        _start()
    response.headers[REQUEST_ID_HEADER] = g.request_id
    rule = request.url_rule
    request_logger.info(
        "request",
        extra={
            "method": request.method,
            "route": rule.rule if rule is not None else None,
            "endpoint": request.endpoint,
            "status": response.status_code,
            "duration_ms": round((time.perf_counter() - g.request_started) * 1000, 1),
            "user_id": _user_id(),
        },
    )
    return response


def init_app(app: Flask) -> None:
    """JSON lines on stderr for the app's loggers (and the rate limiter's, which says when
    its Redis storage is down); request ids on requests and responses."""
    app.logger.removeHandler(default_handler)
    for logger in (app.logger, logging.getLogger("flask-limiter")):
        if not any(isinstance(h.formatter, JsonFormatter) for h in logger.handlers):
            handler = logging.StreamHandler(sys.stderr)  # one, however many apps are created
            handler.setFormatter(JsonFormatter())
            logger.addHandler(handler)
    app.logger.setLevel(logging.INFO)
    if logging.getLogRecordFactory() is not _record_with_request_id:
        logging.setLogRecordFactory(_record_with_request_id)
    app.before_request(_start)
    app.after_request(_finish)
    app.context_processor(lambda: {"request_id": request_id()})
