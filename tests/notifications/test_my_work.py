""" "My work" on the home page: what waits for the person, and nothing of another
organisation's."""

from __future__ import annotations

from datetime import timedelta

from consult.bills.presenters import today
from consult.consultations.services import create_consultation, parse_numbered_list
from consult.drafting import services as drafting
from consult.extensions import db
from consult.notifications.work import my_work
from consult.signing import services as signing
from consult.timeutil import end_of_day
from tests.drafting.conftest import membership_of
from tests.organisations.support import log_in, text_of


def test_the_home_page_lists_what_waits_for_the_editor(app, client, team, summary):
    lead = membership_of(team.owner, team.organisation)
    drafting.assign_section(team.owner, summary, team.editor)
    base = drafting.save_section(team.editor, summary, "Our words.", None, None).revision
    drafting.suggest(team.member, summary, "Better words.", base.id)
    drafting.add_comment(team.member, summary, "Is this right?")
    drafting.save_section(team.coordinator, summary, "Their words.", None, base.id)
    clash = drafting.save_section(team.editor, summary, "Clashing words.", None, base.id)
    assert clash.conflict is not None
    with app.test_request_context():
        version = signing.freeze(lead, summary.response, "v1")
        signing.open_signing(lead, version, public=False, closes_at=None)
    soon = create_consultation(
        lead,
        "Soon",
        "Publisher",
        end_of_day(today() + timedelta(days=3)),
        parse_numbered_list("1. Q?"),
    )
    drafting.create_response(lead, soon, "A response due soon")
    db.session.commit()

    log_in(client, team.editor)
    page = text_of(client.get("/").text)
    assert "Waiting for you" in page
    assert "Sections assigned to you Summary in Our response" in page
    assert "Suggested edits for you to decide From Mo Member on Summary" in page
    assert "Comments waiting for your answer From Mo Member on Summary" in page
    assert "Your clashes to settle Summary" in page
    assert "Versions you have not signed Version 1 of Our response" in page
    assert "A response due soon" in page and "(in 3 days)" in page


def test_a_member_sees_nothing_to_decide_and_a_signature_clears_the_version(app, team, summary):
    lead = membership_of(team.owner, team.organisation)
    drafting.assign_section(team.owner, summary, team.member)
    drafting.suggest(team.editor, summary, "Better words.", None)
    with app.test_request_context():
        version = signing.freeze(lead, summary.response, "v1")
        signing.open_signing(lead, version, public=False, closes_at=None)
        signing.sign_as_member(team.member, version, None, None, False)
    db.session.commit()

    work = my_work(team.member)
    assert [s.title for s in work.sections] == ["Summary"]
    assert work.suggestions == []  # a member may not decide
    assert work.versions == []  # signed already
    assert len(my_work(team.coordinator).suggestions) == 1


def test_nothing_of_another_organisation_shows(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "Is this right?")
    db.session.commit()

    work = my_work(team.outsider)
    assert not work.anything and work.deadlines == []
