"""Live co-editing in real browsers against the app's live server (consult/live): people type
into one section at the same moment and all end with the same text, holding every character
each of them typed; one of them loses the connection for a while, keeps typing, and loses
nothing; a member who may not edit watches the text arrive and cannot change it; words typed
before the live editor took over reach the shared text; and a closed answer picked by one is
picked for the others.

Typing runs inside each page (the words go in through the browser's own editing, as typed
text does, and CodeMirror reads them from the page), so the three people really type at once
rather than in turns. Each word is unique (e042 is Eddie's 43rd), which is how "every character"
is checked. Each page is looked at as a person would: screenshots, axe-core, no console errors
and no CSP violations (the `browsing` fixture fails the test on those)."""

from __future__ import annotations

import os
import re
import time

import pytest
from playwright.sync_api import expect

from consult.drafting.models import Section
from consult.extensions import db
from tests.drafting.pages_support import make_draft, save_text
from tests.e2e.test_coediting import PHONE, log_in
from tests.live.conftest import FAST

pytestmark = pytest.mark.e2e

# How long the three type at once; shorter on a loaded machine (LIVE_TYPING_SECONDS=8).
TYPING_SECONDS = float(os.environ.get("LIVE_TYPING_SECONDS", "20"))
OFFLINE_SECONDS = 10
WORD_EVERY_MS = 120
SETTLE = 30_000  # for every page to hold every word once the typing stops

OPENING = "Facial recognition in public places needs a law of its own."
MIDDLE = "Until Parliament passes one, live scanning should stop."
CLOSING = "We ask the committee to say so plainly."

LIVE = re.compile(r"^Live — ")
OFFLINE = re.compile(r"^Offline — keep typing")
MERGED = re.compile(r"^Back online — your edits were merged")

# Types words (each after a space) into the page's live editor until `seconds` have passed,
# one every `every` ms, at the caret (which CodeMirror keeps in place while the others' words
# arrive); the promise in window.__typed gives the words typed. Started and collected
# separately, so several pages type at the same time.
START_TYPING = """
([prefix, seconds, every]) => {
  const content = document.querySelector(".cm-content");
  const end = Date.now() + seconds * 1000;
  window.__typed = (async () => {
    const typed = [];
    while (Date.now() < end) {
      const word = prefix + String(typed.length).padStart(3, "0");
      content.focus();
      document.execCommand("insertText", false, " " + word);
      typed.push(word);
      await new Promise((resolve) => setTimeout(resolve, every));
    }
    return typed;
  })();
}
"""


@pytest.fixture(autouse=True)
def live_editing(app, monkeypatch):
    """LIVE_EDITING on, whatever the test configuration says, with the live hub's fast test
    clocks (a revision a fraction of a second after typing pauses); its rooms closed after."""
    monkeypatch.setitem(app.config, "LIVE_EDITING", True)
    for key, value in FAST.items():
        monkeypatch.setitem(app.config, key, value)
    yield
    hub = app.extensions["live"]
    for room in list(hub.rooms.values()):
        room.close_all(1001, "test over")
    hub.stop()
    hub.rooms.clear()


def paragraphs(*texts: str) -> str:
    return "\n\n".join(texts)


def summary_saying(team, text: str) -> tuple[int, str]:
    """A new draft whose summary says `text`: the section's id and its editor's path."""
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    save_text(section_id, text, team.coordinator)
    return section_id, draft.editor("summary")


