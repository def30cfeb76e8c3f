"""The OpenAPI 3.1 document for API v1, served at /api/v1/openapi.json, generated: the paths
and their parameters from the URL map, each operation from its view's @operation
(consult/api/registry.py), and the schemas from the request and reply models
(consult/api/models). A route without an @operation cannot be described, and stops the
document being made (a test asks for it)."""

from __future__ import annotations

import copy
import re
from typing import Any

from flask import Flask, current_app
from pydantic import BaseModel
from pydantic.json_schema import GenerateJsonSchema, models_json_schema
from werkzeug.routing import Rule

from consult.api.auth import is_public, needs_caller
from consult.api.models.base import Error, Health, RequestModel
from consult.api.registry import Operation, Reply

HEALTH = "Health"
ACCOUNTS = "Accounts and organisations"
CONSULTATIONS = "Consultations"
DRAFTING = "Drafting"
SIGNING = "Versions and signing"
EXPORTS = "Exports"
BILLS = "Bills, prints and amendments"

TAGS = [
    {"name": HEALTH, "description": "Is the service up; this document"},
    {"name": ACCOUNTS, "description": "The caller, organisations, invitations"},
    {"name": CONSULTATIONS, "description": "What can be answered: consultations and questions"},
    {
        "name": DRAFTING,
        "description": "Responses, sections, saving with merge and conflicts, history, "
        "restore, preview and presence",
    },
    {
        "name": SIGNING,
        "description": "Frozen, fingerprinted versions; opening and closing signing; member, "
        "organisational and public signatures (double opt-in); withdrawal; verification",
    },
    {
        "name": EXPORTS,
        "description": "Submission-ready files (PDF, Word, ODT, Markdown) made by background "
        "jobs: ask, poll, download",
    },
    {
        "name": BILLS,
        "description": "Bills and their prints (imported from PDF, HTML, Word or text, with "
        "every line's printed page and line number), clauses, lines, and amendments drafted "
        "as part of a response to a bill: checked against the current print, rendered in "
        "House style, saved with base_revision like sections, moved onto each new print",
    },
]

INFO = {
    "title": "Consult API",
    "version": "1",
    "description": (
        "Draft, co-edit, co-sign and export responses to consultations. "
        "Authenticate with a personal API token: 'Authorization: Bearer <token>' "
        "(no CSRF token needed). A logged-in browser session also works, but then every "
        "POST, PUT and DELETE must carry the page's CSRF token in an X-CSRFToken header. "
        'Errors are JSON: {"error": {"code", "message", "fields"?}}. '
        "Times are ISO 8601 UTC with a Z."
    ),
}
BEARER = {
    "type": "http",
    "scheme": "bearer",
    "description": "A personal API token from the account page or the CLI. Two-factor "
    "authentication does not apply to tokens: each works until revoked",
}

# What each path parameter names, by its name in the URL rules.
PATH_PARAMETERS: dict[str, tuple[str, dict[str, Any]]] = {
    "slug": ("The organisation's slug", {}),
    "token": ("The invitation token from the e-mailed link", {}),
    "response_id": ("The response's id", {}),
    "section_id": ("The section's id (a section of that response)", {}),
    "revision_id": ("The revision's id", {}),
    "version_id": ("The version's id", {}),
    "signature_id": ("The signature's id", {}),
    "export_id": ("The export's id", {}),
    "notification_id": ("The id of one of the caller's notifications", {}),
    "bill_id": ("The bill's id", {}),
    "print_id": ("The print's id (a print of a bill)", {}),
    "amendment_id": ("The amendment's id (a section of kind amendment of that response)", {}),
    "sha256": (
        "A version's fingerprint: the SHA-256 hex digest of its canonical content",
        {"pattern": "^[0-9a-fA-F]{64}$"},
    ),
}
_CONVERTER_TYPES = {"int": "integer"}
_RULE_PART = re.compile(r"<(?:([^:<>]+):)?([^<>]+)>")
HTTP_METHODS = ("get", "put", "post", "delete", "patch")
STATE_CHANGING = {"put", "post", "delete", "patch"}

# Routes outside the API blueprint that the document describes too.
OTHER_OPERATIONS = {
    "main.healthz": Operation(
        "Health check: the app and its database",
        HEALTH,
        {200: Reply(Health, "Healthy"), 503: Reply(Health, "The database is unreachable")},
    )
}

_CACHE = "consult.api.openapi"


