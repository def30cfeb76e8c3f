"""When a newer version is opened for signing, the signers of earlier versions are invited by
e-mail to sign it again (their signatures belong to the text they signed), once: those who
may sign it (members and partner organisations while it is members-only, everyone once it is
open to the public), each once, however many earlier versions they signed."""

from __future__ import annotations

from sqlalchemy import func, insert, select

from consult.extensions import db
from consult.mail import OutboxMessage
from consult.signing import services as signing
from consult.signing.models import ResignInvitation, Signature
from consult.timeutil import utcnow
from tests import factories
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


def test_opening_signing_again_or_changing_it_invites_nobody_twice(team, response, public_version):
    sign_and_confirm(public_version, "sam@example.org")
    second = _second_version(team, response)
    coordinator = membership(team.coordinator, team.organisation)

    signing.close_signing(coordinator, second)
    signing.open_signing(coordinator, second, False, None)  # reopened, members only
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


# --- who is invited, for members-only and for public signing ---------------------------------


def test_members_only_signing_invites_members_and_partners_and_leaves_the_public_for_later(
    team, response, public_version
):
    sign_and_confirm(public_version, "sam@example.org")
    signing.sign_as_member(team.member, public_version, None, None, False)
    partner = factories.make_organisation(name="Allied Group")
    partner_coordinator = factories.add_member(partner, role="coordinator")
    signing.sign_as_member(partner_coordinator, public_version, None, None, True, partner)
    db.session.commit()

    second = _second_version(team, response, public=False)

    assert _invitations("sam@example.org") == []  # could not sign a members-only version
    assert len(_invitations(team.member.email)) == 1
    (to_partner,) = _invitations(partner_coordinator.email)
    assert f"/sign/{second.id}/partner/{signing.partner_token(second)}" in to_partner.body
    assert "Allied Group" in to_partner.body

    coordinator = membership(team.coordinator, team.organisation)
    signing.open_signing(coordinator, second, True, None)  # now open to the public
    db.session.commit()

    assert len(_invitations("sam@example.org")) == 1
    assert len(_invitations(team.member.email)) == 1  # not twice
    assert len(_invitations(partner_coordinator.email)) == 1


def test_members_only_signing_does_not_invite_someone_who_has_left_the_organisation(
    team, response, public_version
):
    signing.sign_as_member(team.member, public_version, None, None, False)
    db.session.delete(membership(team.member, team.organisation))
    db.session.commit()

    _second_version(team, response, public=False)

    assert _invitations(team.member.email) == []


def test_opening_for_thousands_of_earlier_signers_writes_each_invitation_once(
    team, response, public_version
):
    now = utcnow()
    db.session.execute(
        insert(Signature),
        [
            {
                "version_id": public_version.id,
                "kind": "public",
                "signer_key": f"email:s{i}@example.org",
                "name": f"Signer {i}",
                "email": f"s{i}@example.org",
                "affiliation": "",
                "consent_public": False,
                "status": "confirmed",
                "created_at": now,
                "confirmed_at": now,
            }
            for i in range(2000)
        ],
    )
    db.session.commit()

    second = _second_version(team, response)
    coordinator = membership(team.coordinator, team.organisation)
    signing.open_signing(coordinator, second, True, None)  # again: nobody is invited twice
    db.session.commit()

    subjects = db.session.scalars(
        select(OutboxMessage.to).where(OutboxMessage.subject.contains("new version"))
    ).all()
    assert len(subjects) == len(set(subjects)) == 2000
    assert db.session.scalar(select(func.count()).select_from(ResignInvitation)) == 2000


def test_a_signer_who_erases_their_data_leaves_no_record_of_their_invitation(
    team, response, public_version
):
    _, sam = sign_and_confirm(public_version, "sam@example.org")
    sign_and_confirm(public_version, "kim@example.org")
    _second_version(team, response)
    assert db.session.scalar(select(func.count()).select_from(ResignInvitation)) == 2

    signing.erase_public_signer(sam)
    db.session.commit()

    # Kim's invitation stays; Sam's (keyed by a hash of the address) is gone with the rest.
    assert db.session.scalar(select(func.count()).select_from(ResignInvitation)) == 1
