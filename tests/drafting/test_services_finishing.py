"""The drafting rules finished late in issue 3: text that no export could hold is refused
everywhere it enters (sections, suggestions, comments); the head's author comes with the
sections; history is paged without the texts; status and assignee changes are audited; and a
suggestion whose acceptance clashed is accepted (or rejected) when the clash is resolved."""

from __future__ import annotations

import pytest
from sqlalchemy import func, inspect, select

from consult.audit.models import AuditEvent
from consult.drafting import services
from consult.drafting.models import Comment, Revision, Section, Suggestion
from consult.extensions import db
from tests.drafting.conftest import revisions, section_of
from tests.drafting.pages_support import count_queries

BASE = "First paragraph.\n\nSecond paragraph."
LONE_SURROGATE = "half of an emoji \ud83d here"
# Control characters that XML (and so a DOCX export) cannot hold, and a bidi override.
CONTROL = ["bell \x07", "escape \x1b[31m", "vertical tab \x0b", "form feed \x0c", "del \x7f"]
BIDI = "price \u202e0001\u202c"


def _events(action: str) -> list[AuditEvent]:
    return list(
        db.session.scalars(
            select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)
        )
    )


# --- text that no export could hold ---------------------------------------------------------


@pytest.mark.parametrize("text", [*CONTROL, BIDI])
def test_a_save_refuses_control_characters(summary, team, text):
    with pytest.raises(services.DraftingError, match="invisible control characters"):
        services.save_section(team.editor, summary, text, None, None)
    db.session.rollback()
    assert revisions(summary) == []


def test_a_save_refuses_text_that_is_not_valid_unicode(summary, team):
    with pytest.raises(services.DraftingError, match="not valid Unicode"):
        services.save_section(team.editor, summary, LONE_SURROGATE, None, None)
    db.session.rollback()
    assert revisions(summary) == []


def test_tabs_and_line_breaks_are_text(summary, save):
    body = "A table:\n\n| a\t| b |\n|---|---|\n| 1 | 2 |\r\n"

    outcome = save(summary, body, None)

    assert outcome.revision.body == body.replace("\r\n", "\n")


@pytest.mark.parametrize("text", ["NUL \x00 here", CONTROL[0], LONE_SURROGATE])
def test_suggestions_refuse_what_sections_refuse(summary, save, team, text):
    first = save(summary, BASE, None).revision

    with pytest.raises(services.DraftingError):
        services.suggest(team.member, summary, text, first.id)
    with pytest.raises(services.DraftingError):
        services.suggest(team.member, summary, BASE + " More.", first.id, note=text)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Suggestion)) == 0


@pytest.mark.parametrize(
    ("body", "quote", "message"),
    [
        ("A NUL \x00 in the comment", None, "NUL"),
        ("Fine comment", "A NUL \x00 in the quote", "NUL"),
        ("A bell \x07", None, "control characters"),
        ("Fine comment", "escape \x1b", "control characters"),
        (LONE_SURROGATE, None, "not valid Unicode"),
        ("Fine comment", LONE_SURROGATE, "not valid Unicode"),
    ],
)
def test_comments_refuse_nul_control_characters_and_broken_unicode(
    summary, team, body, quote, message
):
    with pytest.raises(services.DraftingError, match=message):
        services.add_comment(team.member, summary, body, quote=quote)
    db.session.rollback()
    assert db.session.scalar(select(func.count()).select_from(Comment)) == 0


def test_a_comment_keeps_its_line_breaks(summary, team):
    comment = services.add_comment(team.member, summary, "Two lines:\nhere.", quote="a\tb")
    db.session.commit()

    assert (comment.body, comment.quote) == ("Two lines:\nhere.", "a\tb")


# --- sections with their heads' authors -----------------------------------------------------


def test_live_sections_bring_the_heads_authors_without_more_queries(response, save, team):
    for number, author in ((1, team.editor), (2, team.coordinator), (3, team.owner)):
        save(section_of(response, "question", number), f"Text {number}.", None, user=author)
    db.session.expire_all()
    response.id  # noqa: B018 - reloaded here, not inside the count

    with count_queries() as statements:
        sections = services.live_sections(response)
        authors = {s.number: s.head.author.name for s in sections if s.head is not None}

    assert len(statements) == 1
    assert authors == {1: "Eddie Editor", 2: "Cora Coordinator", 3: "Olive Owner"}


