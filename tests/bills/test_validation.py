"""Checking an amendment against its print, in the words campaign staff will read: exact about
page and line, saying what to do, and every problem at once (the print: tests/bills/sample.py)."""

from __future__ import annotations

import pytest

from consult.bills.amendments import Amendment, Kind, blocking
from consult.bills.validation import check_against_print, completed, locate
from tests.bills.sample import PRINT

STATEMENT = "This amendment would require a judge to authorise the use of the technology."


def problems(**fields) -> list[str]:
    """The blocking problems' messages for an amendment made of `fields`."""
    fields.setdefault("explanatory_statement", STATEMENT)
    amendment = Amendment.from_dict(fields)
    return [p.message for p in blocking(check_against_print(amendment, PRINT))]


def warnings(**fields) -> list[str]:
    fields.setdefault("explanatory_statement", STATEMENT)
    amendment = Amendment.from_dict(fields)
    return [p.message for p in check_against_print(amendment, PRINT) if p.warning]


LEAVE_OUT = dict(kind="leave_out_insert", clause="1", page=1, line=4, insert="judge")


@pytest.mark.parametrize(
    "fields",
    [
        dict(LEAVE_OUT, leave_out="authorised officer"),
        dict(LEAVE_OUT, leave_out="live facial recognition"),  # runs onto line 5
        dict(LEAVE_OUT, clause=None, leave_out="An authorised officer"),  # Lords style
        dict(kind="leave_out", clause="2", page=2, line=2, leave_out="the Biometrics Commissioner"),
        dict(kind="leave_out", clause="1", page=1, line=5, leave_out="the", occurrence=2),
        dict(LEAVE_OUT, from_words="may", to_end_of_line=True, to_line=6),
        dict(LEAVE_OUT, from_words="may", to_end_of_line=True),
        dict(LEAVE_OUT, from_words="may", to_words="place", to_line=5),
        dict(LEAVE_OUT, from_words="An", to_words="use"),
        dict(kind="insert", clause="1", page=1, line=6, insert="( ) A new subsection."),
        dict(kind="insert", clause="1", page=1, line=4, after="authorised officer", insert="x"),
        dict(kind="leave_out", clause="Schedule 1", page=2, line=6, leave_out="28 days"),
        dict(kind="stand_part", clause="2"),
        dict(kind="stand_part", clause="Schedule 1"),
        dict(kind="new_clause", title="Review", text="Text.", position="2"),
    ],
)
def test_amendments_that_match_the_print(fields):
    assert problems(**fields) == []


def test_words_on_the_line_more_than_once_say_how_to_choose():
    assert problems(**dict(LEAVE_OUT, line=5, leave_out="the")) == [
        "\u201cthe\u201d appears twice on page 1, line 5: quote more words (for example "
        "\u201cthe officer\u201d), or say which one is meant (the first or the second)."
    ]
    assert problems(**dict(LEAVE_OUT, line=5, leave_out="the", occurrence=3)) == [
        "\u201cthe\u201d appears only twice on page 1, line 5: there is no third one."
    ]
    assert warnings(**dict(LEAVE_OUT, leave_out="authorised officer", occurrence=1)) == [
        "\u201cauthorised officer\u201d appears only once on page 1, line 4: there is no need "
        "to say which."
    ]


def test_the_line_must_be_in_the_clause_named():
    assert problems(**dict(LEAVE_OUT, clause="2", leave_out="authorised officer")) == [
        "Page 1, line 4 is in Clause 1, not Clause 2. Clause 2 runs from page 1, line 9 to "
        "page 2, line 4."
    ]
    assert problems(kind="leave_out", clause="1", page=1, line=1, leave_out="BILL") == [
        "Page 1, line 1 is not in any clause or schedule. Clause 1 runs from page 1, line 3 "
        "to page 1, line 8."
    ]
    assert problems(**dict(LEAVE_OUT, clause="7", leave_out="authorised officer")) == [
        "This print has no Clause 7 (it has clauses 1 to 2 and 1 schedule)."
    ]


def test_pages_and_lines_that_do_not_exist():
    assert problems(**dict(LEAVE_OUT, page=9, leave_out="x")) == [
        "This print has no page 9 (its pages run from 1 to 2)."
    ]
    assert problems(**dict(LEAVE_OUT, page=2, line=40, leave_out="x")) == [
        "Page 2 has lines 1 to 6: there is no line 40."
    ]


