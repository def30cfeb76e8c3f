"""The response pages without JavaScript: the organisation's list, starting a response, the
dashboard (a compact overview of the sections), each section's Manage page (status and
assignee, title, place, removal), settings and the whole-response preview."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta

import pytest
from sqlalchemy import func, select

from consult.consultations.models import Consultation, Question
from consult.demo import DEMO_PASSWORD, DEMO_RESPONSE_TITLE, seed_demo
from consult.drafting import services
from consult.drafting.models import Response, Section
from consult.extensions import db
from consult.timeutil import utcnow
from tests.drafting.pages_support import (
    browsers_for,
    flashes,
    form_fields,
    location_path,
    make_draft,
    save_text,
    text_of,
)
from tests.organisations.support import audit_events, log_in, submit


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


@pytest.fixture
def draft(team):
    return make_draft(team)


def _responses() -> list[Response]:
    db.session.expire_all()
    return list(db.session.scalars(select(Response).order_by(Response.id)))


def _section(section_id: int) -> Section:
    db.session.expire_all()
    return db.session.get(Section, section_id)


# --- the list and starting a response -------------------------------------------------------


def test_the_organisation_page_lists_responses_and_offers_to_start_one(browsers, team, draft):
    page = browsers("editor").get(f"/o/{team.organisation.slug}").get_data(as_text=True)

    assert "Our response" in page
    assert f'href="/responses/{draft.response_id}"' in page
    assert "Start a response" in page
    assert f"/o/{team.organisation.slug}/responses/new" in page


def test_members_see_responses_but_are_not_offered_to_start_one(browsers, team, draft):
    overview = browsers("member").get(f"/o/{team.organisation.slug}").get_data(as_text=True)
    listing = browsers("member").get(f"/o/{team.organisation.slug}/responses")

    assert "Our response" in overview and "Start a response" not in overview
    assert listing.status_code == 200
    assert "Start a response" not in listing.get_data(as_text=True)


def test_the_list_shows_an_empty_state_that_says_what_to_do(browsers, team):
    page = browsers("editor").get(f"/o/{team.organisation.slug}/responses").get_data(as_text=True)

    assert "No responses yet" in page
    assert "Start a response" in page


def test_an_editor_starts_a_response_from_the_form(browsers, team):
    browser = browsers("editor")
    page = browser.get(
        f"/o/{team.organisation.slug}/responses/new?consultation=facial-recognition-framework"
    ).get_data(as_text=True)
    assert 'value="facial-recognition-framework" aria-describedby' in page
    assert "checked" in page

    answer = browser.post(
        f"/o/{team.organisation.slug}/responses/new",
        data={
            "consultation": "facial-recognition-framework",
            "title": "Northtown on facial recognition",
            "profile": "select-committee",
        },
    )

    assert answer.status_code == 302
    (response,) = _responses()
    assert location_path(answer) == f"/responses/{response.id}"
    assert response.title == "Northtown on facial recognition"
    assert response.profile == "select-committee"
    assert response.organisation_id == team.organisation.id
    dashboard = browser.get(location_path(answer)).get_data(as_text=True)
    assert "Your response is ready, with a section for each of the 17 questions." in dashboard


def test_a_blank_title_is_made_from_the_consultation_as_a_sentence(browsers, team):
    browsers("editor").post(
        f"/o/{team.organisation.slug}/responses/new",
        data={"consultation": "facial-recognition-framework", "title": "  ", "profile": "campaign"},
    )

    (response,) = _responses()
    assert response.title == (
        "Response to the Home Office consultation on a new legal framework for law-enforcement "
        "use of biometrics, facial recognition and similar technologies"
    )


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"consultation": "no-such-thing", "profile": "home-office"}, "listed consultations"),
        ({"consultation": "facial-recognition-framework", "profile": "pigeon"}, "submission"),
        (
            {
                "consultation": "facial-recognition-framework",
                "profile": "home-office",
                "title": "x" * 201,
            },
            "200 characters",
        ),
        (
            {
                "consultation": "facial-recognition-framework",
                "profile": "home-office",
                "title": "Bad\x00title",
            },
            "control characters",
        ),
    ],
)
def test_starting_a_response_with_bad_input_explains_and_keeps_the_form(
    browsers, team, data, message
):
    answer = browsers("editor").post(f"/o/{team.organisation.slug}/responses/new", data=data)

    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert _responses() == []


def test_another_organisations_own_consultation_cannot_be_answered(browsers, team):
    theirs = Consultation(
        slug="rivals-own", title="Rivals only", organisation_id=team.other_organisation.id
    )
    db.session.add(theirs)
    db.session.commit()

    page = browsers("editor").get(
        f"/o/{team.organisation.slug}/responses/new?consultation=rivals-own"
    )
    answer = browsers("editor").post(
        f"/o/{team.organisation.slug}/responses/new",
        data={"consultation": "rivals-own", "profile": "home-office"},
    )

    assert "Rivals only" not in page.get_data(as_text=True)
    assert answer.status_code == 422
    assert _responses() == []


@pytest.mark.parametrize(
    ("role", "status"), [("member", 403), ("outsider", 404), ("anonymous", 302)]
)
def test_only_editors_and_above_start_responses(browsers, team, role, status):
    browser = browsers(role)
    url = f"/o/{team.organisation.slug}/responses/new"

    assert browser.get(url).status_code == status
    answer = browser.post(
        url, data={"consultation": "facial-recognition-framework", "profile": "home-office"}
    )
    assert answer.status_code == status
    if role == "anonymous":
        assert location_path(answer) == "/login"
    assert _responses() == []


@pytest.mark.parametrize("slug", ["no-such-group", "bad%00slug", "UPPER", "a" * 300])
def test_unknown_or_malformed_organisations_are_not_found(browsers, slug):
    assert browsers("editor").get(f"/o/{slug}/responses").status_code == 404
    assert browsers("editor").get(f"/o/{slug}/responses/new").status_code == 404


def test_outsiders_do_not_see_the_list(browsers, team, draft):
    answer = browsers("outsider").get(f"/o/{team.organisation.slug}/responses")

    assert answer.status_code == 404
    assert "Our response" not in answer.get_data(as_text=True)


# --- the dashboard --------------------------------------------------------------------------


def test_the_dashboard_shows_every_section_with_its_state(browsers, team, draft):
    save_text(draft.sections[1], "We agree, for these reasons.", team.editor, choice="Agree")
    section = draft.section(1)
    services.assign_section(team.coordinator, section, team.editor)
    services.set_status(team.coordinator, section, "ready_for_review")
    db.session.commit()

    page = browsers("member").get(draft.url).get_data(as_text=True)
    text = text_of(page)

    assert "Our response" in text
    assert text.count("Question ") >= 17
    assert "Ready for review" in text and "Assigned to Eddie Editor" in text
    assert "5 words" in text
    assert "Last edit just now by Eddie Editor" in text
    assert "Eddie Editor edited Question 1" in text  # the activity feed
    assert "Closed on 12 February 2026" in text or "days left" in text
    assert f'href="{draft.url}/preview"' in page
    assert f'href="{draft.editor(1)}"' in page
    assert f'href="{draft.editor(1)}/history"' in page
    assert "Manage" not in text  # members do not manage sections
    assert "/manage" not in page


def test_the_dashboard_counts_words_against_the_profiles_limit(browsers, team):
    draft = make_draft(team, profile="select-committee")
    save_text(draft.sections["summary"], "word " * 3100, team.editor)

    text = text_of(browsers("editor").get(draft.url).get_data(as_text=True))

    assert "3,100 of 3,000 allowed: 100 over" in text


def test_the_dashboard_counts_the_days_left_before_the_closing_date(browsers, team, draft):
    consultation = draft.response().consultation
    # Noon, ten days on: "now + 10 days + 1 hour" was 11 days away by date after 23:00 UTC.
    consultation.closes_at = datetime.combine(utcnow().date() + timedelta(days=10), time(12))
    db.session.commit()

    text = text_of(browsers("editor").get(draft.url).get_data(as_text=True))

    assert "10 days left" in text


def test_the_dashboard_shows_a_questions_word_limit(browsers, team, draft):
    question = db.session.scalar(
        select(Question).where(Question.id == draft.section(4).question_id)
    )
    question.word_limit = 3
    db.session.commit()
    save_text(draft.sections[4], "one two three four five", team.editor)

    text = text_of(browsers("editor").get(draft.url).get_data(as_text=True))

    assert "5 of 3 words : 2 over" in text  # the overage is its own (red, bold) span


@pytest.mark.parametrize(("role", "status"), [("outsider", 404), ("anonymous", 302)])
def test_the_dashboard_is_for_members_only(browsers, draft, role, status):
    answer = browsers(role).get(draft.url)

    assert answer.status_code == status
    assert "Our response" not in answer.get_data(as_text=True)


@pytest.mark.parametrize("url", ["/responses/999999", "/responses/99999999999999999999"])
def test_unknown_responses_are_not_found(browsers, url):
    assert browsers("editor").get(url).status_code == 404
    assert browsers("editor").get(url + "/preview").status_code == 404


# --- section management ---------------------------------------------------------------------


def test_an_editor_adds_a_custom_section_before_the_recommendations(browsers, draft):
    answer = browsers("editor").post(
        f"{draft.url}/sections", data={"new_title": "Annex: what members told us"}
    )

    assert answer.status_code == 302
    sections = services.live_sections(draft.response())
    assert [s.title for s in sections[-2:]] == ["Annex: what members told us", "Recommendations"]
    assert "added" in " ".join(flashes(browsers("editor").get(draft.url).get_data(as_text=True)))


@pytest.mark.parametrize(
    ("title", "message"),
    [("   ", "Enter a title."), ("x" * 301, "300 characters"), ("Bad\x07", "control")],
)
def test_a_bad_section_title_is_explained_and_kept(browsers, draft, title, message):
    count = len(services.live_sections(draft.response()))

    answer = browsers("editor").post(f"{draft.url}/sections", data={"new_title": title})

    assert answer.status_code == 422
    assert message in answer.get_data(as_text=True)
    assert len(services.live_sections(draft.response())) == count


def test_custom_sections_are_renamed_but_questions_keep_their_wording(browsers, draft):
    browser = browsers("editor")
    renamed = browser.post(
        f"{draft.url}/sections/{draft.sections['summary']}/rename", data={"title": "In short"}
    )
    refused = browser.post(
        f"{draft.url}/sections/{draft.sections[1]}/rename", data={"title": "Mine"}
    )

    assert _section(draft.sections["summary"]).title == "In short"
    assert location_path(renamed) == f"{draft.editor('summary')}/manage"
    assert refused.status_code == 422
    page = refused.get_data(as_text=True)
    assert "Question sections keep the consultation's wording." in text_of(page)
    assert 'name="status"' in page  # the Manage page again, with the message
    assert _section(draft.sections[1]).title.startswith("To what extent do you agree or disagree")


def test_a_bad_new_title_comes_back_on_the_manage_page_with_the_input(browsers, draft):
    answer = browsers("editor").post(
        f"{draft.url}/sections/{draft.sections['summary']}/rename", data={"title": "x" * 301}
    )

    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "Use at most 300 characters." in page
    assert 'value="' + "x" * 301 + '"' in page
    assert _section(draft.sections["summary"]).title == "Summary"


def test_sections_move_up_and_down(browsers, draft):
    browser = browsers("editor")
    about = draft.sections["about"]

    moved = browser.post(f"{draft.url}/sections/{about}/move", data={"direction": "up"})
    first = services.live_sections(draft.response())[0]
    assert first.id == about
    assert location_path(moved) == f"{draft.editor('about')}/manage"

    browser.post(f"{draft.url}/sections/{about}/move", data={"direction": "down"})
    browser.post(f"{draft.url}/sections/{about}/move", data={"direction": "sideways"})
    order = [s.id for s in services.live_sections(draft.response())]
    assert order[:2] == [draft.sections["summary"], about]


def test_a_removed_section_keeps_its_text_and_can_be_reinstated(browsers, team, draft):
    summary = draft.sections["summary"]
    save_text(summary, "Kept words.", team.editor)
    browser = browsers("editor")

    removed = browser.post(f"{draft.url}/sections/{summary}/remove")

    assert location_path(removed) == draft.url
    page = browser.get(draft.url).get_data(as_text=True)
    assert "Removed sections" in page
    assert f"{draft.url}/sections/{summary}/reinstate" in page
    assert summary not in [s.id for s in services.live_sections(draft.response())]
    assert "This section was removed" in browser.get(draft.editor("summary")).get_data(as_text=True)
    manage = browser.get(f"{draft.editor('summary')}/manage").get_data(as_text=True)
    assert "This section was removed" in manage
    assert f"{draft.url}/sections/{summary}/reinstate" in manage
    assert f"{draft.url}/sections/{summary}/rename" not in manage

    browser.post(f"{draft.url}/sections/{summary}/reinstate")

    section = _section(summary)
    assert section.removed_at is None and section.body == "Kept words."
    assert summary in [s.id for s in services.live_sections(draft.response())]


def test_question_sections_cannot_be_removed(browsers, draft):
    answer = browsers("editor").post(f"{draft.url}/sections/{draft.sections[3]}/remove")

    assert _section(draft.sections[3]).removed_at is None
    assert location_path(answer) == f"{draft.editor(3)}/manage"


def test_the_manage_page_sets_status_and_assignee_with_one_button(browsers, team, draft):
    browser = browsers("editor")
    url = f"{draft.editor(2)}/manage"

    page = browser.get(url).get_data(as_text=True)
    fields = form_fields(page, url)
    assert set(fields) == {"csrf_token", "status", "assignee", "status_shown", "assignee_shown"}
    assert (fields["status"], fields["assignee"]) == ("not_started", "")
    assert (fields["status_shown"], fields["assignee_shown"]) == ("not_started", "")
    answer = browser.post(
        url, data={**fields, "status": "ready_for_review", "assignee": str(team.member.id)}
    )

    assert location_path(answer) == url
    section = _section(draft.sections[2])
    assert (section.status, section.assignee_id) == ("ready_for_review", team.member.id)
    assert (
        "“Question 2” is ready for review and assigned to Mo Member."
        in flashes(browser.get(url).get_data(as_text=True))[0]
    )
    assert len(audit_events("section.assigned")) == 1
    (changed,) = audit_events("section.status_changed")
    assert changed.details == {"status": "ready_for_review", "previous": "not_started"}
    assert changed.actor_id == team.editor.id


def test_the_editor_sets_status_and_assignee_and_returns_to_the_editor(browsers, team, draft):
    browser = browsers("editor")
    page = browser.get(draft.editor(2)).get_data(as_text=True)
    fields = form_fields(page, f"{draft.editor(2)}/manage?back=editor")

    answer = browser.post(
        f"{draft.editor(2)}/manage?back=editor",
        data={**fields, "status": "agreed", "assignee": str(team.editor.id)},
    )

    assert location_path(answer) == draft.editor(2)
    section = _section(draft.sections[2])
    assert (section.status, section.assignee_id) == ("agreed", team.editor.id)


def test_changing_the_assignee_in_the_editor_leaves_a_status_changed_since(browsers, team, draft):
    """The issue: the editor's form was drawn when the section was "Not started"; the first
    autosave made it "Drafting"; changing only the assignee posted the stale status too and
    set it back to "Not started"."""
    browser = browsers("editor")
    action = f"{draft.editor(2)}/manage?back=editor"
    fields = form_fields(browser.get(draft.editor(2)).get_data(as_text=True), action)
    assert fields["status"] == "not_started"
    save_text(draft.sections[2], "The first words of the answer.", team.editor)
    assert _section(draft.sections[2]).status == "drafting"

    browser.post(action, data={**fields, "assignee": str(team.member.id)})

    section = _section(draft.sections[2])
    assert (section.status, section.assignee_id) == ("drafting", team.member.id)
    assert audit_events("section.status_changed") == []


def test_changing_the_status_leaves_an_assignee_changed_since(browsers, team, draft):
    browser = browsers("editor")
    url = f"{draft.editor(2)}/manage"
    fields = form_fields(browser.get(url).get_data(as_text=True), url)
    browsers("coordinator").post(
        url, data={**fields, "assignee": str(team.coordinator.id)}
    )  # someone else assigns it meanwhile

    browser.post(url, data={**fields, "status": "ready_for_review"})

    section = _section(draft.sections[2])
    assert (section.status, section.assignee_id) == ("ready_for_review", team.coordinator.id)


def test_sections_are_assigned_to_members_only(browsers, team, draft):
    browser = browsers("editor")
    url = f"{draft.editor(2)}/manage"

    browser.post(url, data={"status": "drafting", "assignee": str(team.member.id)})
    assert _section(draft.sections[2]).assignee_id == team.member.id

    refused = browser.post(url, data={"status": "drafting", "assignee": str(team.outsider.id)})
    assert refused.status_code == 422
    assert "Choose a member of the organisation." in refused.get_data(as_text=True)

    browser.post(url, data={"status": "drafting", "assignee": ""})
    assert _section(draft.sections[2]).assignee_id is None


def test_an_unknown_status_is_refused_on_the_manage_page(browsers, draft):
    answer = browsers("editor").post(
        f"{draft.editor(2)}/manage", data={"status": "finished", "assignee": ""}
    )

    assert answer.status_code == 422
    assert "Choose one of the listed statuses." in answer.get_data(as_text=True)
    assert _section(draft.sections[2]).status == "not_started"


def _prose(page: str) -> str:
    """The page's text with no space before punctuation (text_of spaces out every tag)."""
    return re.sub(r"\s+([,.])", r"\1", text_of(page))


