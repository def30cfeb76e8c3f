"""Comments (threads, replies, resolve/reopen), suggested edits (accepted through the same
merge as any save, or rejected) and presence (who else has the section open)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from consult.drafting import services
from consult.drafting.models import Presence, Suggestion
from consult.extensions import db
from tests.drafting.conftest import paragraphs, revisions, section_of

# --- comments -------------------------------------------------------------------------------


def test_threads_with_replies_to_replies_attached_to_the_root(summary, team):
    root = services.add_comment(team.member, summary, "  Is this too long?  ", quote=" The ")
    reply = services.add_comment(team.editor, summary, "A little.", parent=root)
    reply_to_reply = services.add_comment(team.member, summary, "I'll cut it.", parent=reply)
    other = services.add_comment(team.owner, summary, "Add a source.")
    db.session.commit()
    assert root.body == "Is this too long?" and root.quote == "The"
    assert reply.parent_id == root.id
    assert reply_to_reply.parent_id == root.id
    threads = services.comment_threads(summary)
    assert [t.id for t in threads] == [root.id, other.id]
    assert [r.body for r in threads[0].replies] == ["A little.", "I'll cut it."]
    assert threads[0].author.name == "Mo Member"


def test_comments_are_checked(response, summary, team):
    with pytest.raises(services.DraftingError):
        services.add_comment(team.member, summary, "   ")
    with pytest.raises(services.DraftingError):
        services.add_comment(team.member, summary, "x" * 10_001)
    elsewhere = services.add_comment(team.member, section_of(response, "about"), "Hi")
    with pytest.raises(services.DraftingError):
        services.add_comment(team.member, summary, "Reply", parent=elsewhere)


def test_resolve_and_reopen(summary, team):
    root = services.add_comment(team.member, summary, "Is this right?")
    reply = services.add_comment(team.editor, summary, "Yes.", parent=root)
    services.set_comment_resolved(team.editor, root, True)
    db.session.commit()
    assert root.resolved_at is not None and root.resolved_by_id == team.editor.id
    services.set_comment_resolved(team.member, root, False)
    db.session.commit()
    assert root.resolved_at is None and root.resolved_by_id is None
    # Resolving from a reply resolves its thread.
    services.set_comment_resolved(team.editor, reply, True)
    db.session.commit()
    assert root.resolved_at is not None


# --- suggestions ----------------------------------------------------------------------------

BASE = paragraphs("First paragraph.", "Second paragraph.", "Third paragraph.")


def test_accepting_a_suggestion_from_an_old_base_merges_with_later_edits(summary, save, team):
    first = save(summary, BASE, None).revision
    suggestion = services.suggest(
        team.member,
        summary,
        paragraphs("First paragraph, improved.", "Second paragraph.", "Third paragraph."),
        first.id,
        note="Clearer",
    )
    db.session.commit()
    later = save(summary, BASE.replace("Third", "Final"), first.id).revision  # someone edits
    assert services.open_suggestions(summary) == [suggestion]
    outcome = services.accept_suggestion(team.owner, suggestion)
    db.session.commit()
    assert outcome.merged and outcome.conflict is None
    assert summary.body == paragraphs(
        "First paragraph, improved.", "Second paragraph.", "Final paragraph."
    )
    assert outcome.revision.parent_id == later.id
    assert suggestion.status == "accepted"
    assert suggestion.decided_by_id == team.owner.id
    assert suggestion.result_revision_id == outcome.revision.id
    assert services.open_suggestions(summary) == []


def test_a_conflicting_suggestion_stays_open_and_the_caller_gets_the_conflict(summary, save, team):
    first = save(summary, BASE, None).revision
    suggestion = services.suggest(
        team.member, summary, BASE.replace("Second paragraph.", "Second, suggested."), first.id
    )
    db.session.commit()
    head = save(summary, BASE.replace("Second paragraph.", "Second, edited."), first.id).revision
    outcome = services.accept_suggestion(team.owner, suggestion)
    db.session.commit()
    assert outcome.conflict is not None
    assert outcome.conflict.theirs.id == head.id
    assert outcome.revision.kind == "conflict"
    assert "Second, suggested." in outcome.revision.body
    assert summary.head_revision_id == head.id
    assert suggestion.status == "open"
    assert services.open_suggestions(summary) == [suggestion]


def test_a_suggestion_keeps_the_closed_answer(response, save, team):
    question = section_of(response, "question", 1)
    first = save(question, BASE, None, choice="Agree").revision
    suggestion = services.suggest(team.member, question, BASE + "\n\nMore.", first.id)
    db.session.commit()
    save(question, BASE, first.id, choice="Disagree")
    services.accept_suggestion(team.owner, suggestion)
    db.session.commit()
    assert question.choice == "Disagree"
    assert question.body == BASE + "\n\nMore."


def test_reject_and_deciding_twice_refuses(summary, save, team):
    first = save(summary, BASE, None).revision
    rejected = services.suggest(team.member, summary, BASE + "\n\nNo.", first.id)
    accepted = services.suggest(team.member, summary, BASE + "\n\nYes.", first.id)
    db.session.commit()
    services.reject_suggestion(team.owner, rejected)
    db.session.commit()
    assert rejected.status == "rejected" and rejected.decided_by_id == team.owner.id
    assert summary.body == BASE
    with pytest.raises(services.DraftingError, match="rejected"):
        services.accept_suggestion(team.owner, rejected)
    with pytest.raises(services.DraftingError, match="rejected"):
        services.reject_suggestion(team.owner, rejected)
    services.accept_suggestion(team.owner, accepted)
    db.session.commit()
    with pytest.raises(services.DraftingError, match="accepted"):
        services.accept_suggestion(team.owner, accepted)
    with pytest.raises(services.DraftingError, match="accepted"):
        services.reject_suggestion(team.owner, accepted)
    assert len(revisions(summary)) == 2


def test_suggestions_are_checked(response, summary, save, team):
    first = save(summary, BASE, None).revision
    with pytest.raises(services.DraftingError):
        services.suggest(team.member, summary, BASE, first.id)  # no change
    with pytest.raises(services.DraftingError):
        services.suggest(team.member, summary, BASE.replace("\n", "\r\n"), first.id)
    with pytest.raises(services.DraftingError):
        services.suggest(team.member, summary, "x" * (services.MAX_BODY_LENGTH + 1), first.id)
    other = save(section_of(response, "about"), "About.", None).revision
    with pytest.raises(services.DraftingError):
        services.suggest(team.member, summary, "New", other.id)  # another section's base
    suggestion = services.suggest(team.member, summary, "Line one\r\nLine two", first.id)
    assert suggestion.body == "Line one\nLine two"


# --- presence -------------------------------------------------------------------------------


def test_heartbeat_lists_the_others_seen_recently_not_yourself(summary, team):
    assert services.heartbeat(team.editor, summary, editing=True) == []
    others = services.heartbeat(team.owner, summary, editing=False)
    db.session.commit()
    assert [(p.user.name, p.editing) for p in others] == [("Eddie Editor", True)]
    # A second beat updates the same row.
    services.heartbeat(team.editor, summary, editing=False)
    db.session.commit()
    rows = db.session.scalars(select(Presence).where(Presence.section_id == summary.id)).all()
    assert len(rows) == 2
    others = services.others_present(summary, team.owner)
    assert [(p.user.name, p.editing) for p in others] == [("Eddie Editor", False)]


def test_stale_presence_disappears_and_leaving_removes_it(summary, team):
    services.heartbeat(team.editor, summary, editing=True)
    services.heartbeat(team.member, summary, editing=False)
    db.session.commit()
    editor_row = db.session.scalar(select(Presence).where(Presence.user_id == team.editor.id))
    editor_row.seen_at -= services.PRESENCE_WINDOW + timedelta(seconds=1)
    db.session.commit()
    assert [p.user.name for p in services.others_present(summary, team.owner)] == ["Mo Member"]
    services.leave_section(team.member, summary)
    db.session.commit()
    assert services.others_present(summary, team.owner) == []


def test_presence_is_per_section(response, team):
    summary = section_of(response, "summary")
    about = section_of(response, "about")
    services.heartbeat(team.editor, summary, editing=True)
    db.session.commit()
    assert services.heartbeat(team.owner, about, editing=True) == []


def test_suggestion_model_defaults(summary, team):
    suggestion = services.suggest(team.member, summary, "Text", None)
    db.session.commit()
    fresh = db.session.get(Suggestion, suggestion.id)
    assert (fresh.status, fresh.note, fresh.base_revision_id) == ("open", "", None)
