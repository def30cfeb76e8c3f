"""Members sign in one step; owners and coordinators of other organisations co-sign for their
organisation (never for the lead one); someone who signs both from their account and with the
public form using the same address is still one signature."""

from __future__ import annotations

import pytest

from consult.extensions import db
from consult.organisations.services import NotAllowed
from consult.signing import services as signing
from tests import factories
from tests.signing.support import (
    confirm_token,
    consent_records,
    mails_to,
    membership,
    sign,
    sign_and_confirm,
    signatures_of,
    token_in,
)


def test_a_member_signs_at_once_and_twice_is_still_once(team, members_version):
    first = signing.sign_as_member(team.member, members_version, "Mo M.", "Tenant", False)
    db.session.commit()
    second = signing.sign_as_member(team.member, members_version, "Other", "", True)
    db.session.commit()

    assert first.id == second.id
    assert first.status == "confirmed" and first.kind == "member"
    assert (first.name, first.affiliation, first.consent_public) == ("Mo M.", "Tenant", False)
    assert signing.confirmed_count(members_version) == 1
    assert len(consent_records(first)) == 1


def test_the_display_name_defaults_to_the_account_name(team, members_version):
    signature = signing.sign_as_member(team.editor, members_version, None, None, True)

    assert signature.name == team.editor.name


def test_a_member_who_withdraws_can_sign_again(team, members_version):
    signature = signing.sign_as_member(team.member, members_version, None, None, False)
    signing.withdraw(signature, "account", actor=team.member)
    db.session.commit()
    assert signing.confirmed_count(members_version) == 0

    again = signing.sign_as_member(team.member, members_version, None, None, True)
    db.session.commit()

    assert again.id == signature.id and again.status == "confirmed"
    assert again.consent_public is True
    assert signing.confirmed_count(members_version) == 1
    assert [r.action for r in consent_records(again)] == ["given", "withdrawn", "given"]


def test_outsiders_cannot_sign_a_members_only_version(team, members_version):
    with pytest.raises(signing.SigningError, match="members only"):
        signing.sign_as_member(team.outsider, members_version, None, None, False)


def test_anyone_with_an_account_signs_a_public_version_from_it(team, public_version):
    signature = signing.sign_as_member(team.outsider, public_version, None, None, False)

    assert signature.status == "confirmed" and signature.kind == "member"


# --- organisations --------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "coordinator"])
def test_an_owner_or_coordinator_co_signs_for_their_organisation(team, members_version, role):
    partner = factories.make_organisation(name="Southside Tenants")
    person = factories.add_member(partner, role=role)

    signature = signing.sign_as_member(person, members_version, None, None, False, partner)
    db.session.commit()

    assert signature.kind == "organisation"
    assert signature.signer_key == f"organisation:{partner.id}"
    assert signature.name == "Southside Tenants"
    assert signature.consent_public is True  # an organisation's name is public
    organisations, people = signing.public_lists(members_version)
    assert organisations == ["Southside Tenants"] and people == []


def test_an_organisation_co_signs_once_whoever_signs_for_it(team, members_version):
    partner = factories.make_organisation(name="Southside Tenants")
    first = factories.add_member(partner, role="owner")
    second = factories.add_member(partner, role="coordinator")

    one = signing.sign_as_member(first, members_version, None, None, False, partner)
    two = signing.sign_as_member(second, members_version, None, None, False, partner)
    db.session.commit()

    assert one.id == two.id
    assert signing.confirmed_count(members_version) == 1


@pytest.mark.parametrize("role", ["editor", "member"])
def test_editors_and_members_cannot_sign_for_their_organisation(team, members_version, role):
    partner = factories.make_organisation(name="Southside Tenants")
    person = factories.add_member(partner, role=role)

    with pytest.raises(NotAllowed):
        signing.sign_as_member(person, members_version, None, None, False, partner)
    assert signatures_of(members_version) == []