def test_the_manage_page_says_where_the_section_is_and_offers_only_what_applies(browsers, draft):
    browser = browsers("editor")

    first = browser.get(f"{draft.editor('summary')}/manage").get_data(as_text=True)
    question = browser.get(f"{draft.editor(2)}/manage").get_data(as_text=True)

    assert "Section 1 of 20" in _prose(first)
    move = form_fields(first, "/move")
    assert "direction" not in move  # the direction is the button pressed
    assert 'value="down"' in first and 'value="up"' not in first
    assert "/rename" in first and "/remove" in first
    assert "Section 4 of 20, after Question 1, before Question 3." in _prose(question)
    assert 'value="up"' in question and 'value="down"' in question
    assert "/rename" not in question and "/remove" not in question


def test_the_manage_page_is_for_editors(browsers, draft):
    url = f"{draft.editor('summary')}/manage"

    assert browsers("editor").get(url).status_code == 200
    assert browsers("member").get(url).status_code == 403
    assert browsers("outsider").get(url).status_code == 404
    assert location_path(browsers("anonymous").get(url)) == "/login"


def test_response_settings_change_the_title_and_profile(browsers, draft):
    browser = browsers("editor")

    answer = browser.post(
        f"{draft.url}/settings", data={"title": "A better title", "profile": "campaign"}
    )
    refused = browser.post(f"{draft.url}/settings", data={"title": "", "profile": "nope"})

    assert answer.status_code == 302
    assert refused.status_code == 422
    response = _responses()[0]
    assert (response.title, response.profile) == ("A better title", "campaign")