def test_the_overview_lists_live_sections_in_order_then_the_removed_newest_first(
    response, save, team
):
    first = services.add_section(team.editor, response, "First annex")
    second = services.add_section(team.editor, response, "Second annex")
    save(first, "Words " * 500, None)
    services.remove_section(team.editor, first)
    db.session.commit()
    services.remove_section(team.editor, second)
    db.session.commit()

    live = services.section_overview(response)
    everything = services.section_overview(response, with_removed=True)

    assert [row.id for row in live] == [s.id for s in services.live_sections(response)]
    assert [row.id for row in everything] == [row.id for row in live] + [second.id, first.id]
    removed_first = everything[-1]
    assert (removed_first.title, removed_first.word_count) == ("First annex", 500)
    assert removed_first.changed_by == "Eddie Editor" and removed_first.removed_at is not None


# --- history, a page at a time ---------------------------------------------------------------


def test_a_page_of_revisions_is_newest_first_without_texts_and_with_the_count(summary, save):
    head = None
    for number in range(7):
        head = save(summary, f"Version {number}.", head).revision.id
    section_id = summary.id
    db.session.expunge_all()  # nothing already loaded: what the page query loads shows
    summary = db.session.get(Section, section_id)

    with count_queries() as statements:
        first, total = services.revision_page(summary, 1, 3)
        names = [revision.author.name for revision in first]
    last, _ = services.revision_page(summary, 3, 3)
    beyond, _ = services.revision_page(summary, 99, 3)

    assert total == 7
    assert len(statements) == 2  # the count and the page, authors joined
    assert [revision.number for revision in first] == [7, 6, 5]
    assert names == ["Eddie Editor"] * 3
    assert all("body" in inspect(revision).unloaded for revision in first)
    assert [revision.number for revision in last] == [1]
    assert beyond == last  # a page past the end is the last page


def test_an_empty_history_is_one_empty_page(summary):
    assert services.revision_page(summary, 1, 50) == ([], 0)


def test_find_revision_only_finds_the_sections_own(response, save):
    summary, about = section_of(response, "summary"), section_of(response, "about")
    revision = save(summary, "Mine.", None).revision

    assert services.find_revision(summary, revision.id) == revision
    assert services.find_revision(about, revision.id) is None
    assert services.find_revision(summary, 2**31 - 1) is None


# --- status and assignment ------------------------------------------------------------------


def test_assigning_and_setting_the_status_are_audited_once_per_change(summary, team):
    services.assign_section(team.coordinator, summary, team.editor)
    services.assign_section(team.coordinator, summary, team.editor)  # no change, no event
    services.set_status(team.coordinator, summary, "ready_for_review")
    services.set_status(team.coordinator, summary, "ready_for_review")
    services.assign_section(team.coordinator, summary, None)
    db.session.commit()

    assigned = _events("section.assigned")
    (status,) = _events("section.status_changed")
    assert [event.details["assignee"] for event in assigned] == [team.editor.id, None]
    assert {event.actor_id for event in assigned} == {team.coordinator.id}
    assert assigned[0].subject_type == "Section" and assigned[0].subject_id == summary.id
    assert status.details == {"status": "ready_for_review", "previous": "not_started"}
    assert status.organisation_id == team.organisation.id


def test_update_section_sets_both_and_checks_both(summary, team):
    services.update_section(team.editor, summary, "agreed", team.member)
    db.session.commit()
    assert (summary.status, summary.assignee_id) == ("agreed", team.member.id)

    with pytest.raises(services.DraftingError, match="statuses"):
        services.update_section(team.editor, summary, "finished", team.editor)
    with pytest.raises(services.DraftingError, match="member"):
        services.update_section(team.editor, summary, "drafting", team.outsider)
    db.session.rollback()
    assert (summary.status, summary.assignee_id) == ("agreed", team.member.id)


