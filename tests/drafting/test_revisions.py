"""Revisions are append-only: every save adds one, numbered without gaps, with the right
parent; restoring adds one too; nothing is rewritten."""

from __future__ import annotations

import pytest

from consult.drafting import services
from consult.drafting.markdown import word_count
from consult.extensions import db
from tests.drafting.conftest import paragraphs, revisions, section_of


def snapshot(section):
    return [(r.id, r.number, r.kind, r.parent_id, r.body, r.choice) for r in revisions(section)]


def test_numbers_increase_per_section_without_gaps_and_old_revisions_never_change(
    response, summary, save, team
):
    other = section_of(response, "recommendations")
    head = None
    seen = []
    for number in range(1, 6):
        head = save(summary, f"Summary, take {number}.", head).revision.id
        seen = snapshot(summary)
        assert [row[1] for row in seen] == list(range(1, number + 1))
    save(other, "Recommendations.", None)
    assert [r.number for r in revisions(other)] == [1]
    # A merge and a conflict take the next numbers too, and change nothing before them.
    first_id = seen[0][0]
    base = paragraphs("One.", "Two.", "Three.")
    start = save(summary, base, head).revision
    save(summary, paragraphs("One!", "Two.", "Three."), start.id)
    save(summary, paragraphs("One.", "Two.", "Three!"), start.id, user=team.owner)  # merge
    save(summary, paragraphs("One?", "Two.", "Three."), start.id, user=team.owner)  # conflict
    after = snapshot(summary)
    assert [row[1] for row in after] == list(range(1, 10))
    assert after[:5] == seen
    assert [row[2] for row in after[5:]] == ["edit", "edit", "merge", "conflict"]
    assert after[0][0] == first_id


def test_parents(summary, save, team):
    first = save(summary, paragraphs("One.", "Two."), None).revision
    assert first.parent_id is None
    second = save(summary, paragraphs("One!", "Two."), first.id).revision
    assert (second.kind, second.parent_id) == ("edit", first.id)
    merged = save(summary, paragraphs("One.", "Two!"), first.id, user=team.owner).revision
    assert (merged.kind, merged.parent_id) == ("merge", second.id)  # the previous head
    conflict = save(summary, paragraphs("One?", "Two."), first.id, user=team.owner).revision
    assert (conflict.kind, conflict.parent_id) == ("conflict", first.id)  # its base
    assert summary.head_revision_id == merged.id
    restored = services.restore_revision(team.owner, summary, first)
    db.session.commit()
    assert (restored.kind, restored.parent_id) == ("restore", merged.id)  # the previous head


def test_restore_makes_a_new_head_with_the_old_text(response, save, team):
    question = section_of(response, "question", 1)
    first = save(question, "First answer.", None, choice="Agree").revision
    second = save(question, "Second answer.", first.id, choice="Disagree").revision
    restored = services.restore_revision(team.coordinator, question, first)
    db.session.commit()
    assert restored.kind == "restore"
    assert restored.number == 3
    assert (restored.body, restored.choice) == ("First answer.", "Agree")
    assert restored.author_id == team.coordinator.id
    assert question.head_revision_id == restored.id
    assert (question.body, question.choice) == ("First answer.", "Agree")
    assert question.word_count == 2
    # Nothing was rewritten: the second revision is still there as it was.
    assert [(r.number, r.body) for r in revisions(question)] == [
        (1, "First answer."),
        (2, "Second answer."),
        (3, "First answer."),
    ]
    assert second.body == "Second answer."


def test_a_conflict_revision_can_be_restored_so_no_text_is_stranded(summary, save, team):
    first = save(summary, "Base.", None).revision
    save(summary, "Theirs.", first.id)
    conflict = save(summary, "Yours.", first.id, user=team.owner).revision
    assert conflict.kind == "conflict"
    services.restore_revision(team.owner, summary, conflict)
    db.session.commit()
    assert summary.body == "Yours."


def test_restore_refuses_another_sections_revision_and_a_removed_section(response, save, team):
    summary = section_of(response, "summary")
    other = section_of(response, "recommendations")
    revision = save(other, "Elsewhere.", None).revision
    with pytest.raises(services.DraftingError):
        services.restore_revision(team.owner, summary, revision)
    custom = services.add_section(team.owner, response, "Annex")
    own = save(custom, "Annex text.", None).revision
    services.remove_section(team.owner, custom)
    db.session.commit()
    with pytest.raises(services.DraftingError, match="removed"):
        services.restore_revision(team.owner, custom, own)


def test_history_is_newest_first_with_authors(summary, save, team):
    head = save(summary, "One.", None, user=team.editor).revision.id
    head = save(summary, "Two.", head, user=team.owner).revision.id
    save(summary, "Three.", head, user=team.coordinator)
    history = services.revisions_of(summary)
    assert [r.number for r in history] == [3, 2, 1]
    assert [r.author.name for r in history] == ["Cora Coordinator", "Olive Owner", "Eddie Editor"]


def test_word_counts_ignore_link_targets_and_footnote_markers(summary, save):
    text = paragraphs(
        'See [the Home Office page](https://www.gov.uk/a/very/long/path "A title").[^1]',
        "Also [the report][report] and <https://example.org/a/b/c>.",
        "[^1]: Published in 2025.",
        "[report]: https://example.org/report.pdf",
    )
    # See the Home Office page | Also the report and <link> | Published in 2025
    assert word_count(text) == 5 + 5 + 3
    revision = save(summary, text, None).revision
    assert revision.word_count == 13
    assert summary.word_count == 13


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("", 0),
        ("   \n\n  ", 0),
        ("**Bold** and _italic_ and `code`", 5),
        ("- one\n- two\n- three", 3),
        ("# Heading\n\n> A quote", 3),
        ("Well-being isn't optional", 3),
        ("Mae'r ŵyl yn ŷd", 4),
        ("\u2014 \u2013 - * _ 🎉", 0),
        ("[^1] [^long-note]", 0),
        ("[Note]: this is important", 4),  # not a link definition: all of it shows
        ("[r]: <https://example.org/a b> (A title)", 0),
        ("Wiki [link](https://en.wikipedia.org/wiki/Foo_(bar)) done", 3),
    ],
)
def test_word_count_cases(text, words):
    assert word_count(text) == words


def test_section_status_moves_from_not_started_to_drafting_on_first_text(summary, save, team):
    assert summary.status == "not_started"
    save(summary, "", None)  # no text: still not started
    assert summary.status == "not_started"
    head = save(summary, "Words.", None).revision.id
    assert summary.status == "drafting"
    services.set_status(team.owner, summary, "agreed")
    db.session.commit()
    save(summary, "More words.", head)
    assert summary.status == "agreed"  # a later save does not move it back


def test_a_save_updates_the_response(response, summary, save):
    before = response.updated_at
    save(summary, "Words.", None)
    db.session.refresh(response)
    assert response.updated_at >= before
    assert services.total_words(services.live_sections(response)) == 1
    assert services.total_words_of([response]) == {response.id: 1}


def test_recent_activity_lists_the_newest_revisions_of_the_response(response, save, team):
    summary = section_of(response, "summary")
    about = section_of(response, "about")
    save(summary, "One.", None)
    save(about, "Two.", None, user=team.owner)
    activity = services.recent_activity(response)
    assert [(item.section_id, item.author) for item in activity] == [
        (about.id, "Olive Owner"),
        (summary.id, "Eddie Editor"),
    ]
