"""Amendments follow the bill into its next print: moved (old -> new reference), unchanged, or
needs attention with the reason, never a silent wrong mapping. Worked examples here; the
property is in test_remap_property.py; the speed on a 300-page print at the end."""

from __future__ import annotations

import time
from dataclasses import replace

from consult.bills.amendments import Amendment
from consult.bills.house_style import render
from consult.bills.remap import Reference, Status, remap
from tests.bills.sample import HEADINGS, PRINT, make_print
from tests.bills.synthetic import amendment_at, build, edited, position_of, random_bill

# The same bill "as amended in committee": a new clause 1 (the others renumber), a word added
# in clause 2, subsection (2) of the code clause re-wrapped (the hyphenated word is whole
# again), the schedule's cross-reference updated, pages broken elsewhere.
AMENDED_ROWS = [
    (1, 1, "A BILL TO Make provision about the use of facial recognition.", None, None),
    (1, 3, "1 Interpretation", "1", None),
    (1, 4, "In this Act \u201cthe Commissioner\u201d means the Biometrics Commissioner.",
     "1", None),
    (1, 5, "2 Use of live facial recognition", "2", None),
    (1, 6, "(1) An authorised officer may authorise the use of live facial", "2", "(1)"),
    (1, 7, "recognition in a public place where the officer is satisfied that the", "2", "(1)"),
    (1, 8, "use is necessary and proportionate.", "2", "(1)"),
    (1, 9, "(2) In this section \u201cauthorised officer\u201d means a constable of at least",
     "2", "(2)"),
    (1, 10, "the rank of chief superintendent.", "2", "(2)"),
    (2, 1, "3 Code of practice", "3", None),
    (2, 2, "(1) The Secretary of State must issue a code of practice about the", "3", "(1)"),
    (2, 3, "use of live facial recognition by police forces.", "3", "(1)"),
    (2, 4, "(2) Before issuing the code the Secretary of State must consult the", "3", "(2)"),
    (2, 5, "Biometrics Commissioner and such other persons as the Secretary of", "3", "(2)"),
    (2, 6, "State considers appropriate.", "3", "(2)"),
    (2, 7, "SCHEDULE 1", "Schedule 1", None),
    (2, 8, "1 Images retained under section 2 must be deleted within 28 days.",
     "Schedule 1", None),
]  # fmt: skip
AMENDED = make_print(AMENDED_ROWS, {**HEADINGS, "1": "Interpretation", "2": HEADINGS["1"],
                                    "3": HEADINGS["2"]})  # fmt: skip
STATEMENT = "This amendment would change the words of the clause."


def amendment(**fields) -> Amendment:
    return Amendment.from_dict({"explanatory_statement": STATEMENT, **fields})


AUTHORISED = amendment(
    kind="leave_out_insert", clause="1", page=1, line=4, leave_out="authorised officer",
    insert="judge",
)  # fmt: skip


def test_the_same_print_leaves_every_amendment_unchanged():
    amendments = [
        AUTHORISED,
        amendment(kind="leave_out", clause="1", page=1, line=5, leave_out="the", occurrence=2),
        amendment(kind="insert", clause="2", page=2, line=3, insert="( ) New words."),
        amendment(kind="stand_part", clause="2"),
        amendment(kind="new_clause", title="Review", text="Text."),
    ]
    results = remap(amendments, PRINT, PRINT)
    assert [r.status for r in results] == [Status.UNCHANGED] * 5
    assert [r.new for r in results] == amendments


def test_renumbered_and_re_flowed_amendments_move_with_their_words():
    moves = {
        "authorised officer": (
            AUTHORISED,
            "Clause 2, page 1, line 6, leave out \u201cauthorised officer\u201d and insert "
            "\u201cjudge\u201d",
        ),
        "second the": (
            amendment(kind="leave_out", clause="1", page=1, line=5, leave_out="the", occurrence=2),
            "Clause 2, page 1, line 7, leave out second \u201cthe\u201d",
        ),
        "code of practice, over a page": (
            amendment(kind="leave_out", clause="2", page=1, line=10, leave_out="code of practice"),
            "Clause 3, page 2, line 2, leave out \u201ccode of practice\u201d",
        ),
        "passage to the end of a later line": (
            amendment(
                kind="leave_out", clause="1", page=1, line=4, from_words="may",
                to_end_of_line=True, to_line=6,
            ),
            "Clause 2, page 1, line 6, leave out from \u201cmay\u201d to end of line 8",
        ),
        "words over a line break, hyphenated in the old print": (
            amendment(
                kind="leave_out", clause="2", page=2, line=2,
                leave_out="consult the Biometrics Commissioner",
            ),
            "Clause 3, page 2, line 4, leave out \u201cconsult the Biometrics Commissioner\u201d",
        ),
        "a schedule": (
            amendment(kind="leave_out", clause="Schedule 1", page=2, line=6, leave_out="28 days"),
            "Schedule 1, page 2, line 8, leave out \u201c28 days\u201d",
        ),
        "stand part of a renumbered clause": (
            amendment(kind="stand_part", clause="2"),
            "Clause 3 stand part",
        ),
    }  # fmt: skip
    results = remap([old for old, _ in moves.values()], PRINT, AMENDED)
    for (name, (_, expected)), result in zip(moves.items(), results, strict=True):
        assert result.status is Status.MOVED, (name, result.reason)
        assert render(result.new, statement=False).text == expected, name
    first = results[0]
    assert first.old_reference == Reference("1", 1, 4)
    assert first.new_reference == Reference("2", 1, 6)
    assert first.as_dict() == {
        "from": {"clause": "1", "page": 1, "line": 4},
        "to": {"clause": "2", "page": 1, "line": 6},
        "status": "moved",
        "reason": "",
    }
    assert first.old_reference.describe() == "Clause 1, page 1, line 4"


