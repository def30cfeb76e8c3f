"""Digests and reminders for many people: a bounded number of queries (none per person) and
one SMTP connection for all the e-mails. bench/notifications.py measures 5,000 people."""

from __future__ import annotations

from datetime import timedelta

from consult.bills.presenters import today
from consult.consultations.services import create_consultation, parse_numbered_list
from consult.drafting import services as drafting
from consult.extensions import db
from consult.notifications import services
from consult.notifications.emails import send_digests
from consult.notifications.reminders import send_clash_reminders, send_reminders
from consult.timeutil import end_of_day, utcnow
from tests import factories
from tests.accounts.test_mail import smtp  # noqa: F401  (the fixture: a fake SMTP server)
from tests.drafting.conftest import membership_of
from tests.drafting.pages_support import count_queries

ORGANISATIONS = 3
PEOPLE = 40  # coordinators in each organisation
CLASHING = PEOPLE // 4  # of whom this many have a clash left open


def _organisation(number: int) -> list:
    owner = factories.make_user()
    organisation = factories.make_organisation(owner, name=f"Scale {number}")
    people = [owner] + [
        factories.add_member(organisation, role="coordinator") for _ in range(PEOPLE - 1)
    ]
    lead = membership_of(owner, organisation)
    consultation = create_consultation(
        lead,
        "Soon",
        "Publisher",
        end_of_day(today() + timedelta(days=2)),
        parse_numbered_list("1. Q?"),
    )
    response = drafting.create_response(lead, consultation, f"Response {number}")
    section = response.sections[0]
    # Clashes left open two hours ago by a quarter of them: each is told of its own.
    base = drafting.save_section(owner, section, "Our words.", None, None).revision
    drafting.save_section(owner, section, "Their words.", None, base.id)
    for number, person in enumerate(people[1 : 1 + CLASHING]):
        clash = drafting.save_section(person, section, f"Words {number}.", None, base.id)
        assert clash.conflict is not None
        clash.revision.created_at = utcnow() - timedelta(hours=2)
    for _ in range(2):  # two comments' worth of notices for everyone, waiting for the digest
        services.notify(
            "comment",
            people,
            organisation_id=organisation.id,
            response=response,
            section=section,
        )
    db.session.commit()
    return people


def test_reminders_and_digests_for_many_take_few_queries_and_one_smtp_connection(smtp):  # noqa: F811
    people = [person for number in range(ORGANISATIONS) for person in _organisation(number)]
    smtp.sent.clear()

    with count_queries() as statements:
        reminded = send_reminders()
        clashes = send_clash_reminders()
        digests = send_digests()
        db.session.commit()

    assert reminded == len(people) and digests == len(people)
    assert clashes == ORGANISATIONS * CLASHING
    # Fewer statements than the people of one organisation: none is made per person.
    print(f"notifications: {len(people)} people, {len(statements)} statements")
    assert len(statements) < PEOPLE, statements
    assert len(smtp.instances) == 1
    # Each person's digest, and each clash's notice at once.
    assert len(smtp.sent) == len(people) + ORGANISATIONS * CLASHING
    digests_sent = [m for m in smtp.sent if "since your last digest" in m.get_content()]
    assert len(digests_sent) == len(people)
    assert all("closes in 2 days" in m.get_content() for m in digests_sent)
