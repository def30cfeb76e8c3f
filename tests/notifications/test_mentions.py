"""@mentions in comments and suggested edits' notes: the person mentioned is told, once; not
someone of another organisation, nor the person writing."""

from __future__ import annotations

import pytest

from consult.drafting import services as drafting
from consult.extensions import db
from consult.notifications.mentions import mentioned, resolve
from tests import factories
from tests.notifications.conftest import ids, notices, told
from tests.organisations.support import log_in


def test_a_mention_in_a_comment_tells_the_member_mentioned(team, summary):
    comment = drafting.add_comment(team.member, summary, "What do you think, @Eddie Editor?")
    db.session.commit()

    assert told("mention") == ids(team.editor)
    [notice] = notices("mention")
    assert notice.comment_id == comment.id and notice.actor_id == team.member.id


def test_mentions_are_case_blind_and_a_longer_name_is_not_a_shorter_one(team):
    factories.add_member(team.organisation, factories.make_user(name="Mo"))
    found = mentioned("Thanks @mo member and @cora coordinator.", team.organisation.id)
    assert set(found) == ids(team.member, team.coordinator)


def test_no_mention_without_the_at_sign_or_inside_a_word(team):
    assert mentioned("Eddie Editor wrote this", team.organisation.id) == []
    assert mentioned("mail eddie@Eddie Editor", team.organisation.id) == []


def test_someone_of_another_organisation_cannot_be_mentioned(team, summary):
    drafting.add_comment(team.member, summary, "Hello @Otto Outsider and @Mo Member")
    db.session.commit()

    assert told("mention") == set()  # the outsider is not a member; the writer is not told


def test_a_mentioned_assignee_hears_of_the_mention_only(team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "@Eddie Editor please look")
    db.session.commit()

    assert [n.kind for n in notices() if n.recipient_id == team.editor.id] == [
        "assignment",
        "mention",
    ]


