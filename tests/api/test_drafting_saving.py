"""PUT /api/v1/responses/{id}/sections/{section_id}: the three outcomes of a save (plain,
merged, conflict with both texts kept), the closed answers, and what is refused."""

from __future__ import annotations

import json

import pytest

from consult.drafting import services as drafting
from consult.extensions import db
from tests.api.drafting_support import SCALE_OPTIONS, put_section, revision, save, section
from tests.api.helpers import assert_documented, assert_error, log_in_with_csrf
from tests.conftest import login

PUT = "/api/v1/responses/{response_id}/sections/{section_id}"
BASE = "First paragraph, as agreed.\n\nSecond paragraph, as agreed.\n\nThird paragraph."


def _documented(response) -> dict:
    assert_documented(response, PUT, "put")
    return response.get_json()


# --- a plain save ---------------------------------------------------------------------------


def test_a_save_from_the_head_is_a_new_head(client, team, bearer, draft):
    editor = bearer("editor")

    first = put_section(client, editor, draft, draft.summary, "A *first* draft.", None)

    assert first.status_code == 200
    body = _documented(first)
    assert body["merged"] is False
    assert body["unchanged"] is False
    assert body["body"] == "A *first* draft."
    assert body["word_count"] == 3
    assert body["revision_number"] == 1
    assert body["kind"] == "edit"
    assert body["choice"] is None
    stored = revision(body["head_revision"])
    assert (stored.kind, stored.body, stored.author_id, stored.parent_id) == (
        "edit",
        "A *first* draft.",
        team.editor.id,
        None,
    )
    assert section(draft.summary).head_revision_id == body["head_revision"]

    second = save(client, editor, draft, draft.summary, "A second draft.", body["head_revision"])

    assert second["revision_number"] == 2
    assert second["merged"] is False
    assert revision(second["head_revision"]).parent_id == body["head_revision"]
    shown = client.get(draft.url, headers=bearer("member")).get_json()
    (summary,) = [s for s in shown["sections"] if s["id"] == draft.summary]
    assert (summary["body"], summary["head_revision"]) == (
        "A second draft.",
        second["head_revision"],
    )


def test_saving_the_same_text_again_adds_no_revision(client, bearer, draft):
    editor = bearer("editor")
    first = save(client, editor, draft, draft.summary, "Same.")

    again = put_section(client, editor, draft, draft.summary, "Same.", first["head_revision"])

    body = _documented(again)
    assert body["unchanged"] is True
    assert body["head_revision"] == first["head_revision"]
    assert len(drafting.revisions_of(section(draft.summary))) == 1


def test_saving_an_empty_section_empty_changes_nothing(client, bearer, draft):
    response = put_section(client, bearer("editor"), draft, draft.summary, "", None)

    body = _documented(response)
    assert body["unchanged"] is True
    assert body["head_revision"] is None
    assert body["revision_number"] is None


def test_windows_line_endings_are_stored_as_newlines(client, bearer, draft):
    saved = save(client, bearer("editor"), draft, draft.summary, "One.\r\n\r\nTwo.")

    assert revision(saved["head_revision"]).body == "One.\n\nTwo."


# --- merge and conflict ---------------------------------------------------------------------


def _two_editors_from_one_base(client, bearer, draft):
    base = save(client, bearer("editor"), draft, draft.summary, BASE)["head_revision"]
    return bearer("editor"), bearer("coordinator"), base


def test_edits_to_different_paragraphs_from_one_base_merge(client, bearer, draft):
    eddie, cora, base = _two_editors_from_one_base(client, bearer, draft)
    eddies = BASE.replace("First paragraph, as agreed.", "First paragraph, sharpened by Eddie.")
    coras = BASE.replace("Third paragraph.", "Third paragraph, with Cora's evidence.")

    first = save(client, eddie, draft, draft.summary, eddies, base)
    second = put_section(client, cora, draft, draft.summary, coras, base)

    assert second.status_code == 200
    body = _documented(second)
    assert body["merged"] is True
    assert body["kind"] == "merge"
    assert body["body"] == (
        "First paragraph, sharpened by Eddie.\n\nSecond paragraph, as agreed.\n\n"
        "Third paragraph, with Cora's evidence."
    )
    merged = revision(body["head_revision"])
    assert (merged.kind, merged.parent_id) == ("merge", first["head_revision"])
    assert section(draft.summary).head_revision_id == merged.id


