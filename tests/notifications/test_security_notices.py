"""Security notices for a password change and an e-mail address change: the account's holder
is told at once, in the app and by e-mail, whatever they chose for other kinds (they cannot be
turned off); an e-mail change tells the old address too; nobody else is told."""

from __future__ import annotations

from consult.accounts import services as accounts
from consult.extensions import db
from consult.notifications import services
from consult.notifications.models import KINDS
from tests import factories
from tests.accounts.conftest import logged_in_client
from tests.notifications.conftest import ids, notices, told


def _everything_off(user) -> None:
    services.set_preferences(user, {kind: "off" for kind in KINDS if kind != "security"})
    db.session.commit()


def test_changing_the_password_tells_the_person_at_once_even_with_every_email_off(team):
    user = team.member
    _everything_off(user)
    accounts.change_password(user, factories.PASSWORD, "a brand new passphrase", None)
    db.session.commit()

    assert told("security") == ids(user)  # not the other members, nor another organisation
    [notice] = notices("security")
    assert notice.delivery == "immediate" and notice.emailed_at is not None
    assert notice.detail == "password_changed" and notice.organisation_id is None
    [message] = factories.emails_to(user.email)
    assert message.subject == "Your Consult password was changed"
    assert "If that was not you, reset your password at once" in message.body
    assert "a brand new passphrase" not in message.body
    assert "Security notices are always sent" in message.body
    assert "List-Unsubscribe" not in (message.headers or {})


def test_a_password_reset_through_a_link_is_a_security_notice_too(team, client):
    user = team.editor
    accounts.request_password_reset(user.email)
    db.session.commit()
    link = factories.link_in_last_email(user.email, "/password/reset/")
    response = client.post(
        link, data={"password": "a brand new passphrase", "confirm": "a brand new passphrase"}
    )
    assert response.status_code == 302

    assert told("security") == ids(user)
    [notice] = notices("security")
    assert notice.detail == "password_reset"
    message = factories.emails_to(user.email)[-1]
    assert message.subject == "Your Consult password was reset"


def test_the_bell_shows_a_password_change_and_leads_to_the_account_page(team, make_client):
    browser = logged_in_client(make_client, team.member)
    browser.post(
        "/account/password",
        data={"current_password": factories.PASSWORD, "password": "a brand new passphrase"},
    )
    page = browser.get("/notifications").get_data(as_text=True)
    assert "Your password was changed" in page
    assert 'href="/account"' in page or 'href="/account#' in page


def test_changing_the_email_address_tells_both_the_new_and_the_old_address(team, make_client):
    user = team.coordinator
    old = user.email
    browser = logged_in_client(make_client, user)
    browser.post(
        "/account/email",
        data={"email": "moved@example.org", "current_password": factories.PASSWORD},
    )
    link = factories.link_in_last_email("moved@example.org", "/account/email/confirm/")
    assert browser.post(link).status_code == 302

    assert told("security") == ids(user)
    [notice] = notices("security")
    assert notice.detail == "email_changed" and notice.emailed_at is not None
    [to_old] = factories.emails_to(old)
    assert to_old.subject == "Your Consult e-mail address was changed"
    assert "moved@example.org" not in to_old.body  # the old address learns no new address
    to_new = factories.emails_to("moved@example.org")[-1]
    assert to_new.subject == "Your Consult e-mail address was changed"
    for person in (team.owner, team.editor, team.member, team.outsider):
        assert factories.emails_to(person.email) == []


def test_asking_to_change_the_address_tells_nobody_until_it_is_confirmed(team):
    accounts.request_email_change(team.member, factories.PASSWORD, "later@example.org")
    db.session.commit()
    assert notices("security") == []
