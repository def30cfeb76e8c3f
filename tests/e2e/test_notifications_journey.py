"""Notifications in a real browser: one editor mentions another in a comment, picking her
from the list with the keyboard; the other sees her bell count rise without reloading (the
page polls every 30 seconds), follows the notice to the comment and replies; the first is
told of the reply.

The pages are looked at as a person would: axe-core on the notifications page, and no console
errors or CSP violations (the `browsing` fixture fails the test on those)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from consult.extensions import db
from consult.notifications import services
from tests import factories
from tests.drafting.pages_support import make_draft
from tests.e2e.test_coediting import log_in

pytestmark = pytest.mark.e2e

POLL_WAIT = 40_000  # the bell asks every 30 s


def test_a_mention_reaches_the_other_editor_who_replies_and_the_first_is_told(browsing, team):
    erin = factories.add_member(
        team.organisation, factories.make_user(name="Erin Editor"), "editor"
    )
    draft = make_draft(team)
    editor_path = f"/responses/{draft.response_id}/sections/{draft.sections['summary']}"

    other = browsing.new_page("erin")
    log_in(other, erin, "/")
    bell = other.locator("[data-notification-count]")
    expect(bell).to_have_text("0")
    other.evaluate("() => { window.notReloaded = true; }")

    first = browsing.new_page("eddie")
    log_in(first, team.editor, editor_path)
    box = first.get_by_label("Comment", exact=True)
    box.click()
    box.press_sequentially("Could you check the figures, @Eri")
    option = first.get_by_role("listbox", name="Members to mention").get_by_role(
        "option", name="Erin Editor"
    )
    expect(option).to_be_visible()
    expect(option).to_have_attribute("aria-selected", "true")
    box.press("Enter")
    expect(box).to_have_value("Could you check the figures, @Erin Editor ")
    box.press_sequentially("please?")
    first.get_by_role("button", name="Add comment").click()
    expect(first.get_by_text("Could you check the figures, @Erin Editor please?")).to_be_visible()

    # Her bell rises without a reload.
    expect(bell).to_have_text("1", timeout=POLL_WAIT)
    assert other.evaluate("() => window.notReloaded === true")

    other.locator("a.bell").click()
    expect(other.get_by_role("heading", name="Notifications", level=1)).to_be_visible()
    browsing.check_accessibility(other, "notifications page")
    browsing.screenshot(other, "notifications")
    other.get_by_role("button", name=re.compile("^Unread: Eddie Editor mentioned you")).click()
    expect(other).to_have_url(re.compile(re.escape(editor_path) + r"#comment-\d+$"))
    expect(bell).to_have_text("0")

    other.locator("summary", has_text="Reply").first.click()
    other.get_by_label("Your reply").fill("Checked: the figures are right.")
    other.get_by_role("button", name="Send reply").click()
    expect(other.get_by_text("Checked: the figures are right.")).to_be_visible()

    db.session.expire_all()
    kinds = [notice.kind for notice in services.notices_for(team.editor)]
    assert kinds == ["reply"]
    first.reload()
    expect(first.locator("[data-notification-count]")).to_have_text("1")


def test_picking_one_of_two_members_of_the_same_name_tells_only_that_one(browsing, team):
    editor_erin = factories.add_member(
        team.organisation, factories.make_user(name="Erin Evans"), "editor"
    )
    member_erin = factories.add_member(
        team.organisation, factories.make_user(name="Erin Evans"), "member"
    )
    draft = make_draft(team)
    editor_path = f"/responses/{draft.response_id}/sections/{draft.sections['summary']}"

    page = browsing.new_page("eddie")
    log_in(page, team.editor, editor_path)
    box = page.get_by_label("Comment", exact=True)
    box.click()
    box.press_sequentially("Over to you, @Erin")
    listbox = page.get_by_role("listbox", name="Members to mention")
    # The list tells the two apart by their roles.
    expect(listbox.get_by_role("option", name="Erin Evans (member)")).to_be_visible()
    expect(listbox.get_by_role("option", name="Erin Evans (editor)")).to_be_visible()
    listbox.get_by_role("option", name="Erin Evans (member)").click()
    expect(box).to_have_value("Over to you, @Erin Evans ")
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Over to you, @Erin Evans")).to_be_visible()
    expect(page.get_by_text("nobody was told")).to_have_count(0)

    db.session.expire_all()
    assert [notice.kind for notice in services.notices_for(member_erin)] == ["mention"]
    assert services.notices_for(editor_erin) == []


def test_pressing_add_comment_while_the_member_list_is_open_sends_the_comment(browsing, team):
    """The list closes as the box loses focus; it floats over the form, so the button does
    not move out from under the pointer between press and release. The members are asked
    for once, however fast the name is typed, so no late answer reopens the list."""
    factories.add_member(team.organisation, factories.make_user(name="Erin Evans"), "editor")
    draft = make_draft(team)
    page = browsing.new_page("eddie")
    member_requests = []
    page.on(
        "request",
        lambda request: (
            member_requests.append(request.url) if "/api/v1/organisations/" in request.url else None
        ),
    )
    editor_path = f"/responses/{draft.response_id}/sections/{draft.sections['summary']}"
    log_in(page, team.editor, editor_path)
    box = page.get_by_label("Comment", exact=True)
    box.click()
    box.press_sequentially("Over to you, @Erin Ev", delay=0)
    expect(page.get_by_role("listbox", name="Members to mention")).to_be_visible()
    page.get_by_role("button", name="Add comment").click()
    expect(page.get_by_text("Over to you, @Erin Ev")).to_be_visible()
    assert len(member_requests) == 1
