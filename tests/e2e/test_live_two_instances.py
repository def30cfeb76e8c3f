"""Live co-editing across two app instances (gunicorn, one PostgreSQL, one Redis): a person
on each types into the same section in the browser and both end with the same text holding
every word, as a revision. The edits can only have crossed through the Redis relay in time:
the instances store and reread their documents far too rarely (tests/test_two_instances.py).
Needs PostgreSQL and Redis, like the other two-instance tests."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.drafting.pages_support import make_draft, save_text
from tests.e2e.test_coediting import log_in
from tests.e2e.test_live_coediting import (
    OPENING,
    caret_at_end_of,
    shared_text,
    wait_for_saved,
    wait_until_alike,
)
from tests.test_two_instances import instances, shared_services  # noqa: F401 - the fixtures

pytestmark = [pytest.mark.e2e, pytest.mark.xdist_group("redis-database-13")]


def test_a_person_on_each_of_two_instances_edits_the_section_together(browser, instances, team):  # noqa: F811
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    save_text(section_id, OPENING, team.coordinator)
    path = draft.editor("summary")
    pages, contexts = [], []
    try:
        for base, user in zip(instances, (team.editor, team.coordinator), strict=True):
            context = browser.new_context(base_url=base)
            context.set_default_timeout(20_000)
            contexts.append(context)
            page = context.new_page()
            log_in(page, user, path)
            expect(page.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
            pages.append(page)
        east, west = pages
        expect(east.locator("[data-save-state]")).to_have_text(
            "Live — 1 other here: Cora Coordinator"
        )

        caret_at_end_of(east, OPENING)
        east.keyboard.type(" Eastern words arrive.", delay=20)
        caret_at_end_of(west, OPENING)
        west.keyboard.type(" Western words too.", delay=20)
        words = ["Eastern", "arrive.", "Western", "too."]
        final = wait_until_alike(pages, words)

        assert final.startswith(OPENING)
        assert shared_text(east) == shared_text(west) == final
        wait_for_saved(section_id, final, east)
    finally:
        for context in contexts:
            context.close()
