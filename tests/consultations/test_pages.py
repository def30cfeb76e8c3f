"""The consultations list and a consultation's page: what an organisation can answer, the
questions with their kinds, options and word limits, and the submission profiles."""

from __future__ import annotations

import re
from datetime import timedelta

from consult.consultations.builtin import FACIAL_RECOGNITION, SCALE_OPTIONS
from consult.consultations.profiles import PROFILES
from consult.timeutil import utcnow
from tests.organisations.support import text_of

BUILTIN = FACIAL_RECOGNITION["slug"]


def _list(browser, team) -> str:
    response = browser.get(f"/o/{team.organisation.slug}/consultations")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _card_of(page: str, title: str) -> str:
    """The visible text of the list card that holds `title`."""
    for card in re.findall(
        r'<li class="card stack">(.*?)</li>\s*(?=<li class="card|</ul>)', page, re.S
    ):
        if title in text_of(card):
            return text_of(card)
    raise AssertionError(f"no card for {title!r}")


def test_the_list_shows_the_built_in_consultation_closed_with_its_17_questions(browser_of, team):
    page = _list(browser_of("editor"), team)
    card = _card_of(page, "A new legal framework for law-enforcement use of biometrics")
    assert "Built in" in card
    assert FACIAL_RECOGNITION["publisher"] in card
    assert "17 questions" in card
    # It closed on 12 February 2026: a date in the past says so, with no days left.
    assert "Closed on 12 February 2026" in card
    assert "days left" not in card
    slug = team.organisation.slug
    assert f'href="/o/{slug}/responses/new?consultation={BUILTIN}"' in page
    assert f'href="/o/{slug}/consultations/{BUILTIN}"' in page


def test_an_open_consultation_shows_its_closing_date_and_days_left(
    browser_of, team, add_consultation
):
    closes_at = (utcnow() + timedelta(days=10)).replace(hour=23, minute=59, second=0)
    add_consultation("Clean air zones", closes_at=closes_at)
    add_consultation("Bus lanes", closes_at=utcnow().replace(hour=23, minute=59, second=0))
    add_consultation("Parks", closes_at=None)
    add_consultation("Old one", closes_at=utcnow() - timedelta(days=3))
    page = _list(browser_of("member"), team)

    clean_air = _card_of(page, "Clean air zones")
    assert f"Closes on {closes_at.day} {closes_at.strftime('%B %Y')}" in clean_air
    assert "10 days left" in clean_air
    assert "Added by your organisation" in clean_air
    assert "Built in" not in clean_air
    assert "2 questions" in clean_air
    assert "Closes today" in _card_of(page, "Bus lanes")
    assert "No closing date" in _card_of(page, "Parks")
    assert "Closed on" in _card_of(page, "Old one")


def test_the_start_and_add_links_follow_the_role(browser_of, team):
    slug = team.organisation.slug
    for role, starts, adds in (
        ("owner", True, True),
        ("coordinator", True, True),
        ("editor", True, False),
        ("member", False, False),
    ):
        page = _list(browser_of(role), team)
        assert (f"/o/{slug}/responses/new?" in page) is starts, role
        assert (f"/o/{slug}/consultations/new" in page) is adds, role
    assert "Ask a coordinator or owner to add it" in text_of(_list(browser_of("member"), team))


def test_the_organisation_tabs_lead_to_the_consultations(browser_of, team):
    slug = team.organisation.slug
    overview = browser_of("member").get(f"/o/{slug}").get_data(as_text=True)
    assert f'href="/o/{slug}/consultations"' in overview
    page = _list(browser_of("member"), team)
    assert re.search(
        rf'<a href="/o/{slug}/consultations" aria-current="page">Consultations</a>', page
    )


