"""Checks shared by the API tests: the error shape, and bodies against the OpenAPI document."""

from __future__ import annotations

import re
from functools import cache

from jsonschema import Draft202012Validator

from consult.api.openapi import openapi_document
from tests import factories
from tests.conftest import csrf_token_from

ISO_UTC = re.compile(r"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z$")


def assert_error(response, status: int, code: str | None = None) -> dict:
    """The response is the API's JSON error with this status (and code): never HTML."""
    assert response.status_code == status, response.get_data(as_text=True)[:500]
    assert response.mimetype == "application/json", response.get_data(as_text=True)[:200]
    body = response.get_json()
    assert isinstance(body, dict) and set(body) >= {"error"}, body
    error = body["error"]
    assert isinstance(error["code"], str) and re.fullmatch(r"[a-z_]+", error["code"]), error
    assert isinstance(error["message"], str) and error["message"], error
    if "fields" in error:
        assert isinstance(error["fields"], dict) and error["fields"], error
        assert all(isinstance(value, str) for value in error["fields"].values()), error
    if code is not None:
        assert error["code"] == code, error
    if status == 401:
        assert response.headers.get("WWW-Authenticate", "").startswith("Bearer"), response.headers
    return error


@cache
def _document() -> dict:
    return openapi_document()


def documented_schema(path: str, method: str, status: int) -> dict:
    """The JSON schema the OpenAPI document gives for this operation's response."""
    operation = _document()["paths"][path][method.lower()]
    response = operation["responses"].get(str(status))
    assert response is not None, f"{method} {path} does not document status {status}"
    return response["content"]["application/json"]["schema"]


def assert_documented(response, path: str, method: str) -> None:
    """The response's status is documented for the operation and its body fits the schema."""
    schema = documented_schema(path, method, response.status_code)
    # Resolve "#/components/..." references against a root that holds the components.
    root = {"components": _document()["components"], "allOf": [schema]}
    errors = sorted(Draft202012Validator(root).iter_errors(response.get_json()), key=str)
    assert not errors, f"{method} {path} {response.status_code}: {errors[0].message}"


def log_in_with_csrf(client, user) -> str:
    """Log in through the real form with CSRF on; returns a CSRF token for the new session."""
    token = csrf_token_from(client.get("/login").get_data(as_text=True))
    response = client.post(
        "/login",
        data={"email": user.email, "password": factories.PASSWORD, "csrf_token": token},
    )
    assert response.status_code == 302
    # Logging in starts a fresh session, so take the token from a page of the new one.
    return csrf_token_from(client.get("/account").get_data(as_text=True))
