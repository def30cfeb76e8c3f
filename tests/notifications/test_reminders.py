"""Deadline reminders: 7 days, 2 days and on the day, to the response's coordinators and the
assignees of its unfinished sections; `send-due` run twice sends nothing twice."""

from __future__ import annotations

from datetime import timedelta

import pytest

from consult.bills.presenters import today
from consult.consultations.services import create_consultation, parse_numbered_list
from consult.drafting import services as drafting
from consult.extensions import db
from consult.notifications.reminders import send_reminders, step_for
from consult.timeutil import end_of_day
from tests import factories
from tests.drafting.conftest import membership_of
from tests.notifications.conftest import ids, notices, told


@pytest.fixture
def closing(team):
    """A response of the team's to its own consultation closing in 7 days, the about section
    assigned to the member, the summary to the editor (and agreed)."""
    lead = membership_of(team.owner, team.organisation)
    consultation = create_consultation(
        lead,
        "Closing consultation",
        "Publisher",
        end_of_day(today() + timedelta(days=7)),
        parse_numbered_list("1. Q?"),
    )
    response = drafting.create_response(lead, consultation, "Closing response")
    by_kind = {s.kind: s for s in response.sections}
    drafting.assign_section(team.owner, by_kind["about"], team.member)
    drafting.assign_section(team.owner, by_kind["summary"], team.editor)
    drafting.set_status(team.owner, by_kind["summary"], "agreed")
    db.session.commit()
    return response


@pytest.mark.parametrize(
    ("days", "step"), [(8, None), (7, 7), (5, 7), (3, 7), (2, 2), (1, 2), (0, 0), (-1, None)]
)
def test_the_step_due_is_the_nearest_not_before(days, step):
    assert step_for(days) == step


def test_coordinators_and_assignees_of_unfinished_sections_are_reminded(team, closing):
    made = send_reminders()
    db.session.commit()

    # The owner and the coordinator coordinate; the member's section is unfinished; the
    # editor's is agreed, so they are not reminded; nobody outside is.
    assert told("deadline") == ids(team.owner, team.coordinator, team.member)
    assert made == 3
    # A reminder waits for the digest unless the person chose otherwise.
    assert {n.delivery for n in notices("deadline")} == {"digest"}
    assert notices("deadline")[0].detail.startswith("in 7 days (")


def test_running_twice_reminds_once_and_each_step_once(team, closing):
    send_reminders()
    send_reminders()
    db.session.commit()
    assert len(notices("deadline")) == 3

    send_reminders(today() + timedelta(days=3))  # still the 7-day step: already sent
    assert len(notices("deadline")) == 3
    send_reminders(today() + timedelta(days=5))  # two days to go
    send_reminders(today() + timedelta(days=6))  # tomorrow: the 2-day step, sent
    send_reminders(today() + timedelta(days=7))  # on the day
    send_reminders(today() + timedelta(days=8))  # past: nothing
    db.session.commit()
    assert sorted(
        n.detail.split(" (")[0] for n in notices("deadline") if n.recipient_id == team.owner.id
    ) == [
        "in 2 days",
        "in 7 days",
        "today",
    ]


def test_a_response_whose_sections_are_all_agreed_is_not_reminded(team, closing):
    for section in closing.sections:
        drafting.set_status(team.owner, section, "agreed")
    db.session.commit()

    assert send_reminders() == 0


def test_send_due_makes_reminders_and_digests_and_is_idempotent(app, team, closing):
    runner = app.test_cli_runner()
    first = runner.invoke(args=["notifications", "send-due"])
    assert first.exit_code == 0, first.output
    assert "3 reminders made" in first.output
    emails = {
        user.email: len(factories.emails_to(user.email)) for user in (team.owner, team.member)
    }
    assert all(emails.values())  # each got their digest with the reminder

    second = runner.invoke(args=["notifications", "send-due"])
    assert "0 reminders made, 0 clashes left open told of, 0 digests sent" in second.output
    assert emails == {
        user.email: len(factories.emails_to(user.email)) for user in (team.owner, team.member)
    }