MANAGEMENT = [
    ("sections", {"new_title": "Annex"}),
    ("settings", {"title": "Hijacked", "profile": "campaign"}),
    ("sections/{summary}/rename", {"title": "Hijacked"}),
    ("sections/{summary}/move", {"direction": "down"}),
    ("sections/{summary}/remove", {}),
    ("sections/{summary}/reinstate", {}),
    ("sections/{summary}/manage", {"status": "agreed", "assignee": ""}),
]


@pytest.mark.parametrize(("path", "data"), MANAGEMENT)
@pytest.mark.parametrize(
    ("role", "status"), [("member", 403), ("outsider", 404), ("anonymous", 302)]
)
def test_only_editors_manage_sections(browsers, draft, path, data, role, status):
    before = db.session.scalar(select(func.count()).select_from(Section))
    url = f"{draft.url}/" + path.format(summary=draft.sections["summary"])

    answer = browsers(role).post(url, data=data)

    assert answer.status_code == status
    section = _section(draft.sections["summary"])
    assert (section.title, section.status, section.position) == ("Summary", "not_started", 0)
    assert _responses()[0].title == "Our response"
    assert db.session.scalar(select(func.count()).select_from(Section)) == before


def test_a_section_of_another_response_is_not_found_through_this_one(browsers, team, draft):
    other = make_draft(team, title="Second")

    answer = browsers("editor").post(
        f"{draft.url}/sections/{other.sections['summary']}/rename", data={"title": "Sneaky"}
    )

    assert answer.status_code == 404
    assert _section(other.sections["summary"]).title == "Summary"


