"""Reading JSON request bodies: a clear 400/413/422 instead of a KeyError or a 500.

Every endpoint reads its body through `json_body` (and the rate limiter's key functions, which
run before any view, through `json_object_or_empty`): one parse per request, by
consult.jsoninput, bounded in size, depth and number length."""

from __future__ import annotations

from typing import Any

from email_validator import EmailNotValidError, validate_email
from flask import current_app, request
from werkzeug.exceptions import RequestEntityTooLarge

from consult import jsoninput
from consult.forms import has_control_characters

# JSON bodies are small: the largest is one section of a response. Refusing big bodies before
# reading them keeps a client from making the server parse megabytes (config: API_MAX_BODY_BYTES).
MAX_BODY_BYTES = 256 * 1024
_PARSED = "consult.api.json"  # where a request's parsed body is kept (in its WSGI environ)


class InvalidBody(Exception):
    """The request body cannot be used; carries the status and the per-field messages."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def allow_large_body(config_key: str, default: int):
    """Let one endpoint take bodies up to `default` bytes (config: `config_key`) instead of
    API_MAX_BODY_BYTES: a section's text can be far larger than any other JSON body."""

    def decorate(view):
        view.api_body_limit = (config_key, default)
        return view

    return decorate


def body_limit() -> int:
    """The most bytes this request's endpoint takes."""
    view = current_app.view_functions.get(request.endpoint or "")
    override = getattr(view, "api_body_limit", None)
    if override is not None:
        config_key, default = override
        return current_app.config.get(config_key, default)
    return current_app.config.get("API_MAX_BODY_BYTES", MAX_BODY_BYTES)


def limit_body_size() -> None:
    """Refuse (413) a body larger than the endpoint takes, before reading it; bound one sent
    without a Content-Length as it is read."""
    limit = body_limit()
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise InvalidBody(413, f"The body is too large: at most {limit // 1024} KiB.")


def _parse_body() -> Any:
    limit_body_size()
    if not request.is_json:
        raise InvalidBody(400, "Send a JSON object with Content-Type: application/json.")
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise InvalidBody(
            413, f"The body is too large: at most {body_limit() // 1024} KiB."
        ) from None
    try:
        return jsoninput.loads(data)
    except jsoninput.JSONInputError as error:
        raise InvalidBody(400, str(error)) from None


def request_json() -> Any:
    """The request body's JSON value, parsed once per request (the limiter's key functions
    and the view share it), or the InvalidBody that explains why it cannot be read."""
    parsed = request.environ.get(_PARSED)
    if parsed is None:
        try:
            parsed = (_parse_body(), None)
        except InvalidBody as error:
            parsed = (None, error)
        request.environ[_PARSED] = parsed
    value, error = parsed
    if error is not None:
        raise error
    return value


def json_body() -> dict[str, Any]:
    """The request's JSON object, or a 400 for anything else (not JSON, not UTF-8, not an
    object, nested too deeply, a number too long), a 413 for a body too large."""
    data = request_json()
    if not isinstance(data, dict):
        raise InvalidBody(400, "The body must be a JSON object.")
    return data


def json_object_or_empty() -> dict[str, Any]:
    """The body's JSON object, or {} when there is none or it cannot be read: for rate-limit
    key functions, which run before the view and must never raise (an exception there makes
    Flask-Limiter take its storage for dead and count in per-process memory). The view then
    answers the bad body itself."""
    try:
        data = request_json()
    except InvalidBody:
        return {}
    return data if isinstance(data, dict) else {}


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
