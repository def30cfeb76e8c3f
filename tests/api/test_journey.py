"""The whole journey a coordinator takes, with the API where the API can do it: sign up and
confirm (pages and e-mail, as the API has no sign-up), get a token (account page, or the CLI),
create an organisation, invite a colleague, and the colleague accepts."""

from __future__ import annotations

import re

import pytest

from tests import factories
from tests.api.helpers import assert_documented
from tests.conftest import csrf_token_from

PASSWORD = "a long enough password"


def _sign_up_and_confirm(client, email: str, name: str) -> None:
    page = client.get("/signup").get_data(as_text=True)
    response = client.post(
        "/signup",
        data={
            "name": name,
            "email": email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(page),
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:500]

    confirm_path = factories.link_in_last_email(email, "/confirm/")
    page = client.get(confirm_path).get_data(as_text=True)
    response = client.post(confirm_path, data={"csrf_token": csrf_token_from(page)})
    assert response.status_code == 302


def _log_in(client, email: str) -> None:
    page = client.get("/login").get_data(as_text=True)
    response = client.post(
        "/login", data={"email": email, "password": PASSWORD, "csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/")


def _token_from_account_page(client) -> str:
    page = client.get("/account").get_data(as_text=True)
    response = client.post(
        "/account/tokens", data={"name": "Campaign website", "csrf_token": csrf_token_from(page)}
    )
    assert response.status_code == 200
    match = re.search(r'value="(cst_[^"]+)"', response.get_data(as_text=True))
    assert match, "the new token is not shown"
    return match.group(1)


@pytest.mark.usefixtures("csrf_on")
def test_sign_up_confirm_create_invite_accept_through_the_api(app, client_factory):
    coordinator_browser = client_factory()
    api = client_factory()  # an integrator's script: no cookies, only the token

    _sign_up_and_confirm(coordinator_browser, "rosa@example.org", "Rosa Park")
    _log_in(coordinator_browser, "rosa@example.org")
    rosa = {"Authorization": f"Bearer {_token_from_account_page(coordinator_browser)}"}

    me = api.get("/api/v1/me", headers=rosa)
    assert me.get_json()["email"] == "rosa@example.org"
    assert me.get_json()["organisations"] == []

    created = api.post("/api/v1/organisations", json={"name": "Tenants Together"}, headers=rosa)
    assert created.status_code == 201
    assert created.get_json() == {
        "slug": "tenants-together",
        "name": "Tenants Together",
        "role": "owner",
    }

    invited = api.post(
        "/api/v1/organisations/tenants-together/invitations",
        json={"email": "Sam@Example.org", "role": "editor"},
        headers=rosa,
    )
    assert invited.status_code == 201
    assert_documented(invited, "/api/v1/organisations/{slug}/invitations", "post")

    # Sam signs up in their own browser, confirms, and takes a token from the CLI.
    sam_browser = client_factory()
    _sign_up_and_confirm(sam_browser, "sam@example.org", "Sam Lee")
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--email", "sam@example.org"])
    assert result.exit_code == 0, result.output
    sam = {"Authorization": f"Bearer {result.stdout.strip()}"}

    # The link in Sam's e-mail carries the invitation token.
    (invitation_email,) = [
        message
        for message in factories.emails_to("sam@example.org")
        if "invited" in message.subject
    ]
    invitation_token = re.search(r"/invitations/([\w-]+)", invitation_email.body).group(1)
    assert invitation_token == invited.get_json()["token"]

    accepted = api.post(f"/api/v1/invitations/{invitation_token}/accept", headers=sam)
    assert accepted.status_code == 200
    assert accepted.get_json() == {
        "organisation": {"slug": "tenants-together", "name": "Tenants Together"},
        "role": "editor",
    }

    assert api.get("/api/v1/me", headers=sam).get_json()["organisations"] == [
        {"slug": "tenants-together", "name": "Tenants Together", "role": "editor"}
    ]
    members = api.get("/api/v1/organisations/tenants-together", headers=rosa).get_json()["members"]
    assert [(m["name"], m["role"]) for m in members] == [
        ("Rosa Park", "owner"),
        ("Sam Lee", "editor"),
    ]
    # The invitation is spent.
    again = api.post(f"/api/v1/invitations/{invitation_token}/accept", headers=sam)
    assert again.status_code == 409


@pytest.mark.usefixtures("csrf_on")
def test_a_browser_session_can_use_the_api_with_its_csrf_token(client):
    """The journey's API steps from a logged-in page's own JavaScript: cookie plus X-CSRFToken."""
    _sign_up_and_confirm(client, "kim@example.org", "Kim Doe")
    _log_in(client, "kim@example.org")
    csrf_token = csrf_token_from(client.get("/account").get_data(as_text=True))

    created = client.post(
        "/api/v1/organisations", json={"name": "Kim's Group"}, headers={"X-CSRFToken": csrf_token}
    )

    assert created.status_code == 201
    assert client.get("/api/v1/me").get_json()["organisations"][0]["role"] == "owner"
