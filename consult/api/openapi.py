"""The OpenAPI 3.1 document for API v1, served at /api/v1/openapi.json.

Written by hand, next to the endpoints, and checked against the URL map by a test, so that
every route is described and nothing described is missing."""

from __future__ import annotations

from typing import Any

from consult.organisations.permissions import ROLES


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _json(schema: dict, description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema}}}


def _error(description: str) -> dict:
    return _json(_ref("Error"), description)


def _operation(
    operation_id: str,
    summary: str,
    responses: dict[str, dict],
    *,
    body: dict | None = None,
    public: bool = False,
    changes_state: bool = False,
    rate_limited: bool = True,
    tag: str = "Accounts and organisations",
    parameters: list[dict] | None = None,
) -> dict:
    """One operation. `operation_id` is the view function's name (the test that keeps this
    document truthful checks it against the URL map)."""
    operation: dict[str, Any] = {
        "operationId": operation_id,
        "summary": summary,
        "tags": [tag],
        "responses": dict(responses),
    }
    if public:
        operation["security"] = []
    else:
        operation["responses"].setdefault("401", _error("No or invalid token"))
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
        operation["responses"].setdefault(
            "400", _error("Malformed: not a JSON object, or (cookie session) no CSRF token")
        )
        operation["responses"].setdefault("413", _error("The body is too large"))
        operation["responses"].setdefault("422", _error("Invalid fields (see error.fields)"))
    elif changes_state:
        if not public:
            operation["responses"].setdefault("400", _error("Cookie session without a CSRF token"))
        operation["responses"].setdefault("413", _error("The body is too large"))
    if rate_limited:
        operation["responses"].setdefault("429", _error("Rate limited; see Retry-After"))
    if parameters:
        operation["parameters"] = parameters
    return operation


def _path_param(name: str, description: str, schema: dict | None = None) -> dict:
    return {
        "name": name,
        "in": "path",
        "required": True,
        "description": description,
        "schema": schema or {"type": "string"},
    }


SLUG = _path_param("slug", "The organisation's slug")
TOKEN = _path_param("token", "The invitation token from the e-mailed link")

SCHEMAS: dict[str, dict] = {
    "Error": {
        "type": "object",
        "required": ["error"],
        "properties": {
            "error": {
                "type": "object",
                "required": ["code", "message"],
                "properties": {
                    "code": {"type": "string", "examples": ["not_found"]},
                    "message": {"type": "string"},
                    "fields": {"type": "object", "additionalProperties": {"type": "string"}},
                },
            }
        },
    },
    "OrganisationMembership": {
        "type": "object",
        "required": ["slug", "name", "role"],
        "properties": {
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "role": {"type": "string", "enum": list(ROLES)},
        },
    },
    "Me": {
        "type": "object",
        "required": ["id", "email", "name", "organisations"],
        "properties": {
            "id": {"type": "integer"},
            "email": {"type": "string", "format": "email"},
            "name": {"type": "string"},
            "organisations": {"type": "array", "items": _ref("OrganisationMembership")},
        },
    },
    "OrganisationDetail": {
        "allOf": [
            _ref("OrganisationMembership"),
            {
                "type": "object",
                "properties": {
                    "members": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {
                                "id": {"type": "integer"},
                                "name": {"type": "string"},
                                "role": {"type": "string", "enum": list(ROLES)},
                            },
                        },
                    }
                },
            },
        ]
    },
    "Invitation": {
        "type": "object",
        "required": ["id", "token", "email", "role", "expires_at"],
        "properties": {
            "id": {"type": "integer"},
            "token": {"type": "string", "description": "Shown once; also e-mailed as a link"},
            "email": {"type": "string", "format": "email"},
            "role": {"type": "string", "enum": list(ROLES)},
            "expires_at": {"type": "string", "format": "date-time"},
        },
    },
    "AcceptedInvitation": {
        "type": "object",
        "required": ["organisation", "role"],
        "properties": {
            "organisation": {
                "type": "object",
                "required": ["slug", "name"],
                "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
            },
            "role": {"type": "string", "enum": list(ROLES)},
        },
    },
    "Health": {
        "type": "object",
        "required": ["status", "database"],
        "properties": {
            "status": {"type": "string", "enum": ["ok", "degraded"]},
            "database": {"type": "string", "enum": ["ok", "unreachable"]},
        },
    },
}

