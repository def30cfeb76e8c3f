"""A response's sections: created from the consultation, added, renamed, moved, removed and
reinstated (with their history), assigned and given a status."""

from __future__ import annotations

import pytest

from consult.drafting import services
from consult.drafting.models import Response
from consult.extensions import db
from tests import factories
from tests.drafting.conftest import membership_of, revisions, section_of


def layout(response: Response) -> list[tuple[int, str, str]]:
    return [(s.position, s.kind, s.title) for s in services.live_sections(response)]


def removed(response: Response) -> list[int]:
    """The ids of the response's removed sections, as the dashboard's overview lists them."""
    overview = services.section_overview(response, with_removed=True)
    return [row.id for row in overview if row.removed_at is not None]


def positions(response: Response) -> list[int]:
    return [s.position for s in services.live_sections(response)]


def test_a_new_response_has_summary_about_each_question_and_recommendations(
    response, consultation, team
):
    sections = services.live_sections(response)
    kinds = [s.kind for s in sections]
    assert kinds == ["summary", "about"] + ["question"] * 17 + ["recommendations"]
    assert positions(response) == list(range(20))
    assert sections[1].title == "About Northtown Residents"
    questions = [s for s in sections if s.kind == "question"]
    assert [s.number for s in questions] == list(range(1, 18))
    assert [s.title for s in questions] == [q.text for q in consultation.questions]
    assert all(s.status == "not_started" and s.word_count == 0 for s in sections)
    assert response.profile == "home-office"
    assert response.created_by_id == team.owner.id


def test_a_response_needs_a_known_profile_and_a_visible_consultation(team, consultation):
    membership = membership_of(team.owner, team.organisation)
    with pytest.raises(services.DraftingError):
        services.create_response(membership, consultation, "Title", profile="nonsense")
    # Another organisation's own consultation is not open to this organisation.
    from consult.consultations.services import QuestionDraft, create_consultation

    theirs = create_consultation(
        membership_of(team.outsider, team.other_organisation),
        "Their private consultation",
        "Them",
        None,
        [QuestionDraft(1, "Anything?")],
    )
    db.session.commit()
    with pytest.raises(services.DraftingError):
        services.create_response(membership, theirs, "Title")
    # An empty title gets a sensible default.
    response = services.create_response(membership, consultation, "   ")
    assert response.title.startswith("Response to ")


def test_a_custom_section_goes_before_the_recommendations(response, team):
    section = services.add_section(team.editor, response, "  Annex:   case   studies ")
    db.session.commit()
    rows = layout(response)
    assert rows[-2] == (19, "custom", "Annex: case studies")
    assert rows[-1] == (20, "recommendations", "Recommendations")
    assert positions(response) == list(range(21))
    assert section.status == "not_started"
    # The response's own list of sections sees the new one.
    assert section in response.sections


def test_a_custom_section_goes_last_when_the_recommendations_were_moved(response, team):
    recommendations = section_of(response, "recommendations")
    services.move_section(team.editor, recommendations, "up")
    db.session.commit()
    services.add_section(team.editor, response, "Annex")
    db.session.commit()
    assert layout(response)[-1][1:] == ("custom", "Annex")
    assert positions(response) == list(range(21))


def test_titles_are_checked(response, team):
    with pytest.raises(services.DraftingError):
        services.add_section(team.editor, response, "   ")
    with pytest.raises(services.DraftingError):
        services.add_section(team.editor, response, "x" * 301)


def test_rename(response, team):
    custom = services.add_section(team.editor, response, "Annex")
    services.rename_section(team.editor, custom, "Annex A: evidence")
    summary = section_of(response, "summary")
    services.rename_section(team.editor, summary, "Executive summary")
    db.session.commit()
    assert custom.title == "Annex A: evidence"
    assert summary.title == "Executive summary"
    question = section_of(response, "question", 7)
    wording = question.title
    with pytest.raises(services.DraftingError):
        services.rename_section(team.editor, question, "My own question")
    assert question.title == wording


