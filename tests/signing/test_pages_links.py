"""The pages reached from links: confirming a public signature (a button, so mail scanners
confirm nothing), managing it (see, withdraw, erase), partner organisations' co-signing link,
"what changed" from the re-sign e-mail, and the signer's own signatures on the account page."""

from __future__ import annotations

import pytest

from consult.extensions import db
from consult.organisations.models import Membership
from consult.organisations.services import membership_of
from consult.signing import services as signing
from consult.signing.models import Signature, Version
from tests import factories
from tests.organisations.support import location_path
from tests.signing.pages_support import (
    anonymous,
    audit,
    browsers_for,
    confirmed,
    consent_records,
    freeze,
    fresh,
    link,
    logged_in,
    make_response,
    make_version,
    member_form,
    open_signing,
    partner_token,
    public_form,
    rewrite,
    signatures,
    text_of,
)


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


def sign_publicly(app, version_id: int, email: str, **fields):
    client = anonymous(app)
    reply = client.post(f"/sign/{version_id}", data=public_form(app, version_id, email, **fields))
    assert reply.status_code == 302
    return client


# --- confirming -----------------------------------------------------------------------------


def test_opening_the_confirmation_link_confirms_nothing_pressing_the_button_does(team, app):
    version = make_version(team, public=True)
    sign_publicly(app, version.id, "pat@example.org", name="Pat Public")
    confirm_path = link("pat@example.org", "confirm")
    scanner = anonymous(app)
    reply = scanner.get(confirm_path)
    assert reply.status_code == 200
    assert "Confirm my signature" in text_of(reply.get_data(as_text=True))
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    assert reply.headers["Cache-Control"] == "no-store"
    assert signatures(version.id)[0].status == "pending"

    person = anonymous(app)
    reply = person.post(confirm_path)
    assert reply.status_code == 302 and location_path(reply) == "/signatures/confirmed"
    assert signatures(version.id)[0].status == "confirmed"
    page = person.get("/signatures/confirmed").get_data(as_text=True)
    text = text_of(page)
    assert "Your signature is confirmed" in text
    assert "Thank you, Pat Public" in text
    assert "now has 1 confirmed signature" in text
    assert "you are counted, not listed" in text
    assert [r.action for r in consent_records(signatures(version.id)[0].id)] == [
        "given",
        "confirmed",
    ]


def test_a_used_or_unknown_confirmation_link_says_so(team, app):
    version = make_version(team, public=True)
    sign_publicly(app, version.id, "pat@example.org")
    confirm_path = link("pat@example.org", "confirm")
    anonymous(app).post(confirm_path)
    reply = anonymous(app).post(confirm_path)
    assert reply.status_code == 400
    text = text_of(reply.get_data(as_text=True))
    assert "This link is not valid or has already been used." in text
    assert anonymous(app).post("/signatures/confirm/nonsense").status_code == 400
    assert confirmed(version.id) == 1


def test_a_confirmation_link_pressed_after_signing_closed_says_so_and_counts_nothing(team, app):
    version = make_version(team, public=True)
    sign_publicly(app, version.id, "pat@example.org")
    confirm_path = link("pat@example.org", "confirm")
    signing.close_signing(membership_of(team.coordinator, team.organisation), version)
    db.session.commit()

    reply = anonymous(app).post(confirm_path)

    assert reply.status_code == 400
    assert "has closed, so your signature can no longer be confirmed" in text_of(
        reply.get_data(as_text=True)
    )
    assert signatures(version.id)[0].status == "pending"
    assert confirmed(version.id) == 0


def test_the_confirmed_page_needs_the_browser_that_confirmed(team, app):
    assert anonymous(app).get("/signatures/confirmed").status_code == 404


