"""What the account pages show: the account page's panels and the sentences about what a new
password ended.

The account page also shows what domains above accounts hold for the person (signing: their
signatures). Those domains are not imported here: the app factory registers each as a panel,
so accounts stays low in the import graph."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from flask import Flask, current_app

from consult.accounts.models import User

AccountPanel = Callable[[User], Mapping[str, Any]]
_PANELS = "consult.account_panels"


def add_account_panel(app: Flask, panel: AccountPanel) -> None:
    """Show more on `app`'s account page: `panel(user)` gives template variables."""
    app.extensions.setdefault(_PANELS, []).append(panel)


def account_panels(user: User) -> dict[str, Any]:
    """The template variables of every registered panel, for `user`."""
    context: dict[str, Any] = {}
    for panel in current_app.extensions.get(_PANELS, []):
        context.update(panel(user))
    return context


def tokens_revoked(count: int) -> str:
    """The sentence that tells the person their API tokens stopped working, if any did."""
    if not count:
        return ""
    tokens = "Your API token" if count == 1 else f"Your {count} API tokens"
    verb = "has" if count == 1 else "have"
    return (
        f" {tokens} {verb} been revoked, as a new password asks: make new ones on your account "
        "page for the tools that still need them."
    )
