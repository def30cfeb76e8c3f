"""The whole way in, with CSRF protection on as in production: a coordinator signs up, confirms,
logs in, creates the organisation and invites a colleague, who signs up, confirms, logs in and
accepts. Every step submits the page's own form, CSRF token included."""

from __future__ import annotations

from consult.accounts.services import find_user
from consult.organisations.models import Membership
from tests import factories
from tests.organisations.support import (
    count,
    follow,
    invitations_to,
    link_in,
    location_path,
    organisation_by_slug,
    role_of,
    submit,
    text_of,
)
from tests.organisations.support import (
    membership as membership_of,
)

PASSWORD = "a long enough passphrase"


def _sign_up_confirm_and_log_in(browser, email: str, name: str, signup_url: str = "/signup"):
    response = submit(browser, signup_url, name=name, email=email, password=PASSWORD)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:500]
    assert location_path(response) == "/signup/check-your-email"

    confirm_link = factories.link_in_last_email(email, "/confirm/")
    response = submit(browser, confirm_link)
    assert response.status_code == 302 and location_path(response) == "/login"
    assert "your e-mail address is confirmed" in text_of(
        follow(browser, response).get_data(as_text=True)
    )


def _log_in(browser, email: str, login_url: str = "/login"):
    response = submit(browser, login_url, email=email, password=PASSWORD)
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:500]
    return response


def test_sign_up_to_accepted_invitation_through_the_forms_with_csrf_on(csrf_on, make_client):
    # The coordinator of a new group.
    founder = make_client()
    _sign_up_confirm_and_log_in(founder, "ada@valley.example", "Ada Founder")
    _log_in(founder, "ada@valley.example")
    dashboard = founder.get("/").get_data(as_text=True)
    assert "Hello, Ada Founder" in text_of(dashboard)

    response = submit(
        founder,
        link_in(dashboard, "/organisations/new"),
        button="Create organisation",
        name="Valley Clean Air",
    )
    assert response.status_code == 302
    members_url = location_path(response)
    assert members_url == "/o/valley-clean-air/members"
    organisation = organisation_by_slug("valley-clean-air")

    # CSRF is really on: the same request without the token is refused and sends nothing.
    refused = founder.post(
        "/o/valley-clean-air/invitations", data={"email": "bea@valley.example", "role": "editor"}
    )
    assert refused.status_code == 400
    assert factories.emails_to("bea@valley.example") == []

    response = submit(
        founder, members_url, action="/invitations", email="bea@valley.example", role="editor"
    )
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:800]
    invitation_link = factories.link_in_last_email("bea@valley.example", "/invitations/")

    # The colleague opens the link, creates an account with the invited address and confirms.
    colleague = make_client()
    invitation_page = colleague.get(invitation_link).get_data(as_text=True)
    assert "Ada Founder invited bea@valley.example to join as editor" in text_of(invitation_page)
    _sign_up_confirm_and_log_in(
        colleague, "bea@valley.example", "Bea Colleague", link_in(invitation_page, "/signup?email=")
    )
    response = _log_in(colleague, "bea@valley.example", link_in(invitation_page, "/login?next="))
    assert location_path(response) == invitation_link

    memberships_before = count(Membership)
    refused = colleague.post(f"{invitation_link}/accept")
    assert refused.status_code == 400
    assert count(Membership) == memberships_before

    response = submit(colleague, invitation_link, button="Accept")
    assert response.status_code == 302
    assert location_path(response) == "/o/valley-clean-air"
    page = text_of(follow(colleague, response).get_data(as_text=True))
    assert "Welcome to Valley Clean Air" in page and "You are Editor here" in page

    colleague_membership = membership_of(organisation, find_user("bea@valley.example"))
    assert colleague_membership is not None and colleague_membership.role == "editor"
    assert role_of(organisation, find_user("ada@valley.example")) == "owner"
    members_page = text_of(founder.get(members_url).get_data(as_text=True))
    assert "Bea Colleague" in members_page and "No invitations waiting." in members_page


def test_an_invitee_declines_without_an_account_through_the_form_with_csrf_on(
    csrf_on, team, app, make_client
):
    from consult.organisations import services

    with app.test_request_context():
        services.invite(membership_of(team.organisation, team.owner), "no@thanks.example", "member")
    factories.db.session.commit()
    link = factories.link_in_last_email("no@thanks.example", "/invitations/")
    visitor = make_client()

    assert visitor.post(f"{link}/decline").status_code == 400  # no CSRF token: refused
    response = submit(visitor, link, button="decline")

    assert response.status_code == 302
    assert "You have declined the invitation" in text_of(
        follow(visitor, response).get_data(as_text=True)
    )
    [invitation] = invitations_to("no@thanks.example")
    assert invitation.status == "declined"