def test_a_published_name_appears_on_the_signing_page_only_after_confirming(team, app):
    version = make_version(team, public=True)
    sign_publicly(app, version.id, "pat@example.org", name="Pat Public", publish="y")
    sign_publicly(app, version.id, "quiet@example.org", name="Quinn Quiet")
    visitor = anonymous(app)

    def listed() -> str:
        page = visitor.get(f"/sign/{version.id}").get_data(as_text=True)
        return text_of(page[page.index("Who has signed") :])

    assert "Pat Public" not in listed()
    anonymous(app).post(link("pat@example.org", "confirm"))
    anonymous(app).post(link("quiet@example.org", "confirm"))
    assert "Pat Public" in listed()
    assert "Quinn Quiet" not in listed()
    assert "2 confirmed signatures" in listed()


# --- managing a public signature -------------------------------------------------------------


def test_the_manage_link_shows_the_signature_and_the_consent_given(team, app):
    version = make_version(team, public=True)
    sign_publicly(app, version.id, "pat@example.org", name="Pat Public", affiliation="Tenant")
    reply = anonymous(app).get(link("pat@example.org", "manage"))
    assert reply.status_code == 200
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    text = text_of(reply.get_data(as_text=True))
    for expected in ("Pat Public", "pat@example.org", "Tenant", "Waiting for confirmation"):
        assert expected in text
    assert "Consent given, name not published" in text
    assert "I want to co-sign this response by Northtown Residents" in text


def test_the_signer_withdraws_from_the_manage_link_and_is_counted_out_at_once(team, app):
    version = make_version(team, public=True)
    sign_publicly(app, version.id, "pat@example.org", publish="y", name="Pat Public")
    anonymous(app).post(link("pat@example.org", "confirm"))
    assert confirmed(version.id) == 1
    manage_path = link("pat@example.org", "manage")
    client = anonymous(app)
    reply = client.post(f"{manage_path}/withdraw")
    assert reply.status_code == 302 and location_path(reply) == manage_path
    assert confirmed(version.id) == 0
    [signature] = signatures(version.id)
    assert signature.status == "withdrawn"
    assert consent_records(signature.id)[-1].action == "withdrawn"
    page = client.get(manage_path).get_data(as_text=True)
    assert "You withdrew this signature" in text_of(page)
    assert "Pat Public" not in text_of(
        anonymous(app).get(f"/sign/{version.id}").get_data(as_text=True)
    )


def test_the_signer_erases_their_details(team, app):
    version = make_version(team, public=True)
    sign_publicly(app, version.id, "pat@example.org", name="Pat Public", affiliation="Tenant")
    anonymous(app).post(link("pat@example.org", "confirm"))
    manage_path = link("pat@example.org", "manage")
    reply = anonymous(app).post(f"{manage_path}/erase")
    assert reply.status_code == 302
    [signature] = signatures(version.id)
    assert signature.status == "withdrawn"
    assert (signature.name, signature.email, signature.affiliation) == ("Erased signer", None, "")
    assert "pat@example.org" not in signature.signer_key
    assert confirmed(version.id) == 0
    assert len(audit("signature.erased")) == 1
    assert [r.action for r in consent_records(signature.id)][-1] == "withdrawn"
    text = text_of(anonymous(app).get(manage_path).get_data(as_text=True))
    assert "your details are erased" in text
    assert "pat@example.org" not in text and "Pat Public" not in text
    # the address can sign again, as a new signature
    sign_publicly(app, version.id, "pat@example.org")
    assert len(signatures(version.id)) == 2


def test_an_unknown_manage_link_is_a_clear_404(team, app):
    for path in (
        "/signatures/manage/nonsense",
        "/signatures/manage/nonsense/withdraw",
        "/signatures/manage/nonsense/erase",
    ):
        reply = anonymous(app).get(path) if path.endswith("nonsense") else anonymous(app).post(path)
        assert reply.status_code == 404
        assert "This link does not work" in text_of(reply.get_data(as_text=True))


# --- partner organisations ------------------------------------------------------------------