def _cached() -> tuple[dict[str, Any], str]:
    """The running app's document, and as JSON text: made once per app."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    if _CACHE not in app.extensions:
        document = _document(app)
        app.extensions[_CACHE] = (document, app.json.dumps(document) + "\n")
    return app.extensions[_CACHE]


def openapi_document() -> dict[str, Any]:
    """The document for the running app (a copy: the caller may change it)."""
    return copy.deepcopy(_cached()[0])


def openapi_json() -> str:
    """The document as JSON text, as served."""
    return _cached()[1]


def operations(app: Flask) -> list[tuple[Rule, str, str, Operation]]:
    """(rule, method, endpoint, operation) for every route the document describes."""
    found = []
    for rule in app.url_map.iter_rules():
        endpoint = rule.endpoint
        if not (endpoint.startswith("api.") or endpoint in OTHER_OPERATIONS):
            continue
        view = app.view_functions[endpoint]
        described = getattr(view, "api_operation", None) or OTHER_OPERATIONS.get(endpoint)
        if described is None:
            raise LookupError(f"{endpoint}: an API view needs an @operation (api/registry.py)")
        for method in sorted({m.lower() for m in rule.methods or ()} & set(HTTP_METHODS)):
            found.append((rule, method, endpoint, described))
    return found


def _document(app: Flask) -> dict[str, Any]:
    found = operations(app)
    schemas = _Schemas([Error, *(model for *_, op in found for model in _models_of(op))])
    paths: dict[str, dict[str, Any]] = {}
    for rule, method, endpoint, op in found:
        path = _RULE_PART.sub(r"{\2}", rule.rule)
        paths.setdefault(path, {})[method] = _operation(rule, method, endpoint, op, schemas)
    return {
        "openapi": "3.1.0",
        "info": INFO,
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "tags": TAGS,
        "components": {"securitySchemes": {"bearerAuth": BEARER}, "schemas": schemas.named},
        "paths": paths,
    }


def _models_of(op: Operation) -> list[type[BaseModel]]:
    replies = [r.model for r in op.responses.values() if isinstance(r, Reply) and r.model]
    return [*op.body, *replies, *([op.query] if op.query else [])]


def _operation(
    rule: Rule, method: str, endpoint: str, op: Operation, schemas: _Schemas
) -> dict[str, Any]:
    responses = {str(status): _response(answer, schemas) for status, answer in op.responses.items()}
    operation: dict[str, Any] = {
        "operationId": endpoint.rsplit(".", 1)[-1],
        "summary": op.summary,
        "tags": [op.tag],
        "responses": responses,
    }

    def default(status: int, description: str) -> None:
        responses.setdefault(str(status), _response(description, schemas))

    public = is_public(endpoint)
    if public:
        operation["security"] = []
    else:
        if not needs_caller(endpoint):  # anyone, for a version open to the public
            operation["security"] = [{}, {"bearerAuth": []}]
        default(401, "No or invalid token")
    if op.body:
        refs = [schemas.ref(model) for model in op.body]
        schema = refs[0] if len(refs) == 1 else {"oneOf" if op.one_of else "anyOf": refs}
        operation["requestBody"] = {
            "required": op.body_required,
            "content": {op.media_type: {"schema": schema}},
        }
        malformed = "a JSON object" if op.media_type == "application/json" else op.media_type
        default(400, f"Malformed: not {malformed}, or (cookie session) no CSRF token")
        default(413, op.body_limit.description)
        default(422, "Invalid fields (see error.fields)")
    elif method in STATE_CHANGING:
        if not public:
            default(400, "Cookie session without a CSRF token")
        default(413, op.body_limit.description)
    if rule.rule.startswith("/api/"):
        default(429, "Rate limited; see Retry-After")
    parameters = _path_parameters(rule) + (schemas.query_parameters(op.query) if op.query else [])
    if parameters:
        operation["parameters"] = parameters
    return operation


def _response(answer: Reply | str, schemas: _Schemas) -> dict[str, Any]:
    if isinstance(answer, str):  # an error
        return _json(answer, schemas.ref(Error))
    if answer.model is None:
        if not answer.media_types:
            return {"description": answer.description}
        content = {media: {"schema": dict(answer.schema or {})} for media in answer.media_types}
        return {"description": answer.description, "content": content}
    schema = schemas.ref(answer.model)
    return _json(answer.description, {"type": "array", "items": schema} if answer.array else schema)


def _json(description: str, schema: dict[str, Any]) -> dict[str, Any]:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _path_parameters(rule: Rule) -> list[dict[str, Any]]:
    """The rule's variables, typed as its converters take them (<int:...>: an integer)."""
    parameters = []
    for converter, name in _RULE_PART.findall(rule.rule):
        description, schema = PATH_PARAMETERS[name]
        kind = _CONVERTER_TYPES.get(converter, "string")
        parameters.append(
            {
                "name": name,
                "in": "path",
                "required": True,
                "description": description,
                "schema": {"type": kind, **schema},
            }
        )
    return parameters


