"""The versions pages: freezing (who may), the list, one version's page with its text and
fingerprint, the differences between versions, opening and closing signing, and replacing the
partner organisations' link."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from consult.drafting import services as drafting
from consult.extensions import db
from consult.signing import services as signing
from consult.signing.models import Version
from tests.organisations.support import location_path
from tests.signing.pages_support import (
    audit,
    browsers_for,
    freeze,
    fresh,
    make_response,
    make_version,
    open_signing,
    partner_token,
    rewrite,
    text_of,
)


@pytest.fixture
def browsers(app, team):
    return browsers_for(app, team)


def versions_of(response_id: int) -> list[Version]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            db.select(Version).where(Version.response_id == response_id).order_by(Version.number)
        )
    )


# --- freezing -------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["owner", "coordinator"])
def test_an_owner_or_coordinator_freezes_a_version_and_lands_on_its_page(team, browsers, role):
    response = make_response(team)
    reply = browsers(role).post(
        f"/responses/{response.id}/versions", data={"note": "Agreed at the steering group"}
    )
    assert reply.status_code == 302
    [version] = versions_of(response.id)
    assert location_path(reply) == f"/versions/{version.id}"
    assert version.number == 1
    assert version.note == "Agreed at the steering group"
    page = browsers(role).get(location_path(reply)).get_data(as_text=True)
    assert "Version 1 is frozen" in text_of(page)
    assert version.sha256 in page


@pytest.mark.parametrize("role", ["editor", "member"])
def test_editors_and_members_cannot_freeze(team, browsers, role):
    response = make_response(team)
    assert browsers(role).post(f"/responses/{response.id}/versions").status_code == 403
    assert versions_of(response.id) == []


def test_an_outsider_gets_404_for_the_versions_of_another_organisation(team, browsers):
    response = make_response(team)
    assert browsers("outsider").get(f"/responses/{response.id}/versions").status_code == 404
    assert browsers("outsider").post(f"/responses/{response.id}/versions").status_code == 404
    assert browsers("outsider").get("/responses/999999/versions").status_code == 404
    assert versions_of(response.id) == []


def test_anonymous_visitors_are_asked_to_log_in(team, browsers):
    response = make_response(team)
    reply = browsers("anonymous").get(f"/responses/{response.id}/versions")
    assert reply.status_code == 302 and location_path(reply) == "/login"


def test_a_note_longer_than_500_characters_is_refused_with_the_note_kept(team, browsers):
    response = make_response(team)
    reply = browsers("coordinator").post(
        f"/responses/{response.id}/versions", data={"note": "x" * 501}
    )
    assert reply.status_code == 422
    assert "Keep the note to 500 characters." in text_of(reply.get_data(as_text=True))
    assert versions_of(response.id) == []


def test_drafting_continues_after_a_freeze_and_the_version_keeps_its_text(team, browsers):
    response = make_response(team)
    version = freeze(team, response)
    rewrite(team, response, "summary", "A completely new summary.")
    page = browsers("member").get(f"/versions/{version.id}").get_data(as_text=True)
    assert "<strong>protect</strong>" in page  # the frozen Markdown, rendered
    assert "A completely new summary." not in page


# --- the list -------------------------------------------------------------------------------


def test_the_list_shows_versions_newest_first_with_their_facts(team, browsers):
    response = make_response(team)
    first = open_signing(team, freeze(team, response, "First draft agreed"), public=True)
    rewrite(team, response, "summary", "Second summary.")
    second = freeze(team, response, "After comments")
    page = browsers("coordinator").get(f"/responses/{response.id}/versions")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    text = text_of(html)
    assert text.index("Version 2") < text.index("Version 1", text.index("All versions"))
    assert second.sha256[:12] in html and first.sha256[:12] in html
    assert "After comments" in text and "First draft agreed" in text
    assert "Open to the public" in text and "Not open for signing" in text
    assert "Cora Coordinator" in text
    assert "drafting continues" in text.lower()
    assert "new signatures" in text
    assert f'action="/responses/{response.id}/versions"' in html


def test_members_see_the_list_without_the_freeze_form(team, browsers):
    response = make_response(team)
    freeze(team, response)
    html = browsers("member").get(f"/responses/{response.id}/versions").get_data(as_text=True)
    assert f'action="/responses/{response.id}/versions"' not in html
    assert "Owners and coordinators" in text_of(html)


def test_the_freeze_form_warns_of_unanswered_questions_but_still_freezes(team, browsers):
    response = make_response(team)  # a summary and question 1: the others left blank
    numbers = sorted(question.number for question in response.consultation.questions)
    blank = [str(number) for number in numbers if number != 1]
    coordinator = browsers("coordinator")

    text = text_of(coordinator.get(f"/responses/{response.id}/versions").get_data(as_text=True))
    assert "Before you freeze:" in text
    assert (
        f"{len(blank)} of the {len(numbers)} questions have no answer: questions "
        f"{', '.join(blank[:-1])} and {blank[-1]}." in text
    )
    assert "You can still freeze." in text
    reply = coordinator.post(f"/responses/{response.id}/versions", data={"note": ""})
    assert reply.status_code == 302  # a warning, not a block
    assert len(versions_of(response.id)) == 1


def test_the_freeze_form_shows_no_warning_for_a_complete_response(team, browsers):
    response = make_response(team)
    for found in drafting.live_sections(response):
        if found.kind != "summary" and not found.head_revision_id:
            choice = "Agree" if found.question and found.question.kind == "scale" else None
            drafting.save_section(team.editor, found, "We agree, with safeguards.", choice, None)
    db.session.commit()

    html = browsers("coordinator").get(f"/responses/{response.id}/versions").get_data(as_text=True)
    assert "Before you freeze" not in text_of(html)
    member = browsers("member").get(f"/responses/{response.id}/versions").get_data(as_text=True)
    assert "Before you freeze" not in text_of(member)


# --- one version ----------------------------------------------------------------------------


def test_the_version_page_shows_the_frozen_text_fingerprint_and_copy_button(team, browsers):
    version = make_version(team, public=None)
    html = browsers("member").get(f"/versions/{version.id}").get_data(as_text=True)
    assert '<code class="fingerprint__value" id="fingerprint"' in html
    assert version.sha256 in html
    assert 'data-copy="#fingerprint"' in html
    assert "<strong>protect</strong>" in html
    assert "<li>one</li>" in html
    assert "Answer:" in text_of(html) and "Agree" in text_of(html)
    assert "nothing earlier to compare" in text_of(html)
    # a member sees no signing controls
    assert f'action="/versions/{version.id}/signing"' not in html
    assert "/partner/" not in html


def test_the_coordinator_sees_signing_controls_links_and_the_count(team, browsers, app):
    version = make_version(team, public=True)
    html = browsers("coordinator").get(f"/versions/{version.id}").get_data(as_text=True)
    assert f'action="/versions/{version.id}/signing"' in html
    assert f"http://consult.test/sign/{version.id}" in html
    assert partner_token(app, version) in html
    assert f'action="/versions/{version.id}/partner-link"' in html
    assert f"/versions/{version.id}/signatures.csv" in html
    assert 'data-copy="#sign-url"' in html and 'data-copy="#partner-url"' in html


def test_a_later_version_links_to_the_differences(team, browsers):
    response = make_response(team)
    freeze(team, response)
    rewrite(team, response, "summary", "Changed.")
    second = freeze(team, response)
    html = browsers("member").get(f"/versions/{second.id}").get_data(as_text=True)
    assert f'href="/versions/{second.id}/diff"' in html
    assert "Compare with version 1" in text_of(html)


def test_an_outsider_gets_404_for_a_version(team, browsers):
    version = make_version(team, public=None)
    for path in (f"/versions/{version.id}", f"/versions/{version.id}/diff", "/versions/999999"):
        assert browsers("outsider").get(path).status_code == 404


# --- differences ----------------------------------------------------------------------------


def test_the_diff_marks_words_added_and_removed_for_sight_and_screen_readers(team, browsers):
    response = make_response(team)
    freeze(team, response)
    rewrite(
        team,
        response,
        "summary",
        "We welcome a framework, but it must **protect** rights, and limit use.",
    )
    drafting.add_section(team.editor, response, "Annex: evidence")
    db.session.commit()
    second = freeze(team, response)
    reply = browsers("editor").get(f"/versions/{second.id}/diff")
    assert reply.status_code == 200
    html = reply.get_data(as_text=True)
    assert '<del><span class="visually-hidden">[removed: </span>' in html
    assert '<ins><span class="visually-hidden">[added: </span>' in html
    text = text_of(html)
    assert "[removed: not just permit" in text
    assert "[added: and limit" in text
    assert "Sections added in version 2" in text and "Annex: evidence" in text
    assert "other sections did not change" in text


def test_a_removed_section_is_listed(team, browsers):
    response = make_response(team)
    drafting.add_section(team.editor, response, "Annex: evidence")
    db.session.commit()
    freeze(team, response)
    drafting.remove_section(team.editor, section_named(response, "Annex: evidence"))
    db.session.commit()
    second = freeze(team, response)
    text = text_of(browsers("member").get(f"/versions/{second.id}/diff").get_data(as_text=True))
    assert "Sections removed since version 1" in text
    assert "[removed: Annex: evidence" in text  # text_of puts a space for each tag


def section_named(response, title):
    return next(s for s in drafting.live_sections(response) if s.title == title)


def test_the_diff_compares_with_any_version_of_the_same_response_only(team, browsers):
    response = make_response(team)
    first = freeze(team, response)
    rewrite(team, response, "summary", "Two.")
    freeze(team, response)
    rewrite(team, response, "summary", "Three.")
    third = freeze(team, response)
    other = freeze(team, make_response(team, "Another response"))
    browser = browsers("member")
    page = browser.get(f"/versions/{third.id}/diff?against={first.id}").get_data(as_text=True)
    assert "Changes from version 1 to version 3" in text_of(page)
    assert browser.get(f"/versions/{third.id}/diff?against={other.id}").status_code == 404
    assert browser.get(f"/versions/{third.id}/diff?against=abc").status_code == 404
    assert browser.get(f"/versions/{third.id}/diff?against=99999999999").status_code == 404


def test_the_first_version_has_nothing_to_compare(team, browsers):
    version = make_version(team, public=None)
    reply = browsers("member").get(f"/versions/{version.id}/diff")
    assert reply.status_code == 200
    assert "nothing earlier to compare" in text_of(reply.get_data(as_text=True))


# --- opening and closing signing ------------------------------------------------------------


def test_the_coordinator_opens_public_signing_with_a_closing_time_in_uk_time(team, browsers):
    version = make_version(team, public=None)
    year = datetime.now().year + 2
    reply = browsers("coordinator").post(
        f"/versions/{version.id}/signing",
        data={"operation": "open", "audience": "public", "closes_at": f"{year}-07-15T18:30"},
    )
    assert reply.status_code == 302
    assert location_path(reply) == f"/versions/{version.id}"
    found = fresh(Version, version.id)
    assert signing.is_open(found) and found.signing_public
    assert found.signing_closes_at == datetime(year, 7, 15, 17, 30)  # BST is UTC+1
    assert found.published_at is not None


def test_members_only_signing_and_a_winter_closing_time(team, browsers):
    version = make_version(team, public=None)
    year = datetime.now().year + 2
    browsers("owner").post(
        f"/versions/{version.id}/signing",
        data={"operation": "open", "audience": "members", "closes_at": f"{year}-01-15T12:00"},
    )
    found = fresh(Version, version.id)
    assert signing.is_open(found) and not found.signing_public
    assert found.signing_closes_at == datetime(year, 1, 15, 12, 0)


def test_a_closing_time_in_the_past_is_refused_inline(team, browsers):
    version = make_version(team, public=None)
    past = (datetime.now() - timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    reply = browsers("coordinator").post(
        f"/versions/{version.id}/signing",
        data={"operation": "open", "audience": "public", "closes_at": past},
    )
    assert reply.status_code == 422
    assert "The closing time must be in the future." in text_of(reply.get_data(as_text=True))
    assert not fresh(Version, version.id).signing_open


def test_who_signs_is_members_only_unless_public_is_chosen(team, browsers):
    version = make_version(team, public=None)
    browser = browsers("coordinator")
    reply = browser.post(f"/versions/{version.id}/signing", data={"audience": "everyone"})
    assert reply.status_code == 422
    assert "Choose who can sign." in text_of(reply.get_data(as_text=True))
    assert not fresh(Version, version.id).signing_open
    assert browser.post(f"/versions/{version.id}/signing", data={}).status_code == 302
    found = fresh(Version, version.id)
    assert found.signing_open and not found.signing_public


def test_the_coordinator_closes_signing(team, browsers):
    version = make_version(team, public=True)
    reply = browsers("coordinator").post(
        f"/versions/{version.id}/signing", data={"operation": "close"}
    )
    assert reply.status_code == 302
    assert not signing.is_open(fresh(Version, version.id))


@pytest.mark.parametrize("role", ["editor", "member"])
def test_editors_and_members_cannot_open_or_close_signing(team, browsers, role):
    version = make_version(team, public=None)
    reply = browsers(role).post(
        f"/versions/{version.id}/signing", data={"operation": "open", "audience": "public"}
    )
    assert reply.status_code == 403
    assert not fresh(Version, version.id).signing_open
    assert browsers("outsider").post(f"/versions/{version.id}/signing").status_code == 404


def test_a_new_partner_link_replaces_the_old_one(team, browsers, app):
    version = make_version(team, public=True)
    old_token = partner_token(app, version)
    assert browsers("member").post(f"/versions/{version.id}/partner-link").status_code == 403
    reply = browsers("coordinator").post(f"/versions/{version.id}/partner-link")
    assert reply.status_code == 302
    found = fresh(Version, version.id)
    assert partner_token(app, found) != old_token
    assert len(audit("signing.partner_link_replaced")) == 1
    page = browsers("coordinator").get(location_path(reply)).get_data(as_text=True)
    assert partner_token(app, found) in page and old_token not in page
