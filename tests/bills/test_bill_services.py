"""Bills in the database: a print stored line by line and read back the same, a response to a
bill with a section per clause, amendments checked against the print and drafted with history
like sections, a later print moving them, and a frozen version holding it all."""

from __future__ import annotations

import json

import pytest

from consult.bills import amendment_text, services
from consult.bills.amendments import Amendment
from consult.bills.services.amendments import AmendmentRefused
from consult.drafting import services as drafting
from consult.drafting.models import Revision
from consult.errors import DomainError
from consult.extensions import db
from consult.signing.services import freeze
from tests.bills.sample import HEADINGS, LINES, PRINT, make_print
from tests.drafting.conftest import membership_of

LEAVE_OUT = {
    "kind": "leave_out_insert",
    "page": 1,
    "line": 4,
    "leave_out": "authorised officer",
    "insert": "judge",
    "explanatory_statement": "This amendment would require a judge to authorise the use.",
}


def test_a_stored_print_reads_back_line_for_line(bill):
    stored = bill.current_print
    assert (stored.number, stored.label, stored.pages) == (1, "As introduced", 2)
    again = services.parsed_print(stored)
    assert again.lines == PRINT.lines
    assert again.provisions == PRINT.provisions
    assert services.lines_on_page(stored, 2)[0].text.startswith("use of live")


def test_a_response_to_a_bill_has_a_section_per_clause_and_schedule(bill_response):
    kinds = [(section.kind, section.clause) for section in bill_response.sections]
    assert kinds == [
        ("summary", None),
        ("about", None),
        ("clause", "1"),
        ("clause", "2"),
        ("clause", "Schedule 1"),
        ("recommendations", None),
    ]
    assert bill_response.sections[2].title == "Clause 1: Use of live facial recognition"
    assert bill_response.profile == "public-bill-committee"


def test_a_clause_section_takes_a_position_and_nothing_else(team, bill_response):
    section = bill_response.sections[2]
    outcome = drafting.save_section(team.editor, section, "We support it.", "support", None)
    assert outcome.revision.choice == "support"
    with pytest.raises(drafting.DraftingError, match="position"):
        drafting.save_section(team.editor, section, "x", "Agree", outcome.revision.id)


def test_an_amendment_is_checked_against_the_print_and_completed_with_its_clause(
    team, bill_response
):
    section, _outcome = services.add_amendment(
        team.editor, bill_response, Amendment.from_dict(LEAVE_OUT)
    )
    saved = services.amendment_of(section)
    assert saved.clause == "1"  # Commons style cites the clause: the print says which
    assert section.number == 1 and section.title == "Amendment 1"
    rendered = services.house_style(bill_response, saved).reference
    assert rendered == (
        "Clause 1, page 1, line 4, leave out \u201cauthorised officer\u201d"
        " and insert \u201cjudge\u201d"
    )
    wrong_line = Amendment.from_dict({**LEAVE_OUT, "line": 5})
    with pytest.raises(AmendmentRefused) as refused:
        services.add_amendment(team.editor, bill_response, wrong_line)
    assert any(problem.field == "leave_out" for problem in refused.value.problems)


def test_two_people_editing_different_fields_of_an_amendment_both_keep_their_change(
    team, bill_response
):
    section, first = services.add_amendment(
        team.editor, bill_response, Amendment.from_dict(LEAVE_OUT)
    )
    base = first.revision.id
    statement = "This amendment would require a judge, not a police officer, to authorise it."
    services.save_amendment(
        team.editor,
        section,
        Amendment.from_dict({**LEAVE_OUT, "explanatory_statement": statement}),
        base,
    )
    outcome = services.save_amendment(
        team.coordinator, section, Amendment.from_dict({**LEAVE_OUT, "insert": "a judge"}), base
    )
    assert outcome.merged and outcome.conflict is None
    merged = services.amendment_of(section)
    assert (merged.insert, merged.explanatory_statement) == ("a judge", statement)


def test_text_that_is_no_amendment_is_refused_with_the_line_it_cannot_read(team, bill_response):
    section, first = services.add_amendment(
        team.editor, bill_response, Amendment.from_dict(LEAVE_OUT)
    )
    with pytest.raises(DomainError, match="Line 2"):
        drafting.save_section(
            team.editor, section, "Kind: leave_out\nWhatever here", None, first.revision.id
        )


def test_a_new_print_moves_amendments_and_flags_those_whose_words_went(team, bill, bill_response):
    moved, _ = services.add_amendment(team.editor, bill_response, Amendment.from_dict(LEAVE_OUT))
    gone, _ = services.add_amendment(
        team.editor,
        bill_response,
        Amendment.from_dict(
            {
                "kind": "leave_out",
                "page": 1,
                "line": 8,
                "leave_out": "superintendent",
                "explanatory_statement": "This amendment would widen who may authorise.",
            }
        ),
    )
    # The second print: a line inserted at the top of page 1 (everything below moves down one)
    # and "superintendent" replaced.
    rows = [(1, 1, LINES[0][2], None, None), (1, 2, "Part 1 Facial recognition", None, None)]
    for page, line, text, provision, subsection in LINES[1:]:
        text = text.replace("superintendent", "chief inspector")
        rows.append((page, line + 1 if page == 1 else line, text, provision, subsection))
    new_print = services.add_print(
        membership_of(team.coordinator, team.organisation),
        bill,
        make_print(rows, HEADINGS),
        label="As amended in committee",
        source_kind="text",
    )
    report = {entry["amendment"]: entry for entry in new_print.remap}
    assert report[moved.id]["status"] == "moved"
    assert report[moved.id]["from"]["line"] == 4 and report[moved.id]["to"]["line"] == 5
    assert services.amendment_of(moved).line == 5
    assert moved.head.author_id == team.coordinator.id  # history says who moved it
    assert report[gone.id]["status"] == "needs_attention" and report[gone.id]["to"] is None
    assert services.amendment_of(gone).line == 8  # kept as written, for a person to fix
    assert bill.current_print.id == new_print.id


def test_a_frozen_version_holds_the_bill_its_print_and_each_amendment(team, bill_response):
    section = bill_response.sections[2]
    drafting.save_section(team.editor, section, "We oppose it.", "oppose", None)
    services.add_amendment(team.editor, bill_response, Amendment.from_dict(LEAVE_OUT))
    version = freeze(membership_of(team.coordinator, team.organisation), bill_response)
    content = json.loads(version.content)
    assert content["bill"]["title"] == "Police Reform Bill (illustrative)"
    assert content["bill"]["illustrative"] is True
    assert content["bill"]["print"] == {"label": "As introduced", "number": 1}
    assert "consultation" not in content
    clause = next(s for s in content["sections"] if s["kind"] == "clause")
    assert (clause["clause"], clause["choice"]) == ("1", "oppose")
    amendment = next(s for s in content["sections"] if s["kind"] == "amendment")
    assert amendment_text.load(amendment["body"]).leave_out == "authorised officer"
    assert db.session.query(Revision).count() >= 2
