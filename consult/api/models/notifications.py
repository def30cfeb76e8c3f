"""The caller's notifications and how they hear of each kind (the bell, the notifications page
and the account page's choices, as JSON)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from consult.api.fields import NOT_VALID, Check, QueryNumber, Time, refuse
from consult.api.models.base import ReplyModel, RequestModel
from consult.forms import MAX_ID
from consult.notifications.models import ALWAYS_IMMEDIATE, KINDS, MODES

Kind = Literal[KINDS]
Mode = Literal[MODES]
MAX_LIMIT = 100


def _modes(value: Any) -> dict[str, str]:
    if not isinstance(value, dict) or not value:
        raise refuse(NOT_VALID, 'An object of kind: mode, e.g. {"comment": "digest"}.')
    for kind, mode in value.items():
        if kind not in KINDS:
            raise refuse(
                NOT_VALID, f"{kind!r} is not a kind of notice; one of: {', '.join(KINDS)}."
            )
        if mode not in MODES:
            raise refuse(NOT_VALID, f"The mode of {kind!r} must be one of: {', '.join(MODES)}.")
        if kind in ALWAYS_IMMEDIATE and mode != "immediate":
            raise refuse(NOT_VALID, "Security notices are always e-mailed: they cannot be changed.")
    return value


def _true_or_false(value: Any) -> bool:
    if value is None or value == "false":  # left out, or false; an empty value is neither
        return False
    if value == "true":
        return True
    raise refuse("Some parameters are not valid.", "Send true or false.")


class NotificationsQuery(RequestModel):
    before: Annotated[
        int | None,
        QueryNumber(
            MAX_ID,
            description="Only notices older than this one (the id of the last notice of the "
            "previous page)",
        ),
    ] = None
    limit: Annotated[
        int | None, QueryNumber(MAX_LIMIT, description="How many, newest first (default 50)")
    ] = None
    unread: Annotated[
        bool | None,
        Check(
            _true_or_false,
            {"type": "string", "enum": ["true", "false"]},
            extra={"description": "true: only unread notices"},
        ),
    ] = None


class PreferencesChange(RequestModel):
    preferences: Annotated[
        dict[str, str],
        Check(
            _modes,
            {
                "type": "object",
                "propertyNames": {"enum": list(KINDS)},
                "additionalProperties": {"type": "string", "enum": list(MODES)},
            },
            extra={"description": "The kinds to change, each with its mode; the others stay"},
        ),
    ]


class Notice(ReplyModel):
    id: int
    kind: Kind
    text: str = Field(description="The notice in one sentence, as the page shows it")
    url: str = Field(description="The exact place it is about (a page of this site)")
    created_at: Time
    read: bool
    organisation: str | None = Field(description="The organisation's slug, if about one")
    response: int | None = None
    section: int | None = None
    comment: int | None = None
    suggestion: int | None = None
    version: int | None = None


class Notices(ReplyModel):
    unread: int = Field(description="How many of the caller's notices are unread")
    notifications: list[Notice]


class UnreadCount(ReplyModel):
    unread: int


class MarkedRead(ReplyModel):
    marked: int = Field(description="How many notices were unread and are now read")


class KindPreference(ReplyModel):
    inline = True
    kind: Kind
    label: str
    mode: Mode
    can_change: bool = Field(description="False for security notices: always e-mailed at once")


class Preferences(ReplyModel):
    preferences: list[KindPreference]
