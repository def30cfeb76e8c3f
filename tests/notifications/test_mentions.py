"""@mentions in comments and suggested edits' notes: the person mentioned is told, once; not
someone of another organisation, nor the person writing."""

from __future__ import annotations

from consult.drafting import services as drafting
from consult.extensions import db
from consult.notifications.mentions import mentioned
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
