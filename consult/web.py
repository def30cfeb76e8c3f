"""What every page view shares: the write path and a safe place to go next.

The write path (the house rule: a view loads, checks, validates, calls one service, commits once
and redirects) is `commit()`: it runs the service call, commits when it succeeded, and when a
domain rule refused (DomainError) rolls back and tells the person why, on the form field that
caused it or in a flash message. The view then redirects, or shows the form again.

    form = RenameSectionForm()
    if form.validate_on_submit() and commit(
        lambda: services.rename_section(current_user, section, form.title.data),
        success="Section renamed.",
        error_to=form.title,
    ):
        return redirect(...)
    return render_template(..., form=form), 422
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Generic, Protocol, TypeVar
from urllib.parse import urlsplit

from flask import abort, flash

from consult.errors import DomainError
from consult.extensions import db

T = TypeVar("T")


# Where a refusal is shown: one form field, or a field per kind of refusal (the first kind the
# refusal is an instance of wins; None there means a flash message), or None: a flash message.
class ShowsErrors(Protocol):
    """Where a refusal is shown: a form field, or anything else with a list of errors (a
    form-wide problem box)."""

    errors: list[str]


ErrorTo = ShowsErrors | Mapping[type[DomainError], ShowsErrors | None] | None


@dataclass(frozen=True)
class Outcome(Generic[T]):
    """What a write came to: true when it was committed (`value` is what the service returned),
    false when a rule refused it (`refusal` says which, for a view whose next page depends on
    it; `error` is the message the person was shown)."""

    value: T | None = None
    refusal: DomainError | None = None

    @property
    def error(self) -> str | None:
        return None if self.refusal is None else str(self.refusal)

    def __bool__(self) -> bool:
        return self.refusal is None


def commit(
    work: Callable[[], T],
    *,
    success: str | Callable[[T], str | None] | None = None,
    error_to: ErrorTo = None,
    forbidden_is_403: bool = False,
) -> Outcome[T]:
    """Run `work` (one service call), then commit and flash `success` (a message, or a function
    of what the service returned; nothing is flashed when it gives none), or, if a domain rule
    refused, roll back (or commit, when the refusal is itself on the record: DomainError.kept)
    and show the refusal on `error_to` or as a flash message. With `forbidden_is_403`, a refusal
    for the person's role (DomainError.forbidden) answers 403 instead: the page never offered
    it."""
    try:
        value = work()
    except DomainError as error:
        if error.kept:
            db.session.commit()
        else:
            db.session.rollback()
        if forbidden_is_403 and error.forbidden:
            abort(403)
        field = _field_for(error, error_to)
        if field is not None:
            field.errors = [*field.errors, str(error)]
        else:
            flash(str(error), error.category)
        return Outcome(refusal=error)
    db.session.commit()
    message = success(value) if callable(success) else success
    if message:
        flash(message, "success")
    return Outcome(value)


def _field_for(error: DomainError, error_to: ErrorTo) -> ShowsErrors | None:
    if isinstance(error_to, Mapping):
        return next((field for kind, field in error_to.items() if isinstance(error, kind)), None)
    return error_to


def safe_next(target: str | None) -> str | None:
    """Only same-site paths may be redirected to after logging in (no open redirects)."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target or any(ord(char) < 32 or ord(char) == 127 for char in target):
        return None  # backslashes and control characters are read as "//" by some browsers
    return target
