"""Invitations: sent by e-mail with an expiring, single-use link; accepted only by the invited
address; declined without an account; revoked, resent and replaced by coordinators."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.organisations import services
from consult.organisations.models import Invitation, Membership
from consult.timeutil import utcnow
from tests import factories
from tests.organisations.support import (
    count,
    follow,
    form_actions,
    invitations_to,
    location_path,
    membership,
    role_of,
    text_of,
)


def _page(response) -> str:
    return text_of(response.get_data(as_text=True))


@pytest.mark.parametrize("inviter", ["owner", "coordinator"])
def test_owner_or_coordinator_invites_with_a_role_and_the_email_carries_the_link(
    team, browser_of, inviter
):
    response = browser_of(inviter).post(
        f"/o/{team.organisation.slug}/invitations",
        data={"email": "  New.Person@Example.org ", "role": "editor"},
    )

    assert response.status_code == 302
    assert "Invitation sent to new.person@example.org as editor" in _page(
        follow(browser_of(inviter), response)
    )
    [invitation] = invitations_to("new.person@example.org")
    assert (invitation.role, invitation.status) == ("editor", "pending")
    assert invitation.invited_by_id == team.user(inviter).id
    [email] = factories.emails_to("new.person@example.org")
    assert "Northtown Residents" in email.subject
    link = factories.link_in_last_email("new.person@example.org", "/invitations/")
    assert (
        factories.db.session.scalar(
            factories.db.select(Invitation.id).where(Invitation.token_hash == link.split("/")[-1])
        )
        is None
    ), "the token itself must not be stored, only its hash"


@pytest.mark.parametrize("role", ["editor", "member"])
def test_editors_and_members_cannot_invite(team, browser_of, role):
    response = browser_of(role).post(
        f"/o/{team.organisation.slug}/invitations", data={"email": "x@example.org"}
    )
    assert response.status_code == 403
    assert invitations_to("x@example.org") == []
    assert factories.emails_to("x@example.org") == []


def test_the_link_shows_organisation_role_and_inviter_to_anyone_holding_it(
    team, invite, make_client
):
    link = invite("guest@example.org", role="coordinator", by="coordinator")

    page = _page(make_client().get(link))

    assert "Join Northtown Residents" in page
    assert "Cora Coordinator invited guest@example.org to join as coordinator" in page


def test_the_invited_person_accepts_once_and_joins_with_the_role(team, invite, make_client):
    guest = factories.make_user(email="guest@example.org", name="Gita Guest")
    link = invite("Guest@Example.org", role="editor")
    browser = make_client(guest)

    response = browser.post(f"{link}/accept")

    assert response.status_code == 302
    assert location_path(response) == f"/o/{team.organisation.slug}"
    assert "Welcome to Northtown Residents" in _page(follow(browser, response))
    assert role_of(team.organisation, guest) == "editor"
    assert guest.current_organisation_id == team.organisation.id
    # Single use: after leaving, the same link does not let them back in.
    assert browser.post(f"/o/{team.organisation.slug}/leave").status_code == 302
    assert membership(team.organisation, guest) is None
    response = browser.post(f"{link}/accept")
    assert "This invitation was already accepted." in _page(follow(browser, response))
    assert membership(team.organisation, guest) is None


def test_someone_else_logged_in_is_refused_and_nothing_is_created(team, invite, make_client):
    link = invite("guest@example.org", role="coordinator")
    stranger = factories.make_user(email="stranger@example.org")
    browser = make_client(stranger)
    memberships_before = count(Membership)

    assert "but this invitation was sent to guest@example.org" in _page(browser.get(link))
    response = browser.post(f"{link}/accept")

    assert response.status_code == 302
    assert "This invitation was sent to a different e-mail address" in _page(
        follow(browser, response)
    )
    assert membership(team.organisation, stranger) is None
    assert count(Membership) == memberships_before
    [invitation] = invitations_to("guest@example.org")
    assert invitation.status == "pending"


def test_accepting_needs_a_login(team, invite, make_client):
    link = invite("guest@example.org")

    response = make_client().post(f"{link}/accept")

    assert response.status_code == 302 and location_path(response) == "/login"
    assert invitations_to("guest@example.org")[0].status == "pending"


def test_the_invitee_declines_without_logging_in(team, invite, make_client):
    link = invite("guest@example.org")
    browser = make_client()

    response = browser.post(f"{link}/decline")

    assert response.status_code == 302
    assert "You have declined the invitation" in _page(follow(browser, response))
    [invitation] = invitations_to("guest@example.org")
    assert invitation.status == "declined"
    assert "This invitation was already declined" in _page(browser.get(link))
    guest = factories.make_user(email="guest@example.org")
    make_client(guest).post(f"{link}/accept")
    assert membership(team.organisation, guest) is None


def test_a_revoked_link_stops_working(team, invite, browser_of, make_client):
    link = invite("guest@example.org")
    [invitation] = invitations_to("guest@example.org")

    response = browser_of("coordinator").post(
        f"/o/{team.organisation.slug}/invitations/{invitation.id}/revoke"
    )

    assert response.status_code == 302
    assert invitations_to("guest@example.org")[0].status == "revoked"
    guest = factories.make_user(email="guest@example.org")
    browser = make_client(guest)
    assert "This invitation was already revoked" in _page(browser.get(link))
    assert "already revoked" in _page(follow(browser, browser.post(f"{link}/accept")))
    assert membership(team.organisation, guest) is None


def test_resend_sends_a_new_link_and_the_old_one_stops_working(
    team, invite, browser_of, make_client
):
    old_link = invite("guest@example.org")
    [invitation] = invitations_to("guest@example.org")

    response = browser_of("owner").post(
        f"/o/{team.organisation.slug}/invitations/{invitation.id}/resend"
    )

    assert response.status_code == 302
    assert len(factories.emails_to("guest@example.org")) == 2
    new_link = factories.link_in_last_email("guest@example.org", "/invitations/")
    assert new_link != old_link
    assert make_client().get(old_link).status_code == 404
    guest = factories.make_user(email="guest@example.org")
    browser = make_client(guest)
    assert browser.post(f"{old_link}/accept").status_code == 404
    assert membership(team.organisation, guest) is None
    assert browser.post(f"{new_link}/accept").status_code == 302
    assert role_of(team.organisation, guest) == "member"


def test_an_expired_link_refuses_with_a_clear_message(team, invite, make_client, db):
    link = invite("guest@example.org")
    [invitation] = invitations_to("guest@example.org")
    invitation.expires_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    guest = factories.make_user(email="guest@example.org")
    browser = make_client(guest)

    assert "This invitation has expired" in _page(browser.get(link))
    response = browser.post(f"{link}/accept")

    assert "This invitation has expired. Ask for a new one." in _page(follow(browser, response))
    assert membership(team.organisation, guest) is None
    anonymous = make_client()
    assert "has expired" in _page(follow(anonymous, anonymous.post(f"{link}/decline")))
    assert invitations_to("guest@example.org")[0].status == "expired"


def test_an_expired_invitation_can_be_resent_with_a_fresh_expiry(team, invite, browser_of, db):
    invite("guest@example.org")
    [invitation] = invitations_to("guest@example.org")
    invitation.expires_at = utcnow() - timedelta(days=1)
    db.session.commit()

    browser_of("owner").post(f"/o/{team.organisation.slug}/invitations/{invitation.id}/resend")

    [invitation] = invitations_to("guest@example.org")
    assert invitation.status == "pending"
    assert invitation.expires_at > utcnow() + timedelta(days=6)


def test_a_coordinator_cannot_invite_an_owner(team, browser_of):
    browser = browser_of("coordinator")
    members_page = browser.get(f"/o/{team.organisation.slug}/members").get_data(as_text=True)
    assert 'value="owner"' not in members_page

    response = browser.post(
        f"/o/{team.organisation.slug}/invitations",
        data={"email": "boss@example.org", "role": "owner"},
    )

    assert response.status_code == 422
    assert "Not a valid choice" in _page(response)
    assert invitations_to("boss@example.org") == []
    assert factories.emails_to("boss@example.org") == []


def test_an_owner_can_invite_an_owner(team, invite, make_client):
    link = invite("co-owner@example.org", role="owner")
    co_owner = factories.make_user(email="co-owner@example.org")

    make_client(co_owner).post(f"{link}/accept")

    assert role_of(team.organisation, co_owner) == "owner"


def test_inviting_an_existing_member_is_an_inline_error(team, browser_of):
    response = browser_of("owner").post(
        f"/o/{team.organisation.slug}/invitations",
        data={"email": team.editor.email.upper(), "role": "member"},
    )

    assert response.status_code == 422
    assert f"{team.editor.email} is already a member of Northtown Residents." in _page(response)
    assert invitations_to(team.editor.email) == []
    assert role_of(team.organisation, team.editor) == "editor"


def test_a_new_invitation_to_the_same_address_replaces_the_pending_one(
    team, invite, browser_of, make_client
):
    first_link = invite("guest@example.org", role="member")
    second_link = invite("guest@example.org", role="editor", by="coordinator")

    first, second = invitations_to("guest@example.org")
    assert (first.status, second.status) == ("revoked", "pending")
    actions = form_actions(
        browser_of("owner").get(f"/o/{team.organisation.slug}/members").get_data(as_text=True)
    )
    assert f"/o/{team.organisation.slug}/invitations/{second.id}/revoke" in actions
    assert not [action for action in actions if f"/invitations/{first.id}/" in action]
    guest = factories.make_user(email="guest@example.org")
    browser = make_client(guest)
    browser.post(f"{first_link}/accept")
    assert membership(team.organisation, guest) is None
    browser.post(f"{second_link}/accept")
    assert role_of(team.organisation, guest) == "editor"


def test_the_members_page_lists_pending_invitations_only_to_inviters(team, invite, browser_of):
    invite("guest@example.org", role="editor")
    members_url = f"/o/{team.organisation.slug}/members"

    assert "guest@example.org as editor" in _page(browser_of("coordinator").get(members_url))
    assert "guest@example.org" not in _page(browser_of("editor").get(members_url))
    assert "guest@example.org" not in _page(browser_of("member").get(members_url))


def test_the_dashboard_lists_my_invitations_with_accept_and_decline_that_work(
    team, invite, make_client, db, app
):
    guest = factories.make_user(email="guest@example.org")
    invite("guest@example.org", role="editor")
    second = factories.make_organisation(name="Riverside Action")
    with app.test_request_context():
        services.invite(second.memberships[0], "guest@example.org", "member")
    db.session.commit()
    browser = make_client(guest)

    dashboard = browser.get("/").get_data(as_text=True)
    assert "Northtown Residents invited you as editor" in text_of(dashboard)
    assert "Riverside Action invited you as member" in text_of(dashboard)
    northtown, riverside = invitations_to("guest@example.org")
    assert f"/invitations/mine/{northtown.id}/accept" in form_actions(dashboard)
    assert f"/invitations/mine/{riverside.id}/decline" in form_actions(dashboard)

    response = browser.post(f"/invitations/mine/{northtown.id}/accept")
    assert location_path(response) == f"/o/{team.organisation.slug}"
    assert role_of(team.organisation, guest) == "editor"
    response = browser.post(f"/invitations/mine/{riverside.id}/decline")
    assert "You declined the invitation to Riverside Action" in _page(follow(browser, response))
    assert membership(second, guest) is None
    assert [i.status for i in invitations_to("guest@example.org")] == ["accepted", "declined"]
    assert "invited you" not in text_of(browser.get("/").get_data(as_text=True))


def test_someone_elses_invitation_cannot_be_used_from_the_dashboard(team, invite, browser_of):
    invite("guest@example.org")
    [invitation] = invitations_to("guest@example.org")

    for role in ("member", "outsider"):
        browser = browser_of(role)
        assert browser.post(f"/invitations/mine/{invitation.id}/accept").status_code == 404
        assert browser.post(f"/invitations/mine/{invitation.id}/decline").status_code == 404
        assert "Northtown Residents invited you" not in _page(browser.get("/"))
    assert invitations_to("guest@example.org")[0].status == "pending"
    assert membership(team.organisation, team.outsider) is None


def test_unknown_or_absurd_tokens_are_not_found(make_client):
    browser = make_client()
    assert browser.get("/invitations/not-a-token").status_code == 404
    assert browser.get("/invitations/" + "x" * 500).status_code == 404
    assert browser.post("/invitations/not-a-token/decline").status_code == 404
    assert count(Invitation) == 0


def test_an_invitation_can_be_sent_outside_a_request(team, db):
    services.invite(membership(team.organisation, team.owner), "cli@example.org", "member")
    db.session.commit()

    assert factories.link_in_last_email("cli@example.org", "/invitations/")
