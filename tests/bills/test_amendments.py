"""An amendment as data: what a form or the API sends becomes a canonical amendment, and the
checks that need no print say everything that is missing at once."""

from __future__ import annotations

import pytest

from consult.bills.amendments import (
    STATEMENT_WORD_LIMIT,
    Amendment,
    Kind,
    blocking,
    check,
    schedule_effect_problems,
    statement_problems,
)

STATEMENT = "This amendment would require a judge to authorise the use of the technology."


def test_from_dict_tidies_what_a_person_types():
    a = Amendment.from_dict(
        {
            "kind": "leave_out_insert",
            "clause": " clause  4 ",
            "page": "3",
            "line": 12,
            "leave_out": "  \u201cauthorised   officer\u201d ",
            "insert": "judge",
            "explanatory_statement": "  This amendment   would do X. ",
            "ignored": "by design",
        }
    )
    assert a == Amendment(
        Kind.LEAVE_OUT_INSERT,
        clause="4",
        page=3,
        line=12,
        leave_out="authorised officer",
        insert="judge",
        explanatory_statement="This amendment would do X.",
    )
    assert Amendment.from_dict(a.as_dict()) == a
    assert a.as_dict()["kind"] == "leave_out_insert"


def test_provisions_are_named_as_the_print_names_them():
    assert Amendment.from_dict({"kind": "stand_part", "clause": "Schedule 2"}).clause == (
        "Schedule 2"
    )
    assert Amendment.from_dict({"kind": "stand_part", "clause": "schedule 2"}).clause == (
        "Schedule 2"
    )
    assert Amendment.from_dict({"kind": "stand_part", "clause": "Clause 12A"}).clause == "12A"
    assert Amendment.from_dict({"kind": "new_clause", "position": "23"}).position == "23"


def test_inserted_text_keeps_its_lines():
    a = Amendment.from_dict(
        {"kind": "insert", "page": 1, "line": 2, "insert": "( ) One.\r\n\r\n  ( )   Two.  "}
    )
    assert a.insert == "( ) One.\n( ) Two."


def test_unknown_kind_is_refused():
    with pytest.raises(ValueError):
        Amendment.from_dict({"kind": "delete everything"})


@pytest.mark.parametrize(
    ("fields", "missing"),
    [
        ({"kind": "leave_out"}, {"page", "line", "leave_out"}),
        ({"kind": "leave_out_insert", "page": 1, "line": 2, "leave_out": "x"}, {"insert"}),
        ({"kind": "insert", "page": 1, "line": 2}, {"insert"}),
        ({"kind": "stand_part"}, {"clause"}),
        ({"kind": "new_clause"}, {"title", "text"}),
        ({"kind": "new_schedule", "title": "Board"}, {"text"}),
        ({"kind": "leave_out", "page": 0, "line": 2, "leave_out": "x"}, {"page"}),
    ],
)
def test_each_kind_says_what_it_needs(fields, missing):
    problems = blocking(check(Amendment.from_dict({**fields, "explanatory_statement": STATEMENT})))
    assert {problem.field for problem in problems} == missing
    assert all(problem.message.endswith(".") for problem in problems)


def test_leave_out_with_words_to_insert_is_asked_to_be_leave_out_and_insert():
    a = Amendment.from_dict(
        {"kind": "leave_out", "page": 1, "line": 2, "leave_out": "x", "insert": "y"}
    )
    assert [p.field for p in blocking(check(a))] == ["kind"]


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"leave_out": "x", "from_words": "may", "to_end_of_line": True}, "leave_out"),
        ({"from_words": "may"}, "to_words"),
        ({"from_words": "may", "to_words": "y", "to_end_of_line": True}, "to_words"),
        ({"leave_out": "x", "to_line": 4}, "from_words"),
        ({"from_words": "may", "to_end_of_line": True, "to_line": 1}, "to_line"),
    ],
)
def test_a_passage_needs_a_start_and_one_end(fields, field):
    a = Amendment.from_dict(
        {"kind": "leave_out", "page": 3, "line": 2, "explanatory_statement": STATEMENT, **fields}
    )
    assert [p.field for p in blocking(check(a))] == [field]


def test_procedure_committee_explanatory_statement_at_most_50_words():
    """Procedure Committee guideline 1 (HC 410, 2009-10): "not more than 50 words"."""
    fifty = " ".join(["word"] * STATEMENT_WORD_LIMIT)
    assert statement_problems(fifty) == []
    [problem] = statement_problems(fifty + " more")
    assert not problem.warning
    assert problem.message == (
        "The explanatory statement has 51 words: the House prints at most 50. Cut 1."
    )


def test_procedure_committee_statement_describes_rather_than_argues():
    """Guideline 2: it "must describe the intended effect ... but may not be phrased as an
    argument for its adoption" (a warning: only a reader can judge)."""
    [problem] = statement_problems("We think this clause should be removed.")
    assert problem.warning and problem.field == "explanatory_statement"


def test_a_missing_statement_is_a_warning_not_a_refusal():
    """Explanatory statements are voluntary, though Members rely on them."""
    a = Amendment.from_dict({"kind": "stand_part", "clause": "9"})
    assert blocking(check(a)) == []
    assert [p.field for p in check(a)] == ["explanatory_statement"]


def test_lords_guide_new_schedule_needs_a_clause_giving_it_effect():
    """Lords Guide: a new schedule "must be accompanied by a new Clause ... to give effect to"
    it."""
    schedule = Amendment.from_dict(
        {"kind": "new_schedule", "title": "Biometrics Oversight Board", "text": "1 Text."}
    )
    other = Amendment.from_dict({"kind": "stand_part", "clause": "4"})
    giving_effect = Amendment.from_dict(
        {
            "kind": "new_clause",
            "title": "The Board",
            "text": "Schedule (Biometrics Oversight Board) has effect.",
        }
    )
    [problem] = schedule_effect_problems([other, schedule])[1]
    assert problem.warning
    assert "Schedule (Biometrics Oversight Board) has effect." in problem.message
    assert schedule_effect_problems([schedule, giving_effect]) == {}