def test_words_not_on_the_line_are_found_for_the_person():
    assert problems(**dict(LEAVE_OUT, leave_out="code of practice")) == [
        "\u201ccode of practice\u201d is not on page 1, line 4. It is on page 1, line 10."
    ]
    assert problems(**dict(LEAVE_OUT, leave_out="Secretary of State", line=4)) == [
        "\u201cSecretary of State\u201d is not on page 1, line 4. It is on page 1, line 10, "
        "page 2, line 2 and page 2, line 3."
    ]
    assert problems(**dict(LEAVE_OUT, leave_out="An Authorised Officer")) == [
        "On page 1, line 4 the words are printed \u201cAn authorised officer\u201d: quote them "
        "exactly as printed, capitals and all."
    ]
    assert problems(**dict(LEAVE_OUT, leave_out="a judge")) == [
        "\u201ca judge\u201d is not on page 1, line 4, nor anywhere else in this print. That "
        "line reads: \u201c(1) An authorised officer may authorise the use of live "
        "facial\u201d."
    ]


def test_quotes_and_apostrophes_match_however_they_are_typed():
    assert problems(kind="leave_out", clause="1", page=1, line=7, leave_out='"authorised') == []


def test_passages():
    assert problems(**dict(LEAVE_OUT, from_words="facial", to_end_of_line=True)) == [
        "Nothing follows \u201cfacial\u201d on page 1, line 4: there is nothing to leave out "
        "from there to the end of the line."
    ]
    assert problems(**dict(LEAVE_OUT, from_words="may", to_end_of_line=True, to_line=40)) == [
        "Page 1 has lines 1 to 10: there is no line 40."
    ]
    assert warnings(**dict(LEAVE_OUT, from_words="may", to_end_of_line=True, to_line=9)) == [
        "The passage runs from page 1, line 4 into another clause or schedule (line 9): "
        "check where it should end."
    ]
    assert problems(**dict(LEAVE_OUT, from_words="may", to_words="judge")) == [
        "\u201cjudge\u201d is not on page 1, line 4 after \u201cmay\u201d."
    ]
    assert problems(**dict(LEAVE_OUT, from_words="may", to_words="the", to_line=5)) == [
        "\u201cthe\u201d appears twice on page 1, line 5: quote more words to say where the "
        "passage ends."
    ]
    assert problems(**dict(LEAVE_OUT, from_words="must", to_end_of_line=True)) == [
        "\u201cmust\u201d is not on page 1, line 4. It is on page 1, line 10, page 2, line 2 "
        "and page 2, line 6."
    ]


def test_provisions_that_do_not_exist():
    assert problems(kind="stand_part", clause="5") == [
        "This print has no Clause 5 (it has clauses 1 to 2 and 1 schedule)."
    ]
    assert problems(kind="new_schedule", title="Board", text="1 Text.", position="Schedule 3") == [
        "This print has no Schedule 3 (it has clauses 1 to 2 and 1 schedule)."
    ]


def test_subsection_named_wrongly_is_a_warning():
    assert warnings(**dict(LEAVE_OUT, leave_out="authorised officer", subsection="(2)")) == [
        "Page 1, line 4 is in subsection (1), not (2)."
    ]
    assert warnings(**dict(LEAVE_OUT, leave_out="authorised officer", subsection="1")) == []


def test_every_problem_is_reported_at_once():
    found = problems(
        **dict(LEAVE_OUT, clause="2", leave_out="judge", explanatory_statement="word " * 60)
    )
    assert len(found) == 3
    assert found[0].startswith("The explanatory statement has 60 words")
    assert found[1].startswith("Page 1, line 4 is in Clause 1, not Clause 2.")
    assert found[2].startswith("\u201cjudge\u201d is not on page 1, line 4")


def test_completed_names_the_clause_and_drops_needless_ordinals():
    a = Amendment.from_dict(
        dict(kind="leave_out", page=1, line=4, leave_out="authorised officer", occurrence=1)
    )
    assert completed(a, PRINT) == Amendment(
        Kind.LEAVE_OUT, clause="1", page=1, line=4, leave_out="authorised officer"
    )
    kept = Amendment.from_dict(
        dict(kind="leave_out", page=1, line=5, leave_out="the", occurrence=2)
    )
    assert completed(kept, PRINT).occurrence == 2


def test_locate_gives_the_words_place_in_the_print():
    span, found = locate(
        Amendment.from_dict(dict(LEAVE_OUT, leave_out="authorised officer")), PRINT
    )
    assert found == [] and span is not None
    assert span.end - span.start == 2 and span.line == 2 and not span.at_line_end
    at_end, _ = locate(Amendment.from_dict(dict(kind="insert", page=1, line=6, insert="x")), PRINT)
    assert at_end is not None and at_end.at_line_end and at_end.line == 4
