"""API v1: the caller's notifications and their e-mail choices."""

from __future__ import annotations

from consult.drafting import services as drafting
from consult.extensions import db
from tests.notifications.conftest import notices


def test_the_list_says_what_and_where_with_the_unread_count(client, team, summary, api_token):
    drafting.assign_section(team.owner, summary, team.editor)
    comment = drafting.add_comment(team.member, summary, "A point.")
    db.session.commit()
    headers = api_token(team.editor)

    data = client.get("/api/v1/me/notifications", headers=headers).get_json()
    assert data["unread"] == 2
    newest = data["notifications"][0]
    assert newest["kind"] == "comment" and newest["read"] is False
    assert newest["comment"] == comment.id and newest["section"] == summary.id
    assert newest["url"].endswith(f"#comment-{comment.id}")
    assert newest["organisation"] == team.organisation.slug
    assert client.get("/api/v1/me/notifications/unread", headers=headers).get_json() == {
        "unread": 2
    }
    only_one = client.get("/api/v1/me/notifications?limit=1", headers=headers).get_json()
    assert len(only_one["notifications"]) == 1


def test_mark_read_one_and_all(client, team, summary, api_token):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "A point.")
    db.session.commit()
    headers = api_token(team.editor)
    first = notices()[0]

    read = client.post(f"/api/v1/me/notifications/{first.id}/read", headers=headers)
    assert read.status_code == 200 and read.get_json()["read"] is True
    assert client.post("/api/v1/me/notifications/read", headers=headers).get_json() == {"marked": 1}
    unread = client.get("/api/v1/me/notifications?unread=true", headers=headers).get_json()
    assert unread == {"unread": 0, "notifications": []}


def test_another_persons_notice_is_not_found(client, team, summary, api_token):
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()
    notice = notices()[0]
    response = client.post(
        f"/api/v1/me/notifications/{notice.id}/read", headers=api_token(team.outsider)
    )
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"


def test_preferences_read_and_change(client, team, api_token):
    headers = api_token(team.member)
    got = client.get("/api/v1/me/notification-preferences", headers=headers).get_json()
    modes = {p["kind"]: (p["mode"], p["can_change"]) for p in got["preferences"]}
    assert modes["security"] == ("immediate", False) and modes["comment"] == ("digest", True)

    changed = client.put(
        "/api/v1/me/notification-preferences",
        json={"preferences": {"comment": "off", "assignment": "digest"}},
        headers=headers,
    ).get_json()
    modes = {p["kind"]: p["mode"] for p in changed["preferences"]}
    assert modes["comment"] == "off" and modes["assignment"] == "digest"


def test_bad_preferences_are_a_clear_422(client, team, api_token):
    headers = api_token(team.member)
    for preferences in ({"security": "off"}, {"gossip": "off"}, {"comment": 1}, [], {}):
        response = client.put(
            "/api/v1/me/notification-preferences",
            json={"preferences": preferences},
            headers=headers,
        )
        assert response.status_code == 422, preferences
        assert response.get_json()["error"]["fields"]["preferences"]


def test_bad_query_parameters_are_a_clear_422(client, team, api_token):
    headers = api_token(team.member)
    for query in ("limit=0", "limit=abc", "unread=yes", "unread=", "before=x"):
        response = client.get(f"/api/v1/me/notifications?{query}", headers=headers)
        assert response.status_code == 422, query
        assert "revision" not in str(response.get_json()["error"]["fields"]), query
