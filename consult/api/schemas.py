"""Reading JSON request bodies: a clear 400/422 instead of a KeyError or a 500."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import request

from consult.forms import has_control_characters


class InvalidBody(Exception):
    """The request body cannot be used; carries the status and the per-field messages."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 for anything else (not JSON, not UTF-8, not an
    object, or nested so deeply that the parser gives up)."""
    try:
        data = request.get_json(silent=True)
    except RecursionError:
        raise InvalidBody(400, "The JSON is nested too deeply.") from None
    if data is None:
        raise InvalidBody(400, "Send a JSON object with Content-Type: application/json.")
    if not isinstance(data, dict):
        raise InvalidBody(400, "The body must be a JSON object.")
    return data


def text_field(data: dict, name: str, *, max_length: int, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None or (isinstance(value, str) and not value.strip()):
        if required:
            raise InvalidBody(422, "Some fields are missing.", {name: "This field is required."})
        return None
    if not isinstance(value, str):
        raise InvalidBody(422, "Some fields have the wrong type.", {name: "Must be a string."})
    if len(value) > max_length:
        raise InvalidBody(
            422, "Some fields are too long.", {name: f"At most {max_length} characters."}
        )
    if has_control_characters(value):
        raise InvalidBody(422, "Some fields contain control characters.", {name: "Remove them."})
    if not _encodable(value):
        # JSON may spell a lone surrogate ("\\ud800"): no database can store it as UTF-8.
        raise InvalidBody(422, "Some fields are not valid text.", {name: "Not valid Unicode."})
    return value.strip()


def _encodable(value: str) -> bool:
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def markdown_field(data: dict, name: str, *, max_length: int) -> str:
    """Markdown text such as a section's body: a string, possibly empty, kept exactly as sent
    (newlines, tabs and leading spaces mean something in Markdown)."""
    value = data.get(name)
    if value is None:
        raise InvalidBody(422, "Some fields are missing.", {name: "This field is required."})
    if not isinstance(value, str):
        raise InvalidBody(422, "Some fields have the wrong type.", {name: "Must be a string."})
    if len(value) > max_length:
        raise InvalidBody(
            422, "Some fields are too long.", {name: f"At most {max_length:,} characters."}
        )
    if not _encodable(value):
        raise InvalidBody(422, "Some fields are not valid text.", {name: "Not valid Unicode."})
    return value


# Every id is a PostgreSQL INTEGER; a larger number cannot name anything (and SQLite would
# overflow converting it), so it is refused before it reaches the database.
MAX_ID = 2**31 - 1


def id_field(data: dict, name: str, *, required: bool = True, nullable: bool = False) -> int | None:
    """An object id sent in the body: a positive whole number (or null, if `nullable`)."""
    if name not in data:
        if required:
            raise InvalidBody(422, "Some fields are missing.", {name: "This field is required."})
        return None
    value = data[name]
    if value is None:
        if nullable:
            return None
        raise InvalidBody(422, "Some fields are missing.", {name: "This field is required."})
    if not isinstance(value, int) or isinstance(value, bool) or not 0 < value <= MAX_ID:
        raise InvalidBody(422, "Some fields are not valid.", {name: "Must be an id (a number)."})
    return value


def bool_field(data: dict, name: str, default: bool) -> bool:
    value = data.get(name, default)
    if not isinstance(value, bool):
        raise InvalidBody(422, "Some fields have the wrong type.", {name: "Must be true or false."})
    return value


def email_field(data: dict, name: str = "email") -> str:
    value = text_field(data, name, max_length=254)
    assert value is not None
    try:
        validate_email(value, check_deliverability=False)
    except EmailNotValidError:
        raise InvalidBody(
            422, "Some fields are not valid.", {name: "Not a valid e-mail address."}
        ) from None
    return value


def choice_field(
    data: dict, name: str, choices: tuple[str, ...], default: str | None = None
) -> str:
    value = data.get(name, default)
    if value not in choices:
        raise InvalidBody(
            422, "Some fields are not valid.", {name: f"One of: {', '.join(choices)}."}
        )
    return value