def test_a_merge_longer_than_a_section_can_hold_is_refused_and_keeps_the_head(
    client, bearer, draft
):
    eddie, cora, base = _two_editors_from_one_base(client, bearer, draft)
    half = "word " * (drafting.MAX_BODY_LENGTH // 10)  # each addition alone fits
    eddies = BASE.replace("First paragraph, as agreed.", half)
    coras = BASE.replace("Third paragraph.", half)
    first = save(client, eddie, draft, draft.summary, eddies, base)

    response = put_section(client, cora, draft, draft.summary, coras, base)

    message = assert_error(response, 422)["message"]
    assert f"longer than {drafting.MAX_BODY_LENGTH:,} characters" in message
    assert section(draft.summary).head_revision_id == first["head_revision"]
    assert len(drafting.revisions_of(section(draft.summary))) == 2


def test_overlapping_edits_are_a_409_with_both_texts_and_yours_already_saved(
    client, team, bearer, draft
):
    eddie, cora, base = _two_editors_from_one_base(client, bearer, draft)
    eddies = BASE.replace("Second paragraph, as agreed.", "Second paragraph, Eddie's way.")
    coras = BASE.replace("Second paragraph, as agreed.", "Second paragraph, Cora's way.")
    theirs = save(client, eddie, draft, draft.summary, eddies, base)["head_revision"]

    clash = put_section(client, cora, draft, draft.summary, coras, base)

    error = assert_error(clash, 409, "edit_conflict")
    assert "saved" in error["message"]
    body = _documented(clash)
    conflict = body["conflict"]
    yours = conflict["your_revision"]
    assert conflict == {
        "base_revision": base,
        "their_revision": theirs,
        "your_revision": yours,
        "your_revision_number": 3,
        "base": BASE,
        "theirs": eddies,
        "yours": coras,
        "base_choice": None,
        "their_choice": None,
        "your_choice": None,
        "resolve_url": f"/responses/{draft.response_id}/sections/{draft.summary}/conflict/{yours}",
    }
    assert body["resolve_url"] == conflict["resolve_url"]
    # Cora's text is stored (committed: this test's session reads what the request committed)
    stored = revision(yours)
    assert (stored.kind, stored.body, stored.author_id, stored.parent_id) == (
        "conflict",
        coras,
        team.coordinator.id,
        base,
    )
    # ... and it is not the head: Eddie's text is.
    assert section(draft.summary).head_revision_id == theirs
    shown = client.get(f"/api/v1/revisions/{yours}", headers=bearer("member")).get_json()
    assert (shown["kind"], shown["body"]) == ("conflict", coras)


def test_a_conflict_is_resolved_by_saving_from_their_revision(client, bearer, draft):
    eddie, cora, base = _two_editors_from_one_base(client, bearer, draft)
    save(client, eddie, draft, draft.summary, BASE.replace("Third paragraph.", "Eddie."), base)
    clash = put_section(
        client, cora, draft, draft.summary, BASE.replace("Third paragraph.", "Cora."), base
    )
    conflict = clash.get_json()["conflict"]
    resolved_text = BASE.replace("Third paragraph.", "Eddie and Cora, together.")

    resolved = put_section(
        client, cora, draft, draft.summary, resolved_text, conflict["their_revision"]
    )

    body = _documented(resolved)
    assert (body["merged"], body["kind"], body["body"]) == (False, "edit", resolved_text)
    assert revision(body["head_revision"]).parent_id == conflict["their_revision"]


def test_a_stale_save_that_changes_nothing_new_keeps_the_head(client, bearer, draft):
    eddie, cora, base = _two_editors_from_one_base(client, bearer, draft)
    head = save(client, eddie, draft, draft.summary, BASE + "\n\nMore.", base)["head_revision"]

    stale = put_section(client, cora, draft, draft.summary, BASE, base)  # Cora changed nothing

    body = _documented(stale)
    assert (body["merged"], body["unchanged"], body["head_revision"]) == (True, True, head)


def test_a_null_base_is_refused_once_the_section_has_text(client, bearer, draft):
    """Cora's editor still thinks the section is empty: she cannot overwrite Eddie's text."""
    save(client, bearer("editor"), draft, draft.summary, "Eddie's opening.")

    refused = put_section(client, bearer("coordinator"), draft, draft.summary, "Cora's.", None)
    error = assert_error(refused, 422)
    assert set(error["fields"]) == {"base_revision"}
    assert section(draft.summary).body == "Eddie's opening."


# --- base_revision --------------------------------------------------------------------------


@pytest.mark.parametrize("base", ["1", 1.5, True, [1], {"id": 1}, 0, -3, 2**31, 10**30])
def test_a_base_revision_that_is_not_an_id_is_422(client, bearer, draft, base):
    response = put_section(client, bearer("editor"), draft, draft.summary, "Text", base)

    error = assert_error(response, 422)
    assert set(error["fields"]) == {"base_revision"}
    _documented(response)


def test_a_missing_base_revision_is_422(client, bearer, draft):
    response = client.put(
        draft.section_url(draft.summary), json={"body": "Text"}, headers=bearer("editor")
    )

    assert set(assert_error(response, 422)["fields"]) == {"base_revision"}


def test_a_base_revision_of_another_section_is_422(client, bearer, draft):
    editor = bearer("editor")
    save(client, editor, draft, draft.summary, "Summary.")
    elsewhere = save(client, editor, draft, draft.about, "About us.")["head_revision"]

    response = put_section(client, editor, draft, draft.summary, "Changed.", elsewhere)

    assert "does not belong" in assert_error(response, 422)["message"]
    assert section(draft.summary).body == "Summary."


def test_a_base_revision_that_does_not_exist_is_422(client, bearer, draft):
    save(client, bearer("editor"), draft, draft.summary, "Summary.")

    response = put_section(client, bearer("editor"), draft, draft.summary, "x", 999_999)

    assert_error(response, 422)


# --- closed answers -------------------------------------------------------------------------


@pytest.mark.parametrize("option", SCALE_OPTIONS)
def test_a_scale_question_takes_each_of_its_four_options(client, bearer, draft, option):
    saved = save(client, bearer("editor"), draft, draft.scale_question, "Why.", choice=option)

    assert saved["choice"] == option
    assert revision(saved["head_revision"]).choice == option


@pytest.mark.parametrize("choice", ["agree", "Strongly agree", "Agree ", "Yes"])
def test_a_scale_question_refuses_other_answers(client, bearer, draft, choice):
    response = put_section(
        client, bearer("editor"), draft, draft.scale_question, "Why.", None, choice=choice
    )

    assert "Choose one of" in assert_error(response, 422)["message"]
    assert section(draft.scale_question).head_revision_id is None


@pytest.mark.parametrize("kind", ["open_question", "summary", "about", "recommendations"])
def test_open_questions_and_other_sections_refuse_a_choice(client, bearer, draft, kind):
    section_id = getattr(draft, kind)

    response = put_section(client, bearer("editor"), draft, section_id, "x", None, choice="Agree")

    assert "closed answer" in assert_error(response, 422)["message"]
    _documented(response)


@pytest.mark.parametrize("choice", [1, True, ["Agree"], {"a": "Agree"}])
def test_a_choice_that_is_not_a_string_is_422(client, bearer, draft, choice):
    response = put_section(
        client, bearer("editor"), draft, draft.scale_question, "x", None, choice=choice
    )

    assert set(assert_error(response, 422)["fields"]) == {"choice"}


def test_leaving_the_choice_out_keeps_it_and_null_clears_it(client, bearer, draft):
    editor = bearer("editor")
    first = save(client, editor, draft, draft.scale_question, "Why.", choice="Disagree")

    kept = save(client, editor, draft, draft.scale_question, "Why, longer.", first["head_revision"])
    assert kept["choice"] == "Disagree"

    cleared = save(
        client, editor, draft, draft.scale_question, "Why, longer.", kept["head_revision"],
        choice=None,
    )  # fmt: skip
    assert cleared["choice"] is None
    assert revision(cleared["head_revision"]).choice is None


def test_different_answers_from_one_base_conflict(client, bearer, draft):
    editor, coordinator = bearer("editor"), bearer("coordinator")
    base = save(client, editor, draft, draft.scale_question, "Why.", choice="Agree")
    save(
        client,
        editor,
        draft,
        draft.scale_question,
        "Why.",
        base["head_revision"],
        choice="Disagree",
    )

    clash = put_section(
        client, coordinator, draft, draft.scale_question, "Why.", base["head_revision"],
        choice="Don't know",
    )  # fmt: skip

    conflict = assert_error(clash, 409, "edit_conflict") and clash.get_json()["conflict"]
    assert (conflict["base_choice"], conflict["their_choice"], conflict["your_choice"]) == (
        "Agree",
        "Disagree",
        "Don't know",
    )


# --- what is refused ------------------------------------------------------------------------


def test_a_member_cannot_save_an_outsider_gets_404_and_anonymous_401(client, bearer, draft):
    assert_error(put_section(client, bearer("member"), draft, draft.summary, "x", None), 403)
    assert_error(put_section(client, bearer("outsider"), draft, draft.summary, "x", None), 404)
    assert_error(put_section(client, {}, draft, draft.summary, "x", None), 401)
    assert section(draft.summary).head_revision_id is None


def test_a_section_of_another_response_is_404(client, team, bearer, draft):
    from tests.api.drafting_support import make_draft

    other = make_draft(team, title="Another")

    response = client.put(
        f"{draft.url}/sections/{other.summary}",
        json={"body": "x", "base_revision": None},
        headers=bearer("editor"),
    )

    assert_error(response, 404)


def test_a_removed_section_cannot_be_saved(client, team, bearer, draft):
    added = drafting.add_section(team.editor, section(draft.summary).response, "Annex")
    db.session.commit()
    added_id = added.id
    drafting.remove_section(team.editor, section(added_id))
    db.session.commit()

    response = put_section(client, bearer("editor"), draft, added_id, "x", None)

    assert "removed" in assert_error(response, 422)["message"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"base_revision": None}, "body"),
        ({"body": None, "base_revision": None}, "body"),
        ({"body": 12, "base_revision": None}, "body"),
        ({"body": ["a"], "base_revision": None}, "body"),
        ({"body": "\ud800 lone surrogate", "base_revision": None}, "body"),
    ],
)
def test_a_body_that_is_not_text_is_422(client, bearer, draft, body, field):
    response = client.put(draft.section_url(draft.summary), json=body, headers=bearer("editor"))

    assert set(assert_error(response, 422)["fields"]) == {field}


