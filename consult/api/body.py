"""Reading a request: a clear 400/413/422 instead of a KeyError or a 500.

Every body is parsed once per request, by consult.jsoninput (bounded in size, depth and number
length), then validated by its model (consult/api/models): the rate limiter's key functions,
which run before any view, read the same parse through `json_object_or_empty`. The limits on a
body's size are here and nowhere else."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar

from flask import current_app, request
from pydantic import BaseModel, ValidationError
from werkzeug.exceptions import RequestEntityTooLarge

from consult import jsoninput
from consult.api.fields import (
    ERROR_TYPE,
    MISSING,
    NOT_VALID,
    REQUIRED,
    SEND_TRUE_OR_FALSE,
    Check,
    UploadedFile,
)
from consult.bills.importers.limits import DEFAULT_LIMITS, megabytes
from consult.drafting.services import MAX_BODY_LENGTH

Model = TypeVar("Model", bound=BaseModel)
_PARSED = "consult.api.json"  # where a request's parsed body is kept (in its WSGI environ)


@dataclass(frozen=True)
class BodyLimit:
    """The most bytes an endpoint's body may have (app config `config_key` overrides it)."""

    config_key: str
    default: int
    description: str

    def bytes(self) -> int:
        return current_app.config.get(self.config_key, self.default)


# JSON bodies are small: the largest is one section of a response. Refusing big bodies before
# reading them keeps a client from making the server parse megabytes.
SMALL = BodyLimit("API_MAX_BODY_BYTES", 256 * 1024, "The body is too large")
# A section holds up to MAX_BODY_LENGTH characters. In JSON that is at most 4 bytes a character
# as UTF-8 (what browsers send) or 6 as a \\uXXXX escape (Python's json.dumps), so the endpoints
# that carry a section's text take that much plus room for the other fields.
SECTION = BodyLimit(
    "API_MAX_SECTION_BODY_BYTES",
    6 * MAX_BODY_LENGTH + 64 * 1024,
    f"The body is too large (more than a {MAX_BODY_LENGTH:,}-character section can take)",
)


# A file upload (a bill's print): the importer's own limit on the file, and room for the form's
# other fields and the multipart framing. A larger body is refused before it is read.
UPLOAD = BodyLimit(
    "API_MAX_UPLOAD_BYTES",
    DEFAULT_LIMITS.max_bytes + 64 * 1024,
    f"The file is too large (a print may be at most {megabytes(DEFAULT_LIMITS.max_bytes)})",
)
MULTIPART = "multipart/form-data"


class InvalidBody(Exception):
    """The request cannot be used; carries the status and the per-field messages."""

    def __init__(self, status: int, message: str, fields: dict[str, str] | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.fields = fields or {}


def body_limit() -> int:
    """The most bytes this request's endpoint takes."""
    view = current_app.view_functions.get(request.endpoint or "")
    operation = getattr(view, "api_operation", None)
    return (operation.body_limit if operation is not None else SMALL).bytes()


def _too_large(limit: int) -> InvalidBody:
    most = megabytes(limit) if limit >= 1024 * 1024 else f"{limit // 1024} KiB"
    return InvalidBody(413, f"The body is too large: at most {most}.")


def limit_body_size() -> None:
    """Refuse (413) a body larger than the endpoint takes, before reading it; bound one sent
    without a Content-Length as it is read."""
    limit = body_limit()
    request.max_content_length = limit
    if request.content_length is not None and request.content_length > limit:
        raise _too_large(limit)


def _parse_body() -> Any:
    limit_body_size()
    if not request.is_json:
        raise InvalidBody(400, "Send a JSON object with Content-Type: application/json.")
    try:
        data = request.get_data(cache=True)
    except RequestEntityTooLarge:
        raise _too_large(body_limit()) from None
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


def validated(model: type[Model], data: dict[str, Any]) -> Model:
    """`data` checked by `model`, or a 422 naming each field that is wrong and why."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise _refusal(model, error) from None


def body(model: type[Model], *, optional: bool = False) -> Model:
    """The request's body, checked by `model` (which the endpoint's operation must name, so
    that the document describes what is read). `optional`: no body at all is {}."""
    _operation_takes(model)
    if optional and not request.get_data(cache=True):
        return validated(model, {})
    return validated(model, json_body())


def _operation_takes(model: type[BaseModel]) -> None:
    """The endpoint's operation names `model`, so the document describes what is read."""
    view = current_app.view_functions.get(request.endpoint or "")
    operation = getattr(view, "api_operation", None)
    assert operation is not None and model in operation.body, (request.endpoint, model)


def _is_file_field(info: Any) -> bool:
    return any(getattr(item, "json_schema", {}).get("format") == "binary" for item in info.metadata)


def form_body(model: type[Model]) -> Model:
    """A multipart/form-data body (a file upload), checked by `model`: its file fields
    (fields.Upload) from the file parts, the others from the text parts. 400 for any other
    kind of body, 413 for one too large (also one sent without a Content-Length)."""
    _operation_takes(model)
    limit_body_size()
    if request.mimetype != MULTIPART:
        raise InvalidBody(400, f"Send the file and the fields as {MULTIPART}.")
    try:
        form, files = request.form, request.files
    except RequestEntityTooLarge:
        raise _too_large(body_limit()) from None
    data: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        if _is_file_field(info):
            if name in files:
                upload = files[name]
                data[name] = UploadedFile(upload.filename or "", upload.read())
            elif name in form:
                data[name] = form[name]  # text where a file belongs: refused by its check
        elif name in form:
            data[name] = form[name]
    return validated(model, data)


def required_bool(value: bool | None, name: str) -> bool:
    """A true-or-false field that this request needs although its model lets it be left out
    (`public` to open signing, `consent_public` unless signing for an organisation)."""
    if value is None:
        raise InvalidBody(422, MISSING, {name: SEND_TRUE_OR_FALSE})
    return value


def query(model: type[Model]) -> Model:
    """The query string's parameters (the first value of each), checked by `model`."""
    args = request.args
    return validated(model, {name: args[name] for name in model.model_fields if name in args})


def _refusal(model: type[BaseModel], error: ValidationError) -> InvalidBody:
    """The API's 422 for a model's refusal: every field named, the first problem's summary."""
    fields: dict[str, str] = {}
    summary = None
    for problem in error.errors(include_url=False, include_input=False):
        name = str(problem["loc"][0]) if problem["loc"] else "body"
        if problem["type"] == ERROR_TYPE:
            said, detail = problem["ctx"]["summary"], problem["ctx"]["detail"]
        elif problem["type"] == "missing":
            said, detail = _missing(model, name)
        else:  # a reply model's own type check; not expected of a request model
            said, detail = NOT_VALID, problem["msg"]
        fields.setdefault(name, detail)
        summary = summary or said
    return InvalidBody(422, summary or NOT_VALID, fields)


def _missing(model: type[BaseModel], name: str) -> tuple[str, str]:
    """What a person is told of a required field left out: its Check's words, if it has one."""
    info = model.model_fields.get(name)
    checks = [item for item in (info.metadata if info else []) if isinstance(item, Check)]
    return (checks[0].missing_summary, checks[0].missing) if checks else (MISSING, REQUIRED)
