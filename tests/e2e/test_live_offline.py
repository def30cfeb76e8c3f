"""Words typed live while offline survive the page: Eddie loses the connection, types, and
closes the tab before it returns; the browser keeps his words (for him and this section
only), and the next time he opens the section they go into the shared text, reach Cora and a
revision, and the browser forgets them. Logging out forgets them too, reconnected or not:
drafts of a political response must not wait on a shared computer for the next person.

And text the browser kept when a save never reached the server ("Restore my text", after
losing the right to edit, say) goes into a live section merged with what others wrote since,
never in place of it: saved from the revision it started from, or kept as a clash to compare."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from consult.drafting.models import Section
from consult.extensions import db
from tests.e2e.test_coediting import (
    all_revision_text,
    forgive_expected_conflict,
    log_in,
    watched_page,
)
from tests.e2e.test_live_coediting import (
    CLOSING,
    MIDDLE,
    OPENING,
    START_TYPING,
    caret_at_end_of,
    live_editing,  # noqa: F401 - the fixture: live editing on, fast clocks
    open_live,
    paragraphs,
    shared_text,
    summary_saying,
    wait_for_saved,
    wait_for_text,
    wait_until_alike,
)

pytestmark = pytest.mark.e2e

OFFLINE = re.compile(r"^Offline — keep typing")
RESTORED = re.compile(r"^Your words typed offline before this page opened")
KEPT = "() => Object.keys(localStorage).filter((key) => key.startsWith('consult-live:'))"


def type_offline(browsing, page, prefix: str) -> list[str]:
    """Take the page offline and type words at the end of the opening paragraph."""
    caret_at_end_of(page, OPENING)
    page.context.set_offline(True)
    expect(page.locator("[data-save-state]")).to_have_text(OFFLINE)
    page.evaluate(START_TYPING, [prefix, 3, 120])
    return page.evaluate("() => window.__typed")


def test_words_typed_offline_survive_a_closed_tab_and_merge_when_it_reopens(browsing, team):
    section_id, path = summary_saying(team, paragraphs(OPENING, CLOSING))
    eddie = open_live(browsing, "eddie", team.editor, path)
    cora = open_live(browsing, "cora", team.coordinator, path)
    context = eddie.context

    eddies = type_offline(browsing, eddie, "e")
    assert eddies
    kept = eddie.evaluate(KEPT)
    assert len(kept) == 1 and kept[0].startswith(f"consult-live:{team.editor.id}:{section_id}:")
    # Cora types meanwhile: both sets of words must end up in the text.
    caret_at_end_of(cora, CLOSING)
    cora.evaluate(START_TYPING, ["c", 2, 120])
    coras = cora.evaluate("() => window.__typed")
    eddie.close()  # the tab is gone, offline: his words were only in this browser
    assert not any(word in shared_text(cora) for word in eddies)

    context.set_offline(False)
    again = watched_page(browsing, context, "eddie again")
    again.goto(path)
    expect(again.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    expect(again.locator("[data-save-state]")).to_have_text(RESTORED)
    final = wait_until_alike([again, cora], eddies + coras)
    first, last = final.split("\n\n")
    assert first.startswith(OPENING) and all(word in first for word in eddies)
    assert last.startswith(CLOSING) and all(word in last for word in coras)
    wait_for_saved(section_id, final, cora)
    # The server has them: the browser forgets them. The preview shows them too.
    again.wait_for_function(KEPT + ".length === 0")
    expect(again.locator("[data-preview-body]")).to_contain_text(eddies[-1])
    browsing.screenshot(again, "restored")


def test_words_sent_into_a_connection_that_died_unnoticed_are_kept_too(browsing, team):
    """The socket still looks open, but nothing reaches the server (a network that dropped
    without a word): the words are kept once the server fails to confirm them in time."""
    section_id, path = summary_saying(team, paragraphs(OPENING, CLOSING))
    eddie = browsing.new_page("eddie")
    swallowing = []

    def relay(socket) -> None:
        server = socket.connect_to_server()
        socket.on_message(lambda message: None if swallowing else server.send(message))

    eddie.route_web_socket(re.compile(r"/api/v1/live/"), relay)
    log_in(eddie, team.editor, path)
    expect(eddie.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    caret_at_end_of(eddie, OPENING)
    swallowing.append(True)
    eddie.keyboard.type(" Lost in the wire.")
    eddie.wait_for_function(KEPT + ".length === 1", timeout=10_000)
    assert eddie.locator("[data-live-state]").get_attribute("data-live-state") == "live"
    context = eddie.context
    eddie.close()

    again = watched_page(browsing, context, "eddie again")
    again.goto(path)
    mine = paragraphs(OPENING + " Lost in the wire.", CLOSING)
    wait_for_text(again, mine)
    wait_for_saved(section_id, mine, again)
    again.wait_for_function(KEPT + ".length === 0")


def test_two_tabs_typing_offline_keep_each_others_words(browsing, team):
    section_id, path = summary_saying(team, paragraphs(OPENING, CLOSING))
    first = open_live(browsing, "eddie", team.editor, path)
    context = first.context
    second = watched_page(browsing, context, "eddie's second tab")
    second.goto(path)
    expect(second.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")

    words = type_offline(browsing, first, "a") + type_offline(browsing, second, "b")
    assert len(first.evaluate(KEPT)) == 2
    first.close()
    second.close()

    context.set_offline(False)
    again = watched_page(browsing, context, "eddie again")
    again.goto(path)
    expect(again.locator("[data-save-state]")).to_have_text(RESTORED)
    final = wait_until_alike([again], words)
    wait_for_saved(section_id, final, again)
    again.wait_for_function(KEPT + ".length === 0")


def test_logging_out_forgets_words_kept_offline(browsing, team):
    _, path = summary_saying(team, paragraphs(OPENING, CLOSING))
    eddie = open_live(browsing, "eddie", team.editor, path)
    context = eddie.context
    assert type_offline(browsing, eddie, "e")
    assert eddie.evaluate(KEPT)
    eddie.close()

    context.set_offline(False)
    # Another tab that never went live (his account page) logs out.
    other = watched_page(browsing, context, "eddie elsewhere")
    other.goto("/")
    other.get_by_role("button", name="Log out").click()
    expect(other.get_by_text("You have logged out.")).to_be_visible()
    assert other.evaluate(KEPT) == []
    assert (
        other.evaluate(
            "() => Object.keys(localStorage).filter((key) => key.startsWith('consult-draft:'))"
        )
        == []
    )

    # Cora on the same computer finds nothing of his, and the section says what the server has.
    log_in(other, team.coordinator, path)
    expect(other.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    assert shared_text(other) == paragraphs(OPENING, CLOSING)


# Text this browser kept when a save never reached the server (editor.js's store), as a page
# without live editing leaves it: [key, entry].
KEEP_DRAFT = "([key, entry]) => localStorage.setItem(key, JSON.stringify(entry))"


def test_restoring_kept_text_into_a_live_section_keeps_the_words_others_wrote_since(browsing, team):
    section_id, path = summary_saying(team, paragraphs(OPENING, MIDDLE, CLOSING))
    base = db.session.get(Section, section_id).head_revision_id
    cora = open_live(browsing, "cora", team.coordinator, path)
    caret_at_end_of(cora, CLOSING)
    cora.keyboard.type(" Cora wrote this since.")
    theirs = paragraphs(OPENING, MIDDLE, CLOSING + " Cora wrote this since.")
    wait_for_saved(section_id, theirs, cora)

    eddie = browsing.new_page("eddie")
    log_in(eddie, team.editor, path)  # then keep a draft, and open the section again
    mine = paragraphs(OPENING + " Eddie kept this.", MIDDLE, CLOSING)
    key = f"consult-draft:user-{team.editor.id}:section-{section_id}:base-{base}"
    entry = {"body": mine, "choice": None, "base": base, "clash": None, "at": 0}
    eddie.evaluate(KEEP_DRAFT, [key, entry])
    eddie.goto(path)
    expect(eddie.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    eddie.get_by_role("button", name="Restore my text").click()

    both = paragraphs(OPENING + " Eddie kept this.", MIDDLE, CLOSING + " Cora wrote this since.")
    wait_for_text(eddie, both)
    wait_for_text(cora, both)
    wait_for_saved(section_id, both, eddie)
    expect(eddie.locator("[data-merged]")).to_be_visible()
    assert eddie.evaluate(f"() => localStorage.getItem({key!r})") is None


def test_restoring_kept_text_that_overlaps_live_words_makes_a_clash_and_clobbers_nothing(
    browsing, team
):
    section_id, path = summary_saying(team, paragraphs(OPENING, CLOSING))
    base = db.session.get(Section, section_id).head_revision_id
    cora = open_live(browsing, "cora", team.coordinator, path)
    caret_at_end_of(cora, OPENING)
    cora.keyboard.type(" Cora's words.")
    theirs = paragraphs(OPENING + " Cora's words.", CLOSING)
    wait_for_saved(section_id, theirs, cora)

    eddie = browsing.new_page("eddie")
    log_in(eddie, team.editor, path)  # then keep a draft, and open the section again
    key = f"consult-draft:user-{team.editor.id}:section-{section_id}:base-{base}"
    mine = paragraphs(OPENING + " Eddie's words.", CLOSING)
    eddie.evaluate(KEEP_DRAFT, [key, {"body": mine, "choice": None, "base": base, "at": 0}])
    eddie.goto(path)
    expect(eddie.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    eddie.get_by_role("button", name="Restore my text").click()

    clash = eddie.locator("[data-clash]")
    expect(clash).to_be_visible()
    forgive_expected_conflict(browsing)
    assert shared_text(eddie) == theirs == shared_text(cora)  # nobody's words replaced
    assert mine in all_revision_text(section_id)  # his are kept, to compare
    clash.get_by_role("button", name="Compare and resolve").click()
    expect(eddie).to_have_url(re.compile(r"/conflict/\d+$"))
