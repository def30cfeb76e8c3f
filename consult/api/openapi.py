"""The OpenAPI 3.1 document for API v1, served at /api/v1/openapi.json.

Written by hand, next to the endpoints, and checked against the URL map by a test, so that
every route is described and nothing described is missing."""

from __future__ import annotations

from typing import Any

from consult.consultations.models import QUESTION_KINDS
from consult.consultations.profiles import PROFILES
from consult.drafting.models import REVISION_KINDS, SECTION_KINDS, SECTION_STATUSES
from consult.drafting.services import MAX_BODY_LENGTH
from consult.organisations.permissions import ROLES
from consult.signing import consent


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
RESPONSE_ID = _path_param("response_id", "The response's id", {"type": "integer"})
SECTION_ID = _path_param(
    "section_id", "The section's id (a section of that response)", {"type": "integer"}
)
REVISION_ID = _path_param("revision_id", "The revision's id", {"type": "integer"})
SECTION_PARAMS = [RESPONSE_ID, SECTION_ID]

_NULLABLE_INT = {"type": ["integer", "null"]}
_NULLABLE_STRING = {"type": ["string", "null"]}
_TIME = {"type": "string", "format": "date-time"}
_NULLABLE_TIME = {"type": ["string", "null"], "format": "date-time"}

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
            },
            "conflict": {
                **_ref("EditConflict"),
                "description": "Only with code edit_conflict (a 409 from saving a section)",
            },
            "resolve_url": {
                "type": "string",
                "description": "Only with code edit_conflict: the page where a person "
                "compares both texts and resolves the conflict (same as conflict.resolve_url)",
            },
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

