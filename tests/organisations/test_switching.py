"""A person may belong to several organisations and choose which one is current."""

from __future__ import annotations

import pytest

from tests import factories
from tests.organisations.support import location_path, text_of


def _header(browser) -> str:
    return text_of(browser.get("/").get_data(as_text=True))


def test_a_person_belongs_to_several_organisations_and_sees_them_all(team, browser_of):
    factories.add_member(team.other_organisation, team.editor, "coordinator")

    page = _header(browser_of("editor"))

    assert "Northtown Residents" in page and "Rival Group" in page
    assert browser_of("editor").get(f"/o/{team.other_organisation.slug}").status_code == 200


def test_switching_changes_the_current_organisation_in_the_header(team, browser_of):
    factories.add_member(team.other_organisation, team.editor, "member")
    browser = browser_of("editor")
    assert "Current organisation: Northtown Residents" in _header(browser)

    response = browser.post(f"/o/{team.other_organisation.slug}/switch")

    assert response.status_code == 302
    assert location_path(response) == f"/o/{team.other_organisation.slug}"
    assert team.editor.current_organisation_id == team.other_organisation.id
    assert "Current organisation: Rival Group" in _header(browser)
    browser.post(f"/o/{team.organisation.slug}/switch")
    assert "Current organisation: Northtown Residents" in _header(browser)


def test_switching_to_a_foreign_organisation_is_not_found(team, browser_of):
    browser = browser_of("member")
    before = team.member.current_organisation_id

    response = browser.post(f"/o/{team.other_organisation.slug}/switch")

    assert response.status_code == 404
    assert team.member.current_organisation_id == before
    assert "Rival Group" not in text_of(response.get_data(as_text=True))
    assert "Current organisation: Northtown Residents" in _header(browser)
    assert browser.post("/o/no-such-organisation/switch").status_code == 404


def test_after_leaving_the_current_organisation_another_one_is_current(team, browser_of):
    factories.add_member(team.other_organisation, team.member, "member")
    browser = browser_of("member")
    browser.post(f"/o/{team.organisation.slug}/switch")

    browser.post(f"/o/{team.organisation.slug}/leave")

    assert "Current organisation: Rival Group" in _header(browser)


def test_the_switch_service_refuses_an_organisation_one_is_not_in(team, db):
    """The view's loader already answers 404; the rule holds in the service as well."""
    from consult.organisations import services

    with pytest.raises(services.NotAllowed):
        services.switch_organisation(team.member, team.other_organisation)
    db.session.rollback()
    assert team.member.current_organisation_id != team.other_organisation.id
