"""Responses through the API: creating one (editor and above), listing, reading, and the
whole response as sanitised HTML."""

from __future__ import annotations

import re

import pytest

from consult.consultations import services as consultations
from consult.consultations.services import QuestionDraft
from consult.drafting import services as drafting
from consult.extensions import db
from consult.organisations.services import membership_of
from tests.api.drafting_support import BUILTIN, assert_safe_html, make_draft, save, section
from tests.api.helpers import assert_documented, assert_error

CREATE = "/api/v1/organisations/{slug}/responses"


def _create(client, headers, slug="northtown-residents", **body):
    body.setdefault("consultation", BUILTIN)
    return client.post(f"/api/v1/organisations/{slug}/responses", json=body, headers=headers)


# --- creating -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["editor", "coordinator", "owner"])
def test_an_editor_or_above_creates_a_response_with_a_section_per_part(client, team, bearer, role):
    created = _create(client, bearer(role), title="Our answer on facial recognition")

    assert created.status_code == 201
    assert_documented(created, CREATE, "post")
    body = created.get_json()
    assert created.headers["Location"].endswith(f"/api/v1/responses/{body['id']}")
    assert body["title"] == "Our answer on facial recognition"
    assert body["organisation"] == "northtown-residents"
    assert body["consultation"] == BUILTIN
    assert body["status"] == "drafting"
    assert body["profile"] == "home-office"
    assert body["word_limit"] is None
    assert body["word_count"] == 0
    kinds = [s["kind"] for s in body["sections"]]
    assert kinds == ["summary", "about"] + ["question"] * 17 + ["recommendations"]
    assert [s["number"] for s in body["sections"] if s["kind"] == "question"] == list(range(1, 18))
    assert [s["order"] for s in body["sections"]] == list(range(20))
    assert {s["position"] for s in body["sections"]} == {None}  # clause sections only
    assert body["sections"][1]["title"] == "About Northtown Residents"
    for item in body["sections"]:
        assert item["body"] == ""
        assert item["choice"] is None
        assert item["head_revision"] is None
        assert item["word_count"] == 0
        assert item["status"] == "not_started"
        assert item["assignee"] is None
    first_question = body["sections"][2]
    assert first_question["question"]["kind"] == "scale"
    assert first_question["question"]["options"][0] == "Agree"


def test_the_title_defaults_and_the_profile_sets_the_word_limit(client, bearer):
    created = _create(client, bearer("editor"), profile="select-committee")

    assert created.status_code == 201
    body = created.get_json()
    assert body["title"].startswith("Response to the Home Office consultation on a new legal")
    assert body["profile"] == "select-committee"
    assert body["word_limit"] == 3000


def test_a_member_cannot_create_a_response(client, bearer):
    assert_error(_create(client, bearer("member")), 403, "forbidden")
    assert _list(client, bearer("owner")) == []


def test_an_outsider_gets_404_and_anonymous_401(client, bearer):
    assert_error(_create(client, bearer("outsider")), 404)
    assert_error(_create(client, {}), 401)
    assert_error(_create(client, bearer("owner"), slug="no-such-group"), 404)
    assert _list(client, bearer("owner")) == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"consultation": "no-such-consultation"}, "consultation"),
        ({"consultation": None}, "consultation"),
        ({"consultation": 7}, "consultation"),
        ({"consultation": "x" * 101}, "consultation"),
        ({"profile": "newspaper"}, "profile"),
        ({"profile": 3}, "profile"),
        ({"profile": ["home-office"]}, "profile"),
        ({"profile": {"a": 1}}, "profile"),
        ({"title": "t" * 201}, "title"),
        ({"title": ["a list"]}, "title"),
        ({"title": "bidi \u202e override"}, "title"),
    ],
)
def test_invalid_fields_are_422_with_the_field_named(client, bearer, body, field):
    response = _create(client, bearer("editor"), **body)

    error = assert_error(response, 422)
    assert set(error["fields"]) == {field}
    assert_documented(response, CREATE, "post")


def test_another_organisations_own_consultation_cannot_be_answered(client, team, bearer):
    theirs = consultations.create_consultation(
        membership_of(team.outsider, team.other_organisation),
        "Rival consultation",
        "",
        None,
        [QuestionDraft(1, "Why?")],
    )
    db.session.commit()

    error = assert_error(_create(client, bearer("editor"), consultation=theirs.slug), 422)
    assert set(error["fields"]) == {"consultation"}


