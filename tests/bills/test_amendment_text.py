"""An amendment kept as a revision's text: whatever a person can enter reads back the same, two
people's edits of different fields merge into an amendment that still reads, and text that is
not an amendment is refused naming its line."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from consult.bills.amendment_text import dump, load
from consult.bills.amendments import Amendment, Kind
from consult.bills.errors import BillError
from consult.drafting.merge import merge_texts

words = st.text(
    st.characters(codec="utf-8", exclude_categories=("Cc", "Cs", "Zl", "Zp")), max_size=40
)
blocks = st.lists(words, max_size=4).map("\n".join)
numbers = st.one_of(st.none(), st.integers(1, 999))

amendments = st.builds(
    lambda **values: Amendment.from_dict(values),
    kind=st.sampled_from([kind.value for kind in Kind]),
    clause=st.one_of(st.none(), st.sampled_from(["4", "12A", "Schedule 2"])),
    page=numbers,
    line=numbers,
    subsection=st.one_of(st.none(), st.sampled_from(["(2)", "(3)(a)"])),
    leave_out=words,
    from_words=words,
    to_words=words,
    to_end_of_line=st.booleans(),
    to_line=numbers,
    after=words,
    occurrence=numbers,
    insert=blocks,
    title=words,
    text=blocks,
    explanatory_statement=words,
    purpose=blocks,
)


@given(amendments)
def test_every_amendment_reads_back_as_it_was_written(amendment):
    assert load(dump(amendment)) == amendment


def test_edits_of_different_fields_by_two_people_merge_into_one_amendment():
    base = Amendment.from_dict(
        {"kind": "insert", "page": 2, "line": 10, "insert": "( ) a judge", "purpose": "Why."}
    )
    mine = Amendment.from_dict({**base.as_dict(), "line": 11})
    theirs = Amendment.from_dict({**base.as_dict(), "purpose": "Because judges are independent."})
    merged_text = merge_texts(dump(base), dump(theirs), dump(mine))
    assert merged_text is not None
    merged = load(merged_text)
    assert (merged.line, merged.purpose) == (11, "Because judges are independent.")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Kind: leave_out\nPage 3", "Line 2"),
        ("Page: 3", "what kind of amendment"),
        ("Kind: insert\nPage: three", "whole number"),
        ("Kind: insert\nPage: 3\nPage: 4", "twice"),
    ],
)
def test_text_that_is_not_an_amendment_is_refused_saying_why(text, message):
    with pytest.raises(BillError, match=message):
        load(text)