def test_a_nul_character_is_refused(client, bearer, draft):
    response = put_section(client, bearer("editor"), draft, draft.summary, "a\x00b", None)

    assert "NUL" in assert_error(response, 422)["message"]


@pytest.mark.parametrize("text", ["a\x07b", "a\x1b[31mb", "a\x0bb", "a\u202eb"])
def test_control_characters_are_refused(client, bearer, draft, text):
    response = put_section(client, bearer("editor"), draft, draft.summary, text, None)

    assert "control characters" in assert_error(response, 422)["message"]
    assert section(draft.summary).head_revision_id is None


def test_tabs_and_windows_line_ends_are_text(client, bearer, draft):
    response = put_section(client, bearer("editor"), draft, draft.summary, "a\tb\r\nc", None)

    assert response.status_code == 200
    assert response.get_json()["body"] == "a\tb\nc"


def test_a_200000_character_section_fits_even_with_every_character_escaped(client, bearer, draft):
    text = "é" * drafting.MAX_BODY_LENGTH
    data = json.dumps({"body": text, "base_revision": None})  # "\\u00e9" each: 1.2 MB
    assert len(data) > 1024 * 1024

    response = client.put(
        draft.section_url(draft.summary),
        data=data,
        content_type="application/json",
        headers=bearer("editor"),
    )

    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    assert revision(response.get_json()["head_revision"]).body == text