def test_nobody_signs_for_an_organisation_they_do_not_belong_to(team, members_version):
    with pytest.raises(NotAllowed):
        signing.sign_as_member(
            team.coordinator, members_version, None, None, False, team.other_organisation
        )


@pytest.mark.parametrize("role", ["owner", "coordinator"])
def test_the_lead_organisation_never_co_signs_its_own_response(team, members_version, role):
    with pytest.raises(signing.SigningError, match="leads this response"):
        signing.sign_as_member(
            team.user(role), members_version, None, None, False, team.organisation
        )
    assert signatures_of(members_version) == []


def test_people_and_organisations_are_listed_apart(team, public_version):
    partner = factories.make_organisation(name="Allied Group")
    signing.sign_as_member(
        factories.add_member(partner, role="owner"), public_version, None, None, False, partner
    )
    signing.sign_as_member(team.member, public_version, "Mo", "Tenant", True)
    signing.sign_as_member(team.editor, public_version, None, None, False)
    db.session.commit()
    sign_and_confirm(public_version, "ann@example.org", "Ann Public", consent_public=True)
    sign_and_confirm(public_version, "bob@example.org", "Bob Private", consent_public=False)

    organisations, people = signing.public_lists(public_version)

    assert organisations == ["Allied Group"]
    assert people == [("Ann Public", ""), ("Mo", "Tenant")]
    assert signing.confirmed_count(public_version) == 5


# --- the same person by two routes ----------------------------------------------------------


def test_a_member_who_signed_cannot_be_counted_again_with_the_public_form(team, public_version):
    member_signature = signing.sign_as_member(team.member, public_version, None, None, False)
    db.session.commit()

    result = sign(public_version, team.member.email.upper(), "Someone Else")

    assert result.outcome == "already_signed"
    assert result.signature.id == member_signature.id
    assert len(signatures_of(public_version)) == 1
    assert signing.confirmed_count(public_version) == 1
    mail = mails_to(team.member.email)[-1]
    assert "already signed" in mail.subject
    assert signing.signature_for_manage_token(token_in(mail, "manage")).id == member_signature.id


def test_a_confirmed_public_signature_becomes_the_account_holders(team, public_version):
    _, by_form = sign_and_confirm(public_version, team.member.email, "Mo Public")

    signature = signing.sign_as_member(team.member, public_version, "Mo", None, True)
    db.session.commit()

    assert signature.id == by_form.id
    assert signature.user_id == team.member.id
    assert signature.name == "Mo Public"  # as its owner confirmed it
    assert signing.confirmed_count(public_version) == 1
    assert signing.signatures_of_user(team.member) == [signature]


def test_a_pending_public_signature_is_confirmed_by_the_account_with_its_choices(
    team, public_version
):
    """Someone else may have typed the member's address into the form: the pending signature
    takes the account holder's name and choices, not what was typed."""
    sign(public_version, team.member.email, "Typed By Someone", consent_public=True)

    signature = signing.sign_as_member(team.member, public_version, "Mo", "Tenant", False)
    db.session.commit()

    assert len(signatures_of(public_version)) == 1
    assert signature.status == "confirmed"
    assert (signature.name, signature.affiliation, signature.consent_public) == (
        "Mo",
        "Tenant",
        False,
    )
    assert signing.confirmed_count(public_version) == 1
    with pytest.raises(signing.LinkNotValid):
        signing.confirm(confirm_token(team.member.email))


def test_only_a_coordinator_replaces_the_partner_link_and_old_links_stop_working(
    team, public_version
):
    old_token = signing.partner_token(public_version)
    assert signing.partner_token_valid(public_version, old_token)
    with pytest.raises(NotAllowed):
        signing.replace_partner_link(membership(team.editor, team.organisation), public_version)

    signing.replace_partner_link(membership(team.coordinator, team.organisation), public_version)
    db.session.commit()

    assert not signing.partner_token_valid(public_version, old_token)
    assert signing.partner_token_valid(public_version, signing.partner_token(public_version))
    assert not signing.partner_token_valid(public_version, "nonsense")
