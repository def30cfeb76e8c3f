"""Adding an organisation's own consultation: questions pasted as a numbered list or uploaded
as CSV or JSON; every problem is shown on the field it belongs to, nothing is created, the
typed fields are kept, and no upload, however bad, causes a 500."""

from __future__ import annotations

import json
from datetime import datetime

import pytest

from consult.consultations.builtin import SCALE_OPTIONS
from tests.consultations.support import (
    consultation_count,
    consultations_of,
    field_error,
    form_data,
    input_value,
    new_url,
    post_upload,
    textarea_value,
    upload,
)
from tests.organisations.support import audit_events, follow, location_path, text_of

CSV = (
    "number,text,kind,word_limit\n"
    "1,Should live facial recognition need a warrant?,scale,\n"
    '2,"What safeguards are missing, if any?",open,500\n'
)
JSON = json.dumps(
    [
        {"number": 1, "text": "Should live facial recognition need a warrant?", "kind": "scale"},
        {"number": 2, "text": "What safeguards are missing, if any?", "word_limit": 500},
    ]
)
EXPECTED = [
    (1, "Should live facial recognition need a warrant?", "scale", None),
    (2, "What safeguards are missing, if any?", "open", 500),
]


def _questions(consultation) -> list[tuple]:
    return [(q.number, q.text, q.kind, q.word_limit) for q in consultation.questions]


def _created(response, team, browser) -> object:
    """The one consultation the form created; checks the redirect and the flash."""
    assert response.status_code == 302, text_of(response.get_data(as_text=True))[:800]
    [consultation] = consultations_of(team.organisation)
    assert location_path(response) == (
        f"/o/{team.organisation.slug}/consultations/{consultation.slug}"
    )
    page = text_of(follow(browser, response).get_data(as_text=True))
    assert f"“{consultation.title}” is added with" in page
    return consultation


def test_a_coordinator_adds_a_consultation_by_pasting_a_numbered_list(browser_of, team):
    browser = browser_of("coordinator")
    response = browser.post(
        new_url(team.organisation),
        data=form_data(
            title="  Call for evidence: policing and new technology ",
            closes_on="2027-03-31",
            description="The committee's inquiry.\r\nSee its website.",
            questions_text=(
                "Q1) Should live facial recognition need a warrant? (scale)\r\n"
                "Q2) What safeguards are missing,\r\n"
                "    if any? [500 words]\r\n"
            ),
        ),
    )
    consultation = _created(response, team, browser)
    assert consultation.title == "Call for evidence: policing and new technology"
    assert consultation.slug == "call-for-evidence-policing-and-new-technology"
    assert consultation.publisher == "Justice and Home Affairs Committee"
    assert consultation.description == "The committee's inquiry.\nSee its website."
    assert consultation.closes_at == datetime(2027, 3, 31, 23, 59)
    assert consultation.created_by_id == team.coordinator.id
    assert _questions(consultation) == EXPECTED
    assert consultation.questions[0].options == SCALE_OPTIONS
    assert consultation.questions[1].options == []
    [event] = audit_events("consultation.created")
    assert event.organisation_id == team.organisation.id


def test_an_owner_adds_one_by_uploading_a_csv_file(browser_of, team):
    browser = browser_of("owner")
    consultation = _created(post_upload(browser, team.organisation, CSV), team, browser)
    assert _questions(consultation) == EXPECTED
    assert consultation.closes_at is None


def test_a_csv_file_from_excel_with_a_byte_order_mark_and_extra_columns(browser_of, team):
    content = "\ufeffNumber,Text,Kind,Word_limit,Notes\r\n1,Café culture?,Scale,,ignore\r\n"
    browser = browser_of("coordinator")
    response = post_upload(browser, team.organisation, content.encode("utf-8"), "Book1.CSV")
    assert _questions(_created(response, team, browser)) == [(1, "Café culture?", "scale", None)]


def test_a_coordinator_adds_one_by_uploading_a_json_file(browser_of, team):
    browser = browser_of("coordinator")
    response = post_upload(browser, team.organisation, JSON, "questions.json")
    assert _questions(_created(response, team, browser)) == EXPECTED


def test_a_json_object_with_questions_and_a_file_without_extension(browser_of, team):
    browser = browser_of("coordinator")
    content = json.dumps({"questions": json.loads(JSON)})
    response = post_upload(browser, team.organisation, content, "questions")
    assert _questions(_created(response, team, browser)) == EXPECTED