SCHEMAS.update(
    {
        "Question": {
            "type": "object",
            "required": [
                "number", "text", "kind", "options", "word_limit", "wording_verified",
                "wording_source",
            ],
            "properties": {
                "number": {"type": "integer", "minimum": 1},
                "text": {"type": "string"},
                "kind": {"type": "string", "enum": list(QUESTION_KINDS)},
                "options": {
                    "type": "array",
                    "items": {"type": "string"},
                    "description": "The closed answers of a scale question; empty for open ones",
                },
                "word_limit": {**_NULLABLE_INT, "minimum": 1},
                "wording_verified": {
                    "type": ["boolean", "null"],
                    "description": (
                        "Built-in questions: true when `wording_source` quotes the publisher's "
                        "question word for word; false when the wording is ours and could not "
                        "be checked (nor its number, nor whether the form offers the closed "
                        "answers). Null for an organisation's own questions."
                    ),
                },
                "wording_source": {
                    **_NULLABLE_STRING,
                    "description": "The published page quoting a verified question, or null",
                },
            },
        },
        "Consultation": {
            "type": "object",
            "required": [
                "id", "slug", "title", "publisher", "closes_at", "questions", "organisation"
            ],
            "properties": {
                "id": {"type": "integer"},
                "slug": {
                    "type": "string",
                    "description": (
                        "Unique among the consultations one organisation sees: built-in ones "
                        "have fixed slugs, an organisation's own are unique within it (two "
                        "organisations may use the same one; `organisation` tells them apart)"
                    ),
                },
                "title": {"type": "string"},
                "publisher": {"type": "string"},
                "description": {"type": "string"},
                "opens_at": _NULLABLE_TIME,
                "closes_at": _NULLABLE_TIME,
                "organisation": {
                    **_NULLABLE_STRING,
                    "description": "The slug of the organisation that added it; null if built in",
                },
                "questions": {"type": "array", "items": _ref("Question")},
            },
        },
        "Section": {
            "type": "object",
            "required": [
                "id", "kind", "number", "title", "body", "choice", "head_revision",
                "word_count", "status", "assignee", "position", "updated_at",
            ],
            "properties": {
                "id": {"type": "integer"},
                "kind": {"type": "string", "enum": list(SECTION_KINDS)},
                "number": {**_NULLABLE_INT, "description": "The question number, for questions"},
                "title": {"type": "string"},
                "body": {"type": "string", "description": "Markdown: the head revision's text"},
                "choice": {
                    **_NULLABLE_STRING,
                    "description": "The closed answer of a scale question",
                },
                "head_revision": {
                    **_NULLABLE_INT,
                    "description": "Send it back as base_revision when saving",
                },
                "word_count": {"type": "integer", "minimum": 0},
                "status": {"type": "string", "enum": list(SECTION_STATUSES)},
                "assignee": {
                    "oneOf": [
                        {"type": "null"},
                        {
                            "type": "object",
                            "required": ["id", "name"],
                            "properties": {
                                "id": {"type": "integer"},
                                "name": {"type": "string"},
                            },
                        },
                    ]
                },
                "position": {"type": "integer", "minimum": 0},
                "updated_at": _TIME,
                "question": {"oneOf": [{"type": "null"}, _ref("Question")]},
            },
        },
        "Response": {
            "type": "object",
            "required": [
                "id", "title", "organisation", "consultation", "status", "sections",
                "word_count", "profile", "word_limit",
            ],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "organisation": {"type": "string", "description": "The organisation's slug"},
                "consultation": {"type": "string", "description": "The consultation's slug"},
                "status": {"type": "string"},
                "profile": {"type": "string", "enum": list(PROFILES)},
                "word_limit": {
                    **_NULLABLE_INT,
                    "description": "The submission profile's limit for the whole response",
                },
                "word_count": {"type": "integer", "minimum": 0},
                "created_at": _TIME,
                "updated_at": _TIME,
                "sections": {
                    "type": "array",
                    "items": _ref("Section"),
                    "description": "In order; removed sections are left out",
                },
            },
        },
        "ResponseSummary": {
            "type": "object",
            "required": ["id", "title", "consultation", "status", "word_count"],
            "properties": {
                "id": {"type": "integer"},
                "title": {"type": "string"},
                "consultation": {"type": "string", "description": "The consultation's slug"},
                "status": {"type": "string"},
                "profile": {"type": "string", "enum": list(PROFILES)},
                "word_count": {"type": "integer", "minimum": 0},
                "word_limit": _NULLABLE_INT,
                "updated_at": _TIME,
            },
        },
        "Html": {
            "type": "object",
            "required": ["html"],
            "properties": {
                "html": {
                    "type": "string",
                    "description": "Sanitised HTML (an allow-list of tags and attributes; "
                    "no scripts, event attributes, iframes or javascript: links)",
                }
            },
        },
        "SectionHead": {
            "type": "object",
            "required": ["head_revision", "body", "choice", "word_count", "revision_number"],
            "properties": {
                "head_revision": {
                    **_NULLABLE_INT,
                    "description": "The new head: send it as base_revision next time "
                    "(null only when an empty section was saved empty)",
                },
                "body": {"type": "string", "description": "The head's text"},
                "choice": _NULLABLE_STRING,
                "word_count": {"type": "integer", "minimum": 0},
                "revision_number": {
                    **_NULLABLE_INT,
                    "description": "The head revision's number within the section",
                },
                "kind": {"type": ["string", "null"], "enum": [*REVISION_KINDS, None]},
                "updated_at": _TIME,
            },
        },
        "SavedSection": {
            "allOf": [
                _ref("SectionHead"),
                {
                    "type": "object",
                    "required": ["merged"],
                    "properties": {
                        "merged": {
                            "type": "boolean",
                            "description": "True when someone else had saved since "
                            "base_revision and both changes were merged: body is the merged "
                            "text, show it",
                        },
                        "unchanged": {
                            "type": "boolean",
                            "description": "True when the save changed nothing (no new revision)",
                        },
                    },
                },
            ]
        },
        "RestoredSection": {
            "allOf": [
                _ref("SectionHead"),
                {
                    "type": "object",
                    "required": ["kind", "restored_from"],
                    "properties": {
                        "kind": {"const": "restore"},
                        "restored_from": {
                            "type": "integer",
                            "description": "The revision whose text was restored",
                        },
                    },
                },
            ]
        },
        "EditConflict": {
            "type": "object",
            "required": [
                "base_revision", "their_revision", "your_revision", "base", "theirs", "yours",
                "resolve_url",
            ],
            "properties": {
                "base_revision": {
                    **_NULLABLE_INT,
                    "description": "The revision your text started from",
                },
                "their_revision": {
                    **_NULLABLE_INT,
                    "description": "The head: what others saved since. To resolve, save again "
                    "with base_revision = their_revision",
                },
                "your_revision": {
                    "type": "integer",
                    "description": "Your text, already saved as a revision of kind conflict "
                    "(not the head): nothing is lost. It is an open clash until settled: "
                    "send it as `clash` with the save that resolves it",
                },
                "your_revision_number": {
                    "type": "integer",
                    "description": "That revision's number within the section (the newest: "
                    "the section now has this many revisions)",
                },
                "base": {"type": "string"},
                "theirs": {"type": "string"},
                "yours": {"type": "string"},
                "base_choice": _NULLABLE_STRING,
                "their_choice": _NULLABLE_STRING,
                "your_choice": _NULLABLE_STRING,
                "resolve_url": {
                    "type": "string",
                    "description": "The conflict screen for a person (HTML, same site)",
                },
            },
        },
        "RevisionSummary": {
            "type": "object",
            "required": ["id", "number", "kind", "author", "created_at", "word_count", "parent"],
            "properties": {
                "id": {"type": "integer"},
                "number": {"type": "integer", "minimum": 1},
                "kind": {"type": "string", "enum": list(REVISION_KINDS)},
                "author": {
                    "type": "string",
                    "description": 'The author\'s name, or "Former member" once erased',
                },
                "created_at": _TIME,
                "word_count": {"type": "integer", "minimum": 0},
                "parent": {
                    **_NULLABLE_INT,
                    "description": "The revision it was made from (a conflict: its base)",
                },
            },
        },
        "Revision": {
            "allOf": [
                _ref("RevisionSummary"),
                {
                    "type": "object",
                    "required": ["section", "response", "body", "choice"],
                    "properties": {
                        "section": {"type": "integer"},
                        "response": {"type": "integer"},
                        "title": {
                            **_NULLABLE_STRING,
                            "description": "The section's title when it was saved",
                        },
                        "body": {"type": "string"},
                        "choice": _NULLABLE_STRING,
                    },
                },
            ]
        },
        "RevisionDiff": {
            "type": "object",
            "required": ["diff", "ops", "from", "to"],
            "properties": {
                "from": {
                    **_NULLABLE_INT,
                    "description": "The older revision (null: the empty text)",
                },
                "to": {"type": "integer"},
                "diff": {"type": "string", "description": "A unified diff, line by line"},
                "ops": {
                    "type": "array",
                    "description": "Word by word: the old text is the equal and delete parts, "
                    "the new one the equal and insert parts",
                    "items": {
                        "type": "object",
                        "required": ["op", "text"],
                        "properties": {
                            "op": {"type": "string", "enum": ["equal", "delete", "insert"]},
                            "text": {"type": "string"},
                        },
                    },
                },
            },
        },
        "Preview": {
            "type": "object",
            "required": ["html", "word_count"],
            "properties": {
                "html": {"type": "string", "description": "Sanitised HTML"},
                "word_count": {"type": "integer", "minimum": 0},
            },
        },
        "Presence": {
            "type": "object",
            "required": ["others", "head_revision", "updated_at"],
            "properties": {
                "others": {
                    "type": "array",
                    "description": "Others who had the section open in the last 45 seconds",
                    "items": {
                        "type": "object",
                        "required": ["name", "editing"],
                        "properties": {
                            "name": {"type": "string"},
                            "editing": {"type": "boolean"},
                        },
                    },
                },
                "head_revision": {
                    **_NULLABLE_INT,
                    "description": "The section's head now: if it is not the one the editor "
                    "loaded, the section changed since",
                },
                "updated_at": _TIME,
            },
        },
    }
)  # fmt: skip

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


