"""The loaders of signing/permissions.py called as the JSON API calls them, with the caller
given explicitly (a bearer token's user is not flask_login's current_user): 404 for outsiders
and for versions hidden from them, 403 for the wrong role, 401 when nobody is calling and
logging in might help. The pages' own journeys through them are in test_pages_*.py."""

from __future__ import annotations

import pytest
from werkzeug.exceptions import HTTPException

from consult.drafting.permissions import load_response
from consult.extensions import db
from consult.signing import services as signing
from consult.signing.permissions import (
    load_partner_organisation,
    load_partner_version,
    load_signable,
    load_signature,
    load_version,
    load_visible_version,
    partner_memberships,
    partner_token,
)
from tests.signing.support import membership


def refused(load) -> int:
    """The HTTP status a loader answered with instead of loading."""
    with pytest.raises(HTTPException) as answer:
        load()
    return answer.value.code


def test_a_version_is_loaded_for_its_members_by_role_and_hidden_from_everyone_else(team, version):
    found, member = load_version(version.id, user=team.member)
    assert (found.id, member.user_id) == (version.id, team.member.id)
    assert load_version(version.id, "freeze", user=team.coordinator)[0].id == version.id
    assert refused(lambda: load_version(version.id, "freeze", user=team.member)) == 403
    assert refused(lambda: load_version(version.id, user=team.outsider)) == 404
    assert refused(lambda: load_version(version.id + 1, user=team.owner)) == 404
    assert refused(lambda: load_version(2**31, user=team.owner)) == 404
    assert refused(lambda: load_version(version.id, user=None)) == 401


def test_a_response_is_loaded_for_its_members_by_role(team, response):
    # Signing loads responses with drafting's loader, the one every domain uses.
    assert load_response(response.id, "freeze", user=team.owner)[0].id == response.id
    assert refused(lambda: load_response(response.id, "freeze", user=team.editor)) == 403
    assert refused(lambda: load_response(response.id, user=team.outsider)) == 404


def test_anyone_reads_a_version_once_opened_to_the_public_also_after_signing_closed(team, version):
    assert refused(lambda: load_visible_version(version.id, user=None)) == 401
    assert refused(lambda: load_visible_version(version.id, user=team.outsider)) == 404
    assert load_visible_version(version.id, user=team.member)[1].user_id == team.member.id

    signing.open_signing(membership(team.coordinator, team.organisation), version, True, None)
    signing.close_signing(membership(team.coordinator, team.organisation), version)
    db.session.commit()

    assert load_visible_version(version.id, user=None) == (version, None)
    assert load_visible_version(version.id, user=team.outsider) == (version, None)


def test_the_signing_page_is_everyones_only_while_public_signing_is_open(team, version):
    coordinator = membership(team.coordinator, team.organisation)
    signing.open_signing(coordinator, version, False, None)
    db.session.commit()
    assert load_signable(version.id, user=team.member)[0].id == version.id
    assert refused(lambda: load_signable(version.id, user=team.outsider)) == 404
    assert refused(lambda: load_signable(version.id, user=None)) == 401
    assert refused(lambda: load_signable(version.id + 1, user=None)) == 401  # tells nothing

    signing.open_signing(coordinator, version, True, None)
    db.session.commit()
    assert load_signable(version.id, user=None) == (version, None)
    assert load_signable(version.id, user=team.outsider) == (version, None)

    signing.close_signing(coordinator, version)
    db.session.commit()
    assert refused(lambda: load_signable(version.id, user=team.outsider)) == 404


def test_a_signature_is_loaded_only_for_whoever_may_withdraw_it(team, members_version):
    own = signing.sign_as_member(team.member, members_version, None, None, False)
    partner = team.other_organisation
    cosigned = signing.sign_as_member(
        team.outsider, members_version, None, None, True, on_behalf_of=partner
    )
    db.session.commit()

    assert load_signature(own.id, user=team.member).id == own.id
    assert refused(lambda: load_signature(own.id, user=team.owner)) == 404
    assert load_signature(cosigned.id, user=team.outsider).id == cosigned.id
    assert refused(lambda: load_signature(cosigned.id, user=team.member)) == 404
    assert refused(lambda: load_signature(own.id, user=None)) == 401


def test_a_partner_organisation_is_refused_alike_whether_unknown_or_not_the_callers(team):
    organisation = team.other_organisation
    assert load_partner_organisation(organisation.slug, user=team.outsider) == organisation
    assert refused(lambda: load_partner_organisation(organisation.slug, user=team.owner)) == 403
    assert refused(lambda: load_partner_organisation("no-such-group", user=team.owner)) == 403
    assert refused(lambda: load_partner_organisation("Not a slug\x00", user=team.owner)) == 403


def test_the_partner_link_loads_the_version_until_it_is_replaced(team, members_version):
    token = partner_token(members_version)
    assert load_partner_version(members_version.id, token).id == members_version.id
    assert [m.organisation_id for m in partner_memberships(team.outsider, members_version)] == [
        team.other_organisation.id
    ]
    assert partner_memberships(team.owner, members_version) == []

    signing.replace_partner_link(membership(team.owner, team.organisation), members_version)
    db.session.commit()
    assert refused(lambda: load_partner_version(members_version.id, token)) == 404
