"""GET /api/v1/me and the organisation endpoints: shapes, validation and who sees what."""

from __future__ import annotations

import io
import json

import pytest

from consult.organisations.models import Membership, Organisation
from tests.api.helpers import assert_documented, assert_error


def test_me_describes_the_caller_and_their_organisations(client, team, bearer):
    response = client.get("/api/v1/me", headers=bearer("coordinator"))

    assert response.status_code == 200
    assert response.get_json() == {
        "id": team.coordinator.id,
        "email": team.coordinator.email,
        "name": "Cora Coordinator",
        "organisations": [
            {"slug": "northtown-residents", "name": "Northtown Residents", "role": "coordinator"}
        ],
    }
    assert_documented(response, "/api/v1/me", "get")


def test_me_lists_every_organisation_with_its_own_role(client, team, bearer):
    client.post("/api/v1/organisations", json={"name": "A Later Group"}, headers=bearer("member"))

    organisations = client.get("/api/v1/me", headers=bearer("member")).get_json()["organisations"]

    assert {(o["name"], o["role"]) for o in organisations} == {
        ("Northtown Residents", "member"),
        ("A Later Group", "owner"),
    }


def test_creating_an_organisation_makes_the_caller_its_owner(client, team, bearer, db):
    response = client.post(
        "/api/v1/organisations", json={"name": "  Friends of the Park  "}, headers=bearer("editor")
    )

    assert response.status_code == 201
    assert response.get_json() == {
        "slug": "friends-of-the-park",
        "name": "Friends of the Park",
        "role": "owner",
    }
    assert_documented(response, "/api/v1/organisations", "post")
    organisation = db.session.scalar(
        db.select(Organisation).where(Organisation.slug == "friends-of-the-park")
    )
    membership = db.session.scalar(
        db.select(Membership).where(Membership.organisation_id == organisation.id)
    )
    assert (membership.user_id, membership.role) == (team.editor.id, "owner")


def test_a_second_organisation_with_the_same_name_gets_its_own_slug(client, bearer):
    first = client.post(
        "/api/v1/organisations", json={"name": "Clean Air"}, headers=bearer("owner")
    )
    second = client.post(
        "/api/v1/organisations", json={"name": "Clean Air"}, headers=bearer("outsider")
    )

    assert first.get_json()["slug"] == "clean-air"
    assert second.get_json()["slug"] == "clean-air-2"


def test_a_name_in_another_script_still_gets_a_slug(client, bearer):
    response = client.post(
        "/api/v1/organisations", json={"name": "Гражданин"}, headers=bearer("owner")
    )

    assert response.status_code == 201
    assert response.get_json()["name"] == "Гражданин"
    assert response.get_json()["slug"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "name"),
        ({"name": None}, "name"),
        ({"name": ""}, "name"),
        ({"name": "   "}, "name"),
        ({"name": 42}, "name"),
        ({"name": ["a list"]}, "name"),
        ({"name": {"nested": "object"}}, "name"),
        ({"name": True}, "name"),
        ({"name": "x" * 161}, "name"),
        ({"name": "Null\x00byte"}, "name"),
        ({"name": "Bell\x07"}, "name"),
        ({"name": "Escape \x1b[31m red"}, "name"),
    ],
)
def test_invalid_names_are_422_with_the_field(client, bearer, body, field):
    response = client.post("/api/v1/organisations", json=body, headers=bearer("owner"))

    error = assert_error(response, 422, "invalid")
    assert set(error["fields"]) == {field}
    assert_documented(response, "/api/v1/organisations", "post")


def test_a_lone_surrogate_is_422_not_a_database_error(client, bearer):
    response = client.post(
        "/api/v1/organisations",
        data='{"name": "Broken \\ud800 text"}',
        content_type="application/json",
        headers=bearer("owner"),
    )

    assert_error(response, 422, "invalid")


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        ('{"name": "Form-encoded"}', "application/x-www-form-urlencoded"),
        ("name=Form+encoded", "application/x-www-form-urlencoded"),
        ('{"name": "No type"}', None),
        ('{"name": "Not closed"', "application/json"),
        ("", "application/json"),
        ('["a", "list"]', "application/json"),
        ('"a string"', "application/json"),
        ("null", "application/json"),
        ("42", "application/json"),
        (b'{"name": "\xff\xfe not UTF-8"}', "application/json"),
        ("[" * 50_000 + "]" * 50_000, "application/json"),
    ],
)
def test_a_body_that_is_not_a_json_object_is_400(client, bearer, data, content_type):
    response = client.post(
        "/api/v1/organisations", data=data, content_type=content_type, headers=bearer("owner")
    )

    assert_error(response, 400, "bad_request")
    assert_documented(response, "/api/v1/organisations", "post")


def test_a_one_megabyte_body_is_413(client, bearer):
    body = json.dumps({"name": "x" * (1024 * 1024)})

    response = client.post(
        "/api/v1/organisations", data=body, content_type="application/json", headers=bearer("owner")
    )

    assert_error(response, 413, "too_large")
    assert_documented(response, "/api/v1/organisations", "post")


def test_a_large_chunked_body_without_a_content_length_is_cut_off(client, bearer):
    """A server that terminates the stream (gunicorn does) may pass a body with no length:
    only the limit is read (Werkzeug stops there), so the truncated JSON is refused."""
    body = json.dumps({"name": "x" * (1024 * 1024)}).encode()

    response = client.post(
        "/api/v1/organisations",
        input_stream=io.BytesIO(body),
        content_type="application/json",
        headers={**bearer("owner"), "Transfer-Encoding": "chunked"},
        environ_overrides={"wsgi.input_terminated": True},
    )

    assert response.status_code in (400, 413)
    assert_error(response, response.status_code)


def test_the_organisation_list_shows_only_the_callers(client, bearer):
    response = client.get("/api/v1/organisations", headers=bearer("outsider"))

    assert response.status_code == 200
    assert response.get_json() == [{"slug": "rival-group", "name": "Rival Group", "role": "owner"}]
    assert_documented(response, "/api/v1/organisations", "get")


@pytest.mark.parametrize("role", ["owner", "coordinator", "editor", "member"])
def test_every_member_sees_the_organisation_and_its_members(client, team, bearer, role):
    response = client.get("/api/v1/organisations/northtown-residents", headers=bearer(role))

    assert response.status_code == 200
    body = response.get_json()
    assert body["role"] == role
    assert [m["role"] for m in body["members"]] == ["owner", "coordinator", "editor", "member"]
    assert "email" not in json.dumps(body)
    assert_documented(response, "/api/v1/organisations/{slug}", "get")


@pytest.mark.parametrize(
    "slug", ["rival-group", "no-such-group", "%00", "a%00b", "x" * 300, "UPPER", "caf%C3%A9"]
)
def test_a_foreign_or_unknown_organisation_is_404(client, bearer, slug):
    response = client.get(f"/api/v1/organisations/{slug}", headers=bearer("member"))

    assert_error(response, 404, "not_found")
    assert_documented(response, "/api/v1/organisations/{slug}", "get")