def test_the_new_consultation_is_listed_and_has_its_own_page(browser_of, team):
    browser = browser_of("coordinator")
    consultation = _created(post_upload(browser, team.organisation, CSV), team, browser)
    listing = text_of(
        browser.get(f"/o/{team.organisation.slug}/consultations").get_data(as_text=True)
    )
    assert "Call for evidence: policing and new technology" in listing
    assert "Added by your organisation" in listing
    page = browser.get(f"/o/{team.organisation.slug}/consultations/{consultation.slug}")
    assert "Up to 500 words" in text_of(page.get_data(as_text=True))


def test_the_same_title_twice_gets_a_second_address(browser_of, team):
    browser = browser_of("coordinator")
    for _ in range(2):
        assert browser.post(new_url(team.organisation), data=form_data()).status_code == 302
    slugs = [c.slug for c in consultations_of(team.organisation)]
    assert slugs == [
        "call-for-evidence-policing-and-new-technology",
        "call-for-evidence-policing-and-new-technology-2",
    ]


# --- problems, shown inline --------------------------------------------------------------


def _refused(response, field_id: str, message: str) -> str:
    """The form came back (422) with `message` under `field_id`; returns the page."""
    assert response.status_code == 422, response.status_code
    page = response.get_data(as_text=True)
    error = field_error(page, field_id)
    assert error is not None, f"no error under {field_id}: {text_of(page)[:600]}"
    assert message in error, error
    assert "There is a problem" in page  # the summary links to the field
    assert f'href="#{field_id}"' in page
    return page


@pytest.mark.parametrize(
    ("questions_text", "message"),
    [
        ("", "Paste the questions as a numbered list, or upload"),
        ("Introduction\n1. First", "Line 1 does not start with a question number"),
        ("1. First\n1. Again", "Question 1 appears twice"),
        ("0. Zero", "Question numbers start at 1"),
        ("1. (scale)", "Question 1 has no text"),
        ("1. Limit [0 words]", "word limit must be a positive number"),
        ("1. Agree?\u202e (scale)", "control characters"),
        ("1. " + "x" * 2001, "longer than 2000 characters"),
        ("\n".join(f"{n}. Q" for n in range(1, 202)), "At most 200 questions"),
    ],
)
def test_numbered_list_problems_appear_under_the_box(browser_of, team, questions_text, message):
    response = browser_of("coordinator").post(
        new_url(team.organisation), data=form_data(questions_text=questions_text)
    )
    page = _refused(response, "questions_text", message)
    assert consultation_count() == 1  # only the built-in one
    assert input_value(page, "title") == "Call for evidence: policing and new technology"
    if questions_text.strip():
        assert textarea_value(page, "questions_text") == questions_text


def count_events() -> int:
    return len(audit_events("consultation.created"))


BIG = ("number,text\n" + "".join(f"{n},{'x' * 1500}\n" for n in range(1, 150))).encode()


