"""The drafting rules' refusals, in a module of their own so that every drafting module can
raise them (the services package re-exports them, under the names callers know)."""

from __future__ import annotations

from consult.errors import DomainError


class DraftingError(DomainError):
    """A rule was broken; the message is safe to show to the person."""


class ClashSettled(DraftingError):
    """A save or a dismissal named a clash that was settled already (on another page, or by
    someone else): nothing is done in its name. The message is safe to show."""
