"""Who is calling: bearer tokens judged alone, browser sessions with CSRF, 401s in JSON."""

from __future__ import annotations

import pytest

from consult.accounts import services as accounts
from consult.accounts.models import ApiToken
from consult.extensions import db
from tests.api.helpers import assert_documented, assert_error, log_in_with_csrf


def test_no_token_is_401_with_the_error_shape_and_www_authenticate(client):
    response = client.get("/api/v1/me")

    error = assert_error(response, 401, "unauthorised")
    assert "Bearer" in response.headers["WWW-Authenticate"]
    assert error["message"]


@pytest.mark.parametrize(
    "header",
    [
        "Basic dXNlcjpwYXNz",
        "Token cst_abc",
        "Bearer",
        "Bearer    ",
        "cst_no_scheme_at_all",
    ],
)
def test_a_wrong_scheme_or_empty_token_is_401(client, header):
    response = client.get("/api/v1/me", headers={"Authorization": header})

    assert_error(response, 401, "unauthorised")
    assert_documented(response, "/api/v1/me", "get")


@pytest.mark.parametrize(
    "token",
    ["cst_" + "x" * 43, "not-even-our-prefix", "cst_" + "y" * 500, "cst_\u00e9\u2603"],
)
def test_an_unknown_token_is_401(client, token):
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})

    assert_error(response, 401, "unauthorised")


def test_a_revoked_token_is_401(client, team, api_token):
    headers = api_token(team.member)
    assert client.get("/api/v1/me", headers=headers).status_code == 200
    token = db.session.scalars(db.select(ApiToken).where(ApiToken.user_id == team.member.id)).one()

    accounts.revoke_api_token(team.member, token)
    db.session.commit()

    assert_error(client.get("/api/v1/me", headers=headers), 401, "unauthorised")


def test_the_scheme_is_case_insensitive_and_use_is_recorded(client, team, api_token):
    token = api_token(team.editor)["Authorization"].split(" ", 1)[1]

    response = client.get("/api/v1/me", headers={"Authorization": f"bearer {token}"})

    assert response.status_code == 200
    api_token_row = db.session.scalars(
        db.select(ApiToken).where(ApiToken.user_id == team.editor.id)
    ).one()
    db.session.refresh(api_token_row)
    assert api_token_row.last_used_at is not None


def test_a_bad_token_is_not_rescued_by_a_valid_session(client, team, login_as):
    login_as(team.owner)

    response = client.get("/api/v1/me", headers={"Authorization": "Bearer cst_wrong"})

    assert_error(response, 401)


def test_a_session_can_read_the_api_without_a_token(client, team, login_as):
    login_as(team.editor)

    response = client.get("/api/v1/me")

    assert response.status_code == 200
    assert response.get_json()["email"] == team.editor.email


def test_a_session_can_post_when_csrf_is_off(client, team, login_as):
    """Tests switch CSRF off: the API must then behave like the forms, not demand a token."""
    login_as(team.editor)

    response = client.post("/api/v1/organisations", json={"name": "Session Group"})

    assert response.status_code == 201


@pytest.mark.usefixtures("csrf_on")
def test_a_session_post_needs_a_csrf_token(client, team):
    csrf_token = log_in_with_csrf(client, team.owner)

    refused = client.post("/api/v1/organisations", json={"name": "No Token Group"})
    wrong = client.post(
        "/api/v1/organisations",
        json={"name": "Wrong Token Group"},
        headers={"X-CSRFToken": "not-the-token"},
    )
    accepted = client.post(
        "/api/v1/organisations",
        json={"name": "Token Group"},
        headers={"X-CSRFToken": csrf_token},
    )

    assert_error(refused, 400, "csrf_failed")
    assert_error(wrong, 400, "csrf_failed")
    assert accepted.status_code == 201, accepted.get_json()
    names = [org["name"] for org in client.get("/api/v1/me").get_json()["organisations"]]
    assert "No Token Group" not in names and "Token Group" in names


@pytest.mark.usefixtures("csrf_on")
def test_a_session_get_needs_no_csrf_token(client, team):
    log_in_with_csrf(client, team.member)

    assert client.get("/api/v1/me").status_code == 200


@pytest.mark.usefixtures("csrf_on")
def test_a_bearer_post_needs_no_csrf_token(client, team, api_token):
    response = client.post(
        "/api/v1/organisations", json={"name": "Bearer Group"}, headers=api_token(team.member)
    )

    assert response.status_code == 201


@pytest.mark.usefixtures("csrf_on")
def test_a_bearer_post_needs_no_csrf_token_even_beside_a_session_cookie(client, team, api_token):
    log_in_with_csrf(client, team.member)

    response = client.post(
        "/api/v1/organisations", json={"name": "Bearer Group"}, headers=api_token(team.member)
    )

    assert response.status_code == 201


def test_every_api_operation_but_the_public_ones_needs_a_caller(app, client):
    """Walk the URL map, so a new endpoint cannot forget to authenticate. The public ones are
    those of the allow-list (consult/security.py), which the OpenAPI document marks too."""
    from consult.security import PUBLIC_ENDPOINTS

    public = {endpoint for endpoint in PUBLIC_ENDPOINTS if endpoint.startswith("api.")}
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("api.") or rule.endpoint in public:
            continue
        path = rule.rule
        for argument in rule.arguments:
            path = path.replace(f"<{argument}>", "1").replace(f"<int:{argument}>", "1")
            path = path.replace(f"<string:{argument}>", "x")
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            response = client.open(path, method=method, json={})
            assert_error(response, 401)
            checked += 1
    assert checked >= 6
