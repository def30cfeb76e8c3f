"""Who receives each kind of notice, and who must not: another organisation, a member without
the right (or no longer a member), and the person who acted."""

from __future__ import annotations

import pytest

from consult.accounts import two_factor
from consult.drafting import services as drafting
from consult.extensions import db
from consult.notifications import services
from consult.organisations import services as organisations
from consult.signing import services as signing
from tests import factories
from tests.drafting.conftest import membership_of
from tests.notifications.conftest import ids, notices, told


def _remove(team, user):
    organisations.remove_member(
        membership_of(team.owner, team.organisation), membership_of(user, team.organisation)
    )
    db.session.commit()


# --- comments and replies -------------------------------------------------------------------


def test_a_comment_tells_the_sections_assignee_and_nobody_else(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "Is this right?")
    db.session.commit()

    assert told("comment") == ids(team.editor)
    [notice] = notices("comment")
    assert notice.actor_id == team.member.id and notice.section_id == summary.id
    assert notice.comment_id is not None


def test_the_assignee_commenting_on_their_own_section_is_not_told(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.editor, summary, "A note to myself.")
    db.session.commit()

    assert told("comment") == set()


def test_an_assignee_who_left_the_organisation_is_not_told(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()
    _remove(team, team.editor)
    drafting.add_comment(team.member, summary, "Anyone?")
    db.session.commit()

    assert told("comment") == set()


def test_a_reply_tells_the_thread_but_not_the_one_replying(team, summary):
    thread = drafting.add_comment(team.member, summary, "First.")
    drafting.add_comment(team.coordinator, summary, "Second.", parent=thread)
    drafting.add_comment(team.member, summary, "Third.", parent=thread)
    db.session.commit()

    replies = notices("reply")
    # The coordinator's reply told the member; the member's told the coordinator only.
    assert [(n.recipient_id, n.actor_id) for n in replies] == [
        (team.member.id, team.coordinator.id),
        (team.coordinator.id, team.member.id),
    ]


def test_an_assignee_in_the_thread_hears_of_a_reply_once(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    thread = drafting.add_comment(team.editor, summary, "Question for the group.")
    drafting.add_comment(team.member, summary, "An answer.", parent=thread)
    db.session.commit()

    assert [n.kind for n in notices() if n.recipient_id == team.editor.id] == [
        "assignment",
        "reply",
    ]


def test_a_replier_who_left_is_not_told_of_later_replies(team, summary):
    thread = drafting.add_comment(team.member, summary, "First.")
    db.session.commit()
    _remove(team, team.member)
    drafting.add_comment(team.coordinator, summary, "Answer.", parent=thread)
    db.session.commit()

    assert told("reply") == set()


# --- suggested edits ------------------------------------------------------------------------


def test_a_suggestion_tells_an_assignee_who_may_decide_it(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.suggest(team.member, summary, "Better words.", None)
    db.session.commit()

    assert told("suggestion") == ids(team.editor)
    [notice] = notices("suggestion")
    assert notice.suggestion_id is not None


def test_a_suggestion_on_a_members_section_tells_the_owners_and_coordinators(team, summary):
    """A member may not decide: those who may are told, the member is not."""
    drafting.assign_section(team.owner, summary, team.member)
    drafting.suggest(team.editor, summary, "Better words.", None)
    db.session.commit()

    assert told("suggestion") == ids(team.owner, team.coordinator)


def test_a_coordinator_suggesting_is_not_told_of_their_own_suggestion(team, summary):
    drafting.suggest(team.coordinator, summary, "Better words.", None)
    db.session.commit()

    assert told("suggestion") == ids(team.owner)


def test_an_accepted_suggestion_tells_its_author(team, summary):
    suggestion = drafting.suggest(team.member, summary, "Better words.", None)
    db.session.commit()
    drafting.accept_suggestion(team.coordinator, suggestion)
    db.session.commit()

    assert told("suggestion_accepted") == ids(team.member)


def test_a_rejected_suggestion_tells_nobody(team, summary):
    suggestion = drafting.suggest(team.member, summary, "Better words.", None)
    drafting.reject_suggestion(team.coordinator, suggestion)
    db.session.commit()

    assert told("suggestion_accepted") == set()


def test_accepting_ones_own_suggestion_tells_nobody(team, summary):
    suggestion = drafting.suggest(team.coordinator, summary, "Better words.", None)
    drafting.accept_suggestion(team.coordinator, suggestion)
    db.session.commit()

    assert told("suggestion_accepted") == set()


# --- assignments, invitations, signing --------------------------------------------------------


def test_an_assignment_tells_the_assignee_but_not_someone_assigning_themself(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.assign_section(team.coordinator, summary, team.coordinator)
    db.session.commit()

    assert told("assignment") == ids(team.editor)


def test_an_accepted_invitation_tells_whoever_invited(app, team):
    invitee = factories.make_user(email="new@example.org")
    with app.test_request_context():
        invitation, _ = organisations.invite(
            membership_of(team.coordinator, team.organisation), invitee.email, "member"
        )
        organisations.accept_invitation(invitee, invitation)
    db.session.commit()

    assert told("invitation_accepted") == ids(team.coordinator)
    [notice] = notices("invitation_accepted")
    assert notice.organisation_id == team.organisation.id and notice.actor_id == invitee.id


def test_an_inviter_who_left_is_not_told(app, team):
    invitee = factories.make_user(email="new@example.org")
    with app.test_request_context():
        invitation, _ = organisations.invite(
            membership_of(team.coordinator, team.organisation), invitee.email, "member"
        )
    db.session.commit()
    _remove(team, team.coordinator)
    organisations.accept_invitation(invitee, invitation)
    db.session.commit()

    assert told("invitation_accepted") == set()


def test_opening_signing_tells_every_member_once_but_not_the_opener_nor_others(app, team, response):
    lead = membership_of(team.owner, team.organisation)
    with app.test_request_context():
        version = signing.freeze(lead, response, "v1")
        signing.open_signing(lead, version, public=False, closes_at=None)
        signing.open_signing(lead, version, public=True, closes_at=None)  # again: no repeat
    db.session.commit()

    assert told("signing_opened") == ids(team.coordinator, team.editor, team.member)
    assert len(notices("signing_opened")) == 3
    assert team.outsider.id not in told("signing_opened")


def test_turning_two_factor_off_tells_the_person_themself_at_once(team):
    user = team.member
    two_factor.begin_setup(user)
    totp = two_factor.totp_for(user)
    two_factor.enable(user, totp.now())
    db.session.commit()
    user.totp_last_step = None  # the same code may be used again in this test
    two_factor.disable(user, factories.PASSWORD, totp.now())
    db.session.commit()

    [notice] = notices("security")
    assert notice.recipient_id == user.id and notice.delivery == "immediate"
    assert notice.emailed_at is not None
    assert "Two-factor authentication was turned off" in factories.emails_to(user.email)[-1].body


# --- the one service ------------------------------------------------------------------------


def test_notify_never_tells_another_organisation(team, summary):
    made = services.notify(
        "comment",
        [team.outsider, team.member],
        organisation_id=team.organisation.id,
        response=summary.response,
        section=summary,
    )
    assert made == [team.member.id]
    assert told("comment") == ids(team.member)


def test_only_security_notices_may_be_about_no_organisation(team):
    with pytest.raises(ValueError, match="security"):
        services.notify("comment", [team.member])
