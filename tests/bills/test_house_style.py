"""Golden tests: each kind of amendment rendered exactly as the House prints it.

Sources (see consult/bills/house_style.py): OPC = Office of the Parliamentary Counsel, *Style
Manual for Amendments to Bills* (updated 11 March 2024); Lords Guide = House of Lords Public
Bill Office, *A Guide to House of Lords Amendment Style* (May 2015); Erskine May 28.114 and
28.117 (the Questions on clauses and schedules in committee); Procedure Committee guidelines for
explanatory statements (HC 410, 2009-10). The expected texts follow the examples those sources
give, with our own illustrative words.
"""

from __future__ import annotations

import pytest

from consult.bills.amendments import Amendment, Kind
from consult.bills.house_style import Paragraph, Role, render, render_paper, smart_quotes

STATEMENT = "This amendment would require a judge, rather than a police officer, to authorise use."


def amendment(**fields) -> Amendment:
    return Amendment.from_dict(fields)


GOLDEN = [
    # The issue's own example, and OPC 1.7: double quotes, no full stop.
    (
        "opc_leave_out_and_insert_commons_cites_clause_page_line",
        dict(kind="leave_out_insert", clause="4", page=3, line=12,
             leave_out="authorised officer", insert="judge"),
        "commons", "committee",
        ["Clause 4, page 3, line 12, leave out \u201cauthorised officer\u201d and insert "
         "\u201cjudge\u201d"],
    ),
    (
        "opc_leave_out_words",
        dict(kind="leave_out", clause="Clause 4", page=3, line=12, leave_out="or a constable"),
        "commons", "committee",
        ["Clause 4, page 3, line 12, leave out \u201cor a constable\u201d"],
    ),
    (
        "leave_out_first_of_words_on_the_line_twice",
        dict(kind="leave_out", clause="4", page=3, line=12, leave_out="the", occurrence=2),
        "commons", "committee",
        ["Clause 4, page 3, line 12, leave out second \u201cthe\u201d"],
    ),
    (
        "lords_guide_at_end_insert_new_subsection_unnumbered",
        dict(kind="insert", clause="2", page=2, line=10,
             insert="( ) An order under subsection (2) above shall not be made until a draft "
             "has been laid before both Houses of Parliament and approved by resolution of each "
             "House."),
        "lords", "committee",
        ["Page 2, line 10, at end insert\u2014",
         "\u201c( ) An order under subsection (2) above shall not be made until a draft has been "
         "laid before both Houses of Parliament and approved by resolution of each House.\u201d"],
    ),
    (
        "commons_leave_out_from_words_to_end_of_a_later_line_and_insert_set_out",
        dict(kind="leave_out_insert", clause="7", page=5, line=3, from_words="may",
             to_end_of_line=True, to_line=6,
             insert="( ) authorise the use of live facial recognition only with the approval of "
             "a judge.\n( ) In this section \"judge\" means a judge of the High Court."),
        "commons", "committee",
        ["Clause 7, page 5, line 3, leave out from \u201cmay\u201d to end of line 6 and "
         "insert\u2014",
         "\u201c( ) authorise the use of live facial recognition only with the approval of a "
         "judge.",
         "( ) In this section \u201cjudge\u201d means a judge of the High Court.\u201d"],
    ),
    (
        "leave_out_from_words_to_end_of_the_same_line",
        dict(kind="leave_out", clause="7", page=5, line=3, from_words="may",
             to_end_of_line=True),
        "commons", "committee",
        ["Clause 7, page 5, line 3, leave out from \u201cmay\u201d to end of line"],
    ),
    (
        "leave_out_from_words_to_words_in_a_later_line",
        dict(kind="leave_out", clause="7", page=5, line=3, from_words="may",
             to_words="purpose", to_line=5),
        "commons", "committee",
        ["Clause 7, page 5, line 3, leave out from \u201cmay\u201d to \u201cpurpose\u201d in "
         "line 5"],
    ),
    (
        "insert_after_words_within_the_line",
        dict(kind="insert", clause="4", page=3, line=14, after="officer",
             insert="of at least the rank of superintendent"),
        "commons", "committee",
        ["Clause 4, page 3, line 14, after \u201cofficer\u201d insert \u201cof at least the rank "
         "of superintendent\u201d"],
    ),
    (
        "lords_cite_page_and_line_without_the_clause",
        dict(kind="leave_out_insert", clause="4", page=3, line=12, leave_out="may",
             insert="must"),
        "lords", "report",
        ["Page 3, line 12, leave out \u201cmay\u201d and insert \u201cmust\u201d"],
    ),
    (
        "erskine_may_28_114_committee_clause_stand_part",
        dict(kind="stand_part", clause="9"),
        "commons", "committee",
        ["Clause 9 stand part"],
    ),
    (
        "leave_out_clause_at_report",
        dict(kind="stand_part", clause="Clause 9"),
        "commons", "report",
        ["Leave out Clause 9"],
    ),
    (
        "erskine_may_28_117_committee_schedule_question",
        dict(kind="stand_part", clause="Schedule 2"),
        "commons", "committee",
        ["Schedule 2 be the Second Schedule to the Bill"],
    ),
    (
        "commons_new_clause_to_move_the_following_clause",
        dict(kind="new_clause", title="Independent oversight of facial recognition",
             text="(1) The Biometrics Commissioner must keep under review the use of live "
             "facial recognition by police forces.\n(2) The Commissioner must publish a report "
             "each year."),
        "commons", "committee",
        ["To move the following Clause\u2014",
         "\u201cIndependent oversight of facial recognition",
         "(1) The Biometrics Commissioner must keep under review the use of live facial "
         "recognition by police forces.",
         "(2) The Commissioner must publish a report each year.\u201d"],
    ),
    (
        "lords_guide_new_clause_after_clause",
        dict(kind="new_clause", title="Annual report", position="23",
             text="The Secretary of State must lay a report before Parliament each year."),
        "lords", "committee",
        ["After Clause 23",
         "Insert the following new Clause\u2014",
         "\u201cAnnual report",
         "The Secretary of State must lay a report before Parliament each year.\u201d"],
    ),
    (
        "commons_new_schedule",
        dict(kind="new_schedule", title="Biometrics Oversight Board",
             text="1 There is to be a body corporate called the Biometrics Oversight Board."),
        "commons", "committee",
        ["To move the following Schedule\u2014",
         "\u201cSCHEDULE",
         "Biometrics Oversight Board",
         "1 There is to be a body corporate called the Biometrics Oversight Board.\u201d"],
    ),
    (
        "lords_guide_new_schedule_after_schedule",
        dict(kind="new_schedule", title="TITLE OF NEW SCHEDULE", position="Schedule 2",
             text="1 Text of new Schedule, set out in numbered paragraphs."),
        "lords", "committee",
        ["After Schedule 2",
         "Insert the following new Schedule\u2014",
         "\u201cSCHEDULE",
         "TITLE OF NEW SCHEDULE",
         "1 Text of new Schedule, set out in numbered paragraphs.\u201d"],
    ),
]  # fmt: skip


