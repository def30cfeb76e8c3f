"""Concurrent edits: what merges, what conflicts, and that both texts are always kept."""

from __future__ import annotations

import time

import pytest

from consult.drafting import services
from consult.drafting.merge import merge, merge_choice, merge_texts
from consult.drafting.models import Revision
from consult.extensions import db
from tests.drafting.conftest import paragraphs, revisions, section_of

BASE = paragraphs(
    "Facial recognition in public spaces needs a clear legal basis.",
    "Live deployments should be authorised by a judge.",
    "Watchlists must be narrow and reviewed.",
    "An independent regulator should publish every deployment.",
)


def edited(text: str, old: str, new: str) -> str:
    assert old in text
    return text.replace(old, new)


# --- merge.py on its own --------------------------------------------------------------------


def test_edits_to_separate_paragraphs_merge():
    theirs = edited(BASE, "clear legal basis", "clear and specific legal basis")
    yours = edited(BASE, "every deployment", "every deployment and its results")
    merged = merge_texts(BASE, theirs, yours)
    assert merged == paragraphs(
        "Facial recognition in public spaces needs a clear and specific legal basis.",
        "Live deployments should be authorised by a judge.",
        "Watchlists must be narrow and reviewed.",
        "An independent regulator should publish every deployment and its results.",
    )


def test_edits_to_neighbouring_paragraphs_merge():
    theirs = edited(BASE, "by a judge", "by a senior judge")
    yours = edited(BASE, "narrow and reviewed", "narrow and reviewed monthly")
    merged = merge_texts(BASE, theirs, yours)
    assert "by a senior judge" in merged and "reviewed monthly" in merged


def test_the_same_paragraph_changed_differently_conflicts():
    theirs = edited(BASE, "by a judge", "by a senior judge")
    yours = edited(BASE, "by a judge", "by a magistrate")
    assert merge_texts(BASE, theirs, yours) is None


def test_the_same_change_on_both_sides_is_not_a_conflict_nor_a_duplicate():
    change = edited(BASE, "by a judge", "by a senior judge")
    assert merge_texts(BASE, change, change) == change
    # The same change, and another one on one side only.
    both = edited(change, "every deployment", "every deployment promptly")
    merged = merge_texts(BASE, change, both)
    assert merged == both
    assert merged.count("by a senior judge") == 1


def test_one_deletes_a_paragraph_the_other_edits_another_one():
    theirs = BASE.replace("Watchlists must be narrow and reviewed.\n\n", "")
    yours = edited(BASE, "clear legal basis", "clear and specific legal basis")
    merged = merge_texts(BASE, theirs, yours)
    assert "Watchlists" not in merged
    assert "clear and specific legal basis" in merged
    # The deleted paragraph's neighbour may be edited too: the blank line keeps them apart.
    yours = edited(BASE, "every deployment", "every deployment promptly")
    merged = merge_texts(BASE, theirs, yours)
    assert "Watchlists" not in merged and "every deployment promptly" in merged


def test_one_deletes_a_paragraph_the_other_edits_conflicts():
    theirs = BASE.replace("Watchlists must be narrow and reviewed.\n\n", "")
    yours = edited(BASE, "narrow and reviewed", "narrow, published and reviewed")
    assert merge_texts(BASE, theirs, yours) is None
    assert merge_texts(BASE, yours, theirs) is None


def test_both_delete_the_same_paragraph():
    theirs = BASE.replace("Watchlists must be narrow and reviewed.\n\n", "")
    assert merge_texts(BASE, theirs, theirs) == theirs
    yours = edited(theirs, "by a judge", "by a senior judge")
    assert merge_texts(BASE, theirs, yours) == yours


def test_a_paragraph_deleted_by_one_is_not_brought_back_by_the_others_edits():
    """Found by the property test: with blank lines as units of their own, the matcher paired
    blank lines instead of paragraphs and read the other person's edits as "wrote paragraph 2
    again", silently undoing this person's deletion of it."""
    base = paragraphs(*(f"base{n} police" for n in range(5)))
    theirs = paragraphs("base0 police", "base1 police", "base3 police", "base4 police")
    yours = paragraphs("base2 police", "b1 police", "base3 police", "base4 police")
    expected = paragraphs("b1 police", "base3 police", "base4 police")
    assert merge_texts(base, theirs, yours) == expected
    assert merge_texts(base, yours, theirs) == expected