_NOT_VISIBLE = (
    "No such response (section, revision), or it belongs to an organisation the "
    "caller is not a member of"
)
_NOT_EDITOR = "The caller's role cannot draft (members read and comment)"
_RENDER_LIMITED = "More than 60 renders a minute by this caller; see Retry-After"
_MARKDOWN_BODY = {
    "type": "string",
    "maxLength": MAX_BODY_LENGTH,
    "description": "Markdown (CommonMark with tables, strikethrough and footnotes)",
}

PATHS.update(
    {
        "/api/v1/consultations": {
            "get": _operation(
                "list_consultations",
                "The built-in consultations and the caller's organisations' own (open ones first, "
                "soonest closing first, for each organisation in turn)",
                {"200": _json({"type": "array", "items": _ref("Consultation")}, "OK")},
                tag="Consultations",
            )
        },
        "/api/v1/organisations/{slug}/responses": {
            "get": _operation(
                "list_responses",
                "The organisation's responses, most recently changed first",
                {
                    "200": _json({"type": "array", "items": _ref("ResponseSummary")}, "OK"),
                    "404": _error("No such organisation, or the caller is not a member"),
                },
                tag="Drafting",
                parameters=[SLUG],
            ),
            "post": _operation(
                "create_response",
                "Start a response to a consultation (editor or above): a section for the "
                "summary, about us, each question and recommendations",
                {
                    "201": _json(_ref("Response"), "Created (Location: the response)"),
                    "403": _error(_NOT_EDITOR),
                    "404": _error("No such organisation, or the caller is not a member"),
                    "422": _error(
                        "Invalid fields, an unknown consultation (or another organisation's) "
                        "or an unknown submission profile (see error.fields)"
                    ),
                },
                body={
                    "type": "object",
                    "required": ["consultation"],
                    "properties": {
                        "consultation": {
                            "type": "string",
                            "maxLength": 100,
                            "description": "The consultation's slug",
                        },
                        "title": {
                            **_NULLABLE_STRING,
                            "maxLength": 200,
                            "description": "Default (left out, null or blank): made from "
                            'the consultation, e.g. "Response to the Home Office consultation '
                            'on a new legal framework for ..."',
                        },
                        "profile": {
                            **_NULLABLE_STRING,
                            "enum": [*PROFILES, None],
                            "default": "home-office",
                            "description": "The submission profile (null: the default)",
                        },
                    },
                },
                tag="Drafting",
                parameters=[SLUG],
            ),
        },
        "/api/v1/responses/{response_id}": {
            "get": _operation(
                "get_response",
                "A response with its sections in order (removed sections left out)",
                {"200": _json(_ref("Response"), "OK"), "404": _error(_NOT_VISIBLE)},
                tag="Drafting",
                parameters=[RESPONSE_ID],
            )
        },
        "/api/v1/responses/{response_id}/html": {
            "get": _operation(
                "response_html",
                "The whole response rendered to sanitised HTML, safe to embed. A section whose "
                "formatting is too complex to lay out in time comes as plain text paragraphs "
                'after a note (<p class="plain-text-note">)',
                {
                    "200": _json(_ref("Html"), "OK"),
                    "404": _error(_NOT_VISIBLE),
                    "429": _error(_RENDER_LIMITED),
                },
                tag="Drafting",
                parameters=[RESPONSE_ID],
            )
        },
        "/api/v1/responses/{response_id}/sections/{section_id}": {
            "put": _operation(
                "save_section",
                "Save a section's text from the revision it started from (editor or above). "
                "If others saved since, the changes are merged; if they overlap, the text is "
                "kept as a conflict revision and both texts come back with a 409",
                {
                    "200": _json(_ref("SavedSection"), "Saved (merged: true if merged)"),
                    "403": _error(_NOT_EDITOR),
                    "404": _error(_NOT_VISIBLE),
                    "409": _error(
                        "code edit_conflict: the same part was changed by someone else; "
                        "`conflict` holds both texts and `your_revision`, already saved. "
                        "code clash_settled: the `clash` sent was settled already (on its "
                        "page, or by someone else); nothing was saved"
                    ),
                    "413": _error(
                        "The body is too large (more than a 200,000-character section can take)"
                    ),
                    "422": _error(
                        "Invalid fields: text over 200,000 characters, a choice the question "
                        "does not offer (or any choice outside scale questions), a base "
                        "revision of another section, base_revision null although the section "
                        "has text, a `clash` that is not yours in this section, or a removed "
                        "section"
                    ),
                },
                body={
                    "type": "object",
                    "required": ["body", "base_revision"],
                    "properties": {
                        "body": _MARKDOWN_BODY,
                        "choice": {
                            **_NULLABLE_STRING,
                            "description": "Scale questions only: one of the question's options. "
                            "Left out: the base revision's answer is kept; null: no answer",
                        },
                        "base_revision": {
                            **_NULLABLE_INT,
                            "description": "The head_revision the text was made from; null "
                            "only while the section has no text yet",
                        },
                        "clash": {
                            **_NULLABLE_INT,
                            "description": "Optional: the open clash (your_revision of an "
                            "earlier 409; yours, or anyone's for an owner or coordinator) "
                            "this save settles. The save merges as any other, from "
                            "base_revision: a clean result resolves the clash; an overlap "
                            "makes a newer clash that replaces it (the same text from the "
                            "same base again answers with the same clash). Not a clash of "
                            "yours in this section: 422",
                        },
                    },
                },
                tag="Drafting",
                parameters=SECTION_PARAMS,
            )
        },
        "/api/v1/responses/{response_id}/sections/{section_id}/restore": {
            "post": _operation(
                "restore_revision",
                "Make an earlier revision's text the head again, as a new revision of kind "
                "restore (editor or above)",
                {
                    "200": _json(_ref("RestoredSection"), "Restored"),
                    "403": _error(_NOT_EDITOR),
                    "404": _error(_NOT_VISIBLE),
                    "422": _error("Not a revision of this section, or a removed section"),
                },
                body={
                    "type": "object",
                    "required": ["revision"],
                    "properties": {"revision": {"type": "integer"}},
                },
                tag="Drafting",
                parameters=SECTION_PARAMS,
            )
        },
        "/api/v1/responses/{response_id}/sections/{section_id}/revisions": {
            "get": _operation(
                "list_revisions",
                "A section's revisions, newest first (conflict revisions included)",
                {
                    "200": _json({"type": "array", "items": _ref("RevisionSummary")}, "OK"),
                    "404": _error(_NOT_VISIBLE),
                },
                tag="Drafting",
                parameters=SECTION_PARAMS,
            )
        },
        "/api/v1/responses/{response_id}/sections/{section_id}/presence": {
            "post": _operation(
                "section_presence",
                "Heartbeat from an editor that has the section open (any member): who else "
                "has it open, and its head now",
                {"200": _json(_ref("Presence"), "OK"), "404": _error(_NOT_VISIBLE)},
                body={
                    "type": "object",
                    "properties": {"editing": {"type": "boolean", "default": False}},
                },
                tag="Drafting",
                parameters=SECTION_PARAMS,
            ),
            "delete": _operation(
                "leave_section",
                "The caller closed the section",
                {
                    "204": {"description": "Left"},
                    "404": _error(_NOT_VISIBLE),
                },
                changes_state=True,
                tag="Drafting",
                parameters=SECTION_PARAMS,
            ),
        },
        "/api/v1/revisions/{revision_id}": {
            "get": _operation(
                "get_revision",
                "One revision with its text",
                {"200": _json(_ref("Revision"), "OK"), "404": _error(_NOT_VISIBLE)},
                tag="Drafting",
                parameters=[REVISION_ID],
            )
        },
        "/api/v1/revisions/{revision_id}/diff": {
            "get": _operation(
                "diff_revision",
                "What changed from `against` (or, without it, from the revision's parent) to "
                "this revision: a unified diff and word-level operations",
                {
                    "200": _json(_ref("RevisionDiff"), "OK"),
                    "404": _error(
                        "Either revision is not visible to the caller, or `against` belongs "
                        "to another response"
                    ),
                    "422": _error("`against` is not a revision id"),
                },
                tag="Drafting",
                parameters=[
                    REVISION_ID,
                    {
                        "name": "against",
                        "in": "query",
                        "required": False,
                        "description": "The older revision, of the same response; default: "
                        "the revision's parent (the empty text for a first revision)",
                        "schema": {"type": "integer"},
                    },
                ],
            )
        },
        "/api/v1/preview": {
            "post": _operation(
                "preview",
                "Render Markdown as the pages and exports will (the editor's live preview); "
                "a text whose formatting is too complex to lay out in time comes as plain text "
                "paragraphs after a note",
                {"200": _json(_ref("Preview"), "OK"), "429": _error(_RENDER_LIMITED)},
                body={
                    "type": "object",
                    "required": ["body"],
                    "properties": {"body": _MARKDOWN_BODY},
                },
                tag="Drafting",
            )
        },
    }
)