def test_changed_or_vanished_words_need_attention_with_the_reason():
    gone = amendment(kind="leave_out", clause="Schedule 1", page=2, line=6, leave_out="section 1")
    reworded = amendment(kind="leave_out", clause="1", page=1, line=8, leave_out="superintendent")
    rewrapped = amendment(kind="insert", clause="2", page=2, line=3, insert="( ) New words.")
    results = remap([gone, reworded, rewrapped], PRINT, AMENDED)
    assert [r.status for r in results] == [Status.NEEDS_ATTENTION] * 3
    assert all(r.new is None for r in results)
    assert results[0].reason == (
        "\u201csection 1\u201d is no longer in the new print: the words were changed or "
        "removed. Check what the new print says there and redraft the amendment."
    )
    assert results[1].reason == (
        "\u201csuperintendent\u201d is in the new print, but the words around it have changed, "
        "so it cannot be told for certain that it is the same place: check it."
    )
    assert results[2].reason.startswith(
        "\u201cthe Secretary of State\u201d no longer ends a line in the new print"
    )
    assert results[0].as_dict()["to"] is None


def test_at_end_of_a_line_that_grew_follows_its_end():
    """ "considers appropriate." became "State considers appropriate." (re-wrapped): an insertion
    at its end still goes at its end."""
    insert = amendment(kind="insert", clause="2", page=2, line=4, insert="( ) New words.")
    [result] = remap([insert], PRINT, AMENDED)
    assert result.status is Status.MOVED, result.reason
    assert (result.new.clause, result.new.page, result.new.line) == ("3", 2, 6)


def test_an_amendment_that_never_matched_the_old_print_needs_attention():
    [result] = remap(
        [amendment(kind="leave_out", page=1, line=4, leave_out="judge")], PRINT, AMENDED
    )
    assert result.status is Status.NEEDS_ATTENTION
    assert result.reason.startswith("It does not match the old print (\u201cjudge\u201d is not on")


def test_a_clause_left_out_of_the_new_print_needs_attention():
    without_code = make_print(
        [row for row in AMENDED_ROWS if row[3] != "3"], {**HEADINGS, "2": HEADINGS["1"]}
    )
    [result] = remap([amendment(kind="stand_part", clause="2")], PRINT, without_code)
    assert result.status is Status.NEEDS_ATTENTION
    assert result.reason.startswith("Clause 2 (\u201cCode of practice\u201d) cannot be found")


def test_words_printed_twice_in_the_new_print_are_not_guessed_at():
    """The new print holds the amendment's words, and everything for 64 words around them,
    twice (a clause printed again as another)."""
    draft = build(random_bill(clauses=2, lines=40))
    old, _ = draft.parsed()
    doubled = edited(draft, [])
    doubled.clauses = [*draft.clauses, replace(draft.clauses[0], uid=100)]
    new, _ = doubled.parsed()
    [result] = remap([amendment_at(old, 160, 2)], old, new)  # mid-way through clause 1
    assert result.status is Status.NEEDS_ATTENTION, result
    assert "more than one place in the new print" in result.reason


def test_of_two_identical_passages_one_gone_neither_is_guessed_at():
    """The old print held "a w b" twice with other words between; the new one holds it once,
    the words between gone. Deleting either copy (with the words between) gives the same new
    print, so an amendment to either needs attention rather than being mapped to a guess."""
    before, between, after = [f"l{i}" for i in range(9)], ["m1", "m2"], [f"r{i}" for i in range(9)]
    draft = build([[before, ["a", "w", "b"], between, ["a", "w", "b"], after]])
    old, _ = draft.parsed()
    new, _ = edited(draft, [("delete_line", 0, 2), ("delete_line", 0, 2)]).parsed()
    first = amendment(kind="leave_out", clause="1", page=1, line=3, leave_out="w")
    second = amendment(kind="leave_out", clause="1", page=1, line=5, leave_out="w")
    results = remap([first, second], old, new)
    assert [r.status for r in results] == [Status.NEEDS_ATTENTION] * 2, results
    assert "more than one place in the old print" in results[0].reason


def test_a_300_page_print_with_100_amendments_remaps_quickly():
    """Issue 14: fast enough for a 300-page print and 100 amendments (bench/amendments.py
    prints the figures; the bound here is loose for a busy machine)."""
    bill = random_bill(clauses=120, lines=99)  # 12,000 lines with the headings, 95,000 words
    draft = build(bill, lines_per_page=40)
    old, _ = draft.parsed()
    assert old.pages == 300
    new, _ = edited(
        draft,
        [("insert_clause", 3, 5), ("delete_line", 10, 7), ("change_word", 50, 3, 2),
         ("renumber", 1), ("reflow", 37)],
    ).parsed()  # fmt: skip
    step = len(old.lines) // 100
    amendments = [amendment_at(old, position_of(old, i * step + 1, 2), 3) for i in range(100)]
    started = time.perf_counter()
    results = remap(amendments, old, new)
    elapsed = time.perf_counter() - started
    assert elapsed < 20, elapsed
    assert sum(r.status is Status.MOVED for r in results) >= 90
