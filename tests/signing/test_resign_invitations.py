"""When a newer version is opened for signing, the signers of earlier versions are invited by
e-mail to sign it again (their signatures belong to the text they signed), once."""

from __future__ import annotations

from consult.extensions import db
from consult.signing import services as signing
from tests.signing.support import mails_to, membership, sign, sign_and_confirm


def _second_version(team, response, public: bool = True):
    coordinator = membership(team.coordinator, team.organisation)
    version = signing.freeze(coordinator, response, "Second")
    signing.open_signing(coordinator, version, public, None)
    db.session.commit()
    return version


def _invitations(address: str) -> list:
    return [m for m in mails_to(address) if "new version" in m.subject]


def test_earlier_signers_are_invited_to_sign_the_new_version(team, response, public_version):
    sign_and_confirm(public_version, "sam@example.org")
    signing.sign_as_member(team.member, public_version, None, None, False)
    db.session.commit()

    second = _second_version(team, response)

    for address in ("sam@example.org", team.member.email):
        invitations = _invitations(address)
        assert len(invitations) == 1, address
        assert f"/versions/{second.id}/changes" in invitations[0].body
    # Their signatures stay on version 1 and do not carry over.
    assert signing.confirmed_count(public_version) == 2
    assert signing.confirmed_count(second) == 0


def test_those_who_withdrew_or_never_confirmed_are_not_invited(team, response, public_version):
    _, withdrawn = sign_and_confirm(public_version, "gone@example.org")
    signing.withdraw(withdrawn, "e-mail link")
    sign(public_version, "pending@example.org")
    db.session.commit()

    _second_version(team, response)

    assert _invitations("gone@example.org") == []
    assert _invitations("pending@example.org") == []


def test_invitations_go_once_per_address_and_only_at_the_first_opening(
    team, response, public_version
):
    sign_and_confirm(public_version, "sam@example.org")
    second = _second_version(team, response)
    coordinator = membership(team.coordinator, team.organisation)

    signing.close_signing(coordinator, second)
    signing.open_signing(coordinator, second, False, None)  # changed, not opened anew
    db.session.commit()

    assert len(_invitations("sam@example.org")) == 1


def test_a_third_version_invites_the_signers_of_both_earlier_ones_once_each(
    team, response, public_version
):
    sign_and_confirm(public_version, "sam@example.org")
    second = _second_version(team, response)
    sign_and_confirm(second, "sam@example.org")
    sign_and_confirm(second, "new@example.org")

    _second_version(team, response)

    assert len(_invitations("sam@example.org")) == 2  # for version 2, then version 3
    assert len(_invitations("new@example.org")) == 1
