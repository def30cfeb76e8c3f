"""Roles: who may change whose role, remove whom, and the rule that an organisation always keeps
an owner."""

from __future__ import annotations

import pytest

from consult.organisations.models import Membership
from tests import factories
from tests.organisations.support import (
    count,
    follow,
    form_actions,
    location_path,
    membership,
    role_of,
    text_of,
)


def _id(team, role: str) -> int:
    return membership(team.organisation, team.user(role)).id


def _change(browser, team, target_role: str, new_role: str):
    return browser.post(
        f"/o/{team.organisation.slug}/members/{_id(team, target_role)}/role",
        data={"role": new_role},
    )


def _remove(browser, team, target_role: str):
    return browser.post(f"/o/{team.organisation.slug}/members/{_id(team, target_role)}/remove")


def _page(browser, response) -> str:
    return text_of(follow(browser, response).get_data(as_text=True))


@pytest.mark.parametrize(
    ("actor", "target", "new_role"),
    [
        ("owner", "member", "coordinator"),
        ("owner", "coordinator", "editor"),
        ("coordinator", "editor", "member"),
        ("coordinator", "member", "coordinator"),
    ],
)
def test_owners_and_coordinators_change_a_members_role(team, browser_of, actor, target, new_role):
    browser = browser_of(actor)

    response = _change(browser, team, target, new_role)

    assert response.status_code == 302
    assert location_path(response) == f"/o/{team.organisation.slug}/members"
    assert f"{team.user(target).name} is now {new_role}." in _page(browser, response)
    assert role_of(team.organisation, team.user(target)) == new_role


@pytest.mark.parametrize("role", ["editor", "member"])
def test_editors_and_members_cannot_change_roles_or_remove(team, browser_of, role):
    browser = browser_of(role)
    page = browser.get(f"/o/{team.organisation.slug}/members").get_data(as_text=True)
    assert not [action for action in form_actions(page) if "/members/" in action]

    other = "member" if role == "editor" else "editor"
    assert _change(browser, team, other, "owner").status_code == 403
    assert _remove(browser, team, "coordinator").status_code == 403
    assert role_of(team.organisation, team.editor) == "editor"
    assert role_of(team.organisation, team.member) == "member"
    assert role_of(team.organisation, team.coordinator) == "coordinator"


def test_a_coordinator_cannot_promote_anyone_to_owner(team, browser_of):
    browser = browser_of("coordinator")
    page = browser.get(f"/o/{team.organisation.slug}/members").get_data(as_text=True)
    assert 'value="owner"' not in page

    assert _change(browser, team, "editor", "owner").status_code == 403
    assert role_of(team.organisation, team.editor) == "editor"


def test_an_owner_promotes_to_owner_and_demotes_another_owner(team, browser_of):
    browser = browser_of("owner")

    _change(browser, team, "editor", "owner")
    assert role_of(team.organisation, team.editor) == "owner"
    _change(browser, team, "editor", "member")
    assert role_of(team.organisation, team.editor) == "member"


def test_a_coordinator_cannot_touch_an_owner(team, browser_of):
    browser = browser_of("coordinator")
    page = browser.get(f"/o/{team.organisation.slug}/members").get_data(as_text=True)
    owner_id = _id(team, "owner")
    assert not [action for action in form_actions(page) if f"/members/{owner_id}/" in action]

    assert _change(browser, team, "owner", "member").status_code == 403
    assert _remove(browser, team, "owner").status_code == 403
    assert role_of(team.organisation, team.owner) == "owner"


@pytest.mark.parametrize("role", ["coordinator", "editor", "member"])
def test_nobody_below_owner_changes_their_own_role(team, browser_of, role):
    browser = browser_of(role)

    for new_role in ("owner", "coordinator", "member"):
        response = _change(browser, team, role, new_role)
        if new_role != role:
            assert response.status_code == 403, (role, new_role)

    assert role_of(team.organisation, team.user(role)) == role


def test_an_owner_steps_down_when_another_owner_exists(team, browser_of):
    factories.db.session.get(Membership, _id(team, "coordinator")).role = "owner"
    factories.db.session.commit()
    browser = browser_of("owner")

    response = _change(browser, team, "owner", "coordinator")

    assert response.status_code == 302
    assert role_of(team.organisation, team.owner) == "coordinator"
    assert role_of(team.organisation, team.coordinator) == "owner"


