"""The calls the browser editor makes: the live preview (the same renderer as the pages and
exports) and presence ("Sam is editing this section")."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from consult.drafting import services as drafting
from consult.drafting.models import Presence
from consult.extensions import db
from tests import factories
from tests.api.drafting_support import assert_safe_html, save
from tests.api.helpers import assert_documented, assert_error
from tests.api.test_drafting_responses import HOSTILE

PREVIEW = "/api/v1/preview"
PRESENCE = "/api/v1/responses/{response_id}/sections/{section_id}/presence"


# --- preview --------------------------------------------------------------------------------


def test_the_preview_renders_markdown_and_counts_words(client, bearer):
    response = client.post(
        PREVIEW,
        json={
            "body": "## Heading\n\nSome **bold** [words](https://example.org).[^n]\n\n[^n]: A note."
        },
        headers=bearer("member"),
    )

    assert response.status_code == 200
    assert_documented(response, PREVIEW, "post")
    body = response.get_json()
    assert "<h2>Heading</h2>" in body["html"]
    assert "<strong>bold</strong>" in body["html"]
    assert 'href="https://example.org"' in body["html"]
    assert 'class="footnotes"' in body["html"]
    assert body["word_count"] == 6


def test_the_preview_never_returns_hostile_html(client, bearer):
    response = client.post(PREVIEW, json={"body": HOSTILE}, headers=bearer("editor"))

    assert_safe_html(response.get_json()["html"])


def test_anyone_logged_in_may_preview_but_not_anonymous(client, api_token, db):
    loner = factories.make_user()

    assert client.post(PREVIEW, json={"body": "x"}, headers=api_token(loner)).status_code == 200
    assert_error(client.post(PREVIEW, json={"body": "x"}), 401)


def test_a_whole_section_can_be_previewed_but_no_more(client, bearer):
    largest = json.dumps({"body": "é" * drafting.MAX_BODY_LENGTH})  # every character escaped
    fits = client.post(
        PREVIEW, data=largest, content_type="application/json", headers=bearer("editor")
    )
    too_long = client.post(
        PREVIEW, json={"body": "a" * (drafting.MAX_BODY_LENGTH + 1)}, headers=bearer("editor")
    )

    assert fits.status_code == 200
    assert fits.get_json()["word_count"] == 1
    assert set(assert_error(too_long, 422)["fields"]) == {"body"}


def test_one_caller_previews_at_most_sixty_times_a_minute(client, bearer):
    editor, member = bearer("editor"), bearer("member")

    replies = [client.post(PREVIEW, json={"body": "*x*"}, headers=editor) for _ in range(61)]

    assert [reply.status_code for reply in replies[:60]] == [200] * 60
    assert_error(replies[60], 429)
    assert client.post(PREVIEW, json={"body": "*x*"}, headers=member).status_code == 200


@pytest.mark.parametrize("body", [{}, {"body": None}, {"body": 3}, {"body": "\udfff"}])
def test_a_preview_of_something_that_is_not_text_is_422(client, bearer, body):
    response = client.post(PREVIEW, json=body, headers=bearer("editor"))

    assert set(assert_error(response, 422)["fields"]) == {"body"}
    assert_documented(response, PREVIEW, "post")


# --- presence -------------------------------------------------------------------------------


def _beat(client, headers, draft, editing=True, section_id=None):
    return client.post(
        draft.section_url(section_id or draft.summary, "/presence"),
        json={"editing": editing},
        headers=headers,
    )


def test_each_person_sees_the_others_with_the_section_open(client, bearer, draft):
    head = save(client, bearer("owner"), draft, draft.summary, "Text.")["head_revision"]

    first = _beat(client, bearer("editor"), draft, editing=True)
    second = _beat(client, bearer("member"), draft, editing=False)

    assert first.status_code == 200
    assert_documented(first, PRESENCE, "post")
    assert first.get_json()["others"] == []
    assert first.get_json()["head_revision"] == head
    body = second.get_json()
    assert_documented(second, PRESENCE, "post")
    assert body["others"] == [{"name": "Eddie Editor", "editing": True}]
    assert body["head_revision"] == head
    assert body["updated_at"].endswith("Z")
    again = _beat(client, bearer("editor"), draft, editing=False).get_json()
    assert again["others"] == [{"name": "Mo Member", "editing": False}]


def test_the_heartbeat_shows_that_the_section_changed(client, bearer, draft):
    opened = _beat(client, bearer("member"), draft).get_json()["head_revision"]
    saved = save(client, bearer("editor"), draft, draft.summary, "New text.")["head_revision"]

    later = _beat(client, bearer("member"), draft).get_json()

    assert opened is None and later["head_revision"] == saved


def test_the_heartbeat_describes_the_head_as_the_editor_page_does(client, bearer, draft):
    """Who last changed the section, when, its revision number and words: a page kept open
    (a live one, whose text changes without saving) keeps its account of the section from it."""
    empty = _beat(client, bearer("member"), draft).get_json()
    first = save(client, bearer("owner"), draft, draft.summary, "One two.")["head_revision"]
    saved = save(client, bearer("editor"), draft, draft.summary, "One two three four.", first)

    later = _beat(client, bearer("member"), draft)

    assert_documented(later, PRESENCE, "post")
    assert (empty["revision_number"], empty["changed_by"], empty["changed_at"]) == (None,) * 3
    body = later.get_json()
    assert body["revision_number"] == saved["revision_number"] == 2
    assert body["word_count"] == 4
    assert body["changed_by"] == "Eddie Editor"
    assert body["changed_at"].endswith("Z")


def test_someone_who_left_or_went_quiet_is_not_shown(client, team, bearer, draft):
    _beat(client, bearer("editor"), draft)
    _beat(client, bearer("coordinator"), draft)

    left = client.delete(draft.section_url(draft.summary, "/presence"), headers=bearer("editor"))
    db.session.execute(
        db.update(Presence)
        .where(Presence.user_id == team.coordinator.id)
        .values(seen_at=Presence.seen_at - drafting.PRESENCE_WINDOW - timedelta(seconds=1))
    )
    db.session.commit()

    assert left.status_code == 204
    assert left.get_data() == b""
    assert _beat(client, bearer("member"), draft).get_json()["others"] == []


def test_someone_leaving_while_the_heartbeat_is_answered_does_not_break_it(
    client, team, bearer, draft, monkeypatch
):
    """CI caught a 500: the editor closed the section between the member's heartbeat reading
    who is present and committing, and the answer then read a deleted row."""
    _beat(client, bearer("editor"), draft)
    heartbeat = drafting.heartbeat

    def heartbeat_then_the_editor_leaves(user, section, editing):
        others = heartbeat(user, section, editing)
        # As another request's delete would: the rows already read are not told.
        db.session.execute(
            db.delete(Presence).where(Presence.user_id == team.editor.id),
            execution_options={"synchronize_session": False},
        )
        return others

    monkeypatch.setattr(drafting, "heartbeat", heartbeat_then_the_editor_leaves)
    answer = _beat(client, bearer("member"), draft, editing=False)

    assert answer.status_code == 200
    assert answer.get_json()["others"] == [{"name": "Eddie Editor", "editing": True}]


def test_leaving_twice_is_harmless(client, bearer, draft):
    url = draft.section_url(draft.summary, "/presence")

    assert client.delete(url, headers=bearer("member")).status_code == 204
    assert client.delete(url, headers=bearer("member")).status_code == 204


def test_presence_is_for_members_only(client, bearer, draft):
    url = draft.section_url(draft.summary, "/presence")

    assert_error(_beat(client, bearer("outsider"), draft), 404)
    assert_error(client.delete(url, headers=bearer("outsider")), 404)
    assert_error(_beat(client, {}, draft), 401)
    assert_error(client.delete(url), 401)
    assert db.session.scalar(db.select(db.func.count()).select_from(Presence)) == 0


@pytest.mark.parametrize("editing", ["yes", 1, None, [True]])
def test_editing_must_be_true_or_false(client, bearer, draft, editing):
    response = _beat(client, bearer("member"), draft, editing=editing)

    assert set(assert_error(response, 422)["fields"]) == {"editing"}


def test_editing_defaults_to_false(client, bearer, draft):
    client.post(draft.section_url(draft.summary, "/presence"), json={}, headers=bearer("editor"))

    others = _beat(client, bearer("member"), draft).get_json()["others"]

    assert others == [{"name": "Eddie Editor", "editing": False}]


def test_a_member_who_cannot_edit_is_never_shown_as_editing(client, bearer, draft, team):
    path = draft.section_url(draft.summary, "/presence")
    client.post(path, json={"editing": True}, headers=bearer("member"))
    others = client.post(path, json={"editing": False}, headers=bearer("editor")).json["others"]
    assert others == [{"name": team.member.name, "editing": False}]