def test_move_up_and_down_keeps_positions_0_to_n_minus_1(response, team):
    summary = section_of(response, "summary")
    about = section_of(response, "about")
    services.move_section(team.editor, about, "up")
    db.session.commit()
    assert [s.kind for s in services.live_sections(response)][:2] == ["about", "summary"]
    services.move_section(team.editor, about, "up")  # already first: nothing happens
    services.move_section(team.editor, summary, "down")
    db.session.commit()
    assert [s.kind for s in services.live_sections(response)][:3] == [
        "about",
        "question",
        "summary",
    ]
    last = section_of(response, "recommendations")
    services.move_section(team.editor, last, "down")  # already last
    db.session.commit()
    assert positions(response) == list(range(20))
    with pytest.raises(services.DraftingError):
        services.move_section(team.editor, summary, "sideways")


def test_remove_keeps_revisions_and_can_be_reinstated(response, save, team):
    custom = services.add_section(team.editor, response, "Annex")
    db.session.commit()
    first = save(custom, "Annex text.", None).revision
    save(custom, "Annex text, revised.", first.id)
    services.remove_section(team.editor, custom)
    db.session.commit()
    assert custom not in services.live_sections(response)
    assert removed(response) == [custom.id]
    assert positions(response) == list(range(20))
    assert [r.body for r in revisions(custom)] == ["Annex text.", "Annex text, revised."]
    with pytest.raises(services.DraftingError):
        services.move_section(team.editor, custom, "up")

    services.restore_section(team.editor, custom)
    db.session.commit()
    assert removed(response) == []
    assert positions(response) == list(range(21))
    assert custom.body == "Annex text, revised."
    assert len(revisions(custom)) == 2
    # And it can be edited again.
    save(custom, "Annex text, revised again.", custom.head_revision_id)
    assert custom.body == "Annex text, revised again."


def test_reinstating_twice_or_removing_twice_changes_nothing(response, team):
    custom = services.add_section(team.editor, response, "Annex")
    services.remove_section(team.editor, custom)
    services.remove_section(team.editor, custom)
    db.session.commit()
    assert positions(response) == list(range(20))
    services.restore_section(team.editor, custom)
    services.restore_section(team.editor, custom)
    db.session.commit()
    assert positions(response) == list(range(21))


def test_question_sections_cannot_be_removed(response, team):
    question = section_of(response, "question", 1)
    with pytest.raises(services.DraftingError):
        services.remove_section(team.editor, question)
    assert question.removed_at is None


def test_assignment_only_to_members_of_the_organisation(response, team):
    summary = section_of(response, "summary")
    services.assign_section(team.coordinator, summary, team.member)
    db.session.commit()
    assert summary.assignee_id == team.member.id
    with pytest.raises(services.DraftingError):
        services.assign_section(team.coordinator, summary, team.outsider)
    with pytest.raises(services.DraftingError):
        services.assign_section(team.coordinator, summary, factories.make_user())
    assert summary.assignee_id == team.member.id
    services.assign_section(team.coordinator, summary, None)
    db.session.commit()
    assert summary.assignee_id is None


def test_statuses(response, team):
    summary = section_of(response, "summary")
    for status in ("drafting", "ready_for_review", "agreed", "not_started"):
        services.set_status(team.editor, summary, status)
        db.session.commit()
        assert summary.status == status
    with pytest.raises(services.DraftingError):
        services.set_status(team.editor, summary, "done")
    assert summary.status == "not_started"


def test_update_response(response, team):
    services.update_response(response, team.owner, "  New title ", "select-committee")
    db.session.commit()
    assert (response.title, response.profile) == ("New title", "select-committee")
    assert services.word_limit(response) == 3000
    with pytest.raises(services.DraftingError):
        services.update_response(response, team.owner, "", "home-office")
    with pytest.raises(services.DraftingError):
        services.update_response(response, team.owner, "Title", "nonsense")


def test_responses_of_lists_only_the_organisations_own(response, team, consultation):
    services.create_response(
        membership_of(team.outsider, team.other_organisation), consultation, "Theirs"
    )
    db.session.commit()
    assert services.responses_of(team.organisation) == [response]
