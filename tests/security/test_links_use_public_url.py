"""Every e-mailed link starts with PUBLIC_URL, whatever Host or X-Forwarded-Host the request
that caused the e-mail carried: otherwise anyone asking for a password reset for someone else's
address could make the link in the victim's inbox point at their own server (and collect the
token when it is clicked). Signing e-mails and exports: tests/signing/test_public_links.py."""

from __future__ import annotations

from tests import factories
from tests.accounts.conftest import logged_in_client
from tests.conftest import FORGED_HOST, FORGED_PROXY_HOST, PUBLIC_URL, assert_public_links


def test_password_reset_link_ignores_a_forged_host(behind_a_proxy, make_client, db):
    user = factories.make_user(email="victim@example.org")
    response = make_client().post(
        "/password/forgot", data={"email": user.email}, headers=FORGED_HOST
    )
    assert response.status_code == 302
    assert_public_links(factories.emails_to(user.email), "/password/reset/")


def test_sign_up_e_mails_ignore_a_forged_host(behind_a_proxy, make_client, db):
    form = {"name": "New Person", "password": factories.PASSWORD}
    browser = make_client()
    browser.post("/signup", data=form | {"email": "new@example.org"}, headers=FORGED_HOST)
    assert_public_links(factories.emails_to("new@example.org"), "/confirm/")

    factories.make_user(email="taken@example.org")
    browser.post("/signup", data=form | {"email": "taken@example.org"}, headers=FORGED_HOST)
    assert_public_links(factories.emails_to("taken@example.org"), "/password/forgot")


def test_invitation_and_address_change_links_ignore_a_forged_host(
    behind_a_proxy, make_client, team
):
    owner = logged_in_client(make_client, team.owner)
    owner.post(
        f"/o/{team.organisation.slug}/invitations",
        data={"email": "invitee@example.org", "role": "editor"},
        headers=FORGED_PROXY_HOST,
    )
    assert_public_links(factories.emails_to("invitee@example.org"), "/invitations/")

    owner.post(
        "/account/email",
        data={"email": "new-owner@example.org", "current_password": factories.PASSWORD},
        headers=FORGED_PROXY_HOST,
    )
    assert_public_links(factories.emails_to("new-owner@example.org"), "/account/email/confirm/")


def test_a_public_url_with_a_path_prefixes_every_link(behind_a_proxy, monkeypatch, db):
    monkeypatch.setitem(behind_a_proxy.config, "PUBLIC_URL", PUBLIC_URL + "/consult")
    user = factories.make_user(email="prefix@example.org")
    behind_a_proxy.test_client().post("/password/forgot", data={"email": user.email})
    assert PUBLIC_URL + "/consult/password/reset/" in factories.emails_to(user.email)[-1].body