def test_list_items_merge_line_by_line():
    base = "- one\n- two\n- three"
    assert merge_texts(base, "- ONE\n- two\n- three", "- one\n- two\n- THREE") == (
        "- ONE\n- two\n- THREE"
    )
    assert merge_texts(base, "- ONE\n- two\n- three", "- One!\n- two\n- three") is None
    # Turning the list into paragraphs is a change too, and kept.
    assert merge_texts(base, "- one\n\n- two\n- three", "- one\n- two\n- THREE") == (
        "- one\n\n- two\n- THREE"
    )


def test_separators_and_surrounding_blank_lines_are_kept():
    base = "\nFirst.\n \nSecond.\n\n\nThird.\n"
    theirs = base.replace("First.", "First!")
    yours = base.replace("Third.", "Third!")
    assert merge_texts(base, theirs, yours) == "\nFirst!\n \nSecond.\n\n\nThird!\n"


def test_a_paragraph_added_at_the_end_merges_with_an_edit_of_the_last_one():
    theirs = BASE + "\n\nThe government should report to Parliament every year."
    yours = edited(BASE, "every deployment", "every deployment promptly")
    expected = edited(theirs, "every deployment", "every deployment promptly")
    assert merge_texts(BASE, theirs, yours) == expected
    assert merge_texts(BASE, yours, theirs) == expected


def test_paragraphs_added_at_the_same_place_conflict():
    theirs = BASE + "\n\nFirst addition."
    yours = BASE + "\n\nSecond addition."
    assert merge_texts(BASE, theirs, yours) is None


def test_a_trailing_newline_does_not_clash_with_an_edit():
    theirs = BASE + "\n"
    yours = edited(BASE, "every deployment", "every deployment promptly")
    assert merge_texts(BASE, theirs, yours) == yours + "\n"


def test_starting_from_nothing_two_texts_conflict():
    assert merge_texts("", "Our view.", "Their view.") is None
    assert merge_texts("", "Same.", "Same.") == "Same."


@pytest.mark.parametrize(
    ("old", "theirs_new", "yours_old", "yours_new"),
    [
        # Welsh with circumflexes, on both sides
        ("clear legal basis", "sail gyfreithiol glir ŵ ŷ", "by a judge", "gan farnwr ŵyr ŷd"),
        # emoji, including a multi-codepoint one
        ("clear legal basis", "clear basis 📷👁️‍🗨️", "by a judge", "by a judge 🧑🏽‍⚖️"),
        # right-to-left text and marks
        ("clear legal basis", "أساس قانوني واضح", "by a judge", "על ידי שופט \u200f"),
    ],
)
def test_non_ascii_text_merges(old, theirs_new, yours_old, yours_new):
    theirs = edited(BASE, old, theirs_new)
    yours = edited(BASE, yours_old, yours_new)
    merged = merge_texts(BASE, theirs, yours)
    assert theirs_new in merged and yours_new in merged
    assert merge_texts(BASE, theirs, edited(BASE, old, "autre chose é")) is None


def test_crlf_line_endings_are_normalised():
    theirs = edited(BASE, "by a judge", "by a senior judge").replace("\n", "\r\n")
    yours = edited(BASE, "every deployment", "every deployment promptly").replace("\n", "\r")
    merged = merge_texts(BASE, theirs, yours)
    assert "\r" not in merged
    assert "by a senior judge" in merged and "every deployment promptly" in merged
    # Only the line endings differ: nothing to merge.
    assert merge_texts(BASE, BASE.replace("\n", "\r\n"), BASE) == BASE


def test_choice_merging():
    assert merge_choice("Agree", "Agree", "Disagree") == (True, "Disagree")
    assert merge_choice("Agree", "Disagree", "Agree") == (True, "Disagree")
    assert merge_choice("Agree", "Disagree", "Disagree") == (True, "Disagree")
    assert merge_choice(None, None, "Agree") == (True, "Agree")
    assert merge_choice("Agree", "Disagree", "Don't know") == (False, None)
    # A choice clash makes the whole save a conflict, even when the texts merge.
    result = merge((BASE, "Agree"), (BASE, "Disagree"), (BASE + "\n\nMore.", "Don't know"))
    assert not result.clean


