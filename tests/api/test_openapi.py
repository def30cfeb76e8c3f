"""The OpenAPI document is valid OpenAPI 3.1 and tells the truth about the URL map."""

from __future__ import annotations

import re

from openapi_spec_validator import OpenAPIV31SpecValidator, validate

from consult.security import PUBLIC_ENDPOINTS

HTTP_METHODS = {"get", "put", "post", "delete", "patch"}


def _document(client) -> dict:
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    assert response.mimetype == "application/json"
    return response.get_json()


def _openapi_path(rule) -> str:
    """/api/v1/organisations/<slug> -> /api/v1/organisations/{slug} (any converter)."""
    return re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)


def _routes(app) -> dict[str, dict[str, str]]:
    """{path: {method: endpoint}} for the API blueprint and /healthz."""
    routes: dict[str, dict[str, str]] = {}
    for rule in app.url_map.iter_rules():
        if not (rule.endpoint.startswith("api.") or rule.rule == "/healthz"):
            continue
        methods = {m.lower() for m in rule.methods} & HTTP_METHODS
        routes.setdefault(_openapi_path(rule), {}).update(dict.fromkeys(methods, rule.endpoint))
    return routes


def test_the_document_is_public_and_valid_openapi_3_1(client):
    document = _document(client)

    assert document["openapi"].startswith("3.1")
    validate(document, cls=OpenAPIV31SpecValidator)  # raises on any error


def test_every_route_is_described_with_the_same_methods(app, client):
    described = {
        path: {method for method in operations if method in HTTP_METHODS}
        for path, operations in _document(client)["paths"].items()
    }
    routes = _routes(app)

    assert {path: set(methods) for path, methods in routes.items()} == described
    assert "/healthz" in described and "/api/v1/openapi.json" in described


def test_operation_ids_name_the_view_that_serves_them(app, client):
    """An operation moved to another view (or path) cannot keep a stale description."""
    document = _document(client)
    for path, methods in _routes(app).items():
        for method, endpoint in methods.items():
            operation = document["paths"][path][method]
            assert operation["operationId"] == endpoint.rsplit(".", 1)[-1], (path, method)


def test_path_parameters_match_the_route(client):
    for path, operations in _document(client)["paths"].items():
        in_path = set(re.findall(r"\{([^}]+)\}", path))
        for method, operation in operations.items():
            declared = {p["name"] for p in operation.get("parameters", []) if p["in"] == "path"}
            assert declared == in_path, (method, path)


def test_public_operations_are_exactly_the_public_endpoints(app, client):
    document = _document(client)
    for path, methods in _routes(app).items():
        for method, endpoint in methods.items():
            operation = document["paths"][path][method]
            public = operation.get("security") == []
            assert public == (endpoint in PUBLIC_ENDPOINTS), (method, path)
            if not public:
                assert "401" in operation["responses"], (method, path)


def test_every_error_response_uses_the_error_schema(client):
    document = _document(client)
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            for status, response in operation["responses"].items():
                if int(status) >= 400 and path != "/healthz":
                    schema = response["content"]["application/json"]["schema"]
                    assert schema == {"$ref": "#/components/schemas/Error"}, (method, path, status)


def test_operations_with_a_body_document_400_413_and_422(client):
    for path, operations in _document(client)["paths"].items():
        for method, operation in operations.items():
            if "requestBody" in operation:
                assert {"400", "413", "422"} <= set(operation["responses"]), (method, path)
            if method in {"post", "put", "patch", "delete"}:
                # Any state change may carry a body, and the API refuses big ones first.
                assert "413" in operation["responses"], (method, path)


def test_api_operations_document_the_rate_limit(client):
    for path, operations in _document(client)["paths"].items():
        if path.startswith("/api/"):
            for method, operation in operations.items():
                assert "429" in operation["responses"], (method, path)


def test_the_contract_field_names_are_in_the_schemas(client):
    """The field names API.md fixes for the endpoints that exist so far."""
    schemas = _document(client)["components"]["schemas"]

    def required(name: str) -> set[str]:
        return set(schemas[name]["required"])

    assert required("Me") == {"id", "email", "name", "organisations"}
    assert required("OrganisationMembership") == {"slug", "name", "role"}
    assert required("Invitation") == {"id", "token", "email", "role", "expires_at"}
    assert required("AcceptedInvitation") == {"organisation", "role"}
    assert set(schemas["AcceptedInvitation"]["properties"]["organisation"]["required"]) == {
        "slug",
        "name",
    }
    assert required("Health") == {"status", "database"}
    assert set(schemas["Error"]["properties"]["error"]["required"]) == {"code", "message"}