class _Generator(GenerateJsonSchema):
    """Pydantic's JSON schema without a title for every field (the names say it)."""

    def field_title_should_be_set(self, schema: Any) -> bool:
        return False


class _Schemas:
    """The components' schemas of these models (and the models they hold): a named schema
    for each, except the small ones marked `inline`, described where they are used."""

    def __init__(self, models: list[type[BaseModel]]):
        unique = list(dict.fromkeys(models))
        keys = [(model, _mode(model)) for model in unique]
        refs, top = models_json_schema(
            keys, ref_template="#/components/schemas/{model}", schema_generator=_Generator
        )
        self._refs = {model: refs[(model, mode)] for model, mode in keys}
        defs = top.get("$defs", {})
        inline = {m.__name__ for m in _all_models(unique) if m.inline} & set(defs)
        for schema in defs.values():
            schema.pop("title", None)
            if "description" in schema:  # a model's docstring, as one paragraph
                schema["description"] = " ".join(schema["description"].split())
            _drop_null_defaults(schema)
        self.named = {
            name: _inlined(schema, defs, inline)
            for name, schema in defs.items()
            if name not in inline
        }
        self._defs = defs
        self._inline = inline

    def ref(self, model: type[BaseModel]) -> dict[str, Any]:
        return dict(self._refs[model])

    def query_parameters(self, model: type[BaseModel]) -> list[dict[str, Any]]:
        """The query model's fields as query parameters (and no schema of its own)."""
        name = self._refs[model]["$ref"].rsplit("/", 1)[-1]
        schema = self.named.pop(name, None) or self._defs[name]
        parameters = []
        for field, prop in schema["properties"].items():
            prop = dict(prop)
            description = prop.pop("description", "")
            empty = prop.pop("allowEmptyValue", None)
            parameter: dict[str, Any] = {
                "name": field,
                "in": "query",
                "required": field in schema.get("required", []),
                "description": description,
            }
            if empty is not None:
                parameter["allowEmptyValue"] = empty
            parameter["schema"] = prop
            parameters.append(parameter)
        return parameters


def _mode(model: type[BaseModel]) -> str:
    return "validation" if issubclass(model, RequestModel) else "serialization"


def _all_models(models: list[type[BaseModel]]) -> set[type[BaseModel]]:
    """These models and every model their fields hold."""
    seen: set[type[BaseModel]] = set()
    pending = list(models)
    while pending:
        model = pending.pop()
        if model in seen:
            continue
        seen.add(model)
        for info in model.model_fields.values():
            pending.extend(_models_in(info.annotation))
    return seen


def _models_in(annotation: Any) -> list[type[BaseModel]]:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    found = []
    for argument in getattr(annotation, "__args__", ()):
        found.extend(_models_in(argument))
    return found


def _inlined(schema: Any, defs: dict[str, Any], inline: set[str]) -> Any:
    """`schema` with each reference to an inline model replaced by its schema."""
    if isinstance(schema, list):
        return [_inlined(item, defs, inline) for item in schema]
    if not isinstance(schema, dict):
        return schema
    ref = schema.get("$ref", "")
    name = ref.rsplit("/", 1)[-1]
    if name in inline:
        rest = {key: value for key, value in schema.items() if key != "$ref"}
        return {**_inlined(defs[name], defs, inline), **rest}
    return {key: _inlined(value, defs, inline) for key, value in schema.items()}


def _drop_null_defaults(schema: dict[str, Any]) -> None:
    """Pydantic writes "default": null for a field that may be left out; where null is not
    a value the field takes, that would tell clients to send it."""
    for prop in schema.get("properties", {}).values():
        if prop.get("default", ...) is None and not _takes_null(prop):
            del prop["default"]


def _takes_null(schema: dict[str, Any]) -> bool:
    kind = schema.get("type")
    if kind == "null" or (isinstance(kind, list) and "null" in kind):
        return True
    return any(_takes_null(option) for option in schema.get("anyOf", schema.get("oneOf", [])))