# --- save_section: merging against the head -------------------------------------------------


def test_save_from_an_old_base_merges_and_says_so(summary, save, team):
    first = save(summary, BASE, None).revision
    theirs = save(summary, edited(BASE, "clear legal basis", "clear basis"), first.id)
    assert not theirs.merged and theirs.revision.kind == "edit"
    yours = save(
        summary, edited(BASE, "by a judge", "by a senior judge"), first.id, user=team.owner
    )
    assert yours.merged and yours.conflict is None
    assert yours.revision.kind == "merge"
    assert yours.revision.parent_id == theirs.revision.id
    assert summary.head_revision_id == yours.revision.id
    assert "clear basis" in summary.body and "by a senior judge" in summary.body


def test_an_overlapping_save_stores_a_conflict_revision_that_is_not_the_head(summary, save, team):
    first = save(summary, BASE, None).revision
    theirs = save(summary, edited(BASE, "by a judge", "by a senior judge"), first.id).revision
    your_text = edited(BASE, "by a judge", "by a magistrate")
    outcome = save(summary, your_text, first.id, user=team.owner)
    assert outcome.conflict is not None
    conflict_revision = outcome.revision
    assert conflict_revision.kind == "conflict"
    assert conflict_revision.body == your_text
    assert conflict_revision.parent_id == first.id
    assert conflict_revision.author_id == team.owner.id
    assert outcome.conflict.base.id == first.id
    assert outcome.conflict.theirs.id == theirs.id
    assert outcome.conflict.yours.id == conflict_revision.id
    # The head is still theirs, and both texts are in the history.
    db.session.expire_all()
    assert summary.head_revision_id == theirs.id
    bodies = [revision.body for revision in revisions(summary)]
    assert your_text in bodies and theirs.body in bodies


def test_resolving_a_conflict_is_a_save_from_their_revision(summary, save, team):
    first = save(summary, BASE, None).revision
    theirs = save(summary, edited(BASE, "by a judge", "by a senior judge"), first.id).revision
    outcome = save(summary, edited(BASE, "by a judge", "by a magistrate"), first.id)
    assert outcome.conflict
    resolved_text = edited(BASE, "by a judge", "by a senior judge or a magistrate")
    resolved = save(summary, resolved_text, theirs.id, user=team.owner)
    assert resolved.conflict is None and not resolved.merged
    assert summary.body == resolved_text


def test_both_saving_the_same_text_makes_no_duplicate(summary, save, team):
    first = save(summary, BASE, None).revision
    same = edited(BASE, "by a judge", "by a senior judge")
    save(summary, same, first.id)
    outcome = save(summary, same, first.id, user=team.owner)
    assert outcome.unchanged and outcome.conflict is None
    assert summary.body == same
    assert [revision.kind for revision in revisions(summary)] == ["edit", "edit"]


def test_a_save_with_crlf_is_stored_with_lf(summary, save):
    outcome = save(summary, "Line one\r\nLine two\rLine three", None)
    assert outcome.revision.body == "Line one\nLine two\nLine three"
    again = save(summary, "Line one\r\nLine two\r\nLine three", outcome.revision.id)
    assert again.unchanged


def test_non_ascii_text_round_trips_through_a_save(summary, save):
    text = paragraphs("Croeso ŵ ŷ Ŵ Ŷ", "Emoji 🎉👩🏾‍💻", "עברית ‏ و العربية")
    outcome = save(summary, text, None)
    db.session.expire_all()
    assert db.session.get(Revision, outcome.revision.id).body == text
    assert outcome.revision.word_count == 9  # emoji are not words