def test_one_character_more_is_422(client, bearer, draft):
    text = "a" * (drafting.MAX_BODY_LENGTH + 1)

    response = put_section(client, bearer("editor"), draft, draft.summary, text, None)

    assert set(assert_error(response, 422)["fields"]) == {"body"}


def test_a_body_larger_than_any_section_is_413_before_it_is_read(client, bearer, draft):
    data = json.dumps({"body": "é" * 260_000, "base_revision": None})

    response = client.put(
        draft.section_url(draft.summary),
        data=data,
        content_type="application/json",
        headers=bearer("editor"),
    )

    assert_error(response, 413, "too_large")
    _documented(response)


def test_other_endpoints_keep_the_small_body_limit(client, bearer):
    response = client.post(
        "/api/v1/organisations", json={"name": "x" * 300_000}, headers=bearer("owner")
    )

    assert_error(response, 413)


@pytest.mark.usefixtures("csrf_on")
def test_a_browser_session_saves_with_its_csrf_token(client, team, draft):
    csrf_token = log_in_with_csrf(client, team.editor)

    refused = client.put(
        draft.section_url(draft.summary), json={"body": "x", "base_revision": None}
    )
    saved = client.put(
        draft.section_url(draft.summary),
        json={"body": "From the browser.", "base_revision": None},
        headers={"X-CSRFToken": csrf_token},
    )

    assert_error(refused, 400, "csrf_failed")
    assert saved.status_code == 200
    assert revision(saved.get_json()["head_revision"]).author_id == team.editor.id


def test_the_resolve_url_is_the_html_conflict_screen(app, client, team, bearer, draft):
    """The address is built by hand (a save must never fail for want of a URL), so check that
    it is the drafting pages' conflict screen, and that it opens for the person."""
    from flask import url_for

    eddie, cora, base = _two_editors_from_one_base(client, bearer, draft)
    save(client, eddie, draft, draft.summary, BASE.replace("Third", "3rd"), base)
    clash = put_section(client, cora, draft, draft.summary, BASE.replace("Third", "III"), base)
    conflict = clash.get_json()["conflict"]

    with app.test_request_context():
        expected = url_for(
            "drafting.conflict",
            response_id=draft.response_id,
            section_id=draft.summary,
            revision_id=conflict["your_revision"],
        )
    assert conflict["resolve_url"] == expected
    login(client, team.coordinator)
    page = client.get(conflict["resolve_url"])
    assert page.status_code == 200
    assert "III" in page.get_data(as_text=True)
