"""The editor and dashboard pages cost a fixed number of SQL queries, however many sections and
revisions the response has: no query per section, per revision or per author."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, update

from consult.consultations.builtin import SCALE_OPTIONS
from consult.consultations.models import Consultation, Question
from consult.drafting import services
from consult.drafting.models import Presence, Revision, Section
from consult.extensions import db
from consult.organisations.services import membership_of
from consult.timeutil import utcnow
from tests.drafting.pages_support import browsers_for, count_queries

# The editor costs 12 today, the dashboard 8: the session, the header's organisations (once), the
# bell's unread count and the page's own few. Some room for what every page may come to need,
# but a page that loaded sections or revisions one by one would blow far past it.
MOST_QUERIES = 15


def _response_with(team, sections: int, revisions: int, slug: str):
    """A response with `sections` sections (summary, about, questions, recommendations) and
    `revisions` revisions spread over them, by several authors; comments, replies,
    suggestions and presence on the first question, the same in every case."""
    consultation = Consultation(slug=slug, title=f"Consultation {slug}", organisation_id=None)
    for number in range(1, sections - 3 + 1):
        kind = "scale" if number % 2 else "open"
        consultation.questions.append(
            Question(
                number=number,
                text=f"Question {number}?",
                kind=kind,
                options=list(SCALE_OPTIONS) if kind == "scale" else [],
                word_limit=300,
            )
        )
    db.session.add(consultation)
    db.session.flush()
    response = services.create_response(
        membership_of(team.coordinator, team.organisation), consultation, "Big response"
    )
    db.session.flush()
    live = services.live_sections(response)
    assert len(live) == sections
    authors = [team.owner, team.coordinator, team.editor]
    rows = []
    numbers = dict.fromkeys((s.id for s in live), 0)
    for index in range(revisions):
        section = live[index % len(live)]
        numbers[section.id] += 1
        rows.append(
            {
                "section_id": section.id,
                "number": numbers[section.id],
                "kind": "edit",
                "author_id": authors[index % len(authors)].id,
                "body": f"Text {index} of the section, with a few words.",
                "word_count": 9,
                "created_at": utcnow(),
            }
        )
    db.session.execute(insert(Revision), rows)
    for section in live:
        head = db.session.scalar(
            select(Revision.id)
            .where(Revision.section_id == section.id)
            .order_by(Revision.number.desc())
            .limit(1)
        )
        db.session.execute(
            update(Section)
            .where(Section.id == section.id)
            .values(
                head_revision_id=head,
                word_count=9 if head else 0,
                status="drafting",
                assignee_id=authors[section.id % len(authors)].id,
            )
        )
    db.session.commit()
    question = next(s for s in services.live_sections(response) if s.kind == "question")
    for author in (team.member, team.editor):
        comment = services.add_comment(author, question, "A point", quote="Text")
        services.add_comment(team.coordinator, question, "A reply", parent=comment)
        services.suggest(author, question, question.body + " More.", question.head_revision_id)
    db.session.add(Presence(section_id=question.id, user_id=team.owner.id, editing=True))
    db.session.commit()
    return response, question


def _queries(browser, url: str) -> int:
    browser.get(url)  # warm: the first request of a session may differ
    with count_queries() as statements:
        answer = browser.get(url)
    assert answer.status_code == 200
    return len(statements)


@pytest.mark.parametrize("role", ["editor", "member"])
def test_the_editor_page_costs_the_same_queries_for_5_or_40_sections(app, team, role):
    browser = browsers_for(app, team)(role)
    small, small_question = _response_with(team, sections=5, revisions=10, slug="small")
    large, large_question = _response_with(team, sections=40, revisions=2_000, slug="large")

    few = _queries(browser, f"/responses/{small.id}/sections/{small_question.id}")
    many = _queries(browser, f"/responses/{large.id}/sections/{large_question.id}")

    assert few == many
    assert many <= MOST_QUERIES


def test_the_dashboard_costs_the_same_queries_for_5_or_40_sections(app, team):
    browser = browsers_for(app, team)("editor")
    small, _ = _response_with(team, sections=5, revisions=10, slug="small")
    large, _ = _response_with(team, sections=40, revisions=2_000, slug="large")

    few = _queries(browser, f"/responses/{small.id}")
    many = _queries(browser, f"/responses/{large.id}")

    assert few == many
    assert many <= MOST_QUERIES


def test_the_preview_costs_the_same_queries_for_5_or_40_sections(app, team):
    browser = browsers_for(app, team)("member")
    small, _ = _response_with(team, sections=5, revisions=10, slug="small")
    large, _ = _response_with(team, sections=40, revisions=2_000, slug="large")

    assert _queries(browser, f"/responses/{small.id}/preview") == _queries(
        browser, f"/responses/{large.id}/preview"
    )


def test_a_sections_manage_page_costs_the_same_queries_for_5_or_40_sections(app, team):
    browser = browsers_for(app, team)("editor")
    small, small_question = _response_with(team, sections=5, revisions=10, slug="small")
    large, large_question = _response_with(team, sections=40, revisions=2_000, slug="large")

    few = _queries(browser, f"/responses/{small.id}/sections/{small_question.id}/manage")
    many = _queries(browser, f"/responses/{large.id}/sections/{large_question.id}/manage")

    assert few == many
    assert many <= MOST_QUERIES


def test_a_page_asks_for_the_headers_organisations_once(app, team):
    browser = browsers_for(app, team)("editor")
    response, question = _response_with(team, sections=5, revisions=10, slug="small")

    for url in (f"/responses/{response.id}", f"/responses/{response.id}/sections/{question.id}"):
        browser.get(url)
        with count_queries() as statements:
            assert browser.get(url).status_code == 200
        header = [s for s in statements if "ORDER BY lower(organisations.name)" in s]

        assert len(header) == 1, url
