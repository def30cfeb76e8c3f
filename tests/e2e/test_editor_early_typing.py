"""Words typed before the editor's script has run (a slow phone, a slow network) are saved
like any others: the editor compares the text with what the server rendered, not with what
the box held when the script started, so "Save" never says Saved without sending the words.
Found by the bill journey on a loaded CI machine, where the test typed before editor.js ran."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from consult.drafting.models import Section
from consult.extensions import db
from tests.drafting.pages_support import make_draft
from tests.e2e.test_coediting import log_in

pytestmark = pytest.mark.e2e


def test_text_typed_before_the_editor_script_runs_is_saved(browsing, team):
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    page = browsing.new_page("early")
    log_in(page, team.editor, f"/responses/{draft.response_id}")

    # Hold editor.js back until the words are in the box.
    held = []

    def hold(route) -> None:
        held.append(route)

    page.route(re.compile(r"/static/js/editor\.js"), hold)
    page.goto(f"/responses/{draft.response_id}/sections/{section_id}", wait_until="commit")
    page.locator("#body").fill("Typed before the script ran.")
    for _ in range(100):  # the script's request is on its way: wait for it to be held
        if held:
            break
        page.wait_for_timeout(50)
    assert held, "editor.js was never requested"
    for route in held:
        route.continue_()
    # Once the script has run, it counts the words as not saved yet (before the fix it took
    # them for the saved text and said nothing).
    expect(page.locator("[data-save-state]")).to_have_attribute(
        "data-state", re.compile("pending|saved"), timeout=15_000
    )
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved"))
    db.session.expire_all()
    assert db.session.get(Section, section_id).body == "Typed before the script ran."
