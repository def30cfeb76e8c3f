"""The kinds of field a request body holds, each written once: how it is checked, what the
person is told when it is wrong, and what the OpenAPI document says of it.

A field type is `Annotated[<python type>, Check(...)]`: the Check validates the JSON value (never
coercing: "1" is not a number, 1 is not true) and gives its JSON schema. A refusal names the
field with a message for a person, and a summary for the whole body (`error.message`), as the
API has always answered: {"error": {"code": "invalid", "message", "fields": {name: why}}}."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Annotated, Any

from email_validator import EmailNotValidError, validate_email
from pydantic import PlainSerializer, WithJsonSchema
from pydantic_core import PydanticCustomError, core_schema

from consult.forms import MAX_ID, has_control_characters
from consult.timeutil import isoformat, parse_utc, utcnow

MISSING = "Some fields are missing."
WRONG_TYPE = "Some fields have the wrong type."
NOT_VALID = "Some fields are not valid."
REQUIRED = "This field is required."
SEND_TRUE_OR_FALSE = "Send true or false."
ERROR_TYPE = "consult"  # the pydantic error type of every refusal made here


def refuse(summary: str, detail: str) -> PydanticCustomError:
    """A field's refusal: `detail` is told for the field, `summary` for the whole body."""
    return PydanticCustomError(ERROR_TYPE, "{detail}", {"summary": summary, "detail": detail})


@dataclass(frozen=True)
class Check:
    """A field's check and JSON schema. `missing` is what a person is told when the field is
    left out although required (and `missing_summary`, for the whole body)."""

    validate: Callable[[Any], Any]
    json_schema: dict[str, Any]
    missing: str = REQUIRED
    missing_summary: str = MISSING
    extra: dict[str, Any] = field(default_factory=dict)

    def __get_pydantic_core_schema__(self, _source: Any, _handler: Any) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(self.validate)

    def __get_pydantic_json_schema__(self, _schema: Any, _handler: Any) -> dict[str, Any]:
        return {**self.json_schema, **self.extra}

    def __hash__(self) -> int:  # pydantic hashes metadata; the schema dict is not hashable
        return id(self)


def _encodable(value: str) -> bool:
    """JSON may spell a lone surrogate ("\\ud800"): no database can store it as UTF-8."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _text(max_length: int, required: bool) -> Callable[[Any], str | None]:
    def check(value: Any) -> str | None:
        if value is None or (isinstance(value, str) and not value.strip()):
            if required:
                raise refuse(MISSING, REQUIRED)
            return None
        if not isinstance(value, str):
            raise refuse(WRONG_TYPE, "Must be a string.")
        if len(value) > max_length:
            raise refuse("Some fields are too long.", f"At most {max_length:,} characters.")
        if has_control_characters(value):
            raise refuse("Some fields contain control characters.", "Remove them.")
        if not _encodable(value):
            raise refuse("Some fields are not valid text.", "Not valid Unicode.")
        return value.strip()

    return check


def Text(max_length: int, *, required: bool = True, **extra: Any) -> Check:
    """One line of text a person typed (a name, a title): stripped; no control characters.
    Left out, null or blank is missing when required, else None."""
    schema: dict[str, Any] = (
        {"type": "string", "minLength": 1, "maxLength": max_length}
        if required
        else {"type": ["string", "null"], "maxLength": max_length}
    )
    return Check(_text(max_length, required), schema, extra=extra)


def Email(**extra: Any) -> Check:
    """An e-mail address (checked for its form, not for whether it is delivered)."""
    text = _text(254, required=True)

    def check(value: Any) -> str:
        address = text(value)
        assert address is not None
        try:
            validate_email(address, check_deliverability=False)
        except EmailNotValidError:
            raise refuse(NOT_VALID, "Not a valid e-mail address.") from None
        return address

    schema = {"type": "string", "format": "email", "maxLength": 254}
    return Check(check, schema, extra=extra)


def Markdown(max_length: int, **extra: Any) -> Check:
    """Markdown text such as a section's body: a string, possibly empty, kept exactly as sent
    (newlines, tabs and leading spaces mean something in Markdown)."""

    def check(value: Any) -> str:
        if value is None:
            raise refuse(MISSING, REQUIRED)
        if not isinstance(value, str):
            raise refuse(WRONG_TYPE, "Must be a string.")
        if len(value) > max_length:
            raise refuse("Some fields are too long.", f"At most {max_length:,} characters.")
        if not _encodable(value):
            raise refuse("Some fields are not valid text.", "Not valid Unicode.")
        return value

    schema = {
        "type": "string",
        "maxLength": max_length,
        "description": "Markdown (CommonMark with tables, strikethrough and footnotes)",
    }
    return Check(check, schema, extra=extra)


def Lines(max_length: int, **extra: Any) -> Check:
    """Text of several lines that is not Markdown (words to insert into a bill, a new clause):
    kept as sent, line breaks and all; no control characters. Left out or null: ""."""

    def check(value: Any) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise refuse(WRONG_TYPE, "Must be a string.")
        if len(value) > max_length:
            raise refuse("Some fields are too long.", f"At most {max_length:,} characters.")
        if has_control_characters(value):
            raise refuse("Some fields contain control characters.", "Remove them.")
        if not _encodable(value):
            raise refuse("Some fields are not valid text.", "Not valid Unicode.")
        return value

    schema = {"type": ["string", "null"], "maxLength": max_length}
    return Check(check, schema, extra=extra)


def Number(maximum: int, **extra: Any) -> Check:
    """A whole number from 1 to `maximum` (a page, a line), or null: not given."""
    message = f"A whole number from 1 to {maximum:,}."

    def check(value: Any) -> int | None:
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= maximum:
            raise refuse(NOT_VALID, message)
        return value

    schema = {"type": ["integer", "null"], "minimum": 1, "maximum": maximum}
    return Check(check, schema, extra=extra)


@dataclass(frozen=True)
class UploadedFile:
    """A file sent in a multipart body: its name as the client gave it, and its bytes."""

    name: str
    data: bytes


def Upload(**extra: Any) -> Check:
    """A file part of a multipart/form-data body (the size is bounded by the endpoint's body
    limit before it is read)."""

    def check(value: Any) -> UploadedFile:
        if isinstance(value, UploadedFile) and value.data:
            return value
        if isinstance(value, UploadedFile):
            raise refuse(MISSING, "The file is empty.")
        raise refuse(MISSING, "Attach the file as a file part of a multipart/form-data body.")

    schema = {"type": "string", "format": "binary", "contentMediaType": "application/octet-stream"}
    return Check(check, schema, missing="Attach the file.", extra=extra)


def _is_id(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_ID


def Id(*, nullable: bool = False, **extra: Any) -> Check:
    """An object's id: a whole number from 1 (null too, if `nullable`)."""

    def check(value: Any) -> int | None:
        if value is None:
            if nullable:
                return None
            raise refuse(MISSING, REQUIRED)
        if not _is_id(value):
            raise refuse(NOT_VALID, "Must be an id (a number).")
        return value

    schema = {"type": ["integer", "null"] if nullable else "integer", "minimum": 1}
    schema["maximum"] = MAX_ID
    return Check(check, schema, extra=extra)


