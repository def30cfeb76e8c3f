"""What the members page offers depends on who is looking."""

from tests import factories
from tests.conftest import login


def test_the_only_owner_is_told_to_appoint_another_owner_instead_of_offered_leave(team, client):
    login(client, team.owner)
    page = client.get(f"/o/{team.organisation.slug}/members").text
    assert "You are the only owner" in page
    assert f"/o/{team.organisation.slug}/leave" not in page


def test_an_owner_with_a_co_owner_can_leave(team, client):
    factories.add_member(team.organisation, role="owner")
    login(client, team.owner)
    page = client.get(f"/o/{team.organisation.slug}/members").text
    assert "You are the only owner" not in page
    assert f"/o/{team.organisation.slug}/leave" in page