PATHS: dict[str, dict] = {
    "/healthz": {
        "get": _operation(
            "healthz",
            "Health check: the app and its database",
            {
                "200": _json(_ref("Health"), "Healthy"),
                "503": _json(_ref("Health"), "The database is unreachable"),
            },
            public=True,
            rate_limited=False,
            tag="Health",
        )
    },
    "/api/v1/openapi.json": {
        "get": _operation(
            "openapi",
            "This document",
            {"200": _json({"type": "object"}, "The OpenAPI 3.1 document")},
            public=True,
            tag="Health",
        )
    },
    "/api/v1/me": {
        "get": _operation(
            "me", "The caller's account and organisations", {"200": _json(_ref("Me"), "OK")}
        )
    },
    "/api/v1/organisations": {
        "get": _operation(
            "list_organisations",
            "The caller's organisations with their role",
            {"200": _json({"type": "array", "items": _ref("OrganisationMembership")}, "OK")},
        ),
        "post": _operation(
            "create_organisation",
            "Create an organisation; the caller becomes its owner",
            {"201": _json(_ref("OrganisationMembership"), "Created")},
            body={
                "type": "object",
                "required": ["name"],
                "properties": {"name": {"type": "string", "minLength": 1, "maxLength": 160}},
            },
        ),
    },
    "/api/v1/organisations/{slug}": {
        "get": _operation(
            "get_organisation",
            "An organisation the caller belongs to, with its members",
            {
                "200": _json(_ref("OrganisationDetail"), "OK"),
                "404": _error("No such organisation, or the caller is not a member"),
            },
            parameters=[SLUG],
        )
    },
    "/api/v1/organisations/{slug}/invitations": {
        "post": _operation(
            "create_invitation",
            "Invite an e-mail address with a role (owner or coordinator); e-mails the link",
            {
                "201": _json(_ref("Invitation"), "Invited"),
                "403": _error(
                    "The caller's role cannot invite, or cannot give that role "
                    "(only owners invite owners)"
                ),
                "404": _error("No such organisation, or the caller is not a member"),
                "409": _error("The address already belongs to a member (code already_member)"),
                "429": _error("Too many invitations (60 an hour); see Retry-After"),
            },
            body={
                "type": "object",
                "required": ["email"],
                "properties": {
                    "email": {"type": "string", "format": "email", "maxLength": 254},
                    "role": {"type": "string", "enum": list(ROLES), "default": "member"},
                },
            },
            parameters=[SLUG],
        )
    },
    "/api/v1/invitations/{token}/accept": {
        "post": _operation(
            "accept_invitation",
            "Accept an invitation; the caller's e-mail must be the invited one",
            {
                "200": _json(_ref("AcceptedInvitation"), "Joined"),
                "403": _error("The invitation was sent to another address (code wrong_invitee)"),
                "404": _error("No such invitation"),
                "409": _error(
                    "The invitation expired, or was accepted, declined or revoked "
                    "(code invitation_closed)"
                ),
            },
            changes_state=True,
            parameters=[TOKEN],
        )
    },
}


TAGS = [
    {"name": "Health", "description": "Is the service up; this document"},
    {"name": "Accounts and organisations", "description": "The caller, organisations, invitations"},
]


def openapi_document() -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
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
        },
        "servers": [{"url": "/"}],
        "security": [{"bearerAuth": []}],
        "tags": TAGS,
        "components": {
            "securitySchemes": {
                "bearerAuth": {
                    "type": "http",
                    "scheme": "bearer",
                    "description": "A personal API token from the account page or the CLI",
                }
            },
            "schemas": SCHEMAS,
        },
        "paths": PATHS,
    }