def Bool(*, missing: str = REQUIRED, **extra: Any) -> Check:
    """true or false, nothing else (not 1, not "true", not null)."""

    def check(value: Any) -> bool:
        if not isinstance(value, bool):
            raise refuse(WRONG_TYPE, "Must be true or false.")
        return value

    return Check(check, {"type": "boolean"}, missing=missing, extra=extra)


def Choice(choices: Sequence[str], *, nullable: bool = False, **extra: Any) -> Check:
    """One of a few words (a role, a format, a profile); null too if `nullable` (the view's
    default then)."""
    allowed = tuple(choices)
    message = f"One of: {', '.join(allowed)}."

    def check(value: Any) -> str | None:
        if value is None and nullable:
            return None
        if not isinstance(value, str) or value not in allowed:
            raise refuse(NOT_VALID, message)
        return value

    schema: dict[str, Any] = (
        {"type": ["string", "null"], "enum": [*allowed, None]}
        if nullable
        else {"type": "string", "enum": list(allowed)}
    )
    return Check(check, schema, extra=extra)


def NullableString(*, message: str = "Must be a string.", **extra: Any) -> Check:
    """A string or null, checked by the service (a closed answer, a slug)."""

    def check(value: Any) -> str | None:
        if value is not None and not isinstance(value, str):
            raise refuse(WRONG_TYPE, message)
        return value

    return Check(check, {"type": ["string", "null"]}, extra=extra)


def Day(**extra: Any) -> Check:
    """A calendar day, YYYY-MM-DD, or null."""
    message = "A date as YYYY-MM-DD, e.g. 2026-07-14, or null."

    def check(value: Any) -> date | None:
        if value is None:
            return None
        if not isinstance(value, str) or len(value) != 10:
            raise refuse(NOT_VALID, message)
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise refuse(NOT_VALID, message) from None

    return Check(check, {"type": ["string", "null"], "format": "date"}, extra=extra)


def FutureTime(**extra: Any) -> Check:
    """An ISO 8601 time in the future; with no offset it is taken as UTC. Naive UTC."""
    message = "An ISO 8601 date and time, e.g. 2026-12-01T17:00:00Z, or null."

    def check(value: Any) -> datetime | None:
        if value is None:
            return None
        if not isinstance(value, str) or len(value) > 40:
            raise refuse(NOT_VALID, message)
        try:
            moment = parse_utc(value.strip())
        except ValueError:
            raise refuse(NOT_VALID, message) from None
        if moment <= utcnow():
            raise refuse(NOT_VALID, "Must be in the future.")
        return moment

    return Check(check, {"type": ["string", "null"], "format": "date-time"}, extra=extra)


def QueryNumber(maximum: int, *, required: bool = False, **extra: Any) -> Check:
    """A whole number from 1 to `maximum` in the query string; empty is the default (or,
    when `required`, missing)."""
    message = f"A whole number from 1 to {maximum}."

    def check(value: Any) -> int | None:
        if value in (None, ""):
            if required:
                raise refuse(MISSING, message)
            return None
        if not _digits(value, 20) or not 0 < int(value) <= maximum:
            raise refuse(NOT_VALID, message)
        return int(value)

    schema = {"type": "integer", "minimum": 1, "maximum": maximum}
    empty = {} if required else {"allowEmptyValue": True}
    return Check(check, schema, missing=message, extra={**empty, **extra})


def QueryId(**extra: Any) -> Check:
    """An object's id in the query string. Too large to name anything is not refused here
    but found to be nothing (a 404, as for an id no object has)."""

    def check(value: Any) -> int | None:
        if value is None:
            return None
        if not _digits(value, 10):
            raise refuse("Some parameters are not valid.", "Must be a revision id.")
        return int(value)

    return Check(check, {"type": "integer"}, extra=extra)


def _digits(value: Any, most: int) -> bool:
    """ASCII digits only (int() would take "²" or "٣"), at most `most` of them."""
    return isinstance(value, str) and value.isascii() and value.isdigit() and len(value) <= most


# --- in replies ------------------------------------------------------------------------------

# A moment, told as ISO 8601 UTC with a Z (the API's promise), to the second.
Time = Annotated[
    datetime,
    PlainSerializer(isoformat, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]
