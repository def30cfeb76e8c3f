"""Responding to a whole Part of a bill as one section (issue 14: "sections linked to clauses,
parts or schedules"): the parts read from a print's clauses, starting a response with a part
among clauses and schedules (the service, the bill page's form and the new response form),
the part's lines beside its editor, and the part's heading and position in the exports and on
the signing pages.

The bill is the demo's illustrative print (consult/demo_bill.py): Part 1 (clauses 1-6), Part 2
"Oversight" (clauses 7-9), Part 3 "General" (10-11) and a schedule."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from consult.bills import parts
from consult.bills import services as bills
from consult.demo_bill import demo_print
from consult.drafting import services as drafting
from consult.drafting.errors import DraftingError
from consult.drafting.models import Response, Section
from consult.drafting.presenters import bills as bill_presenters
from consult.exports.builder import build_document
from consult.exports.text import render_markdown
from consult.extensions import db
from consult.signing import services as signing
from consult.signing.services.versions import content_of
from tests.drafting.conftest import membership_of
from tests.drafting.pages_support import browsers_for, text_of

PART_TWO = "Part 2: Oversight"


@pytest.fixture
def parted_bill(team):
    made = bills.create_bill(
        membership_of(team.coordinator, team.organisation),
        demo_print(),
        title="Police Reform Bill",
        label="As introduced",
        source_kind="text",
        illustrative=True,
    )
    db.session.commit()
    return made


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


def _respond(team, bill, clauses):
    response = drafting.create_bill_response(
        membership_of(team.editor, team.organisation), bill, "Our evidence", clauses=clauses
    )
    db.session.commit()
    return response


def _clause_sections(response: Response) -> list[tuple[str, str]]:
    return [(s.clause, s.title) for s in response.sections if s.kind == "clause"]


# --- the parts of a print --------------------------------------------------------------------


def test_a_prints_parts_are_read_from_its_clauses_in_order_and_schedules_belong_to_none():
    found = parts.parts_of(demo_print().provisions)

    assert [(p.key, p.heading, p.clauses) for p in found] == [
        ("Part 1", "Facial recognition by police forces", ("1", "2", "3", "4", "5", "6")),
        ("Part 2", "Oversight", ("7", "8", "9")),
        ("Part 3", "General", ("10", "11")),
    ]
    assert found[1].title == PART_TWO


def test_each_part_is_offered_just_before_its_first_clause():
    offered = [(r.value, r.kind) for r in parts.respondables(demo_print().provisions)]

    assert offered[:2] == [("Part 1", "part"), ("1", "clause")]
    assert offered[offered.index(("7", "clause")) - 1] == ("Part 2", "part")
    assert offered[-1] == ("Schedule 1", "schedule")


def test_a_print_without_parts_offers_only_its_clauses_and_schedules(bill):
    assert parts.parts_of(bill.current_print.provisions) == []
    assert {r.kind for r in parts.respondables(bill.current_print.provisions)} == {
        "clause",
        "schedule",
    }


# --- starting a response ---------------------------------------------------------------------


def test_a_whole_part_is_one_section_titled_with_its_heading_in_the_bills_order(team, parted_bill):
    response = _respond(team, parted_bill, ["Schedule 1", "Part 2", "10"])

    assert _clause_sections(response) == [
        ("Part 2", PART_TWO),
        ("10", "Clause 10: Interpretation"),
        ("Schedule 1", "Schedule 1: The biometrics commissioner"),
    ]
    assert [s.kind for s in response.sections][:2] == ["summary", "about"]


def test_nothing_chosen_is_still_every_clause_and_schedule_and_no_part(team, parted_bill):
    response = _respond(team, parted_bill, None)

    assert [c for c, _title in _clause_sections(response)] == [
        *[str(n) for n in range(1, 12)],
        "Schedule 1",
    ]


@pytest.mark.parametrize(
    "clauses, said",
    [
        (["Part 2", "8"], "Clause 8 is in Part 2: choose the whole part or its clauses"),
        (["Part 7"], "no Part 7"),
        (["Schedule 4"], "no Schedule 4"),
        ([], "Choose at least one part, clause or schedule"),
    ],
)
def test_a_part_with_its_own_clause_or_what_the_print_lacks_is_refused(
    team, parted_bill, clauses, said
):
    with pytest.raises(DraftingError, match=said):
        _respond(team, parted_bill, clauses)
    db.session.rollback()
    assert db.session.scalar(select(Response).where(Response.bill_id == parted_bill.id)) is None


def test_the_bill_pages_start_form_offers_parts_and_starts_a_response_to_one(
    browsers, team, parted_bill
):
    editor = browsers("editor")
    page = editor.get(f"/bills/{parted_bill.id}").get_data(as_text=True)
    assert 'value="Part 2"' in page
    assert "Part 2: Oversight (the whole part)" in text_of(page)

    result = editor.post(
        f"/bills/{parted_bill.id}/responses", data={"title": "", "clauses": ["Part 2", "11"]}
    )

    assert result.status_code == 302
    response = db.session.scalar(select(Response).where(Response.bill_id == parted_bill.id))
    assert _clause_sections(response) == [("Part 2", PART_TWO), ("11", "Clause 11: Short title")]


def test_the_bill_pages_start_form_says_why_a_part_and_its_clause_cannot_both_be_chosen(
    browsers, team, parted_bill
):
    result = browsers("editor").post(
        f"/bills/{parted_bill.id}/responses", data={"clauses": ["Part 2", "7"]}
    )

    assert result.status_code == 422
    assert "Clause 7 is in Part 2" in text_of(result.get_data(as_text=True))
    assert db.session.scalar(select(Response).where(Response.bill_id == parted_bill.id)) is None


def test_the_new_response_form_offers_each_part_and_a_ticked_part_is_one_section(
    browsers, team, parted_bill
):
    editor = browsers("editor")
    page = editor.get(f"/o/{team.organisation.slug}/responses/new").get_data(as_text=True)
    slug = parted_bill.slug
    assert f'value="{slug}:Part 2"' in page
    assert "Part 2: Oversight (the whole part, as one section)" in text_of(page)
    assert "11 clauses and schedules" not in text_of(page)  # 12: the parts are not counted
    assert "12 clauses and schedules" in text_of(page)

    result = editor.post(
        f"/o/{team.organisation.slug}/responses/new",
        data={
            "consultation": f"bill:{slug}",
            "profile": "public-bill-committee",
            "clauses": [f"{slug}:Part 2", f"{slug}:Schedule 1"],
        },
    )

    assert result.status_code == 302
    response = db.session.scalar(select(Response).where(Response.bill_id == parted_bill.id))
    assert [c for c, _t in _clause_sections(response)] == ["Part 2", "Schedule 1"]


# --- the editor ------------------------------------------------------------------------------


def _part_section(response: Response) -> Section:
    return next(s for s in response.sections if s.clause == "Part 2")


def test_a_part_sections_editor_shows_every_line_of_its_clauses_with_page_and_line(
    browsers, team, parted_bill
):
    response = _respond(team, parted_bill, ["Part 2"])
    section = _part_section(response)

    page = browsers("editor").get(f"/responses/{response.id}/sections/{section.id}")

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    wanted = [line for line in demo_print().lines if line.provision in ("7", "8", "9")]
    shown = re.findall(r'<li class="bill-text__line" id="p(\d+)l(\d+)"', html)
    assert shown == [(str(line.page), str(line.line)) for line in wanted]
    words = text_of(html)
    assert "Clause 7" in words and "Clause 9" in words
    assert "Clause 6" not in words.split("The bill\u2019s text", 1)[1].split("Current text")[0]
    assert "Propose an amendment to a clause of this part" in words
    assert "Your position on the whole part" in words


def test_a_long_part_is_shown_in_part_with_a_link_to_the_print(
    browsers, team, parted_bill, monkeypatch
):
    monkeypatch.setattr(bill_presenters, "MAX_LINES_BESIDE", 5)
    response = _respond(team, parted_bill, ["Part 1"])
    section = next(s for s in response.sections if s.clause == "Part 1")

    html = (
        browsers("editor")
        .get(f"/responses/{response.id}/sections/{section.id}")
        .get_data(as_text=True)
    )

    assert len(re.findall(r'<li class="bill-text__line"', html)) == 5
    total = sum(
        1 for line in demo_print().lines if line.provision in {"1", "2", "3", "4", "5", "6"}
    )
    assert f"The first 5 of its {total} lines are shown here" in text_of(html)
    assert f'href="/prints/{parted_bill.current_print.id}"' in html


# --- exports and signing ---------------------------------------------------------------------


@pytest.fixture
def part_version(team, parted_bill):
    response = _respond(team, parted_bill, ["Part 2", "Schedule 1"])
    drafting.save_section(
        team.editor, _part_section(response), "The Commissioner must be independent.", "amend", None
    )
    db.session.commit()
    version = signing.freeze(membership_of(team.owner, team.organisation), response, "First")
    db.session.commit()
    return version


def test_the_committee_evidence_heads_a_part_with_its_title_and_our_position(part_version):
    document = build_document(part_version.response, part_version, "public-bill-committee")

    part = next(p for p in document.parts if p.kind == "clause")
    assert part.heading == PART_TWO
    assert (part.answer_label, part.choice) == ("Our position", "Amend")
    markdown = render_markdown(document)
    assert f"## {PART_TWO}\n\n**Our position:** Amend" in markdown


def test_the_briefing_names_the_part_among_the_clauses_concerned(part_version):
    document = build_document(part_version.response, part_version, "briefing")

    concerned = next(p for p in document.parts if p.heading == "The clauses concerned")
    assert concerned is not None
    assert f"- **{PART_TWO}**: Amend." in render_markdown(document)


def test_a_frozen_part_section_keeps_its_part_and_shows_on_the_version_page(browsers, part_version):
    frozen = next(s for s in content_of(part_version)["sections"] if s["kind"] == "clause")
    assert (frozen["clause"], frozen["title"], frozen["choice"]) == ("Part 2", PART_TWO, "amend")

    page = text_of(browsers("member").get(f"/versions/{part_version.id}").get_data(as_text=True))

    assert f"{PART_TWO} Position: Amend The Commissioner must be independent." in page