def test_the_manage_page_forms_carry_their_csrf_tokens(browsers, draft, app, monkeypatch):
    browser = browsers("editor")  # logged in before CSRF protection is switched on
    monkeypatch.setitem(app.config, "WTF_CSRF_ENABLED", True)
    url = f"{draft.editor('about')}/manage"

    refused = browser.post(url, data={"status": "agreed", "assignee": ""})
    accepted = submit(browser, url, action=url, status="agreed")
    move = form_fields(browser.get(url).get_data(as_text=True), "/move")
    moved = browser.post(f"{draft.editor('about')}/move", data={**move, "direction": "up"})

    assert refused.status_code == 400
    assert accepted.status_code == 302 and moved.status_code == 302
    section = _section(draft.sections["about"])
    assert (section.status, section.position) == ("agreed", 0)


def _forms(page: str) -> int:
    return page.count("<form")


def test_the_dashboard_stays_compact_however_many_sections(browsers, team, draft):
    """Per-section management lives on each section's Manage page: the dashboard has the
    same few forms (add a section, settings) for 20 sections or 40, one CSRF token, and a
    table row per section with links."""
    browser = browsers("editor")
    small = browser.get(draft.url).get_data(as_text=True)
    response = draft.response()
    for number in range(20):
        services.add_section(team.editor, response, f"Annex {number}")
    db.session.commit()

    large = browser.get(draft.url).get_data(as_text=True)

    # Adding a section and the settings (and the header's organisation switch and log-out).
    assert _forms(small) == _forms(large) == 4
    assert len(set(re.findall(r'name="csrf_token" value="([^"]+)"', large))) == 1
    assert large.count('<tr id="s') == 40
    assert large.count("/manage") == 40
    assert len(large) < 120_000


