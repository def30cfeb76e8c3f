"""Text for online forms lines answers up with the consultation's own questions: it says which
built-in questions are not worded as verified, and where an answer in a version frozen before
the questions were corrected belongs now."""

from __future__ import annotations

import re

from consult.consultations.builtin import FACIAL_RECOGNITION
from consult.consultations.builtin_history import FIRST_TEMPLATE
from consult.drafting import services as drafting
from consult.exports.builder import build_document
from consult.extensions import db
from consult.signing import services as signing
from tests.conftest import login
from tests.exports.conftest import membership
from tests.organisations.support import text_of

VERIFIED = {q["number"] for q in FACIAL_RECOGNITION["questions"] if q["source"]}
OLD = {number: text for number, (_kind, text) in enumerate(FIRST_TEMPLATE["questions"], 1)}


def _cards(html: str) -> dict[str, str]:
    """Each answer card of the text page, by its heading."""
    cards = re.findall(r'<section class="card stack export-answer"(.*?)</section>', html, re.S)
    return {text_of(re.search(r"<h2[^>]*>(.*?)</h2>", card, re.S).group(1)): card for card in cards}


def _question_card(cards: dict[str, str], number: int) -> str:
    (card,) = [card for heading, card in cards.items() if heading.startswith(f"Question {number}:")]
    return card


def test_the_text_page_marks_every_question_whose_wording_is_not_verified(
    client, team, frozen_version
):
    login(client, team.coordinator)

    html = client.get(f"/responses/{frozen_version.response_id}/export/text").get_data(True)

    cards = _cards(html)
    for number in range(1, 18):
        card = _question_card(cards, number)
        assert ("data-wording-not-verified" in card) is (number not in VERIFIED), number
        assert "data-asked-differently" not in card  # frozen with today's questions
    assert "Wording not verified: we could not find this question word for word" in text_of(
        _question_card(cards, 2)
    )
    for heading in ("Summary", "Recommendations"):
        assert "data-wording-not-verified" not in cards[heading]


def test_the_editor_says_plainly_when_a_questions_wording_is_not_verified(
    client, team, export_response
):
    login(client, team.editor)
    sections = {s.number: s for s in drafting.live_sections(export_response) if s.number}

    def editor(number: int) -> str:
        url = f"/responses/{export_response.id}/sections/{sections[number].id}"
        return client.get(url).get_data(as_text=True)

    assert "data-wording-not-verified" not in editor(1)
    assert "data-wording-not-verified" not in editor(5)
    page = editor(9)
    assert "data-wording-not-verified" in page
    assert "Its number on the consultation\u2019s own form" in text_of(page)


def _frozen_before_the_correction(team, response):
    """A version as one frozen before a7c9e1f3b5d7 reads: the first template's numbers and
    wording (here: its question 1, reworded since, and its question 13, now question 14)."""
    sections = {s.number: s for s in drafting.live_sections(response) if s.number}
    sections[1].title = OLD[1]
    sections[14].number, sections[14].title = 13, OLD[13]
    db.session.flush()
    version = signing.freeze(membership(team.owner, team.organisation), response, "old")
    db.session.commit()
    return version


def test_an_answer_frozen_under_an_old_number_says_which_question_it_belongs_to_now(
    client, team, export_response
):
    version = _frozen_before_the_correction(team, export_response)
    login(client, team.coordinator)

    html = client.get(
        f"/responses/{export_response.id}/export/text?version={version.number}&profile=home-office"
    ).get_data(as_text=True)

    cards = _cards(html)
    moved = cards[f"Question 13: {OLD[13]}"]
    assert "data-asked-differently" in moved
    assert "This answer belongs under question 14 now" in text_of(moved)
    reworded = text_of(cards[f"Question 1: {OLD[1]}"])
    assert (
        f"Question 1 is now worded: \u201c{FACIAL_RECOGNITION['questions'][0]['text']}\u201d"
        in reworded
    )
    same = cards["Question 13: How should the framework prevent bias and discrimination?"]
    assert "data-asked-differently" not in same


def test_a_frozen_answers_closed_choices_come_from_the_question_it_answers_now(
    team, export_response
):
    version = _frozen_before_the_correction(team, export_response)

    document = build_document(export_response, version, "home-office")

    moved = next(p for p in document.parts if p.title == OLD[13])
    assert (moved.number, moved.asked_number, moved.asked_differently) == (13, 14, True)
    assert moved.choice == "Agree" and moved.options[0] == "Agree"  # question 14 is closed
    assert moved.wording_verified is False
    first = next(p for p in document.parts if p.number == 1)
    assert first.asked_differently and first.wording_verified is True
    assert not any(p.asked_differently for p in document.parts if p.number not in (1, 13))