def test_choice_merging_on_a_scale_question(response, save, team):
    question = section_of(response, "question", 1)
    assert question.question.kind == "scale"
    first = save(question, BASE, None, choice="Agree").revision
    # One changes the choice, the other the text: both kept.
    save(question, BASE, first.id, choice="Disagree")
    outcome = save(
        question,
        edited(BASE, "by a judge", "by a senior judge"),
        first.id,
        user=team.owner,
        choice="Agree",
    )
    assert outcome.merged
    assert question.choice == "Disagree" and "by a senior judge" in question.body
    # Two different choices from the same base: a conflict.
    head = question.head_revision_id
    outcome = save(question, question.body, first.id, user=team.owner, choice="Don't know")
    assert outcome.conflict is not None
    assert question.head_revision_id == head


def test_a_save_that_keeps_the_choice_keeps_its_bases_and_merges_with_a_later_one(
    response, save, team
):
    question = section_of(response, "question", 1)
    first = save(question, BASE, None, choice="Agree").revision
    kept = save(question, BASE + "\n\nMore.", first.id, choice=services.KEEP_CHOICE)
    assert question.choice == "Agree" and not kept.merged
    # Someone changes the answer; a save from the older base that keeps its answer does not
    # undo theirs.
    save(question, question.body, kept.revision.id, choice="Disagree", user=team.owner)
    outcome = save(
        question, BASE + "\n\nMore, and more.", kept.revision.id, choice=services.KEEP_CHOICE
    )
    assert outcome.merged and question.choice == "Disagree"


def test_a_choice_must_be_one_of_the_options(response, save):
    question = section_of(response, "question", 1)
    with pytest.raises(services.DraftingError):
        save(question, "Text", None, choice="Maybe")
    open_question = section_of(response, "question", 4)
    assert open_question.question.kind == "open"
    with pytest.raises(services.DraftingError):
        save(open_question, "Text", None, choice="Agree")


def test_a_no_op_save_creates_no_revision(summary, save):
    assert save(summary, "", None).unchanged
    assert revisions(summary) == []
    first = save(summary, BASE, None).revision
    outcome = save(summary, BASE, first.id)
    assert outcome.unchanged and outcome.revision.id == first.id
    assert len(revisions(summary)) == 1


def test_a_stale_save_whose_text_is_already_in_the_head_creates_no_revision(summary, save):
    first = save(summary, BASE, None).revision
    save(summary, edited(BASE, "by a judge", "by a senior judge"), first.id)
    outcome = save(summary, BASE, first.id)  # an autosave of untouched text, from an old base
    assert outcome.unchanged and outcome.merged
    assert len(revisions(summary)) == 2


def test_saving_on_a_removed_section_refuses(response, save, team):
    section = services.add_section(team.editor, response, "Annex: case studies")
    db.session.commit()
    services.remove_section(team.editor, section)
    db.session.commit()
    with pytest.raises(services.DraftingError, match="removed"):
        save(section, "Text", None)
    assert revisions(section) == []


def test_a_base_from_another_section_is_refused(response, summary, save):
    other = section_of(response, "recommendations")
    other_revision = save(other, "Recommendations text", None).revision
    save(summary, "Summary text", None)
    with pytest.raises(services.DraftingError):
        save(summary, "New text", other_revision.id)


def test_text_limits(summary, save):
    with pytest.raises(services.DraftingError):
        save(summary, "x" * (services.MAX_BODY_LENGTH + 1), None)
    with pytest.raises(services.DraftingError):
        save(summary, "nul \x00 byte", None)


@pytest.mark.parametrize(
    ("base", "theirs", "yours"),
    [
        ("x\n" * 100_000, "x\n" * 100_000 + "y", "z\n" + "x\n" * 100_000),
        ("x\ny\n" * 50_000, "x\ny\n" * 50_000 + "q", "z\n" + "x\ny\n" * 50_000),
        ("- \n" * 60_000, "- \n" * 60_000 + "end", "start\n" + "- \n" * 60_000),
    ],
    ids=["100k identical lines", "alternating lines", "bullet lines"],
)
def test_merging_pathological_texts_stays_quick(base, theirs, yours):
    started = time.process_time()  # CPU time: other processes on a busy machine do not count
    merged = merge_texts(base, theirs, yours)
    assert time.process_time() - started < 3.0
    assert merged is not None
    assert merged.startswith(yours[:6]) and merged.endswith(theirs[-3:])