def test_a_mention_in_a_suggestions_note_tells_the_member_and_links_to_it(client, team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    suggestion = drafting.suggest(
        team.member, summary, "Better words.", None, note="@Cora Coordinator for the facts"
    )
    db.session.commit()

    assert told("mention") == ids(team.coordinator)
    assert told("suggestion") == ids(team.editor)
    [notice] = notices("mention")
    assert notice.suggestion_id == suggestion.id
    log_in(client, team.coordinator)
    opened = client.post(f"/notifications/{notice.id}/open")
    assert opened.headers["Location"].endswith(f"#suggestion-{suggestion.id}")


def test_a_mention_is_emailed_at_once(team, summary):
    drafting.add_comment(team.member, summary, "@Eddie Editor look")
    db.session.commit()

    assert "Mo Member mentioned you" in factories.emails_to(team.editor.email)[-1].body


def test_the_editors_comment_boxes_offer_the_picker(client, team, summary):
    drafting.add_comment(team.member, summary, "A thread to reply to.")
    db.session.commit()
    log_in(client, team.member)
    page = client.get(f"/responses/{summary.response_id}/sections/{summary.id}").text

    source = f'data-mentions="/api/v1/organisations/{team.organisation.slug}"'
    assert page.count(source) == 3  # the new comment, the reply, the suggestion's note
    assert 'src="/static/js/mentions.js' in page
    members = client.get(f"/api/v1/organisations/{team.organisation.slug}").get_json()
    assert "Eddie Editor" in [member["name"] for member in members["members"]]


# --- one mention, one person: members who share a name -------------------------------------


@pytest.fixture
def two_alexes(team):
    """Two members of the team called Alex Smith (an editor and a member), and a third Alex
    Smith in another organisation."""
    first = factories.add_member(
        team.organisation, factories.make_user(name="Alex Smith"), "editor"
    )
    second = factories.add_member(team.organisation, factories.make_user(name="Alex Smith"))
    elsewhere = factories.add_member(
        team.other_organisation, factories.make_user(name="Alex Smith"), "editor"
    )
    db.session.commit()
    return first, second, elsewhere


def test_a_shared_name_tells_only_the_member_picked(team, summary, two_alexes):
    _first, second, _elsewhere = two_alexes
    drafting.add_comment(team.member, summary, "Over to you, @Alex Smith.", picked=[second.id])
    db.session.commit()

    assert told("mention") == ids(second)


def test_a_shared_name_typed_without_picking_tells_nobody(team, summary, two_alexes):
    found = resolve("Over to you, @alex smith.", team.organisation.id)
    assert found.ids == [] and found.unclear == ["Alex Smith"]
    drafting.add_comment(team.member, summary, "Over to you, @Alex Smith.")
    db.session.commit()

    assert told("mention") == set()


def test_both_of_a_shared_name_are_told_when_both_are_picked(team, two_alexes):
    first, second, _elsewhere = two_alexes
    text = "@Alex Smith and @Alex Smith, please agree."
    assert set(mentioned(text, team.organisation.id, [first.id, second.id])) == ids(first, second)


def test_a_pick_whose_name_left_the_text_tells_nobody(team, two_alexes):
    first, _second, _elsewhere = two_alexes
    assert mentioned("On second thoughts, @Mo Member.", team.organisation.id, [first.id]) == [
        team.member.id
    ]


def test_a_picked_id_of_another_organisation_or_a_non_member_is_never_told(
    team, summary, two_alexes
):
    _first, _second, elsewhere = two_alexes
    found = resolve("@Alex Smith and @Otto Outsider", team.organisation.id, [elsewhere.id])
    assert found.ids == [] and found.unclear == ["Alex Smith"]
    drafting.add_comment(
        team.member, summary, "@Alex Smith", picked=[elsewhere.id, team.outsider.id]
    )
    db.session.commit()
    assert told("mention") == set()


def test_a_unique_name_still_needs_no_pick(team, two_alexes):
    assert mentioned("@Cora Coordinator", team.organisation.id) == [team.coordinator.id]


# --- through the editor's forms ------------------------------------------------------------


def _editor(summary) -> str:
    return f"/responses/{summary.response_id}/sections/{summary.id}"


def test_the_comment_form_carries_the_picked_ids_to_the_notice(client, team, summary, two_alexes):
    first, _second, _elsewhere = two_alexes
    log_in(client, team.member)
    page = client.get(_editor(summary)).text
    assert 'name="comment_mentions"' in page and 'data-mentions-into="comment_mentions"' in page

    response = client.post(
        f"{_editor(summary)}/comments",
        data={"comment": "Thanks @Alex Smith", "comment_mentions": f"{first.id}"},
        follow_redirects=True,
    )
    assert response.status_code == 200
    assert told("mention") == ids(first)
    assert "nobody was told" not in response.text


def test_a_shared_name_without_a_pick_says_nobody_was_told(client, team, summary, two_alexes):
    log_in(client, team.member)
    response = client.post(
        f"{_editor(summary)}/comments",
        data={"comment": "Thanks @Alex Smith", "comment_mentions": ""},
        follow_redirects=True,
    )
    assert "Comment added." in response.text
    assert "More than one member is called Alex Smith, so nobody was told of @Alex Smith" in (
        response.text
    )
    assert told("mention") == set()


def test_a_picked_field_that_is_no_list_of_ids_loses_no_comment(client, team, summary, two_alexes):
    log_in(client, team.member)
    client.post(
        f"{_editor(summary)}/comments",
        data={
            "comment": "Thanks @Cora Coordinator",
            "comment_mentions": "x,-3,9999999999999,\u0661,",
        },
    )
    [comment] = drafting.comment_threads(summary)
    assert comment.body == "Thanks @Cora Coordinator"
    assert told("mention") == ids(team.coordinator)


def test_a_reply_and_a_suggestions_note_carry_their_picks(client, team, summary, two_alexes):
    first, second, _elsewhere = two_alexes
    thread = drafting.add_comment(team.coordinator, summary, "A thread.")
    base = drafting.save_section(team.editor, summary, "Words.", None, None).revision
    db.session.commit()
    log_in(client, team.member)

    client.post(
        f"{_editor(summary)}/comments/{thread.id}/replies",
        data={"reply": "@Alex Smith agrees", "reply_mentions": str(second.id)},
    )
    client.post(
        f"{_editor(summary)}/suggestions",
        data={
            "suggestion": "Better words.",
            "suggestion_base": str(base.id),
            "note": "Checked with @Alex Smith",
            "note_mentions": str(first.id),
        },
    )
    by_kind = {(n.recipient_id, n.comment_id is not None) for n in notices("mention")}
    assert by_kind == {(second.id, True), (first.id, False)}


def test_a_refused_comment_keeps_its_picks_in_the_form(client, team, summary, two_alexes):
    first, _second, _elsewhere = two_alexes
    log_in(client, team.member)
    response = client.post(
        f"{_editor(summary)}/comments",
        data={"comment": "@Alex Smith " + "x" * 10_001, "comment_mentions": str(first.id)},
    )
    assert response.status_code == 422
    assert f'name="comment_mentions" value="{first.id}"' in response.text
