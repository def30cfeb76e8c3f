"""A response nobody named is called after its consultation, as a sentence would say it."""

from __future__ import annotations

import pytest

from consult.consultations.models import Consultation
from consult.drafting.titles import default_response_title


def _title(title: str, publisher: str = "") -> str:
    return default_response_title(Consultation(title=title, publisher=publisher))


@pytest.mark.parametrize(
    ("title", "publisher", "expected"),
    [
        (
            "A new legal framework for law-enforcement use of biometrics",
            "Home Office (Data and Identity Directorate)",
            "Response to the Home Office consultation on a new legal framework for "
            "law-enforcement use of biometrics",
        ),
        (
            "\u201cProposals for police powers reform\u201d.",
            "Home Office",
            "Response to the Home Office consultation on proposals for police powers reform",
        ),
        (
            "Consultation on the Online Safety Act codes",
            "Ofcom",
            "Response to the Ofcom consultation on the Online Safety Act codes",
        ),
        (
            "Scotland's approach to facial recognition",
            "The Scottish Government",
            "Response to the Scottish Government consultation on Scotland's approach to "
            "facial recognition",
        ),
        (
            "AI in policing",
            "",
            "Response to the consultation on AI in policing",
        ),
        (
            "Call for evidence: live facial recognition",
            "",
            "Response to the call for evidence on live facial recognition",
        ),
        (
            "Police use of live facial recognition",
            "Home Affairs Committee",
            "Response to the Home Affairs Committee call for evidence on police use of live "
            "facial recognition",
        ),
    ],
)
def test_the_default_title_reads_as_a_sentence(title, publisher, expected):
    assert _title(title, publisher) == expected


def test_a_long_default_title_is_cut_at_a_word_with_an_ellipsis():
    title = _title("The " + "very " * 60 + "long title", "Home Office")

    assert len(title) <= 200
    assert title.endswith("very\u2026")
