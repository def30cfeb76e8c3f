"""The bell, the notifications page and the account page's choices."""

from __future__ import annotations

import re

from consult.drafting import services as drafting
from consult.extensions import db
from consult.notifications import services
from consult.organisations import services as organisations
from tests.drafting.conftest import membership_of
from tests.notifications.conftest import notices
from tests.organisations.support import location_path, log_in, text_of


def _bell(page: str) -> str:
    match = re.search(r"data-notification-count>([^<]*)<", page)
    assert match, "no bell in the header"
    return match.group(1)


def test_the_bell_shows_the_unread_count_and_links_to_the_page(client, team, summary):
    log_in(client, team.editor)
    assert _bell(client.get("/").text) == "0"
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "A point.")
    db.session.commit()

    page = client.get("/").text
    assert _bell(page) == "2"
    assert 'href="/notifications"' in page
    assert "<script>" not in page and 'src="/static/js/notifications.js' in page


def test_the_page_lists_notices_and_opening_one_goes_to_the_exact_place(client, team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    comment = drafting.add_comment(team.member, summary, "A point.")
    db.session.commit()
    log_in(client, team.editor)

    page = text_of(client.get("/notifications").text)
    assert "Mo Member commented on \u201cSummary\u201d in \u201cOur response\u201d" in page
    assert "2 unread" in page
    notice = notices("comment")[0]
    opened = client.post(f"/notifications/{notice.id}/open")
    assert opened.status_code == 303
    assert opened.headers["Location"].endswith(
        f"/responses/{summary.response_id}/sections/{summary.id}#comment-{comment.id}"
    )
    db.session.refresh(notice)
    assert notice.read_at is not None


def test_mark_read_and_mark_all_read(client, team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    drafting.add_comment(team.member, summary, "One.")
    drafting.add_comment(team.member, summary, "Two.")
    db.session.commit()
    log_in(client, team.editor)
    first = notices()[0]

    client.post(f"/notifications/{first.id}/read")
    assert services.unread_count(team.editor) == 2
    response = client.post("/notifications/read")
    assert location_path(response) == "/notifications"
    assert services.unread_count(team.editor) == 0
    assert "2 notices marked read" in client.get("/notifications").text


def test_someone_elses_notice_is_not_found(client, team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()
    notice = notices()[0]
    log_in(client, team.member)

    assert client.post(f"/notifications/{notice.id}/open").status_code == 404
    assert client.post(f"/notifications/{notice.id}/read").status_code == 404
    db.session.refresh(notice)
    assert notice.read_at is None


def test_notices_of_an_organisation_one_has_left_are_no_longer_shown(client, team, summary):
    drafting.assign_section(team.owner, summary, team.editor)
    db.session.commit()
    notice = notices()[0]
    organisations.remove_member(
        membership_of(team.owner, team.organisation), membership_of(team.editor, team.organisation)
    )
    db.session.commit()
    log_in(client, team.editor)

    page = client.get("/notifications").text
    assert "Summary" not in page and "Our response" not in page
    assert _bell(page) == "0"
    assert client.post(f"/notifications/{notice.id}/open").status_code == 404


def test_the_account_page_sets_each_kind(client, team):
    log_in(client, team.member)
    page = client.get("/account").text
    assert "Security notices cannot be turned off" in page
    [digest] = [
        tag
        for tag in re.findall(r"<input[^>]*>", page)
        if 'name="comment"' in tag and 'value="digest"' in tag
    ]
    assert "checked" in digest  # the default, shown

    choices = {kind: "digest" for kind in services.preferences(team.member) if kind != "security"}
    response = client.post("/account/notifications", data=choices | {"comment": "off"})
    assert location_path(response) == "/account"
    assert services.preferences(team.member)["comment"] == "off"
    assert services.preferences(team.member)["assignment"] == "digest"


def test_a_bad_choice_changes_nothing(client, team):
    log_in(client, team.member)
    client.post("/account/notifications", data={"comment": "loudly"})
    assert services.preferences(team.member)["comment"] == "digest"
