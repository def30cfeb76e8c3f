"""Inviting people through the API and accepting invitations."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from consult.organisations import services as organisations
from consult.organisations.models import Invitation, Membership
from consult.timeutil import utcnow
from tests import factories
from tests.api.helpers import ISO_UTC, assert_documented, assert_error

INVITE = "/api/v1/organisations/northtown-residents/invitations"
INVITE_DOC = "/api/v1/organisations/{slug}/invitations"
ACCEPT_DOC = "/api/v1/invitations/{token}/accept"


def _invite(client, headers, email="new.person@example.org", role="editor"):
    return client.post(INVITE, json={"email": email, "role": role}, headers=headers)


@pytest.mark.parametrize(
    ("inviter", "role"),
    [
        ("owner", "owner"),
        ("owner", "coordinator"),
        ("owner", "member"),
        ("coordinator", "coordinator"),
        ("coordinator", "editor"),
        ("coordinator", "member"),
    ],
)
def test_owners_and_coordinators_invite(client, bearer, db, inviter, role):
    before = utcnow()

    response = _invite(client, bearer(inviter), role=role)

    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert set(body) >= {"id", "token", "email", "role", "expires_at"}
    assert isinstance(body["id"], int)
    assert body["email"] == "new.person@example.org"
    assert body["role"] == role
    assert len(body["token"]) >= 32
    assert ISO_UTC.match(body["expires_at"]), body["expires_at"]
    expires = datetime.fromisoformat(body["expires_at"].removesuffix("Z"))
    assert timedelta(days=6) < expires - before <= timedelta(days=7, seconds=5)
    assert_documented(response, INVITE_DOC, "post")
    invitation = db.session.get(Invitation, body["id"])
    assert invitation.token_hash != body["token"]  # only the hash is stored


def test_an_invitation_is_e_mailed_with_its_link(client, bearer):
    body = _invite(client, bearer("owner"), email="Mixed.Case@Example.org").get_json()

    messages = factories.emails_to("mixed.case@example.org")
    assert body["email"] == "mixed.case@example.org"
    assert len(messages) == 1
    assert "Northtown Residents" in messages[0].subject
    assert f"/invitations/{body['token']}" in messages[0].body


def test_the_role_defaults_to_member(client, bearer):
    response = client.post(INVITE, json={"email": "x@example.org"}, headers=bearer("owner"))

    assert response.get_json()["role"] == "member"


@pytest.mark.parametrize("role", ["editor", "member"])
def test_editors_and_members_cannot_invite(client, bearer, role):
    response = _invite(client, bearer(role))

    assert_error(response, 403, "forbidden")
    assert_documented(response, INVITE_DOC, "post")
    assert factories.emails_to("new.person@example.org") == []


def test_an_outsider_gets_404_not_a_hint(client, bearer):
    response = _invite(client, bearer("outsider"))

    assert_error(response, 404, "not_found")
    assert_documented(response, INVITE_DOC, "post")


def test_an_unknown_organisation_is_404(client, bearer):
    response = client.post(
        "/api/v1/organisations/nobody/invitations",
        json={"email": "a@example.org"},
        headers=bearer("owner"),
    )

    assert_error(response, 404, "not_found")


def test_a_coordinator_cannot_invite_an_owner(client, bearer):
    response = _invite(client, bearer("coordinator"), role="owner")

    assert_error(response, 403, "forbidden")
    assert factories.emails_to("new.person@example.org") == []


@pytest.mark.parametrize("who", ["member", "owner"])
def test_inviting_an_existing_member_is_409(client, team, bearer, who):
    response = _invite(
        client, bearer("coordinator"), email=team.user(who).email.upper(), role="member"
    )

    assert_error(response, 409, "already_member")
    assert_documented(response, INVITE_DOC, "post")


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "email"),
        ({"email": ""}, "email"),
        ({"email": "not an address"}, "email"),
        ({"email": "two@@example.org"}, "email"),
        ({"email": 12}, "email"),
        ({"email": ["a@example.org"]}, "email"),
        ({"email": "a" * 250 + "@example.org"}, "email"),
        ({"email": "nul\x00@example.org"}, "email"),
        ({"email": "a@example.org", "role": "admin"}, "role"),
        ({"email": "a@example.org", "role": None}, "role"),
        ({"email": "a@example.org", "role": 1}, "role"),
        ({"email": "a@example.org", "role": ["owner"]}, "role"),
        ({"email": "a@example.org", "role": {"owner": True}}, "role"),
    ],
)
def test_invalid_invitations_are_422_with_the_field(client, bearer, body, field):
    response = client.post(INVITE, json=body, headers=bearer("owner"))

    error = assert_error(response, 422, "invalid")
    assert set(error["fields"]) == {field}
    assert_documented(response, INVITE_DOC, "post")


def test_a_new_invitation_replaces_the_pending_one(client, bearer):
    first = _invite(client, bearer("owner")).get_json()
    second = _invite(client, bearer("owner")).get_json()
    invitee = factories.make_user(email="new.person@example.org")
    headers = _headers_for(invitee)

    assert_error(client.post(f"/api/v1/invitations/{first['token']}/accept", headers=headers), 409)
    assert (
        client.post(f"/api/v1/invitations/{second['token']}/accept", headers=headers).status_code
        == 200
    )


# --- accepting ------------------------------------------------------------------------------


def _headers_for(user) -> dict[str, str]:
    from consult.accounts.services import create_api_token
    from consult.extensions import db

    _row, token = create_api_token(user, "tests")
    db.session.commit()
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
def invitee():
    return factories.make_user(email="new.person@example.org", name="Nina New")


def test_the_invited_person_accepts(client, team, bearer, invitee, db):
    token = _invite(client, bearer("owner"), role="editor").get_json()["token"]
    headers = _headers_for(invitee)

    response = client.post(f"/api/v1/invitations/{token}/accept", headers=headers)

    assert response.status_code == 200
    assert response.get_json() == {
        "organisation": {"slug": "northtown-residents", "name": "Northtown Residents"},
        "role": "editor",
    }
    assert_documented(response, ACCEPT_DOC, "post")
    me = client.get("/api/v1/me", headers=headers).get_json()
    assert me["organisations"] == [
        {"slug": "northtown-residents", "name": "Northtown Residents", "role": "editor"}
    ]
    # and now they can see the organisation they could not see before
    assert (
        client.get("/api/v1/organisations/northtown-residents", headers=headers).status_code == 200
    )


def test_accepting_is_case_insensitive_about_the_address(client, bearer):
    token = _invite(client, bearer("owner"), email="Upper.Case@Example.ORG").get_json()["token"]
    user = factories.make_user(email="upper.case@example.org")

    response = client.post(f"/api/v1/invitations/{token}/accept", headers=_headers_for(user))

    assert response.status_code == 200


def test_someone_else_cannot_accept_and_the_invitation_survives(client, team, bearer, invitee, db):
    token = _invite(client, bearer("owner")).get_json()["token"]

    refused = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer("outsider"))

    assert_error(refused, 403, "wrong_invitee")
    assert_documented(refused, ACCEPT_DOC, "post")
    assert (
        db.session.scalar(
            db.select(Membership).where(
                Membership.user_id == team.outsider.id,
                Membership.organisation_id == team.organisation.id,
            )
        )
        is None
    )
    accepted = client.post(f"/api/v1/invitations/{token}/accept", headers=_headers_for(invitee))
    assert accepted.status_code == 200


def test_an_invitation_works_only_once(client, bearer, invitee):
    token = _invite(client, bearer("owner")).get_json()["token"]
    headers = _headers_for(invitee)
    assert client.post(f"/api/v1/invitations/{token}/accept", headers=headers).status_code == 200

    again = client.post(f"/api/v1/invitations/{token}/accept", headers=headers)

    assert_error(again, 409, "invitation_closed")
    assert_documented(again, ACCEPT_DOC, "post")


def test_a_revoked_invitation_is_409(client, team, bearer, invitee, db):
    body = _invite(client, bearer("owner")).get_json()
    actor = db.session.scalar(db.select(Membership).where(Membership.user_id == team.owner.id))
    organisations.revoke_invitation(actor, db.session.get(Invitation, body["id"]))
    db.session.commit()

    response = client.post(
        f"/api/v1/invitations/{body['token']}/accept", headers=_headers_for(invitee)
    )

    assert_error(response, 409, "invitation_closed")


def test_a_declined_invitation_is_409(client, bearer, invitee, db):
    body = _invite(client, bearer("owner")).get_json()
    organisations.decline_invitation(db.session.get(Invitation, body["id"]))
    db.session.commit()

    response = client.post(
        f"/api/v1/invitations/{body['token']}/accept", headers=_headers_for(invitee)
    )

    assert_error(response, 409, "invitation_closed")


def test_an_expired_invitation_is_409(client, bearer, invitee, db):
    body = _invite(client, bearer("owner")).get_json()
    db.session.get(Invitation, body["id"]).expires_at = utcnow() - timedelta(seconds=1)
    db.session.commit()

    response = client.post(
        f"/api/v1/invitations/{body['token']}/accept", headers=_headers_for(invitee)
    )

    error = assert_error(response, 409, "invitation_closed")
    assert "expired" in error["message"]


@pytest.mark.parametrize("token", ["unknown", "x" * 43, "y" * 300, "%00", "caf%C3%A9"])
def test_an_unknown_invitation_is_404(client, bearer, token):
    response = client.post(f"/api/v1/invitations/{token}/accept", headers=bearer("member"))

    assert_error(response, 404, "not_found")
    assert_documented(response, ACCEPT_DOC, "post")


def test_accepting_needs_a_caller(client, bearer):
    token = _invite(client, bearer("owner")).get_json()["token"]

    response = client.post(f"/api/v1/invitations/{token}/accept")

    assert_error(response, 401, "unauthorised")


def test_invitations_are_rate_limited_in_json(client, bearer):
    statuses = [
        client.post(INVITE, json={"email": "not-valid"}, headers=bearer("owner")).status_code
        for _ in range(60)
    ]

    assert statuses == [422] * 60
    limited = client.post(INVITE, json={"email": "a@example.org"}, headers=bearer("owner"))
    assert_error(limited, 429, "rate_limited")
    assert int(limited.headers["Retry-After"]) > 0
    assert_documented(limited, INVITE_DOC, "post")
