"""Everything under /api/ answers in JSON, whatever goes wrong: never HTML, never a 500."""

from __future__ import annotations

import pytest

from tests.api.helpers import assert_error


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/nothing-here",
        "/api/v1/",
        "/api/v1",
        "/api/",
        "/api/v2/me",
        "/api/v1/organisations/northtown-residents/nothing",
        "/api/v1/me/",
    ],
)
@pytest.mark.parametrize("authenticated", [False, True])
def test_unknown_api_paths_are_404_in_json(client, bearer, path, authenticated):
    headers = bearer("member") if authenticated else {}

    response = client.get(path, headers=headers)

    assert_error(response, 404, "not_found")


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("DELETE", "/api/v1/organisations"),
        ("PUT", "/api/v1/organisations"),
        ("POST", "/api/v1/me"),
        ("PATCH", "/api/v1/me"),
        ("GET", "/api/v1/organisations/northtown-residents/invitations"),
        ("GET", "/api/v1/invitations/some-token/accept"),
        ("POST", "/api/v1/openapi.json"),
        ("POST", "/healthz"),
    ],
)
@pytest.mark.parametrize("authenticated", [False, True])
def test_a_wrong_method_is_405_in_json(client, bearer, method, path, authenticated):
    headers = bearer("owner") if authenticated else {}

    response = client.open(path, method=method, headers=headers, json={})

    assert_error(response, 405, "method_not_allowed")


def test_a_405_says_which_methods_are_allowed(client):
    response = client.delete("/api/v1/organisations")

    assert set(response.headers.get("Allow", "").replace(" ", "").split(",")) >= {"GET", "POST"}


def test_an_unexpected_failure_is_a_json_500_without_details(client, bearer, monkeypatch):
    from consult.organisations import services

    def explode(*_args, **_kwargs):
        raise RuntimeError("secret internal detail")

    monkeypatch.setattr(services, "memberships_of", explode)

    response = client.get("/api/v1/me", headers=bearer("owner"))

    error = assert_error(response, 500, "server_error")
    assert "secret" not in response.get_data(as_text=True)
    assert error["message"]


def test_api_responses_are_not_cached(client, bearer):
    response = client.get("/api/v1/me", headers=bearer("owner"))

    assert response.headers["Cache-Control"] == "no-store"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


UNREADABLE_JSON = {
    "nested 100,000 deep": (b"[" * 100_000, "nested more than 32 levels"),
    "nested 33 deep": (b'{"name": ' + b"[" * 33 + b"]" * 33 + b"}", "nested more than 32"),
    "a 5,000-digit number": (b'{"name": ' + b"9" * 5_000 + b"}", "longer than 100 digits"),
    "a 4,300-digit number": (b'{"name": ' + b"9" * 4_300 + b"}", "longer than 100 digits"),
    "NaN": (b'{"name": NaN}', "NaN is not a number"),
    "a number beyond floating point": (b'{"name": 1e400}', "a number in it is too large"),
    "not UTF-8": (b'{"name": "\xff"}', "not valid UTF-8"),
    "truncated": (b'{"name": ', "could not be read"),
}


@pytest.mark.parametrize(("body", "message"), UNREADABLE_JSON.values(), ids=UNREADABLE_JSON.keys())
@pytest.mark.parametrize(
    "path", ["/api/v1/organisations", "/api/v1/preview", "/api/v1/signatures/confirm"]
)
def test_json_that_cannot_be_read_is_a_400_that_says_why(client, bearer, path, body, message):
    response = client.post(
        path, data=body, content_type="application/json", headers=bearer("owner")
    )

    assert message in assert_error(response, 400)["message"]