# --- versions and signing (consult/api/signing.py) ------------------------------------------

VERSION_ID = _path_param("version_id", "The version's id", {"type": "integer"})
SIGNATURE_ID = _path_param("signature_id", "The signature's id", {"type": "integer"})
SHA256 = _path_param(
    "sha256",
    "A version's fingerprint: the SHA-256 hex digest of its canonical content",
    {"type": "string", "pattern": "^[0-9a-fA-F]{64}$"},
)
_SIGNING = "Versions and signing"
_NOT_MEMBER_VERSION = (
    "No such version, or the caller is not a member of its organisation (and it is not open "
    "to the public)"
)
_ANONYMOUS_VERSION = (
    "No or invalid token, and the version is not open to the public (or does not exist)"
)
_NOT_COORDINATOR = "Only owners and coordinators freeze versions and open or close signing"
_CONSENT_VERSION = {
    "type": "string",
    "examples": [consent.CURRENT_VERSION],
    "description": "The version of the consent statement the signer was shown and agreed to: "
    "`version` from GET /api/v1/versions/{version_id}/consent, shown with its `text` next to "
    "an unticked box. Anything else (missing, false, true, an older version) is a 422: "
    "explicit consent names the statement agreed to, and the consent record keeps it.",
}


def _optional_auth(operation: dict) -> dict:
    """Anyone for a version open to the public; a token (or session) otherwise."""
    operation["security"] = [{}, {"bearerAuth": []}]
    return operation


