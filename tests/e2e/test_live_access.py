"""Live co-editing when a person's access changes while they type: removed from the
organisation, they are told at once that they no longer have access, the text stays on their
screen to copy, and nothing they type goes anywhere; made a member (who may not edit), their
editor turns read-only and says why. The server decides (it closes the socket with 4404 or
4403); these tests check that the page says so in words and stops editing."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from consult.extensions import db
from consult.organisations.services import change_role, membership_of, remove_member
from tests.drafting.pages_support import make_draft, save_text
from tests.e2e.test_live_coediting import (
    OPENING,
    caret_at_end_of,
    live_editing,  # noqa: F401 - the fixture: live editing on, fast clocks
    open_live,
    shared_text,
)

pytestmark = pytest.mark.e2e

NO_ACCESS = re.compile(r"^You no longer have access to this section\.")
RIGHTS_CHANGED = re.compile(r"^Your rights in this section changed")


def test_someone_removed_while_editing_is_told_and_keeps_their_text_to_copy(browsing, team):
    draft = make_draft(team)
    save_text(draft.sections["summary"], OPENING, team.coordinator)
    eddie = open_live(browsing, "eddie", team.editor, draft.editor("summary"))
    caret_at_end_of(eddie, OPENING)
    eddie.keyboard.type(" Eddie's last words.")
    expect(eddie.locator("#body")).to_have_value(OPENING + " Eddie's last words.")

    coordinator = membership_of(team.coordinator, team.organisation)
    remove_member(coordinator, membership_of(team.editor, team.organisation))
    db.session.commit()

    status = eddie.locator("[data-save-state]")
    expect(status).to_have_text(NO_ACCESS)
    box = eddie.get_by_role("textbox", name="Text")
    expect(box).to_have_attribute("aria-readonly", "true")
    eddie.keyboard.type(" More")
    assert shared_text(eddie) == OPENING + " Eddie's last words."  # kept, and not changed
    browsing.screenshot(eddie, "no-access")


def test_an_editor_made_a_member_while_editing_can_no_longer_type(browsing, team):
    draft = make_draft(team)
    save_text(draft.sections["summary"], OPENING, team.coordinator)
    eddie = open_live(browsing, "eddie", team.editor, draft.editor("summary"))
    caret_at_end_of(eddie, OPENING)

    coordinator = membership_of(team.coordinator, team.organisation)
    change_role(coordinator, membership_of(team.editor, team.organisation), "member")
    db.session.commit()

    expect(eddie.locator("[data-save-state]")).to_have_text(RIGHTS_CHANGED)
    expect(eddie.get_by_role("textbox", name="Text")).to_have_attribute("aria-readonly", "true")
    eddie.keyboard.type(" Not any more")
    assert shared_text(eddie) == OPENING