def test_the_built_in_consultation_page_numbers_its_questions_with_kinds_and_options(
    browser_of, team
):
    response = browser_of("member").get(f"/o/{team.organisation.slug}/consultations/{BUILTIN}")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    text = text_of(page)
    assert FACIAL_RECOGNITION["title"] in text
    assert "Closed on 12 February 2026" in text
    assert "Opened 4 December 2025" in text
    assert "17: 8 closed, 9 open" in text

    items = re.findall(
        r'<li class="list__item list__item--stacked" id="question-(\d+)">(.*?)</li>', page, re.S
    )
    assert [int(number) for number, _ in items] == list(range(1, 18))
    for (number, item), question in zip(items, FACIAL_RECOGNITION["questions"], strict=True):
        item_text = text_of(item)
        assert item_text.startswith(f"{number}. {question['text']}")
        if question["kind"] == "scale":
            assert "Closed" in item_text
            assert " / ".join(SCALE_OPTIONS) in item_text, number
        else:
            assert "Open" in item_text and "Agree" not in item_text, number


def test_the_built_in_page_says_which_questions_are_worded_as_asked_and_which_are_ours(
    browser_of, team
):
    page = browser_of("member").get(f"/o/{team.organisation.slug}/consultations/{BUILTIN}")
    html = page.get_data(as_text=True)
    items = dict(
        re.findall(
            r'<li class="list__item list__item--stacked" id="question-(\d+)">(.*?)</li>', html, re.S
        )
    )
    verified = {q["number"] for q in FACIAL_RECOGNITION["questions"] if q["source"]}
    assert verified == {1, 5}
    for number, item in items.items():
        if int(number) in verified:
            assert "Wording as asked" in text_of(item) and "not verified" not in item
            assert re.search(r'href="https://[a-z0-9]+\.local\.gov\.uk/', item)
        else:
            assert "Wording not verified" in text_of(item), number
    notice = text_of(html.split("data-wording-not-verified>")[1].split("</div>")[0])
    assert "Only questions 1 and 5 are worded exactly as asked." in notice
    assert "The other 15, marked “Wording not verified”, are our own wording" in notice


def test_an_organisations_own_questions_carry_no_wording_marks(browser_of, team, add_consultation):
    slug = add_consultation()
    page = browser_of("member").get(f"/o/{team.organisation.slug}/consultations/{slug}")
    html = page.get_data(as_text=True)
    assert "Wording" not in html and "data-wording-not-verified" not in html


def test_the_consultation_page_summarises_every_submission_profile(browser_of, team):
    page = browser_of("editor").get(f"/o/{team.organisation.slug}/consultations/{BUILTIN}")
    text = text_of(page.get_data(as_text=True))
    for profile in PROFILES.values():
        assert profile.name in text
        assert profile.recipient in text
        for note in profile.notes:
            assert note in text
    assert "3,000 words" in text and "No limit" in text
    assert "Word (.docx) (preferred)" in text  # committees want a Word-type file, not PDF
    assert "Numbered paragraphs, summary first" in text
    assert "Start a response" in text


def test_word_limits_of_questions_are_shown(browser_of, team, add_consultation):
    slug = add_consultation(questions="1. Agree? (scale)\n2. Explain [1500 words]")
    page = browser_of("member").get(f"/o/{team.organisation.slug}/consultations/{slug}")
    text = text_of(page.get_data(as_text=True))
    assert "2. Explain Open Your own text. Up to 1,500 words." in text
    assert "Added by your organisation" in text
    # A member reads the questions but does not start responses.
    assert "Start a response" not in text
    assert "Editors, coordinators and owners start responses" in text


def test_text_from_coordinators_is_escaped(browser_of, team, add_consultation):
    slug = add_consultation(
        "<script>alert(1)</script>", questions="1. <img src=x onerror=alert(1)>"
    )
    for url in (
        f"/o/{team.organisation.slug}/consultations",
        f"/o/{team.organisation.slug}/consultations/{slug}",
    ):
        page = browser_of("member").get(url).get_data(as_text=True)
        assert "<script>alert" not in page and "<img src=x" not in page
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
