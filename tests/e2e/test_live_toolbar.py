"""The live editor keeps the section editor's ways of writing: the formatting toolbar and its
keys (Ctrl+B, Ctrl+I, Ctrl+K) act on the CodeMirror box, the live preview and the word count
follow the shared text, the label names the box, and Tab leaves it (it never traps the
keyboard). What the toolbar does reaches the others like typing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.drafting.pages_support import make_draft
from tests.e2e.test_live_coediting import (
    live_editing,  # noqa: F401 - the fixture: live editing on, fast clocks
    open_live,
    shared_text,
    wait_for_text,
)

pytestmark = pytest.mark.e2e


def test_the_toolbar_and_its_keys_format_the_live_text_and_the_preview_follows(browsing, team):
    draft = make_draft(team)
    path = draft.editor("summary")
    eddie = open_live(browsing, "eddie", team.editor, path)
    cora = open_live(browsing, "cora", team.coordinator, path)

    # The label names the live box, and clicking it puts the caret there.
    eddie.get_by_text("Text", exact=True).click()
    box = eddie.get_by_role("textbox", name="Text")
    expect(box).to_be_focused()
    eddie.keyboard.type("We object")
    eddie.keyboard.press("Control+a")
    toolbar = eddie.get_by_role("toolbar", name="Formatting")
    toolbar.get_by_role("button", name="Heading").focus()
    eddie.keyboard.press("ArrowRight")  # the toolbar is one tab stop; arrows move inside it
    expect(toolbar.get_by_role("button", name="Bold")).to_be_focused()
    eddie.keyboard.press("Enter")
    wait_for_text(eddie, "**We object**")
    expect(box).to_be_focused()  # back in the text, the words still selected
    eddie.keyboard.press("End")
    eddie.keyboard.type(" strongly")
    eddie.keyboard.press("Shift+Home")
    eddie.keyboard.press("Control+i")
    wait_for_text(eddie, "***We object** strongly*")
    eddie.keyboard.press("Control+End")
    toolbar.get_by_role("button", name="Footnote").click()
    expect(eddie.locator("#body")).to_have_value(
        re.compile(r"^\*\*\*We object\*\* strongly\*\[\^1\]\n\n\[\^1\]: The source or note\.$")
    )
    wait_for_text(cora, shared_text(eddie))

    preview = eddie.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("We object")
    expect(preview.locator("section.footnotes")).to_be_visible()
    expect(eddie.locator("[data-count]")).to_have_text(re.compile(r"^\d+ words?$"))
    expect(cora.get_by_role("region", name="Preview").locator("strong")).to_have_text("We object")

    # Tab leaves the box for the next control; nothing was typed into the text.
    before = shared_text(eddie)
    box.focus()
    eddie.keyboard.press("Tab")
    expect(box).not_to_be_focused()
    assert shared_text(eddie) == before
    browsing.screenshot(eddie, "live-toolbar")