def test_section_titles_and_names_reach_the_dashboard_and_the_editor_as_text(browsers, team, draft):
    """The dashboard's rows and the editor's list of sections are built in Python: what
    people typed is escaped there as the templates would."""
    hostile = '<img src=x onerror="alert(1)">'
    annex = services.add_section(team.editor, draft.response(), f"Annex {hostile}")
    team.editor.name = f"Eddie {hostile}"
    services.assign_section(team.coordinator, annex, team.editor)
    db.session.commit()
    save_text(annex.id, "Some words.", team.editor)

    browser = browsers("coordinator")
    dashboard = browser.get(draft.url).get_data(as_text=True)
    editor = browser.get(f"{draft.url}/sections/{draft.sections[1]}").get_data(as_text=True)

    for page in (dashboard, editor):
        assert "<img" not in page
        assert "Annex &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in page
    assert "Eddie &lt;img src=x onerror=&#34;alert(1)&#34;&gt;" in dashboard
    text = text_of(dashboard)
    assert f"Assigned to Eddie {hostile}" in text
    assert f"Last edit just now by Eddie {hostile}" in text


def test_the_dashboard_links_to_versions_and_signing_for_every_member(browsers, draft, app):
    if "signing.versions" not in app.view_functions:
        pytest.skip("the signing pages are not part of the app yet")

    for role in ("member", "editor", "owner"):
        page = browsers(role).get(draft.url).get_data(as_text=True)
        assert "Versions and signing" in page, role
        assert f'href="/responses/{draft.response_id}/versions' in page or (
            "Versions and signing</a>" in page
        )


