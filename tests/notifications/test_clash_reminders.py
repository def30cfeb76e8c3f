"""A clash left open: the person whose save met a real clash sees it at once on the clash
screen; if it is still open an hour later, `send-due` tells them once (e-mailed at once by
default: their words are in no text until it is settled). Settling it first means no notice;
settling it after the notice takes the notice out of the bell and the digest. Nobody else is
told: not the person they clashed with, nor anyone in another organisation, nor an author who
may no longer draft there."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.drafting import services as drafting
from consult.drafting.models import Revision, Section
from consult.extensions import db
from consult.notifications import emails, services
from consult.notifications.reminders import send_clash_reminders
from consult.organisations import services as organisations
from consult.timeutil import utcnow
from tests import factories
from tests.drafting.conftest import builtin_consultation, membership_of, section_of
from tests.notifications.conftest import ids, notices, told


def _clash(author, other, section: Section, *, age: timedelta = timedelta(hours=2)) -> Revision:
    """`other` and `author` both change the section from the same text; the author's save
    clashes. Its clash is made `age` ago."""
    base = drafting.save_section(author, section, "Our words.", None, None).revision
    drafting.save_section(other, section, "Their words.", None, base.id)
    outcome = drafting.save_section(author, section, "My words.", None, base.id)
    assert outcome.conflict is not None
    clash = outcome.revision
    clash.created_at = utcnow() - age
    db.session.commit()
    return clash


def test_a_clash_open_for_an_hour_tells_its_author_once_at_once(team, summary):
    clash = _clash(team.editor, team.coordinator, summary)
    before = len(factories.emails_to(team.editor.email))

    assert send_clash_reminders() == 1
    db.session.commit()
    assert send_clash_reminders() == 0  # run again: nothing twice
    db.session.commit()

    assert told("clash") == ids(team.editor)  # not the coordinator they clashed with
    [notice] = notices("clash")
    assert notice.revision_id == clash.id and notice.section_id == summary.id
    assert notice.delivery == "immediate" and notice.emailed_at is not None
    [message] = factories.emails_to(team.editor.email)[before:]
    assert "clashed with someone else's and is not in the text yet" in message.body
    place = f"/responses/{summary.response_id}/sections/{summary.id}/conflict/{clash.id}"
    assert f"http://consult.test{place}" in message.body
    assert "/notifications/unsubscribe/" in message.headers["List-Unsubscribe"]


def test_a_clash_younger_than_an_hour_waits(team, summary):
    _clash(team.editor, team.coordinator, summary, age=timedelta(minutes=50))
    assert send_clash_reminders() == 0
    assert send_clash_reminders(utcnow() + timedelta(minutes=11)) == 1


def test_a_clash_resolved_within_the_hour_tells_nobody(team, summary):
    clash = _clash(team.editor, team.coordinator, summary, age=timedelta(minutes=30))
    head = summary.head_revision_id
    drafting.save_section(team.editor, summary, "Their words and mine.", None, head, clash=clash)
    db.session.commit()

    assert send_clash_reminders(utcnow() + timedelta(hours=2)) == 0
    assert notices("clash") == []


def test_a_clash_dismissed_by_a_coordinator_tells_nobody(team, summary):
    clash = _clash(team.editor, team.coordinator, summary, age=timedelta(minutes=30))
    drafting.dismiss_clash(team.owner, summary, clash)
    db.session.commit()

    assert send_clash_reminders(utcnow() + timedelta(hours=2)) == 0


def test_settling_after_the_notice_takes_it_out_of_the_bell_and_the_digest(team, summary):
    services.set_preferences(team.editor, {"clash": "digest"})
    clash = _clash(team.editor, team.coordinator, summary)
    send_clash_reminders()
    db.session.commit()
    assert services.unread_count(team.editor) == 1

    drafting.dismiss_clash(team.editor, summary, clash)
    db.session.commit()

    assert services.unread_count(team.editor) == 0
    assert emails.send_digests() == 0
    assert [notice.emailed_at for notice in notices("clash")] == [None]


def test_a_clash_can_wait_for_the_digest_or_send_no_email(team, summary):
    services.set_preferences(team.editor, {"clash": "off"})
    _clash(team.editor, team.coordinator, summary)
    before = len(factories.emails_to(team.editor.email))
    send_clash_reminders()
    db.session.commit()

    assert [notice.delivery for notice in notices("clash")] == ["off"]
    assert len(factories.emails_to(team.editor.email)) == before
    assert services.unread_count(team.editor) == 1  # still in the bell


@pytest.mark.parametrize("change", ["removed", "made a member"])
def test_an_author_who_may_no_longer_draft_there_is_not_told(team, summary, change):
    _clash(team.editor, team.coordinator, summary)
    lead = membership_of(team.owner, team.organisation)
    target = membership_of(team.editor, team.organisation)
    if change == "removed":
        organisations.remove_member(lead, target)
    else:
        organisations.change_role(lead, target, "member")
    db.session.commit()

    assert send_clash_reminders() == 0


def test_a_clash_in_a_removed_section_tells_nobody(team, summary):
    custom = drafting.add_section(team.owner, summary.response, "Extra")
    _clash(team.editor, team.coordinator, custom)
    drafting.remove_section(team.owner, custom)
    db.session.commit()

    assert send_clash_reminders() == 0


def test_each_organisations_clash_tells_only_its_own_author(team, summary):
    rival = factories.add_member(
        team.other_organisation, factories.make_user(name="Rita Rival"), "editor"
    )
    theirs = drafting.create_response(
        membership_of(team.outsider, team.other_organisation),
        builtin_consultation(),
        "Rival response",
    )
    db.session.commit()
    _clash(team.editor, team.coordinator, summary)
    _clash(rival, team.outsider, section_of(theirs, "summary"))

    assert send_clash_reminders() == 2
    db.session.commit()
    by_person = {notice.recipient_id: notice.organisation_id for notice in notices("clash")}
    assert by_person == {team.editor.id: team.organisation.id, rival.id: team.other_organisation.id}


def test_a_clash_from_long_ago_is_not_told_of_now(team, summary):
    _clash(team.editor, team.coordinator, summary, age=timedelta(days=8))
    assert send_clash_reminders() == 0