SCHEMAS.update(
    {
        "SigningState": {
            "type": "object",
            "required": ["open", "public", "closes_at", "opened_at"],
            "properties": {
                "open": {
                    "type": "boolean",
                    "description": "Signatures are accepted now (opened, not closed, and "
                    "before closes_at)",
                },
                "public": {
                    "type": "boolean",
                    "description": "Open to the public (anyone, with e-mail confirmation); "
                    "false: members of the organisation (and co-signing organisations) only",
                },
                "closes_at": {**_NULLABLE_TIME, "description": "Signing closes by itself then"},
                "opened_at": {**_NULLABLE_TIME, "description": "When signing was first opened"},
            },
        },
        "Version": {
            "type": "object",
            "required": [
                "id", "number", "sha256", "created_at", "note", "response", "signing",
                "content_url",
            ],
            "properties": {
                "id": {"type": "integer"},
                "number": {"type": "integer", "minimum": 1},
                "sha256": {
                    "type": "string",
                    "pattern": "^[0-9a-f]{64}$",
                    "description": "SHA-256 hex digest of the canonical content",
                },
                "created_at": _TIME,
                "note": {
                    "type": "string",
                    "description": "The coordinators' note for their colleagues; empty for "
                    "callers outside the organisation",
                },
                "response": {"type": "integer", "description": "The response's id"},
                "signing": _ref("SigningState"),
                "content_url": {
                    "type": "string",
                    "description": "Where the canonical content is (same site)",
                },
            },
        },
        "VersionDetail": {
            "allOf": [
                _ref("Version"),
                {
                    "type": "object",
                    "required": ["signatures"],
                    "properties": {
                        "signatures": {
                            "type": "object",
                            "required": ["count"],
                            "properties": {"count": {"type": "integer", "minimum": 0}},
                        }
                    },
                },
            ]
        },
        "VersionContent": {
            "type": "object",
            "description": "The canonical content. The body is exactly the bytes of "
            'json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False) in '
            "UTF-8, whose SHA-256 is the version's sha256: hash the bytes as received, do not "
            "parse and re-serialise them first.",
            "required": [
                "format", "response", "organisation", "consultation", "version", "frozen_at",
                "sections",
            ],
            "properties": {
                "format": {"const": "consult-version/1"},
                "response": {
                    "type": "object",
                    "required": ["id", "title"],
                    "properties": {"id": {"type": "integer"}, "title": {"type": "string"}},
                },
                "organisation": {
                    "type": "object",
                    "required": ["slug", "name"],
                    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
                },
                "consultation": {
                    "type": "object",
                    "required": ["slug", "title", "publisher"],
                    "properties": {
                        "slug": {"type": "string"},
                        "title": {"type": "string"},
                        "publisher": {"type": "string"},
                    },
                },
                "version": {"type": "integer", "minimum": 1},
                "frozen_at": _TIME,
                "sections": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "required": ["kind", "number", "title", "choice", "body"],
                        "properties": {
                            "kind": {"type": "string", "enum": list(SECTION_KINDS)},
                            "number": _NULLABLE_INT,
                            "title": {"type": "string"},
                            "choice": _NULLABLE_STRING,
                            "body": {"type": "string", "description": "Markdown"},
                        },
                    },
                },
            },
        },
        "ConsentStatement": {
            "type": "object",
            "required": ["version", "text", "organisation"],
            "properties": {
                "version": {
                    "type": "string",
                    "description": "Send it back as consent_statement when the signer agrees",
                },
                "text": {
                    "type": "string",
                    "description": "Show it in full, next to an unticked box, apart from any "
                    "other terms",
                },
                "organisation": {"type": "string", "description": "The lead organisation"},
            },
        },
        "MemberSignatureRequest": {
            "type": "object",
            "description": "With a token (or session): the caller signs as themselves, or "
            "for an organisation they own or coordinate (on_behalf_of). Leave out `email`: "
            "a body with an e-mail address is a public signature.",
            "not": {"required": ["email"]},
            # consent_public is required, except for an organisation's co-signature.
            "anyOf": [
                {"required": ["consent_public"]},
                {"required": ["on_behalf_of"], "properties": {"on_behalf_of": {"type": "string"}}},
            ],
            "properties": {
                "display_name": {
                    **_NULLABLE_STRING,
                    "maxLength": 200,
                    "description": "Default (left out or null): the account's name",
                },
                "affiliation": {**_NULLABLE_STRING, "maxLength": 200},  # null: none
                "consent_public": {
                    "type": "boolean",
                    "description": "Publish my name and affiliation with the response. "
                    "Required, except with on_behalf_of (an organisation's name is public)",
                },
                "on_behalf_of": {
                    **_NULLABLE_STRING,
                    "description": "The slug of an organisation the caller owns or "
                    "coordinates (not the lead organisation): a coalition co-signature "
                    "(left out or null: the caller signs as themselves)",
                },
                "consent_statement": {
                    **_CONSENT_VERSION,
                    **_NULLABLE_STRING,  # null: left out
                    "description": "Required when the caller is not a member of the lead "
                    "organisation (they sign on explicit consent, like the public); "
                    "optional, but checked, for its members. "
                    + _CONSENT_VERSION["description"],
                },
            },
        },
        "PublicSignatureRequest": {
            "type": "object",
            "description": "No token needed. Answered 202 whatever the address's state (new, "
            "already pending, confirmed or withdrawn): one signature per e-mail address, "
            "and an e-mail to the address, which only its owner reads",
            "required": ["name", "email", "consent_public", "consent_statement"],
            "properties": {
                "name": {"type": "string", "minLength": 1, "maxLength": 200},
                "email": {
                    "type": "string",
                    "format": "email",
                    "maxLength": 254,
                    "description": "Compared without case and surrounding spaces",
                },
                "affiliation": {**_NULLABLE_STRING, "maxLength": 200},  # null: none
                "consent_public": {
                    "type": "boolean",
                    "description": "Publish my name and affiliation with the response (off "
                    "unless the signer chose it); the e-mail address is never published",
                },
                "consent_statement": _CONSENT_VERSION,
            },
        },
        "MemberSignature": {
            "type": "object",
            "required": ["id", "status"],
            "properties": {
                "id": {"type": "integer", "description": "DELETE /api/v1/signatures/{id} "
                       "withdraws it"},
                "status": {"const": "confirmed"},
                "kind": {"type": "string", "enum": ["member", "organisation", "public"]},
            },
        },
        "PendingSignature": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"const": "pending"}},
        },
        "ConfirmedSignature": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"const": "confirmed"}},
        },
        "WithdrawnSignature": {
            "type": "object",
            "required": ["status"],
            "properties": {"status": {"const": "withdrawn"}, "id": {"type": "integer"}},
        },
        "LinkToken": {
            "type": "object",
            "required": ["token"],
            "properties": {"token": {"type": "string", "minLength": 1, "maxLength": 200}},
        },
        "Signatures": {
            "type": "object",
            "required": ["count", "organisations", "public"],
            "properties": {
                "count": {
                    "type": "integer",
                    "minimum": 0,
                    "description": "Confirmed signatures, not withdrawn (people and "
                    "organisations); pending ones never count",
                },
                "organisations": {
                    "type": "array",
                    "description": "Co-signing organisations",
                    "items": {
                        "type": "object",
                        "required": ["name"],
                        "properties": {"name": {"type": "string"}},
                    },
                },
                "page": {"type": "integer", "minimum": 1},
                "per_page": {"type": "integer", "minimum": 1, "maximum": 500},
                "next": {
                    "type": ["string", "null"],
                    "description": "The URL of the next page of names, or null on the last",
                },
                "public": {
                    "type": "array",
                    "description": "Only the people who chose to publish their name, by name; "
                    "e-mail addresses never appear",
                    "items": {
                        "type": "object",
                        "required": ["name", "affiliation"],
                        "properties": {
                            "name": {"type": "string"},
                            "affiliation": {"type": "string"},
                        },
                    },
                },
            },
        },
        "Verification": {
            "type": "object",
            "required": [
                "sha256", "response", "organisation", "version", "created_at", "signatures",
            ],
            "properties": {
                "sha256": {"type": "string"},
                "response": {
                    "type": "object",
                    "required": ["id", "title"],
                    "properties": {
                        "id": {"type": "integer"},
                        "title": {
                            "type": "string",
                            "description": "The title as frozen in this version (the draft's "
                            "may have changed since)",
                        },
                    },
                },
                "organisation": {
                    "type": "object",
                    "required": ["slug", "name"],
                    "properties": {"slug": {"type": "string"}, "name": {"type": "string"}},
                },
                "consultation": {
                    "type": "object",
                    "properties": {"slug": {"type": "string"}, "title": {"type": "string"}},
                },
                "version": {"type": "integer", "description": "The version's number"},
                "created_at": {**_TIME, "description": "When the version was frozen"},
                "signing": _ref("SigningState"),
                "signatures": {
                    "type": "object",
                    "required": ["count"],
                    "properties": {"count": {"type": "integer", "minimum": 0}},
                },
            },
        },
    }
)  # fmt: skip