def test_the_drafting_contract_field_names_are_in_the_schemas(client):
    """API.md's fixed field names for consultations and drafting, as required properties."""
    schemas = _document(client)["components"]["schemas"]

    def required(name: str) -> set[str]:
        return set(schemas[name]["required"])

    def required_all(name: str) -> set[str]:
        """Required properties of a schema made with allOf (following the $refs)."""
        schema = schemas[name]
        names = set(schema.get("required", []))
        for part in schema.get("allOf", []):
            if "$ref" in part:
                names |= required_all(part["$ref"].rsplit("/", 1)[-1])
            else:
                names |= set(part.get("required", []))
        return names

    assert required("Consultation") >= {
        "id",
        "slug",
        "title",
        "publisher",
        "closes_at",
        "questions",
    }
    assert required("Question") >= {"number", "text", "kind", "options"}
    assert schemas["Question"]["properties"]["kind"]["enum"] == ["scale", "open"]
    assert required("Response") >= {
        "id", "title", "organisation", "consultation", "status", "sections", "word_count"
    }  # fmt: skip
    assert required("Section") >= {
        "id", "kind", "number", "title", "body", "choice", "head_revision", "word_count"
    }  # fmt: skip
    # A response to a bill has clause sections and amendments (API.md, "Bills, prints and
    # amendments") besides the kinds a consultation response has.
    assert set(schemas["Section"]["properties"]["kind"]["enum"]) == {
        "summary", "about", "question", "recommendations", "custom", "clause", "amendment"
    }  # fmt: skip
    assert required("ResponseSummary") >= {"id", "title", "consultation", "status", "word_count"}
    assert required_all("SavedSection") >= {"head_revision", "merged", "body"}
    assert required("EditConflict") >= {
        "base_revision", "their_revision", "your_revision", "base", "theirs", "yours"
    }  # fmt: skip
    assert required("RevisionSummary") >= {
        "id", "number", "kind", "author", "created_at", "word_count", "parent"
    }  # fmt: skip
    assert set(schemas["RevisionSummary"]["properties"]["kind"]["enum"]) == {
        "edit", "merge", "conflict", "restore"
    }  # fmt: skip
    assert required_all("Revision") >= {"id", "body", "choice"}
    assert required("RevisionDiff") >= {"diff", "ops"}
    assert required_all("RestoredSection") >= {"head_revision", "body", "kind"}
    assert required("Html") == {"html"}


def test_the_bills_contract_field_names_are_in_the_schemas(client):
    """API.md's fixed field names for bills, prints and amendments, as required properties."""
    schemas = _document(client)["components"]["schemas"]

    def required(name: str) -> set[str]:
        return set(schemas[name]["required"])

    assert required("CreatedBill") >= {"id", "slug", "title", "prints", "problems"}
    assert required("PrintSummary") >= {"id", "label", "pages", "clauses"}
    assert required("PrintDetail") >= {"id", "label", "pages", "clauses", "remap"}
    assert required("RemapEntry") >= {"amendment", "from", "to", "status"}
    assert set(schemas["RemapEntry"]["properties"]["status"]["enum"]) == {
        "unchanged", "moved", "needs_attention"
    }  # fmt: skip
    assert required("Bill") >= {"id", "slug", "title", "stage", "stages", "prints"}
    assert required("Clause") >= {"number", "heading", "start", "end"}
    assert required("Line") >= {"page", "line", "text", "clause"}
    assert required("Amendment") >= {
        "id", "number", "kind", "house_style", "explanatory_statement", "head_revision"
    }  # fmt: skip
    assert set(schemas["NewAmendment"]["properties"]["kind"]["enum"]) == {
        "leave_out", "leave_out_insert", "insert", "stand_part", "new_clause", "new_schedule"
    }  # fmt: skip
    assert required("Section") >= {"clause", "position"}
    assert set(schemas["Section"]["properties"]["position"]["anyOf"][0]["enum"]) == {
        "support", "oppose", "amend", "concerns", "no_view"
    }  # fmt: skip
    assert required("Response") >= {"consultation", "bill"}
    assert required("BillRef") >= {"id", "slug", "title"}
    document = _document(client)
    upload = document["paths"]["/api/v1/organisations/{slug}/bills"]["post"]["requestBody"]
    form = upload["content"]["multipart/form-data"]["schema"]
    assert form == {"$ref": "#/components/schemas/NewBill"}
    assert schemas["NewBill"]["properties"]["file"]["format"] == "binary"
    assert {"413", "422"} <= set(
        document["paths"]["/api/v1/bills/{bill_id}/prints"]["post"]["responses"]
    )