@pytest.mark.parametrize(
    ("content", "filename", "message"),
    [
        ("question,wording\n1,x\n", "q.csv", "header row with at least 'number' and 'text'"),
        ("number;text\n1;x\n", "q.csv", "header row"),
        ("number,text\n1,x\n1,y\n", "q.csv", "Question 1 appears twice"),
        ("number,text\none,x\n", "q.csv", "'number' must be a whole number"),
        ("number,text,kind\n1,x,closed\n", "q.csv", "kind must be 'scale' or 'open'"),
        ("number,text,word_limit\n1,x,lots\n", "q.csv", "word limit must be a whole number"),
        ("number,text\n", "q.csv", "Add at least one question"),
        ("number,text\n99999,x\n", "q.csv", "Question numbers go up to"),
        ("number,text,word_limit\n1,x,9999999999\n", "q.csv", "word limit can be at most"),
        ('number,text\n1,"' + "x" * 140_000 + '"\n', "q.csv", "The CSV could not be read"),
        ("number,text\n1,a\x00b\n", "q.csv", "Question 1 contains"),
        ("[{", "q.json", "The JSON could not be read"),
        ('{"title": "x"}', "q.json", "The JSON must be a list of questions"),
        ('[{"text": "x"}, {"number": 1, "text": "y"}]', "q.json", "Question 1 appears twice"),
        ('[{"number": "one", "text": "x"}]', "q.json", "'number' must be a whole number"),
        ('[{"text": "x", "word_limit": 1e400}]', "q.json", "a number in it is too large"),
        ("[" * 100_000, "q.json", "The JSON could not be read"),
        ('[{"number": ' + "9" * 5_000 + ', "text": "x"}]', "q.json", "longer than 100 digits"),
        (b"number,text\n1,Caf\xe9\n", "q.csv", "not UTF-8 text"),
        (b"\xff\xfen\x00u\x00m\x00", "q.csv", "not UTF-8 text"),
        (b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00\xa0\xff", "q.xlsx", "not UTF-8"),
        ("number,text\n1,x\n", "q.xlsx", "Upload a .csv or .json file"),
        ("", "q.csv", "The file is empty"),
        (BIG, "big.csv", "larger than 200 KB"),
    ],
)
def test_upload_problems_appear_under_the_file_field_and_keep_the_typed_fields(
    browser_of, team, content, filename, message
):
    response = post_upload(
        browser_of("coordinator"),
        team.organisation,
        content,
        filename,
        closes_on="2027-01-15",
        description="Typed by hand.",
    )
    page = _refused(response, "questions_file", message)
    assert consultation_count() == 1
    assert count_events() == 0
    assert input_value(page, "title") == "Call for evidence: policing and new technology"
    assert input_value(page, "publisher") == "Justice and Home Affairs Committee"
    assert input_value(page, "closes_on") == "2027-01-15"
    assert textarea_value(page, "description") == "Typed by hand."


def test_pasting_and_uploading_at_once_is_refused(browser_of, team):
    data = form_data(questions_file=upload(CSV))
    response = browser_of("coordinator").post(
        new_url(team.organisation), data=data, content_type="multipart/form-data"
    )
    _refused(response, "questions_file", "not both")
    assert consultation_count() == 1


def test_a_good_upload_with_a_missing_title_keeps_the_questions_in_the_box(browser_of, team):
    browser = browser_of("coordinator")
    response = post_upload(browser, team.organisation, CSV, title="   ")
    page = _refused(response, "title", "Enter the consultation's title.")
    assert "Your file was read: its questions are in the box below now" in text_of(page)
    kept = textarea_value(page, "questions_text")
    assert kept == (
        "1. Should live facial recognition need a warrant? (scale)\n"
        "2. What safeguards are missing, if any? [500 words]"
    )
    # Sending the page again, as a person would after typing the title, adds the same questions.
    response = browser.post(new_url(team.organisation), data=form_data(questions_text=kept))
    assert _questions(_created(response, team, browser)) == EXPECTED


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"title": ""}, "title", "Enter the consultation's title."),
        ({"title": "x" * 301}, "title", "at most 300 characters"),
        ({"title": "Bad\x00title"}, "title", "control characters"),
        ({"publisher": "  "}, "publisher", "Enter who published the consultation."),
        ({"publisher": "x" * 201}, "publisher", "at most 200 characters"),
        ({"closes_on": "31/03/2027"}, "closes_on", "Enter a real date"),
        ({"closes_on": "2027-02-30"}, "closes_on", "Enter a real date"),
        ({"description": "x" * 5001}, "description", "at most 5,000 characters"),
        ({"description": "Nul\x00here"}, "description", "control characters"),
        ({"questions_text": "1. Q\x00"}, "questions_text", "control characters"),
    ],
)
def test_field_problems_appear_on_their_field(browser_of, team, overrides, field_id, message):
    response = browser_of("coordinator").post(
        new_url(team.organisation), data=form_data(**overrides)
    )
    _refused(response, field_id, message)
    assert consultation_count() == 1


def test_every_problem_is_reported_at_once(browser_of, team):
    response = browser_of("coordinator").post(
        new_url(team.organisation),
        data=form_data(title="", publisher="", questions_text="No number here"),
    )
    page = _refused(response, "title", "Enter the consultation's title.")
    assert field_error(page, "publisher")
    assert "does not start with a question number" in field_error(page, "questions_text")


def test_a_file_over_the_request_limit_gets_a_page_not_a_500(browser_of, team):
    response = post_upload(browser_of("coordinator"), team.organisation, b"x" * (3 * 1024 * 1024))
    assert response.status_code == 413
    assert "That was too large" in text_of(response.get_data(as_text=True))
    assert consultation_count() == 1


def test_a_text_field_sent_as_the_file_is_ignored_not_a_500(browser_of, team):
    response = browser_of("coordinator").post(
        new_url(team.organisation), data=form_data(questions_text="", questions_file="1. x")
    )
    _refused(response, "questions_text", "Paste the questions as a numbered list")


def test_a_consultation_titled_new_has_a_page_of_its_own(browser_of, team):
    browser = browser_of("coordinator")
    response = browser.post(new_url(team.organisation), data=form_data(title="New"))
    assert response.status_code == 302
    assert location_path(response) != new_url(team.organisation)