@pytest.fixture
def partner(team):
    """Priya coordinates a partner organisation (and is a plain member of another)."""
    priya = factories.make_user(name="Priya Partner")
    organisation = factories.make_organisation(priya, name="Open Rights Northwest")
    factories.add_member(team.other_organisation, priya, "member")
    return priya, organisation


@pytest.mark.parametrize("public", [True, False])
def test_a_partner_coordinator_co_signs_for_their_organisation(team, app, partner, public):
    priya, organisation = partner
    version = make_version(team, public=public)
    path = f"/sign/{version.id}/partner/{partner_token(app, version)}"
    client = logged_in(app, priya)
    reply = client.get(path)
    assert reply.status_code == 200
    assert reply.headers["Referrer-Policy"] == "no-referrer"
    page = reply.get_data(as_text=True)
    assert f'<option value="{organisation.id}">Open Rights Northwest</option>' in page
    assert f'<option value="{team.other_organisation.id}">' not in page  # only a member there
    assert (
        "checked" not in page[page.index('name="consent"') - 80 : page.index('name="consent"') + 80]
    )
    # consent is required
    reply = client.post(path, data={"organisation": str(organisation.id)})
    assert reply.status_code == 422
    assert signatures(version.id) == []
    reply = client.post(
        path, data={"organisation": str(organisation.id), **member_form(display_name=None)}
    )
    assert reply.status_code == 302 and location_path(reply) == path
    [signature] = signatures(version.id)
    assert (signature.kind, signature.organisation_id) == ("organisation", organisation.id)
    assert signature.consent_public is True
    assert "Open Rights Northwest co-signed" in text_of(client.get(path).get_data(as_text=True))
    viewer = anonymous(app) if public else logged_in(app, team.member)
    listing = viewer.get(f"/sign/{version.id}").get_data(as_text=True)
    organisations = listing[listing.index("Co-signing organisations") : listing.index("People who")]
    assert "Open Rights Northwest" in organisations


def test_a_partner_cannot_sign_for_an_organisation_they_do_not_coordinate(team, app, partner):
    priya, _organisation = partner
    version = make_version(team, public=True)
    path = f"/sign/{version.id}/partner/{partner_token(app, version)}"
    reply = logged_in(app, priya).post(
        path, data={"organisation": str(team.other_organisation.id), **member_form()}
    )
    assert reply.status_code == 422
    assert signatures(version.id) == []
    # the lead organisation's own coordinator has nothing to choose
    page = logged_in(app, team.coordinator).get(path).get_data(as_text=True)
    assert "<option" not in page


def test_a_replaced_or_tampered_partner_link_stops_working(team, app, partner):
    priya, organisation = partner
    version = make_version(team, public=True)
    old_path = f"/sign/{version.id}/partner/{partner_token(app, version)}"
    client = logged_in(app, priya)
    assert client.get(old_path).status_code == 200
    logged_in(app, team.coordinator).post(f"/versions/{version.id}/partner-link")
    assert client.get(old_path).status_code == 404
    assert (
        client.post(
            old_path, data={"organisation": str(organisation.id), **member_form()}
        ).status_code
        == 404
    )
    assert signatures(version.id) == []
    new_path = f"/sign/{version.id}/partner/{partner_token(app, fresh(Version, version.id))}"
    assert client.get(new_path).status_code == 200
    assert client.get(new_path + "x").status_code == 404
    other = make_version(team, public=True)
    assert client.get(f"/sign/{other.id}/partner/{partner_token(app, version)}").status_code == 404


def test_anonymous_partners_are_asked_to_log_in(team, app):
    version = make_version(team, public=True)
    reply = anonymous(app).get(f"/sign/{version.id}/partner/{partner_token(app, version)}")
    assert reply.status_code == 302 and location_path(reply) == "/login"


# --- what changed, from the re-sign e-mail --------------------------------------------------


