"""A member who may only read a live section sees it change as the editors change it: the
closed answer as it is picked, and, once the words are a revision, the page's account of the
section ("Last changed ... by", the history's revision count, the section's words and the
response's total in the sidebar), not only the text. The editor's own live page keeps that
account up to date too (it saves nothing itself: the server writes the revisions)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.drafting.pages_support import make_draft
from tests.e2e.test_live_coediting import (
    SETTLE,
    live_editing,  # noqa: F401 - the fixture: live editing on, fast clocks
    open_live,
    wait_for_saved,
    wait_for_text,
)

pytestmark = pytest.mark.e2e

WORDS = "Because the evidence says so plainly."  # six words
HEARTBEAT = 15_000 + SETTLE  # the page asks for the head every 15 s


def test_a_member_sees_the_answer_and_who_changed_the_section_as_it_changes(browsing, team):
    draft = make_draft(team)
    section_id = draft.sections[1]  # "To what extent do you agree ...": a closed answer
    path = draft.editor(1)
    mo = open_live(browsing, "mo", team.member, path)
    eddie = open_live(browsing, "eddie", team.editor, path)
    answer = mo.locator(".document__choice")
    expect(answer).to_have_text("Answer: No answer chosen yet")
    expect(mo.locator("[data-last-changed]")).to_have_text("No text yet")
    expect(mo.locator("[data-nav-words]")).to_contain_text("0 words")
    total_before = int(mo.locator("[data-total]").get_attribute("data-total-words"))

    choice = eddie.locator('input[name="choice"]').nth(1)
    value = choice.get_attribute("value")
    eddie.locator(f'label[for="{choice.get_attribute("id")}"]').click()
    expect(answer).to_have_text(f"Answer: {value}")
    eddie.locator(".cm-content").click()
    eddie.keyboard.type(WORDS)
    wait_for_text(mo, WORDS)
    wait_for_saved(section_id, WORDS, eddie)

    for page in (mo, eddie):
        expect(page.locator("[data-last-changed]")).to_have_text(
            "Last changed just now by Eddie Editor", timeout=HEARTBEAT
        )
        expect(page.locator("[data-history]")).to_have_text(
            re.compile(r"^History \(\d+ revisions?\)$")
        )
        expect(page.locator("[data-nav-words]")).to_contain_text("6 words")
        assert (
            int(page.locator("[data-total]").get_attribute("data-total-words")) == total_before + 6
        )
    browsing.screenshot(mo, "member-sees-the-answer")

    # Another answer picked later reaches the member at once.
    other = eddie.locator('input[name="choice"]').nth(2)
    eddie.locator(f'label[for="{other.get_attribute("id")}"]').click()
    expect(answer).to_have_text(f"Answer: {other.get_attribute('value')}")
