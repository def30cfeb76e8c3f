"""Work that runs after the response has been sent.

"If that address has an account, we have sent a link" must take the same time whether or not
it has: looking the account up, writing the link and handing the e-mail to the mail server
(a network round trip) would otherwise make existing accounts measurably slower to answer.
A view hands such work to `after_response`; the answer goes out first, then the work runs in
its own transaction, in a copy of the request's context (so the audit log still knows the
client), and a failure is logged rather than shown to someone who has already been answered.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

from flask import Flask, current_app, g, request

from consult.extensions import db

_PENDING = "consult_after_response"


def after_response(work: Callable[..., Any], *args: Any) -> None:
    """Run work(*args) once the current response has been sent, and commit what it did."""
    g.setdefault(_PENDING, []).append((work, args))


def _environ_copy() -> dict[str, Any]:
    """The request's environment without its body (already read) or request object."""
    environ = {key: value for key, value in request.environ.items() if key != "werkzeug.request"}
    environ["wsgi.input"] = io.BytesIO()
    environ["CONTENT_LENGTH"] = "0"
    return environ


def _schedule(response):
    pending = g.pop(_PENDING, None)
    if pending:
        app = current_app._get_current_object()
        environ = _environ_copy()
        response.call_on_close(lambda: _run(app, environ, pending))
    return response


def _run(app: Flask, environ: dict[str, Any], pending: list) -> None:
    for work, args in pending:
        with app.request_context(environ):
            try:
                work(*args)
                db.session.commit()
            except Exception:  # the person has their answer already: log it for the operator
                db.session.rollback()
                app.logger.exception("Work after the response failed")


def init_app(app: Flask) -> None:
    app.after_request(_schedule)