@pytest.mark.parametrize(
    ("fields", "house", "stage", "expected"),
    [case[1:] for case in GOLDEN],
    ids=[case[0] for case in GOLDEN],
)
def test_golden(fields, house, stage, expected):
    rendered = render(amendment(**fields), house=house, stage=stage)
    assert [p.text for p in rendered.paragraphs] == expected
    assert rendered.text == "\n".join(expected)


@pytest.mark.parametrize("case", GOLDEN, ids=[case[0] for case in GOLDEN])
def test_opc_1_7_no_amendment_ends_with_a_full_stop_and_quotes_are_double(case):
    """OPC 1.7: "use double quotes for quoting text; do not end with a full-stop" (text that is
    quoted may end with one, inside its closing quote)."""
    _, fields, house, stage, _ = case
    text = render(amendment(**fields), house=house, stage=stage).text
    assert not text.endswith(".")
    assert '"' not in text and "'" not in text
    assert text.count("\u201c") == text.count("\u201d")


def test_explanatory_statement_follows_under_its_heading():
    """Commons papers print "Member's explanatory statement" above it (Procedure Committee
    guidelines: printed with the amendment)."""
    rendered = render(
        amendment(
            kind="leave_out_insert",
            clause="4",
            page=3,
            line=12,
            leave_out="authorised officer",
            insert="judge",
            explanatory_statement=STATEMENT,
        ),
        number="1",
    )
    assert [(p.role, p.text) for p in rendered.paragraphs] == [
        (Role.NUMBER, "1"),
        (
            Role.REFERENCE,
            "Clause 4, page 3, line 12, leave out \u201cauthorised officer\u201d and insert "
            "\u201cjudge\u201d",
        ),
        (Role.STATEMENT_HEADING, "Member\u2019s explanatory statement"),
        (Role.STATEMENT, STATEMENT),
    ]
    assert render(amendment(kind="stand_part", clause="9", explanatory_statement=STATEMENT),
                  statement=False).text == "Clause 9 stand part"  # fmt: skip


def test_roles_tell_an_export_how_to_set_a_new_clause():
    rendered = render(amendment(kind="new_clause", title="Review", text="(1) A.\n(2) B."))
    assert [p.role for p in rendered.paragraphs] == [
        Role.REFERENCE,
        Role.INSERTED_TITLE,
        Role.INSERTED,
        Role.INSERTED,
    ]
    assert rendered.reference == "To move the following Clause\u2014"


