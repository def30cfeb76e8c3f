"""Who may see and add consultations: an organisation's own consultation is invisible to every
other organisation (404, never 403), adding one takes an owner or coordinator, and nobody
logged out gets past the log-in page."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from consult.audit.models import AuditEvent
from tests.consultations.support import consultation_count, form_data, new_url
from tests.organisations.support import count, text_of

BUILTIN = "facial-recognition-framework"


def test_another_organisation_never_sees_an_organisations_own_consultation(
    browser_of, team, add_consultation
):
    ours = add_consultation("Northtown clean air zone")
    theirs = add_consultation("Rival tram extension", organisation=team.other_organisation)
    outsider = browser_of("outsider")
    other = team.other_organisation.slug

    their_list = text_of(outsider.get(f"/o/{other}/consultations").get_data(as_text=True))
    assert "Rival tram extension" in their_list
    assert "A new legal framework" in their_list  # the built-in one is everyone's
    assert "Northtown clean air zone" not in their_list
    # Asking for ours through their own organisation's URL: not found, as if it did not exist.
    assert outsider.get(f"/o/{other}/consultations/{ours}").status_code == 404
    assert outsider.get(f"/o/{other}/consultations/{BUILTIN}").status_code == 200

    # And the other way round.
    our_list = text_of(
        browser_of("member")
        .get(f"/o/{team.organisation.slug}/consultations")
        .get_data(as_text=True)
    )
    assert "Rival tram extension" not in our_list
    assert (
        browser_of("owner").get(f"/o/{team.organisation.slug}/consultations/{theirs}").status_code
        == 404
    )


@pytest.mark.parametrize(
    "path",
    [
        "/o/{org}/consultations",
        "/o/{org}/consultations/{builtin}",
        "/o/{org}/consultations/{ours}",
        "/o/{org}/consultations/new",
    ],
)
def test_an_outsider_gets_404_for_another_organisations_pages(
    browser_of, team, add_consultation, path
):
    url = path.format(org=team.organisation.slug, builtin=BUILTIN, ours=add_consultation())
    response = browser_of("outsider").get(url)
    assert response.status_code == 404
    assert "Northtown" not in response.get_data(as_text=True)


def test_unknown_organisations_and_consultations_are_404(browser_of, team):
    member = browser_of("member")
    assert member.get("/o/no-such-group/consultations").status_code == 404
    assert member.get(f"/o/{team.organisation.slug}/consultations/no-such-thing").status_code == 404


@pytest.mark.parametrize("role", ["editor", "member"])
def test_editors_and_members_cannot_add_a_consultation(browser_of, team, role):
    before = consultation_count()
    browser = browser_of(role)
    assert browser.get(new_url(team.organisation)).status_code == 403
    response = browser.post(new_url(team.organisation), data=form_data())
    assert response.status_code == 403
    assert consultation_count() == before


def test_an_outsider_cannot_add_a_consultation_to_another_organisation(browser_of, team):
    before = consultation_count()
    response = browser_of("outsider").post(new_url(team.organisation), data=form_data())
    assert response.status_code == 404
    assert consultation_count() == before


@pytest.mark.parametrize("role", ["owner", "coordinator"])
def test_owners_and_coordinators_can_open_the_form(browser_of, team, role):
    response = browser_of(role).get(new_url(team.organisation))
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert 'enctype="multipart/form-data"' in page
    assert 'type="date"' in page and 'type="file"' in page
    assert "1. Question text (scale) [300 words]" in text_of(page)
    assert "number,text,kind,word_limit" in page


@pytest.mark.parametrize(
    "path",
    [
        "/o/{org}/consultations",
        "/o/{org}/consultations/{builtin}",
        "/o/{org}/consultations/new",
    ],
)
def test_anonymous_visitors_are_sent_to_log_in(client, team, path):
    url = path.format(org=team.organisation.slug, builtin=BUILTIN)
    response = client.get(url)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/login"
    assert "next=" in location.query


def test_an_anonymous_post_creates_nothing(client, team):
    before, events = consultation_count(), count(AuditEvent)
    response = client.post(new_url(team.organisation), data=form_data())
    assert response.status_code == 302
    assert urlsplit(response.headers["Location"]).path == "/login"
    assert consultation_count() == before
    assert count(AuditEvent) == events