def test_the_organisations_own_consultation_can_be_answered(client, team, bearer):
    ours = consultations.create_consultation(
        membership_of(team.owner, team.organisation),
        "Local plan",
        "Council",
        None,
        [QuestionDraft(1, "Agree?", kind="scale"), QuestionDraft(2, "Why?")],
    )
    db.session.commit()

    created = _create(client, bearer("editor"), consultation=ours.slug)

    assert created.status_code == 201
    assert [s["title"] for s in created.get_json()["sections"]][2:4] == ["Agree?", "Why?"]


# --- listing and reading --------------------------------------------------------------------


def _list(client, headers, slug="northtown-residents"):
    response = client.get(f"/api/v1/organisations/{slug}/responses", headers=headers)
    if response.status_code == 200:
        assert_documented(response, CREATE, "get")
        return response.get_json()
    return response


def test_members_list_the_organisations_responses_with_their_word_counts(
    client, team, bearer, draft
):
    save(client, bearer("editor"), draft, draft.summary, "Five words in this summary.")
    save(client, bearer("editor"), draft, draft.open_question, "Three more words")
    other = make_draft(team, title="Second response")

    listed = _list(client, bearer("member"))

    assert [item["id"] for item in listed] == [other.response_id, draft.response_id]
    mine = listed[1]
    assert mine == {
        "id": draft.response_id,
        "title": "Our response",
        "consultation": BUILTIN,
        "bill": None,
        "status": "drafting",
        "profile": "home-office",
        "word_count": 8,
        "word_limit": None,
        "updated_at": mine["updated_at"],
    }
    assert listed[0]["word_count"] == 0


def test_a_removed_section_does_not_count_towards_the_words(client, team, bearer, draft):
    added = drafting.add_section(team.editor, section(draft.summary).response, "Annex")
    db.session.commit()
    added_id = added.id
    save(client, bearer("editor"), draft, added_id, "One two three four")
    assert _list(client, bearer("member"))[0]["word_count"] == 4

    drafting.remove_section(team.editor, section(added_id))
    db.session.commit()

    assert _list(client, bearer("member"))[0]["word_count"] == 0
    body = client.get(draft.url, headers=bearer("member")).get_json()
    assert added_id not in [s["id"] for s in body["sections"]]
    assert body["word_count"] == 0


def test_listing_is_404_for_outsiders_and_401_for_anonymous(client, bearer, draft):
    assert_error(_list(client, bearer("outsider")), 404)
    assert_error(_list(client, {}), 401)


def test_reading_a_response_shows_sections_in_order_with_their_heads(client, team, bearer, draft):
    saved = save(client, bearer("editor"), draft, draft.scale_question, "We agree.", choice="Agree")
    drafting.assign_section(team.owner, section(draft.summary), team.member)
    db.session.commit()

    response = client.get(draft.url, headers=bearer("member"))

    assert response.status_code == 200
    assert_documented(response, "/api/v1/responses/{response_id}", "get")
    body = response.get_json()
    assert body["id"] == draft.response_id
    assert body["word_count"] == 2
    by_id = {s["id"]: s for s in body["sections"]}
    question = by_id[draft.scale_question]
    assert question["body"] == "We agree."
    assert question["choice"] == "Agree"
    assert question["head_revision"] == saved["head_revision"]
    assert question["word_count"] == 2
    assert question["status"] == "drafting"
    assert question["number"] == 1
    assert by_id[draft.summary]["assignee"] == {"id": team.member.id, "name": "Mo Member"}
    assert [s["order"] for s in body["sections"]] == sorted(s["order"] for s in body["sections"])


def test_reading_is_404_for_outsiders_and_for_ids_that_do_not_exist(client, bearer, draft):
    assert_error(client.get(draft.url, headers=bearer("outsider")), 404)
    assert_error(client.get("/api/v1/responses/999999", headers=bearer("owner")), 404)
    assert_error(client.get("/api/v1/responses/99999999999999999999", headers=bearer("owner")), 404)
    assert_error(client.get("/api/v1/responses/abc", headers=bearer("owner")), 404)
    assert_error(client.get(draft.url), 401)


# --- the whole response as HTML -------------------------------------------------------------