def test_typed_quotes_become_typographic():
    assert smart_quotes("\"judge\" means a judge's clerk ('the clerk')") == (
        "\u201cjudge\u201d means a judge\u2019s clerk (\u2018the clerk\u2019)"
    )
    # Words typed with their own quotes lose them: House style adds its own.
    a = amendment(kind="leave_out", page=1, line=2, leave_out="\u201cauthorised officer\u201d")
    assert render(a).text == "Page 1, line 2, leave out \u201cauthorised officer\u201d"


def test_opc_1_1_paper_heading_names_a_lords_bill_by_the_house():
    """OPC 1.1: a Lords starter is "Cats and Dogs Bill [HL]" in the Lords, "[Lords]" in the
    Commons; OPC 1.2: the heading shows the stage."""
    nc = amendment(kind="new_clause", title="Review", text="Text.")
    lords = render_paper([nc], title="Cats and Dogs Bill", house="lords", lords_starter=True)
    commons = render_paper([nc], title="Cats and Dogs Bill", stage="report", lords_starter=True)
    plain = render_paper([nc], title="Police Reform Bill")
    assert [p.text for p in lords.heading] == ["Cats and Dogs Bill [HL]", "Committee stage"]
    assert [p.text for p in commons.heading] == ["Cats and Dogs Bill [Lords]", "Report stage"]
    assert plain.heading[0] == Paragraph(Role.BILL, "Police Reform Bill")


def test_commons_paper_order_and_numbers_nc_ns():
    """Clause amendments in bill order (each clause's stand part after its amendments), then new
    clauses (NC1, NC2), then amendments to schedules, then new schedules (NS1): Erskine May
    28.117 takes schedules after new clauses."""
    amendments = [
        amendment(kind="new_schedule", title="Board", text="1 Text."),
        amendment(kind="stand_part", clause="4"),
        amendment(kind="new_clause", title="Second", text="Text."),
        amendment(kind="leave_out", clause="Schedule 1", page=9, line=2, leave_out="x"),
        amendment(kind="leave_out", clause="4", page=3, line=20, leave_out="b"),
        amendment(kind="leave_out", clause="2", page=1, line=9, leave_out="a"),
        amendment(kind="new_clause", title="Third", text="Text."),
        amendment(kind="leave_out", clause="4", page=3, line=12, leave_out="c"),
    ]
    paper = render_paper(
        amendments, title="Police Reform Bill", supporters=[["Org A"], [], [], [], [], [], [], []]
    )
    listed = [(entry.number, entry.rendered.reference) for entry in paper.entries]
    assert listed == [
        ("1", "Clause 2, page 1, line 9, leave out \u201ca\u201d"),
        ("2", "Clause 4, page 3, line 12, leave out \u201cc\u201d"),
        ("3", "Clause 4, page 3, line 20, leave out \u201cb\u201d"),
        ("4", "Clause 4 stand part"),
        ("NC1", "To move the following Clause\u2014"),
        ("NC2", "To move the following Clause\u2014"),
        ("5", "Schedule 1, page 9, line 2, leave out \u201cx\u201d"),
        ("NS1", "To move the following Schedule\u2014"),
    ]
    assert paper.entries[-1].supporters == ("Org A",)
    assert paper.text.splitlines()[:3] == ["Police Reform Bill", "Committee stage", ""]
    assert paper.text.endswith("Org A")
    assert Paragraph(Role.SUPPORTERS, "Org A") in paper.paragraphs


def test_lords_paper_groups_under_the_clause_and_places_new_clauses():
    """Lords marshalled order: the bill's order, each clause's amendments under its heading
    (Lords Guide examples cite only page and line), a new clause after the clause it follows."""
    amendments = [
        amendment(kind="new_clause", title="After four", text="Text.", position="4"),
        amendment(kind="leave_out", clause="5", page=4, line=1, leave_out="y"),
        amendment(kind="leave_out", clause="4", page=3, line=12, leave_out="c"),
        amendment(kind="leave_out", clause="4", page=3, line=14, leave_out="d"),
    ]
    paper = render_paper(amendments, title="Police Reform Bill", house="lords")
    assert [p.text for p in paper.paragraphs[2:]] == [
        "Clause 4",
        "1",
        "Page 3, line 12, leave out \u201cc\u201d",
        "2",
        "Page 3, line 14, leave out \u201cd\u201d",
        "NC1",
        "After Clause 4",
        "Insert the following new Clause\u2014",
        "\u201cAfter four",
        "Text.\u201d",
        "Clause 5",
        "3",
        "Page 4, line 1, leave out \u201cy\u201d",
    ]


def test_every_kind_has_a_golden_case():
    kinds = {Amendment.from_dict(case[1]).kind for case in GOLDEN}
    assert kinds == set(Kind)