_freeze = _operation(
    "freeze_version",
    "Freeze the response as it is now into a new numbered version with a SHA-256 fingerprint "
    "(owner or coordinator). Drafting goes on; a later version needs new signatures",
    {
        "201": _json(_ref("Version"), "Frozen (Location: the version)"),
        "403": _error(_NOT_COORDINATOR),
        "404": _error(_NOT_VISIBLE),
        "409": _error(
            "Someone froze the same response at the same moment (code freeze_conflict): try again"
        ),
    },
    body={
        "type": "object",
        "properties": {"note": {**_NULLABLE_STRING, "maxLength": 500}},  # null: no note
    },
    tag=_SIGNING,
    parameters=[RESPONSE_ID],
)
_freeze["requestBody"]["required"] = False  # no body at all is fine

PATHS.update(
    {
        "/api/v1/responses/{response_id}/versions": {
            "get": _operation(
                "list_versions",
                "The response's versions, newest first (any member of its organisation)",
                {
                    "200": _json({"type": "array", "items": _ref("Version")}, "OK"),
                    "404": _error(_NOT_VISIBLE),
                },
                tag=_SIGNING,
                parameters=[RESPONSE_ID],
            ),
            "post": _freeze,
        },
        "/api/v1/versions/{version_id}": {
            "get": _optional_auth(
                _operation(
                    "get_version",
                    "A version, its signing state and its signature count (members; anyone "
                    "once it is open for public signing)",
                    {
                        "200": _json(_ref("VersionDetail"), "OK"),
                        "401": _error(_ANONYMOUS_VERSION),
                        "404": _error(_NOT_MEMBER_VERSION),
                    },
                    tag=_SIGNING,
                    parameters=[VERSION_ID],
                )
            )
        },
        "/api/v1/versions/{version_id}/content": {
            "get": _optional_auth(
                _operation(
                    "version_content",
                    "The canonical content, byte for byte as fingerprinted: its SHA-256 is the "
                    "version's sha256 (also sent as ETag and as a Repr-Digest header). Members; "
                    "anyone once the version is open for public signing",
                    {
                        "200": _json(_ref("VersionContent"), "The canonical bytes"),
                        "401": _error(_ANONYMOUS_VERSION),
                        "404": _error(_NOT_MEMBER_VERSION),
                    },
                    tag=_SIGNING,
                    parameters=[VERSION_ID],
                )
            )
        },
        "/api/v1/versions/{version_id}/consent": {
            "get": _optional_auth(
                _operation(
                    "consent_statement",
                    "The consent statement to show a signer, naming the lead organisation, "
                    "and its version (send it back as consent_statement)",
                    {
                        "200": _json(_ref("ConsentStatement"), "OK"),
                        "401": _error(_ANONYMOUS_VERSION),
                        "404": _error(_NOT_MEMBER_VERSION),
                    },
                    tag=_SIGNING,
                    parameters=[VERSION_ID],
                )
            )
        },
        "/api/v1/versions/{version_id}/signing": {
            "post": _operation(
                "set_signing",
                "Open signing (public or members only, with an optional closing time), change "
                'it, or close it with {"open": false} (owner or coordinator). Opening a '
                "version for the first time makes its fingerprint verifiable and e-mails the "
                "signers of earlier versions an invitation to sign again",
                {
                    "200": _json(_ref("Version"), "The version with its signing state"),
                    "403": _error(_NOT_COORDINATOR),
                    "404": _error(_NOT_MEMBER_VERSION),
                    "422": _error(
                        "Invalid fields: `public` missing when opening, or closes_at not an "
                        "ISO 8601 time in the future"
                    ),
                },
                body={
                    "oneOf": [
                        {
                            "type": "object",
                            "title": "Open",
                            "required": ["public"],
                            "properties": {
                                "open": {"const": True, "default": True},
                                "public": {
                                    "type": "boolean",
                                    "description": "true: anyone may sign (with e-mail "
                                    "confirmation); false: members only",
                                },
                                "closes_at": {
                                    **_NULLABLE_TIME,
                                    "description": "ISO 8601; without an offset, UTC. "
                                    "null: open until closed",
                                },
                            },
                        },
                        {
                            "type": "object",
                            "title": "Close",
                            "required": ["open"],
                            "properties": {"open": {"const": False}},
                        },
                    ]
                },
                tag=_SIGNING,
                parameters=[VERSION_ID],
            )
        },
        "/api/v1/versions/{version_id}/signatures": {
            "get": _optional_auth(
                _operation(
                    "list_signatures",
                    "The count of confirmed signatures, the co-signing organisations and the "
                    "people who chose to publish their name (members; anyone once the "
                    "version is open for public signing). The names come a page at a time: "
                    "organisations first, then people, by name; follow `next` for more",
                    {
                        "200": _json(_ref("Signatures"), "OK"),
                        "401": _error(_ANONYMOUS_VERSION),
                        "404": _error(_NOT_MEMBER_VERSION),
                        "422": _error("page or per_page is not a whole number in range"),
                    },
                    tag=_SIGNING,
                    parameters=[
                        VERSION_ID,
                        {
                            "name": "page",
                            "in": "query",
                            "required": False,
                            "description": "Which page of names, from 1 (default 1)",
                            "allowEmptyValue": True,  # ?page= is the default, as left out
                            "schema": {"type": "integer", "minimum": 1},
                        },
                        {
                            "name": "per_page",
                            "in": "query",
                            "required": False,
                            "description": "Names per page (default 100, at most 500)",
                            "allowEmptyValue": True,  # ?per_page= is the default too
                            "schema": {"type": "integer", "minimum": 1, "maximum": 500},
                        },
                    ],
                )
            ),
            "post": _optional_auth(
                _operation(
                    "sign_version",
                    "Sign the version. A body with `email` (or no token) is a public "
                    "signature: pending until the e-mailed link is followed, answered 202 "
                    "whatever the address's state. Otherwise the caller signs, confirmed at "
                    "once: as themselves, or with on_behalf_of for an organisation they own or "
                    "coordinate. Public signatures are limited to 20 a minute and 300 an hour "
                    "per client address, and 3 an hour and 10 a day per e-mail address",
                    {
                        "201": _json(_ref("MemberSignature"), "Signed (again: the same id)"),
                        "202": _json(
                            _ref("PendingSignature"),
                            "Public signature: check your e-mail to confirm",
                        ),
                        "401": _error(_ANONYMOUS_VERSION),
                        "403": _error(
                            "on_behalf_of names an organisation the caller does not own or "
                            "coordinate"
                        ),
                        "404": _error(
                            "With a token: no such version, or it is open only to the members "
                            "of an organisation the caller is not in"
                        ),
                        "409": _error(
                            "Signing is closed for this version, or (a public signature) "
                            "open only to members (code signing_closed)"
                        ),
                        "422": _error(
                            "Invalid fields (see error.fields): no explicit consent "
                            "(consent_statement missing, false or not the current statement's "
                            "version), consent_public missing, a bad e-mail address, or "
                            "on_behalf_of naming the lead organisation"
                        ),
                        "429": _error(
                            "Too many public signatures from this client or for this e-mail "
                            "address; see Retry-After"
                        ),
                    },
                    body={
                        "anyOf": [
                            _ref("MemberSignatureRequest"),
                            _ref("PublicSignatureRequest"),
                        ]
                    },
                    tag=_SIGNING,
                    parameters=[VERSION_ID],
                )
            ),
        },
        "/api/v1/signatures/confirm": {
            "post": _operation(
                "confirm_signature",
                "Confirm a public signature with the token from the e-mailed link (double "
                "opt-in); only then does it count",
                {
                    "200": _json(_ref("ConfirmedSignature"), "Confirmed"),
                    "404": _error(
                        "The token is not valid, or was already used (code invalid_token)"
                    ),
                    "409": _error(
                        "The signature was withdrawn since (code withdrawn), or signing has "
                        "closed or is now open to members only (code signing_closed): the "
                        "signature stays pending and does not count"
                    ),
                    "422": _error(
                        "The link is older than 7 days (code link_expired): sign again; or "
                        "no token was sent"
                    ),
                },
                body=_ref("LinkToken"),
                public=True,
                tag=_SIGNING,
            )
        },
        "/api/v1/signatures/withdraw": {
            "post": _operation(
                "withdraw_by_token",
                "Withdraw a signature with the token from the e-mailed link to manage it: "
                "counted out at once (withdrawing twice is fine)",
                {
                    "200": _json(_ref("WithdrawnSignature"), "Withdrawn"),
                    "404": _error("The token is not valid (code invalid_token)"),
                },
                body=_ref("LinkToken"),
                public=True,
                tag=_SIGNING,
            )
        },
        "/api/v1/signatures/{signature_id}": {
            "delete": _operation(
                "withdraw_signature",
                "Withdraw the caller's signature (or their organisation's co-signature, as "
                "its owner or coordinator): counted out at once",
                {
                    "200": _json(_ref("WithdrawnSignature"), "Withdrawn"),
                    "404": _error("No such signature, or not the caller's"),
                },
                changes_state=True,
                tag=_SIGNING,
                parameters=[SIGNATURE_ID],
            )
        },
        "/api/v1/verify/{sha256}": {
            "get": _operation(
                "verify_fingerprint",
                "Check a fingerprint: the response, organisation, version, date and "
                "signature count of the version that has it, once that version has been "
                "exported or opened for signing",
                {
                    "200": _json(_ref("Verification"), "A published version has it"),
                    "404": _error("No published version has this fingerprint"),
                },
                public=True,
                tag=_SIGNING,
                parameters=[SHA256],
            )
        },
    }
)