def test_the_assignable_members_are_the_organisations_by_name(response, team):
    names = [user.name for user in services.assignable_members(response)]

    assert names == sorted(names, key=str.lower)
    assert set(names) == {"Olive Owner", "Cora Coordinator", "Eddie Editor", "Mo Member"}


# --- a suggestion whose acceptance clashed --------------------------------------------------


def _clashing_suggestion(summary, save, team) -> tuple[Suggestion, Revision]:
    first = save(summary, BASE, None).revision
    suggestion = services.suggest(
        team.member, summary, BASE.replace("Second paragraph.", "Second, suggested."), first.id
    )
    db.session.commit()
    save(summary, BASE.replace("Second paragraph.", "Second, edited."), first.id)
    outcome = services.accept_suggestion(team.owner, suggestion)
    db.session.commit()
    assert outcome.conflict is not None and suggestion.status == "open"
    return suggestion, outcome.revision


def test_resolving_the_clash_accepts_the_suggestion_with_the_resolving_revision(
    summary, save, team
):
    suggestion, _clash = _clashing_suggestion(summary, save, team)
    resolved = save(
        summary,
        BASE.replace("Second paragraph.", "Second, edited and suggested."),
        summary.head_revision_id,
        user=team.owner,
    ).revision

    services.accept_resolved_suggestion(team.owner, suggestion, resolved)
    db.session.commit()

    assert suggestion.status == "accepted"
    assert suggestion.result_revision_id == resolved.id
    assert suggestion.decided_by_id == team.owner.id and suggestion.decided_at is not None
    assert services.open_suggestions(summary) == []


def test_a_suggestion_is_accepted_once_and_only_with_its_sections_revision(
    response, summary, save, team
):
    suggestion, clash = _clashing_suggestion(summary, save, team)
    elsewhere = save(section_of(response, "about"), "About us.", None).revision

    with pytest.raises(services.DraftingError, match="another section"):
        services.accept_resolved_suggestion(team.owner, suggestion, elsewhere)
    services.reject_suggestion(team.owner, suggestion)
    db.session.commit()
    with pytest.raises(services.DraftingError, match="rejected"):
        services.accept_resolved_suggestion(team.owner, suggestion, clash)
    assert suggestion.result_revision_id is None


def test_the_fast_control_character_check_agrees_with_the_forms_rule():
    """services.has_control_characters is consult.forms.has_control_characters as a regular
    expression (fast enough for a 200,000-character section): the same answer for every
    character of the Basic Multilingual Plane and a sample of the others."""
    from consult.forms import has_control_characters as forms_rule

    for code in [*range(0x10000), *range(0x10000, 0x110000, 97)]:
        char = chr(code)
        if 0xD800 <= code <= 0xDFFF:
            continue  # lone surrogates are refused as not Unicode, separately
        assert services.has_control_characters(char) == forms_rule(char), hex(code)
    assert services.CONTROL_CHARACTERS.sub("", "a\x00b\x07c\td\u202ee\nf") == "abc\td" + "e\nf"


# --- the overview rows of the dashboard -------------------------------------------------------


def test_the_section_overview_has_each_live_section_in_order_in_one_query(response, save, team):
    question = section_of(response, "question", 2)
    question.question.word_limit = 300
    services.assign_section(team.coordinator, question, team.member)
    save(question, "Four words of text.", None, user=team.coordinator)
    removed = services.add_section(team.owner, response, "Old annex")
    services.remove_section(team.owner, removed)
    db.session.commit()
    live = [section.id for section in services.live_sections(response)]
    db.session.expire_all()
    response.id  # noqa: B018 - reloaded here, not inside the count

    with count_queries() as statements:
        rows = services.section_overview(response)

    assert len(statements) == 1
    assert [row.id for row in rows] == live and removed.id not in live
    row = next(row for row in rows if row.id == question.id)
    assert (row.kind, row.number, row.status) == ("question", 2, "drafting")
    assert (row.word_count, row.word_limit, row.assignee) == (4, 300, "Mo Member")
    assert row.changed_by == "Cora Coordinator" and row.changed_at is not None
    summary = rows[0]
    assert (summary.title, summary.assignee, summary.changed_at, summary.changed_by) == (
        "Summary",
        None,
        None,
        None,
    )
    assert services.total_words(rows) == 4
