"""The header's "Responses": every response of the person's organisations on one page, with
where each stands; another organisation's responses never appear; a page costs the same few
queries however many responses it lists."""

from __future__ import annotations

import re

import pytest

from consult.drafting import services
from consult.drafting.presenters import PAGE_SIZE
from consult.extensions import db
from consult.organisations.services import membership_of
from consult.signing import services as signing
from tests import factories
from tests.drafting.pages_support import browsers_for, count_queries, make_draft, save_text, text_of


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


def _rows(page: str) -> list[str]:
    return [text_of(row) for row in re.findall(r"<tr>(.*?)</tr>", page, re.S)[1:]]


def test_the_header_links_to_the_page_and_marks_it_current(browsers):
    dashboard = browsers("member").get("/").get_data(as_text=True)
    page = browsers("member").get("/responses").get_data(as_text=True)

    assert re.search(r'<a href="/responses" >Responses</a>', dashboard)
    assert re.search(r'<a href="/responses" aria-current="page">Responses</a>', page)


def test_it_lists_the_responses_of_every_organisation_of_the_person(app, browsers, team):
    ours = make_draft(team, title="Our response")
    save_text(ours.sections[1], "Yes, " * 40, team.editor)
    lead = membership_of(team.coordinator, team.organisation)
    services.set_status(team.editor, ours.section(1), "agreed")
    services.set_status(team.editor, ours.section(2), "ready_for_review")
    with app.test_request_context():
        version = signing.freeze(lead, ours.response())
        signing.open_signing(lead, version, public=False, closes_at=None)
    second = factories.make_organisation(team.member, name="Second Group")
    make_draft_in(second, team.member, "Second group's response")
    rival = factories.make_organisation(team.outsider, name="Rival Secrets")
    make_draft_in(rival, team.outsider, "Rival response")
    db.session.commit()

    page = browsers("member").get("/responses")

    assert page.status_code == 200
    rows = _rows(page.get_data(as_text=True))
    assert len(rows) == 2
    assert rows[1].startswith("Our response Northtown Residents A new legal framework")
    assert "1 of 20 sections agreed, 1 ready for review" in rows[1]
    assert "Version 1, open for signing" in rows[1]
    assert " 40 " in rows[1]
    assert rows[0].startswith("Second group's response Second Group")
    assert "Rival" not in page.get_data(as_text=True)


def make_draft_in(organisation, owner, title: str) -> None:
    from sqlalchemy import select

    from consult.consultations.models import Consultation

    builtin = db.session.scalar(
        select(Consultation).where(Consultation.slug == "facial-recognition-framework")
    )
    services.create_response(membership_of(owner, organisation), builtin, title)


def test_a_page_costs_the_same_queries_for_one_response_or_a_full_page(browsers, team):
    member = browsers("member")
    make_draft(team, title="Only one")
    member.get("/responses")  # warm up: the session's user, the navigation
    with count_queries() as one:
        member.get("/responses")
    for number in range(PAGE_SIZE + 3):
        make_draft(team, title=f"Response {number}")
    with count_queries() as many:
        first = member.get("/responses").get_data(as_text=True)

    assert len(many) == len(one)
    assert len(_rows(first)) == PAGE_SIZE and "Changed earlier" in first
    second = member.get("/responses?page=2").get_data(as_text=True)
    assert len(_rows(second)) == 4 and "More recently changed" in second
    assert member.get("/responses?page=nonsense").status_code == 200


def test_someone_without_an_organisation_is_told_how_to_start(app):
    from tests.organisations.support import log_in

    client = app.test_client()
    log_in(client, factories.make_user())

    page = text_of(client.get("/responses").get_data(as_text=True))

    assert "No responses yet" in page and "create an organisation" in page
