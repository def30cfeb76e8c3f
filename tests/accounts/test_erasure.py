"""Deleting one's account: confirmed by the password (page) or the e-mail address (API);
refused while the person is the last owner of an organisation with other members; logged out
everywhere, tokens dead, signatures withdrawn, the address free to sign up again."""

from __future__ import annotations

from sqlalchemy import func, select

from consult.accounts.models import User
from consult.audit.models import AuditEvent
from consult.consultations.models import Consultation
from consult.drafting import services as drafting
from consult.extensions import db
from consult.organisations.models import Organisation
from consult.signing import services as signing
from consult.signing.models import Signature
from tests import factories
from tests.accounts.conftest import is_logged_in, log_in, logged_in_client, sign_up, user_by_email
from tests.organisations.support import membership


def _users() -> list[tuple]:
    return list(db.session.execute(select(User.id, User.email, User.name, User.password_hash)))


def _response(team, lead):
    builtin = db.session.scalar(
        select(Consultation).where(Consultation.slug == "facial-recognition-framework")
    )
    return drafting.create_response(lead, builtin, "Erase me")


def test_the_page_explains_what_happens_and_a_wrong_password_changes_nothing(make_client, team, db):
    browser = logged_in_client(make_client, team.editor)
    page = browser.get("/account/delete")
    assert page.status_code == 200
    assert "cannot be recalled" in page.text and "Former member" in page.text
    before = _users()

    wrong = browser.post("/account/delete", data={"current_password": "not my password"})
    assert wrong.status_code == 422
    assert "not right" in wrong.text
    assert _users() == before
    assert is_logged_in(browser)


def test_the_last_owner_of_an_organisation_with_members_is_asked_to_hand_over_first(
    make_client, team, db
):
    browser = logged_in_client(make_client, team.owner)
    page = browser.get("/account/delete")
    assert "Hand over ownership first" in page.text and team.organisation.name in page.text
    before = _users()

    refused = browser.post("/account/delete", data={"current_password": factories.PASSWORD})
    assert refused.status_code == 409
    assert "last owner of Northtown Residents" in refused.text
    assert _users() == before

    # With a second owner, the first may go.
    membership(team.organisation, team.coordinator).role = "owner"
    db.session.commit()
    gone = browser.post("/account/delete", data={"current_password": factories.PASSWORD})
    assert gone.status_code == 302
    assert db.session.get(User, team.owner.id).erased_at is not None


def test_erasing_logs_out_everywhere_kills_tokens_and_withdraws_signatures(
    app, make_client, api_token, team, db
):
    user = team.member
    email = user.email
    elsewhere = logged_in_client(make_client, user)
    browser = logged_in_client(make_client, user)
    headers = api_token(user)
    lead = membership(team.organisation, team.owner)
    with app.test_request_context():
        version = signing.freeze(lead, _response(team, lead))
        signing.open_signing(lead, version, public=False, closes_at=None)
        signing.sign_as_member(user, version, None, None, True)
    db.session.commit()
    assert signing.confirmed_count(version) == 1

    done = browser.post("/account/delete", data={"current_password": factories.PASSWORD})
    assert done.status_code == 302
    assert not is_logged_in(browser) and not is_logged_in(elsewhere)
    assert make_client().get("/api/v1/me", headers=headers).status_code == 401
    assert log_in(make_client(), email).status_code == 200  # the old password opens nothing
    assert signing.confirmed_count(version) == 0
    signature = db.session.scalar(select(Signature).where(Signature.version_id == version.id))
    assert signature.status == "withdrawn" and signature.email is None

    [event] = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.action == "account.erased", AuditEvent.organisation_id.is_(None)
        )
    )
    assert email not in str(event.details) and user.name not in str(event.details)
    # The address is free again: its owner can make a new account with it.
    assert sign_up(make_client(), email).status_code == 302
    assert user_by_email(email).id != user.id


def test_an_organisation_of_one_is_deleted_with_its_only_member(make_client, db):
    user = factories.make_user()
    alone_id = factories.make_organisation(user, name="Solo Campaign").id
    browser = logged_in_client(make_client, user)
    assert "Solo Campaign" in browser.get("/account/delete").text

    assert (
        browser.post("/account/delete", data={"current_password": factories.PASSWORD}).status_code
        == 302
    )
    assert db.session.get(Organisation, alone_id) is None


def test_the_api_erases_with_the_address_typed_and_says_why_it_will_not(
    make_client, api_token, team, db
):
    client = make_client()
    owner_headers = api_token(team.owner)
    missing = client.delete("/api/v1/me", headers=owner_headers, json={})
    assert missing.status_code == 422 and "confirm" in missing.get_json()["error"]["fields"]
    wrong = client.delete("/api/v1/me", headers=owner_headers, json={"confirm": "x@example.org"})
    assert wrong.status_code == 422
    last_owner = client.delete(
        "/api/v1/me", headers=owner_headers, json={"confirm": team.owner.email}
    )
    assert last_owner.status_code == 409
    assert last_owner.get_json()["error"]["code"] == "last_owner"
    assert db.session.get(User, team.owner.id).erased_at is None

    editor = team.editor
    erased = client.delete(
        "/api/v1/me",
        headers=api_token(editor),
        json={"confirm": editor.email.upper(), "password": factories.PASSWORD},
    )
    assert erased.status_code == 200
    assert db.session.get(User, editor.id).name == "Former member"
    assert (
        db.session.scalar(select(func.count()).select_from(User).where(User.erased_at.is_not(None)))
        == 1
    )
