"""Counts and lists in plain English: only the parts that are not zero, singular when one."""

from __future__ import annotations

import pytest

from consult.exports.document import Signatories
from consult.exports.office import signatories_intro, supporters_line, unnamed_line
from consult.wording import count_of, counts_phrase, listed


def test_count_of_puts_the_noun_in_the_right_number():
    assert count_of(1, "signatory", "signatories") == "1 signatory"
    assert count_of(0, "signatory", "signatories") == "0 signatories"
    assert count_of(2400, "organisation") == "2,400 organisations"


def test_listed_joins_with_commas_and_a_final_and_or_or():
    assert listed([]) == ""
    assert listed(["A"]) == "A"
    assert listed(["A", "B"]) == "A and B"
    assert listed(["A", "B", "C"]) == "A, B and C"
    assert listed(["A", "B", "C"], "or") == "A, B or C"


def test_counts_phrase_leaves_out_the_zero_counts():
    kinds = [("organisation", "organisations"), ("individual", "individuals")]
    phrase = lambda a, b: counts_phrase([(a, *kinds[0]), (b, *kinds[1])])  # noqa: E731

    assert phrase(0, 2) == "2 individuals"
    assert phrase(1, 0) == "1 organisation"
    assert phrase(2, 1) == "2 organisations and 1 individual"
    assert phrase(0, 0) == ""


PEOPLE = (("Ana Lopez", ""), ("Ben Ng", "Teacher"))


@pytest.mark.parametrize(
    ("organisations", "people", "total", "intro", "unnamed"),
    [
        (
            (),
            PEOPLE,
            2,
            "This response is supported by 2 signatories: 2 individuals are named below.",
            None,
        ),
        (
            ("Valley Clean Air",),
            (),
            1,
            "This response is supported by 1 signatory: 1 organisation is named below.",
            None,
        ),
        (
            ("Valley Clean Air",),
            PEOPLE[:1],
            4,
            "This response is supported by 4 signatories: 1 organisation and 1 individual are "
            "named below.",
            "A further 2 signatories asked not to be named.",
        ),
        (
            (),
            (),
            3,
            "This response is supported by 3 signatories, who asked not to be named.",
            None,
        ),
    ],
)
def test_the_office_exports_count_only_the_kinds_of_signatory_they_name(
    organisations, people, total, intro, unnamed
):
    signatories = Signatories(organisations, people, total)

    assert signatories_intro(signatories) == intro
    assert unnamed_line(signatories) == unnamed


def test_the_supporters_line_lists_the_organisations():
    from types import SimpleNamespace

    line = lambda *names: supporters_line(SimpleNamespace(co_signing_organisations=names))  # noqa: E731

    assert line() is None
    assert line("A") == "Supported by A"
    assert line("A", "B", "C") == "Supported by A, B and C"