# --- exports (consult/api/exports.py) ----------------------------------------------------------

EXPORT_ID = _path_param("export_id", "The export's id", {"type": "integer"})
_EXPORTS = "Exports"
_NOT_EXPORTER = "Only owners and coordinators export"
_NOT_VISIBLE_EXPORT = (
    "No such export, or it belongs to an organisation the caller is not a member of"
)

SCHEMAS.update(
    {
        "ExportRequest": {
            "type": "object",
            "required": ["format"],
            "properties": {
                "format": {"type": "string", "enum": ["pdf", "docx", "odt", "md"]},
                "version": {
                    "oneOf": [
                        {"type": "integer", "minimum": 1},
                        {"type": "string", "const": "draft"},
                        {"type": "null"},
                    ],
                    "description": "The version's id (its number is accepted too, when no "
                    'version of this response has that id), or "draft" for the current '
                    "draft, marked DRAFT on every page. Left out: the latest frozen version "
                    "(the draft if none was frozen yet).",
                },
                "profile": {
                    "type": "string",
                    "enum": list(PROFILES),
                    "description": "The submission profile; left out: the response's own",
                },
            },
        },
        "ExportStatus": {
            "type": "object",
            "required": ["id", "status", "progress"],
            "properties": {
                "id": {"type": "integer"},
                "status": {"type": "string", "enum": ["queued", "running", "done", "failed"]},
                "progress": {"type": "integer", "minimum": 0, "maximum": 100},
                "error": {"type": "string", "description": "Why it failed, for a person"},
                "format": {"type": "string", "enum": ["pdf", "docx", "odt", "md"]},
                "profile": {"type": "string", "enum": list(PROFILES)},
                "version": {
                    "type": ["integer", "null"],
                    "description": "The version's number; null for the draft",
                },
                "draft": {"type": "boolean"},
            },
        },
    }
)