def test_without_signing_pages_the_dashboard_has_no_link_to_them(browsers, draft, app, monkeypatch):
    monkeypatch.delitem(app.view_functions, "signing.versions", raising=False)

    page = browsers("member").get(draft.url).get_data(as_text=True)

    assert page.count("Versions and signing") == 0


# --- the whole-response preview -------------------------------------------------------------


def test_the_preview_renders_every_section_as_the_recipient_reads_it(browsers, team, draft):
    save_text(draft.sections["summary"], "We **object**.[^1]\n\n[^1]: A source.", team.editor)
    save_text(
        draft.sections[2], "Because it is *unproven*.[^1]\n\n[^1]: Another.", team.editor, "Agree"
    )

    page = browsers("member").get(f"{draft.url}/preview").get_data(as_text=True)

    assert "Response from Northtown Residents" in page  # the home-office profile's heading
    assert "<strong>object</strong>" in page and "<em>unproven</em>" in page
    summary, question = draft.sections["summary"], draft.sections[2]
    assert f'id="fn-s{summary}-1"' in page and f'id="fn-s{question}-1"' in page
    assert "<strong>Answer:</strong> Agree" in page
    assert "<strong>Answer:</strong> no answer chosen yet" in page  # question 1: not yet
    assert "Not written yet." in page
    assert f'<a href="#section-{question}">Question 2</a>' in page  # the contents
    assert f'<section class="response-section" id="section-{question}">' in page


