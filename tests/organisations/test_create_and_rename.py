"""Creating an organisation and renaming it."""

from __future__ import annotations

from consult.organisations.models import Organisation
from tests import factories
from tests.organisations.support import (
    count,
    location_path,
    organisation_by_slug,
    role_of,
    text_of,
)


def test_creator_becomes_owner_and_it_becomes_their_current_organisation(make_client, db):
    person = factories.make_user(name="Priya Founder")
    other = factories.make_organisation(person, name="Older Group")
    browser = make_client(person)

    response = browser.post("/organisations/new", data={"name": "  Hillside Tenants  "})

    assert response.status_code == 302
    assert location_path(response) == "/o/hillside-tenants/members"
    created = organisation_by_slug("hillside-tenants")
    assert created is not None and created.name == "Hillside Tenants"
    assert role_of(created, person) == "owner"
    assert person.current_organisation_id == created.id != other.id
    page = text_of(browser.get("/").get_data(as_text=True))
    assert "Current organisation: Hillside Tenants" in page


def test_organisations_with_equal_names_get_unique_slugs(make_client, db):
    first, second = factories.make_user(), factories.make_user()

    make_client(first).post("/organisations/new", data={"name": "Friends of the Park"})
    make_client(second).post("/organisations/new", data={"name": "Friends of the Park!"})
    make_client(first).post("/organisations/new", data={"name": "friends of the park"})

    slugs = sorted(db.session.scalars(db.select(Organisation.slug)))
    assert slugs == ["friends-of-the-park", "friends-of-the-park-2", "friends-of-the-park-3"]


def test_a_blank_or_too_long_name_is_an_inline_error_and_creates_nothing(make_client):
    browser = make_client(factories.make_user())

    for name in ("", "    ", "x" * 161, "Bad\x00Name"):
        response = browser.post("/organisations/new", data={"name": name})
        assert response.status_code == 422, (name, response.status_code)
        assert "There is a problem" in text_of(response.get_data(as_text=True))

    assert count(Organisation) == 0


def test_owner_renames_the_organisation(team, browser_of):
    slug = team.organisation.slug

    response = browser_of("owner").post(f"/o/{slug}/settings", data={"name": "Northtown Voice"})

    assert response.status_code == 302
    assert organisation_by_slug(slug).name == "Northtown Voice"
    page = text_of(browser_of("member").get(f"/o/{slug}").get_data(as_text=True))
    assert "Northtown Voice" in page


def test_only_an_owner_can_rename(team, browser_of):
    slug = team.organisation.slug
    for role in ("coordinator", "editor", "member"):
        browser = browser_of(role)
        assert browser.get(f"/o/{slug}/settings").status_code == 403
        response = browser.post(f"/o/{slug}/settings", data={"name": f"Taken over by {role}"})
        assert response.status_code == 403, role
    assert (
        browser_of("outsider").post(f"/o/{slug}/settings", data={"name": "Taken over"}).status_code
        == 404
    )
    assert organisation_by_slug(slug).name == "Northtown Residents"


def test_renaming_to_blank_is_an_inline_error(team, browser_of):
    slug = team.organisation.slug

    response = browser_of("owner").post(f"/o/{slug}/settings", data={"name": "   "})

    assert response.status_code == 422
    assert "Enter the organisation's name." in text_of(response.get_data(as_text=True))
    assert organisation_by_slug(slug).name == "Northtown Residents"