def test_the_last_owner_cannot_step_down(team, browser_of):
    browser = browser_of("owner")

    response = _change(browser, team, "owner", "coordinator")

    assert "An organisation needs at least one owner. Make someone else an owner first." in (
        _page(browser, response)
    )
    assert role_of(team.organisation, team.owner) == "owner"


def test_the_last_owner_cannot_leave_or_be_removed(team, browser_of):
    browser = browser_of("owner")
    memberships_before = count(Membership)

    response = browser.post(f"/o/{team.organisation.slug}/leave")
    assert "The last owner cannot leave. Make someone else an owner first." in (
        _page(browser, response)
    )
    response = _remove(browser, team, "owner")
    assert response.status_code == 302

    assert role_of(team.organisation, team.owner) == "owner"
    assert count(Membership) == memberships_before
    assert browser.get(f"/o/{team.organisation.slug}").status_code == 200


def test_the_last_owner_rule_holds_in_the_service_too(team, db):
    from consult.organisations import services

    owner = membership(team.organisation, team.owner)
    with pytest.raises(services.OrganisationError, match="last owner"):
        services.remove_member(owner, owner)
    with pytest.raises(services.OrganisationError, match="at least one owner"):
        services.change_role(owner, owner, "member")
    db.session.rollback()
    assert role_of(team.organisation, team.owner) == "owner"


def test_an_owner_leaves_when_another_owner_exists(team, browser_of, make_client):
    co_owner = factories.add_member(team.organisation, factories.make_user(), "owner")
    browser = browser_of("owner")

    response = browser.post(f"/o/{team.organisation.slug}/leave")

    assert "You have left Northtown Residents." in _page(browser, response)
    assert membership(team.organisation, team.owner) is None
    assert role_of(team.organisation, co_owner) == "owner"


@pytest.mark.parametrize(("actor", "target"), [("owner", "coordinator"), ("coordinator", "editor")])
def test_owners_and_coordinators_remove_a_member(team, browser_of, actor, target):
    removed = team.user(target)
    removed_browser = browser_of(target)
    assert removed_browser.get(f"/o/{team.organisation.slug}").status_code == 200
    browser = browser_of(actor)

    response = _remove(browser, team, target)

    assert f"{removed.name} was removed from Northtown Residents." in _page(browser, response)
    assert membership(team.organisation, removed) is None
    assert removed.current_organisation_id is None
    assert removed_browser.get(f"/o/{team.organisation.slug}").status_code == 404
    assert "Northtown Residents" not in text_of(removed_browser.get("/").get_data(as_text=True))


def test_a_member_leaves(team, browser_of):
    browser = browser_of("member")

    response = browser.post(f"/o/{team.organisation.slug}/leave")

    assert location_path(response) == "/"
    assert "You have left Northtown Residents." in _page(browser, response)
    assert membership(team.organisation, team.member) is None
    assert browser.get(f"/o/{team.organisation.slug}/members").status_code == 404


def test_an_unknown_role_is_refused_with_a_message(team, browser_of):
    browser = browser_of("owner")

    response = _change(browser, team, "member", "superuser")

    assert "Choose one of the listed roles." in _page(browser, response)
    assert role_of(team.organisation, team.member) == "member"


def test_a_membership_of_another_organisation_is_not_found_through_this_one(team, browser_of):
    foreign = membership(team.other_organisation, team.outsider)
    browser = browser_of("owner")
    slug = team.organisation.slug

    assert (
        browser.post(f"/o/{slug}/members/{foreign.id}/role", data={"role": "member"}).status_code
        == 404
    )
    assert browser.post(f"/o/{slug}/members/{foreign.id}/remove").status_code == 404
    assert role_of(team.other_organisation, team.outsider) == "owner"


def test_an_outsider_cannot_change_roles_or_remove_anyone(team, browser_of):
    browser = browser_of("outsider")

    assert _change(browser, team, "member", "owner").status_code == 404
    assert _remove(browser, team, "member").status_code == 404
    assert role_of(team.organisation, team.member) == "member"