def test_hostile_markdown_never_reaches_the_preview(browsers, team, draft):
    save_text(
        draft.sections["summary"],
        "<script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
        "\n\n<iframe src=//evil.example></iframe>",
        team.editor,
    )

    page = browsers("editor").get(f"{draft.url}/preview").get_data(as_text=True)
    body = page.split('class="document prose"', 1)[1]

    assert "<script" not in body and "<iframe" not in body and "<img" not in body
    assert 'href="javascript:' not in body
    assert "&lt;script&gt;" in body  # shown as the text it is


def test_the_preview_shows_each_section_as_the_api_html_does(browsers, team, draft, api_token):
    """One renderer (markdown.render_response) for the page, the API and the exports: each
    section's HTML is the same in both, but for the page's anchor."""
    save_text(draft.sections["summary"], "We **object**.[^1]\n\n[^1]: A source.", team.editor)
    save_text(draft.sections[2], "Because <b>it</b> is *unproven*.", team.editor, "Don't know")

    page = browsers("member").get(f"{draft.url}/preview").get_data(as_text=True)
    html = (
        browsers("member")
        .get(f"/api/v1/responses/{draft.response_id}/html", headers=api_token(team.member))
        .get_json()["html"]
    )

    sections = re.findall(r'<section class="response-section">(.*?</section>)', html, re.S)
    assert len(sections) == 20
    written = [section for section in sections if "We <strong>" in section or "unproven" in section]
    assert len(written) == 2  # the page adds placeholders to the others: "Not written yet."
    for inside in written:
        assert inside in page
    assert "&lt;b&gt;it&lt;/b&gt;" in written[1] and "Don&#39;t know" in written[1]


# --- the demo -------------------------------------------------------------------------------


def test_the_demo_has_a_half_drafted_response_made_once(app, client):
    assert seed_demo() is True
    db.session.commit()
    assert seed_demo() is False
    db.session.commit()

    # The demo's one response to the consultation (its bill has a response of its own).
    (response,) = [r for r in _responses() if r.consultation_id is not None]
    assert response.title == DEMO_RESPONSE_TITLE
    assert response.consultation.slug == "facial-recognition-framework"
    sections = services.live_sections(response)
    written = [s for s in sections if s.body]
    questions = [s for s in written if s.kind == "question"]
    assert {"summary", "about"} <= {s.kind for s in written}
    assert 6 <= len(questions) <= 10  # about half of the 17
    assert any("[^1]:" in s.body for s in written)  # one answer has a footnote
    assert all(s.choice for s in questions if s.question.kind == "scale")
    editor_sections = [
        s for s in sections if s.assignee and s.assignee.email == "editor@demo.example"
    ]
    assert len(editor_sections) >= 5
    assert {s.status for s in sections} >= {"agreed", "ready_for_review", "drafting", "not_started"}
    question_4 = next(s for s in sections if s.number == 4)
    assert question_4.head.kind == "merge"  # its history shows two people writing at once

    coordinator = response.organisation.memberships[0].user
    log_in(client, coordinator, password=DEMO_PASSWORD)
    page = client.get(f"/responses/{response.id}").get_data(as_text=True)
    assert "Sam Patel" in page and "Ready for review" in page