PATHS.update(
    {
        "/api/v1/responses/{response_id}/exports": {
            "post": _operation(
                "create_export",
                "Ask for a file of a version (or the draft) for a submission profile; poll the "
                "returned export until it is done (at once when the same file is cached)",
                {
                    "202": _json(_ref("ExportStatus"), "Accepted: the export job"),
                    "403": _error(_NOT_EXPORTER),
                    "404": _error(_NOT_VISIBLE),
                },
                body=_ref("ExportRequest"),
                tag=_EXPORTS,
                parameters=[RESPONSE_ID],
            )
        },
        "/api/v1/exports/{export_id}": {
            "get": _operation(
                "get_export",
                "An export's status and progress (a job past its time limit is failed)",
                {
                    "200": _json(_ref("ExportStatus"), "OK"),
                    "403": _error(_NOT_EXPORTER),
                    "404": _error(_NOT_VISIBLE_EXPORT),
                },
                tag=_EXPORTS,
                parameters=[EXPORT_ID],
            )
        },
        "/api/v1/exports/{export_id}/file": {
            "get": _operation(
                "export_file",
                "The finished file, with its content type and a file name "
                "(Content-Disposition: attachment)",
                {
                    "200": {
                        "description": "The file",
                        "content": {
                            media: {"schema": {"type": "string", "format": "binary"}}
                            for media in (
                                "application/pdf",
                                "application/vnd.openxmlformats-officedocument"
                                ".wordprocessingml.document",
                                "application/vnd.oasis.opendocument.text",
                                "text/markdown",
                            )
                        },
                    },
                    "403": _error(_NOT_EXPORTER),
                    "404": _error(
                        _NOT_VISIBLE_EXPORT + "; or the file is no longer kept (code "
                        "file_expired): export again"
                    ),
                    "409": _error("Not done yet (code not_ready), or failed"),
                },
                tag=_EXPORTS,
                parameters=[EXPORT_ID],
            )
        },
    }
)


# The caller's rights over their data (consult/api/me.py, consult/accounts/personal_data.py).
_ROWS = {"type": "array", "items": {"type": "object"}}
SCHEMAS["PersonalData"] = {
    "type": "object",
    "description": "Everything held about the caller: the account, then for each kind of row "
    "that points at them, the rows (hashes of secrets left out). Keys may be added.",
    "required": ["format", "generated_at", "account", "memberships", "revisions", "comments"],
    "properties": {
        "format": {"type": "string", "const": "consult-personal-data/1"},
        "generated_at": _TIME,
        "account": {"type": "object"},
        "memberships": _ROWS,
        "sessions": _ROWS,
        "api_tokens": _ROWS,
        "revisions": _ROWS,
        "comments": _ROWS,
        "suggestions": _ROWS,
        "signatures": {
            "type": "array",
            "description": "Each with its consent_records",
            "items": {"type": "object"},
        },
        "invitations_sent": _ROWS,
        "invitations_received": _ROWS,
        "audit_events": _ROWS,
    },
    "additionalProperties": _ROWS,
}
SCHEMAS["Erased"] = {
    "type": "object",
    "required": ["id", "status"],
    "properties": {"id": {"type": "integer"}, "status": {"type": "string", "const": "erased"}},
}
PATHS["/api/v1/me"]["delete"] = _operation(
    "delete_me",
    "Erase the caller's account: personal fields blanked, signatures withdrawn, sessions and "
    "tokens ended; authored text stays, attributed to 'Former member'",
    {
        "200": _json(_ref("Erased"), "Erased"),
        "409": _error(
            "The caller is the last owner of an organisation with other members: make another "
            "member an owner first (code last_owner)"
        ),
        "422": _error("confirm is not the account's e-mail address, or the password is wrong"),
    },
    body={
        "type": "object",
        "required": ["confirm"],
        "properties": {
            "confirm": {
                "type": "string",
                "format": "email",
                "description": "The account's e-mail address, typed to confirm",
            },
            "password": {
                "type": "string",
                "description": "Optional: checked too when sent",
            },
        },
    },
)
PATHS["/api/v1/me/data"] = {
    "get": _operation(
        "my_data",
        "Download everything held about the caller (the account page's 'Download my data')",
        {"200": _json(_ref("PersonalData"), "OK")},
    )
}


TAGS = [
    {"name": "Health", "description": "Is the service up; this document"},
    {"name": "Accounts and organisations", "description": "The caller, organisations, invitations"},
    {"name": "Consultations", "description": "What can be answered: consultations and questions"},
    {
        "name": "Drafting",
        "description": "Responses, sections, saving with merge and conflicts, history, "
        "restore, preview and presence",
    },
    {
        "name": "Versions and signing",
        "description": "Frozen, fingerprinted versions; opening and closing signing; member, "
        "organisational and public signatures (double opt-in); withdrawal; verification",
    },
    {
        "name": "Exports",
        "description": "Submission-ready files (PDF, Word, ODT, Markdown) made by background "
        "jobs: ask, poll, download",
    },
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
                    "description": "A personal API token from the account page or the CLI. "
                    "Two-factor authentication does not apply to tokens: each works until "
                    "revoked",
                }
            },
            "schemas": SCHEMAS,
        },
        "paths": PATHS,
    }