HOSTILE = """Intro <script>alert('body')</script> text.

[click me](javascript:alert(1)) and [data](data:text/html;base64,PHNjcmlwdD4=)

<img src=x onerror="alert(2)">

<iframe src="https://evil.example"></iframe>

<a href="https://evil.example" onclick="alert(3)">raw link</a>

<div style="position:fixed">raw html</div>

![pic](javascript:alert(4))

[ok](https://example.org "a title")

A claim.[^1]

[^1]: A footnote with <script>alert(5)</script>.
"""


def _html(client, headers, draft) -> str:
    response = client.get(f"{draft.url}/html", headers=headers)
    assert response.status_code == 200
    assert_documented(response, "/api/v1/responses/{response_id}/html", "get")
    return response.get_json()["html"]


def test_hostile_markdown_never_reaches_the_html(client, team, bearer, draft):
    save(client, bearer("editor"), draft, draft.summary, HOSTILE)
    save(client, bearer("editor"), draft, draft.open_question, HOSTILE)
    added = drafting.add_section(
        team.editor, section(draft.summary).response, '<script>alert("title")</script> Annex'
    )
    db.session.commit()
    save(client, bearer("editor"), draft, added.id, "Annex text")

    html = _html(client, bearer("member"), draft)

    assert_safe_html(html)
    assert "&lt;script&gt;alert(&#34;title&#34;)&lt;/script&gt; Annex" in html
    assert '<a href="https://example.org" title="a title"' in html
    assert html.count("<a ") == 2 + 2 * 2  # the safe link in each body, and the footnotes
    assert "Intro &lt;script&gt;" in html  # shown as text, harmlessly


def test_the_html_has_a_heading_per_section_the_answers_and_unique_footnotes(client, bearer, draft):
    editor = bearer("editor")
    save(client, editor, draft, draft.summary, "Summary.[^1]\n\n[^1]: First note.")
    save(client, editor, draft, draft.open_question, "Answer.[^1]\n\n[^1]: Second note.")
    save(client, editor, draft, draft.scale_question, "Because.", choice="Don't know")

    html = _html(client, bearer("member"), draft)

    assert html.startswith("<h1>Our response</h1>")
    assert "<h2>Summary</h2>" in html
    assert "<h2>About Northtown Residents</h2>" in html
    assert (
        "<h2>Question 1: To what extent do you agree or disagree that a new legal framework "
        "should apply to all use of \u2018biometric technologies\u2019 by law enforcement "
        "organisations?</h2>" in html
    )
    assert "<h2>Recommendations</h2>" in html
    assert "<strong>Answer:</strong> Don&#39;t know" in html
    ids = re.findall(r'id="([^"]+)"', html)
    assert len(ids) == 4 and len(set(ids)) == 4, ids  # two footnotes, two back-references
    for anchor in re.findall(r'href="#([^"]+)"', html):
        assert anchor in ids
    assert html.index("<h2>Summary</h2>") < html.index("First note") < html.index("Second note")


def test_the_html_is_404_for_outsiders(client, bearer, draft):
    assert_error(client.get(f"{draft.url}/html", headers=bearer("outsider")), 404)
    assert_error(client.get(f"{draft.url}/html"), 401)


def test_reading_a_response_takes_the_same_queries_however_long_it_is(client, team, bearer, draft):
    """The response object and its HTML load all sections with their heads at once: no query
    per section or per revision."""
    from sqlalchemy import event

    def queries(path: str) -> int:
        statements: list[str] = []

        def count(_conn, _cursor, statement, *_args):
            statements.append(statement)

        event.listen(db.engine, "before_cursor_execute", count)
        try:
            assert client.get(path, headers=bearer("member")).status_code == 200
        finally:
            event.remove(db.engine, "before_cursor_execute", count)
        return len(statements)

    client.get(draft.url, headers=bearer("member"))  # the token's first use is noted once
    small = {path: queries(path) for path in (draft.url, f"{draft.url}/html")}
    response = section(draft.summary).response
    for number in range(10):
        added = drafting.add_section(team.editor, response, f"Annex {number}")
        db.session.commit()
        drafting.assign_section(team.editor, section(added.id), team.member)
        db.session.commit()
    head = None
    for number in range(30):
        head = save(client, bearer("editor"), draft, draft.open_question, f"Draft {number}", head)[
            "head_revision"
        ]

    for path, before in small.items():
        assert queries(path) == before, path