def open_live(browsing, who: str, user, path: str, **context_options):
    """`user`'s page on the section, once its live editor has taken over."""
    page = browsing.new_page(who, **context_options)
    log_in(page, user, path)
    expect(page.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    expect(page.locator(".cm-content")).to_be_visible()
    return page


# The live view's lines, without the others' carets and names drawn among them.
LINES_SHOWN = """
() => Array.from(document.querySelectorAll(".cm-content .cm-line"), (line) => {
  const copy = line.cloneNode(true);
  copy.querySelectorAll(".cm-remote-caret").forEach((caret) => caret.remove());
  return copy.textContent;
}).join("\\n")
"""


def shared_text(page) -> str:
    """What the page's live text holds: the editor's hidden text box mirrors it exactly; a
    reader's page has only the live view."""
    if page.locator("#body").count():
        return page.locator("#body").input_value()
    return page.evaluate(LINES_SHOWN)


def wait_for_text(page, text: str) -> None:
    """Wait until the page's live text is `text`."""
    deadline = time.monotonic() + SETTLE / 1000
    while shared_text(page) != text:
        assert time.monotonic() < deadline, f"never {text!r}: {shared_text(page)!r}"
        page.wait_for_timeout(100)


# Puts the caret just after `text` in the live editor, as a click there would: CodeMirror
# follows the page's selection.
CARET_AFTER = """
(text) => {
  const content = document.querySelector(".cm-content");
  const nodes = document.createTreeWalker(content, NodeFilter.SHOW_TEXT);
  let node;
  while ((node = nodes.nextNode())) {
    const at = node.data.indexOf(text);
    if (at === -1) continue;
    content.focus();
    const range = document.createRange();
    range.setStart(node, at + text.length);
    range.collapse(true);
    window.getSelection().removeAllRanges();
    window.getSelection().addRange(range);
    return true;
  }
  return false;
}
"""


def caret_at_end_of(page, text: str) -> None:
    """Click into the live editor and put the caret just after `text`."""
    page.locator(".cm-content").click()
    assert page.evaluate(CARET_AFTER, text), f"{text!r} is not in the live editor"


def wait_until_alike(pages, words: list[str]) -> str:
    """Wait until every page holds the same text with every word in it once; return it."""
    deadline = time.monotonic() + SETTLE / 1000
    while True:
        texts = [shared_text(page) for page in pages]
        same = all(text == texts[0] for text in texts)
        missing = [word for word in words if texts[0].split().count(word) != 1]
        if same and not missing:
            return texts[0]
        if time.monotonic() > deadline:
            raise AssertionError(
                f"after {SETTLE / 1000:.0f} s the pages differ ({same=}) or lack words "
                f"{missing[:10]} ({len(missing)} in all)"
            )
        pages[0].wait_for_timeout(200)


def saved_body(section_id: int) -> str:
    db.session.expire_all()
    return db.session.get(Section, section_id).body


def wait_for_saved(section_id: int, text: str, page) -> None:
    """The server writes a revision when typing pauses: wait for it to hold `text`."""
    deadline = time.monotonic() + SETTLE / 1000
    while saved_body(section_id) != text:
        if time.monotonic() > deadline:
            raise AssertionError(
                f"the section was never saved as typed: {saved_body(section_id)!r}"
            )
        page.wait_for_timeout(250)


def test_three_people_typing_at_once_end_with_the_same_text_and_every_word(browsing, team):
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    save_text(section_id, paragraphs(OPENING, MIDDLE, CLOSING), team.coordinator)
    path = draft.editor("summary")

    eddie = open_live(browsing, "eddie", team.editor, path, viewport={"width": 1280, "height": 900})
    cora = open_live(browsing, "cora", team.coordinator, path, **PHONE)
    olive = open_live(browsing, "olive", team.owner, path)
    pages = [eddie, cora, olive]
    expect(eddie.locator("[data-save-state]")).to_have_text(
        "Live — 2 others here: Cora Coordinator and Olive Owner"
    )
    assert shared_text(eddie) == paragraphs(OPENING, MIDDLE, CLOSING)
    browsing.screenshot(eddie, "01-live-desktop")
    browsing.check_accessibility(eddie, "live editor")

    # Eddie and Cora type into the same paragraph (both at its end), Olive into another.
    caret_at_end_of(eddie, OPENING)
    caret_at_end_of(cora, OPENING)
    caret_at_end_of(olive, CLOSING)
    prefixes = ("e", "c", "o")
    for page, prefix in zip(pages, prefixes, strict=True):
        page.evaluate(START_TYPING, [prefix, TYPING_SECONDS, WORD_EVERY_MS])
    typed = {
        prefix: page.evaluate("() => window.__typed")
        for page, prefix in zip(pages, prefixes, strict=True)
    }
    words = [word for each in typed.values() for word in each]
    counts = ", ".join(f"{prefix}: {len(each)} words" for prefix, each in typed.items())
    print(f"typed at once for {TYPING_SECONDS:.0f} s: {counts}")

    final = wait_until_alike(pages, words)
    # Nobody's words went astray: the same and different paragraphs are where they were typed.
    first, middle, last = final.split("\n\n")
    assert all(word in first for word in typed["e"] + typed["c"])
    assert middle == MIDDLE
    assert all(word in last for word in typed["o"])
    assert first.startswith(OPENING) and last.startswith(CLOSING)
    # The words typed by each are in the order they were typed.
    for each in typed.values():
        positions = [final.index(" " + word) for word in each]
        assert positions == sorted(positions)
    browsing.screenshot(cora, "02-live-phone")
    browsing.assert_fits_width(cora, 375, "the live editor on a phone")
    browsing.check_accessibility(cora, "live editor on a phone")

    # The server keeps it: a revision with every word once the typing has paused.
    wait_for_saved(section_id, final, eddie)


def test_someone_offline_keeps_typing_and_loses_nothing(browsing, team):
    section_id, path = summary_saying(team, paragraphs(OPENING, CLOSING))
    eddie = open_live(browsing, "eddie", team.editor, path)
    cora = open_live(browsing, "cora", team.coordinator, path)
    caret_at_end_of(eddie, OPENING)
    caret_at_end_of(cora, CLOSING)
    status = eddie.locator("[data-save-state]")

    eddie.context.set_offline(True)
    expect(status).to_have_text(OFFLINE)
    browsing.screenshot(eddie, "offline")
    eddie.evaluate(START_TYPING, ["e", OFFLINE_SECONDS, WORD_EVERY_MS])
    cora.evaluate(START_TYPING, ["c", OFFLINE_SECONDS, WORD_EVERY_MS])
    eddies = eddie.evaluate("() => window.__typed")
    coras = cora.evaluate("() => window.__typed")
    # Meanwhile neither saw the other's words.
    assert not any(word in shared_text(cora) for word in eddies)
    assert not any(word in shared_text(eddie) for word in coras)

    eddie.context.set_offline(False)
    expect(status).to_have_text(MERGED, timeout=SETTLE)
    final = wait_until_alike([eddie, cora], eddies + coras)
    assert final.startswith(OPENING)
    expect(status).to_have_text(LIVE, timeout=SETTLE)
    wait_for_saved(section_id, final, eddie)


def test_a_member_watches_the_text_arrive_and_cannot_change_it(browsing, team):
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    save_text(section_id, OPENING, team.coordinator)
    path = draft.editor("summary")
    mo = open_live(browsing, "mo", team.member, path, **PHONE)
    eddie = open_live(browsing, "eddie", team.editor, path)
    reading = mo.get_by_role("textbox", name="Current text")
    expect(reading).to_have_attribute("aria-readonly", "true")
    expect(mo.locator("[data-live-status]")).to_have_text("Live — 1 other here: Eddie Editor")

    caret_at_end_of(eddie, OPENING)
    eddie.keyboard.type(" Typed by Eddie.")
    wait_for_text(mo, OPENING + " Typed by Eddie.")
    browsing.screenshot(mo, "member-reading")
    browsing.check_accessibility(mo, "live view, read-only")

    reading.click()
    mo.keyboard.press("End")
    mo.keyboard.type(" Mo was here")
    mo.keyboard.press("Enter")
    # Nothing Mo typed reached the page or anyone else.
    eddie.keyboard.type(" More.")
    wait_for_text(mo, OPENING + " Typed by Eddie. More.")
    expect(eddie.locator("#body")).to_have_value(OPENING + " Typed by Eddie. More.")
    wait_for_saved(section_id, OPENING + " Typed by Eddie. More.", eddie)


def test_words_typed_before_the_live_editor_took_over_reach_everyone(browsing, team):
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    save_text(section_id, OPENING, team.coordinator)
    path = draft.editor("summary")
    cora = open_live(browsing, "cora", team.coordinator, path)

    eddie = browsing.new_page("eddie")
    log_in(eddie, team.editor, draft.url)
    held = []
    eddie.route(re.compile(r"/static/js/live-editor\.js"), lambda route: held.append(route))
    eddie.goto(path, wait_until="commit")
    eddie.get_by_label("Text", exact=True).fill(paragraphs(OPENING, "Typed before it was live."))
    # Meanwhile Cora changes the same text: both changes are kept.
    caret_at_end_of(cora, "Facial recognition")
    cora.keyboard.type(" technology")
    for _ in range(100):  # the script's request is on its way: wait for it to be held
        if held:
            break
        eddie.wait_for_timeout(50)
    assert held, "live-editor.js was never requested"
    for route in held:
        route.continue_()

    expected = paragraphs(
        OPENING.replace("recognition", "recognition technology"), "Typed before it was live."
    )
    expect(eddie.locator("[data-live-state]")).to_have_attribute("data-live-state", "live")
    expect(eddie.locator("#body")).to_have_value(expected)
    expect(cora.locator("#body")).to_have_value(expected)
    wait_for_saved(section_id, expected, cora)


def test_a_closed_answer_picked_by_one_is_picked_for_the_other(browsing, team):
    draft = make_draft(team)
    section_id = draft.sections[1]  # "To what extent do you agree ...": a closed answer
    path = draft.editor(1)
    eddie = open_live(browsing, "eddie", team.editor, path)
    cora = open_live(browsing, "cora", team.coordinator, path)
    choice = eddie.locator('input[name="choice"]').nth(1)
    value = choice.get_attribute("value")
    eddie.locator(f'label[for="{choice.get_attribute("id")}"]').click()  # as a person would
    expect(choice).to_be_checked()
    expect(cora.locator(f'input[name="choice"][value="{value}"]')).to_be_checked()
    eddie.locator(".cm-content").click()
    eddie.keyboard.type("Because it says so.")
    expect(cora.locator("#body")).to_have_value("Because it says so.")
    deadline = time.monotonic() + SETTLE / 1000
    while True:
        db.session.expire_all()
        section = db.session.get(Section, section_id)
        if section.choice == value and section.body == "Because it says so.":
            break
        assert time.monotonic() < deadline, (section.choice, section.body)
        eddie.wait_for_timeout(250)


def test_markup_in_the_shared_text_is_shown_as_text_and_never_runs(browsing, team):
    draft = make_draft(team)
    payload = paragraphs("<script>alert(1)</script>", '<img src="x" onerror="alert(2)">')
    save_text(draft.sections["summary"], payload, team.coordinator)
    path = draft.editor("summary")
    dialogs = []
    mo = open_live(browsing, "mo", team.member, path)
    mo.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    eddie = open_live(browsing, "eddie", team.editor, path)
    eddie.on("dialog", lambda dialog: dialogs.append(dialog.message) or dialog.dismiss())
    caret_at_end_of(eddie, 'onerror="alert(2)">')
    eddie.keyboard.type("<svg onload=alert(3)>")
    wait_for_text(mo, payload + "<svg onload=alert(3)>")
    assert shared_text(eddie) == payload + "<svg onload=alert(3)>"
    # (CodeMirror's own empty images beside the others' carets aside)
    made = ".cm-content script, .cm-content img:not(.cm-widgetBuffer), .cm-content svg"
    for page in (eddie, mo):
        assert page.locator(made).count() == 0
    assert dialogs == []