def test_earlier_signers_follow_the_e_mail_to_what_changed_and_sign_again(team, app):
    response = make_response(team)
    first = open_signing(team, freeze(team, response), public=True)
    sign_publicly(app, first.id, "pat@example.org", name="Pat Public")
    anonymous(app).post(link("pat@example.org", "confirm"))
    rewrite(team, response, "summary", "We welcome a framework with strict limits.")
    second = open_signing(team, freeze(team, response), public=True)
    changes_path = factories.link_in_last_email("pat@example.org", "/changes")
    assert changes_path == f"/versions/{second.id}/changes"
    reply = anonymous(app).get(changes_path)
    assert reply.status_code == 200
    page = reply.get_data(as_text=True)
    text = text_of(page)
    assert "What changed" in text and "[added:" in text and "[removed:" in text
    assert f'href="/sign/{second.id}"' in page and "Sign this version" in text


def test_what_changed_is_hidden_like_the_signing_page(team, app, browsers):
    response = make_response(team)
    freeze(team, response)
    second = freeze(team, response)
    reply = anonymous(app).get(f"/versions/{second.id}/changes")
    assert reply.status_code == 302 and location_path(reply) == "/login"
    assert browsers("outsider").get(f"/versions/{second.id}/changes").status_code == 404
    assert browsers("member").get(f"/versions/{second.id}/changes").status_code == 200


# --- the account page -----------------------------------------------------------------------


def test_the_account_page_lists_signatures_and_withdraws_them(team, app, partner):
    version = make_version(team, public=True)
    priya, organisation = partner
    client = logged_in(app, priya)
    client.post(f"/sign/{version.id}/member", data=member_form(display_name="Priya P."))
    client.post(
        f"/sign/{version.id}/partner/{partner_token(app, version)}",
        data={"organisation": str(organisation.id), **member_form()},
    )
    page = client.get("/account").get_data(as_text=True)
    text = text_of(page)
    assert "Your signatures" in text
    assert "Priya P." in text and "For Open Rights Northwest" in text
    own, for_organisation = sorted(signatures(version.id), key=lambda s: s.kind)
    assert f'action="/signatures/{own.id}/withdraw?next=account"' in page
    reply = client.post(f"/signatures/{own.id}/withdraw?next=account")
    assert reply.status_code == 302
    assert reply.headers["Location"].endswith("/account#signatures")
    assert fresh(Signature, own.id).status == "withdrawn"
    assert fresh(Signature, for_organisation.id).status == "confirmed"
    assert "Priya P." not in text_of(client.get("/account").get_data(as_text=True))
    # nobody else can withdraw it
    assert (
        logged_in(app, team.member).post(f"/signatures/{for_organisation.id}/withdraw").status_code
        == 404
    )
    assert anonymous(app).post(f"/signatures/{for_organisation.id}/withdraw").status_code == 302
    assert fresh(Signature, for_organisation.id).status == "confirmed"
    db.session.expire_all()


def test_a_coordinator_removed_from_the_partner_organisation_can_no_longer_withdraw_its_signature(
    team, app, partner
):
    version = make_version(team, public=True)
    priya, organisation = partner
    colleague = factories.add_member(organisation, role="coordinator")
    client = logged_in(app, priya)
    client.post(
        f"/sign/{version.id}/partner/{partner_token(app, version)}",
        data={"organisation": str(organisation.id), **member_form()},
    )
    [signature] = [s for s in signatures(version.id) if s.kind == "organisation"]
    membership = db.session.scalar(
        db.select(Membership).where(
            Membership.organisation_id == organisation.id, Membership.user_id == priya.id
        )
    )
    membership.role = "member"  # demoted: no longer speaks for the organisation
    db.session.commit()
    assert client.post(f"/signatures/{signature.id}/withdraw").status_code == 404
    assert fresh(Signature, signature.id).status == "confirmed"
    reply = logged_in(app, colleague).post(f"/signatures/{signature.id}/withdraw")
    assert reply.status_code == 302
    assert fresh(Signature, signature.id).status == "withdrawn"
