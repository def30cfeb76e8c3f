"""Co-editing in a real browser: two editors change the same section at once. One sees that
autosave merged their edit with the other's; the other's edit clashes and they resolve it on
the conflict screen. At the end every word either of them typed is in the section's revisions.
And autosave survives the connection dropping: the text stays in the browser and is saved when
the connection comes back, or offered back when the editor is opened again.

Each page is looked at as a person would: screenshots at desktop and phone widths, axe-core,
no console errors and no CSP violations (the `browsing` fixture fails the test on those)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from consult.drafting.models import Presence, Revision, Section
from consult.extensions import db
from tests.drafting.pages_support import make_draft, save_text
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
SAVE_WAIT = 15_000  # autosave waits 1.5 s after typing stops; CI machines can be slow

INTRO = "Police use of facial recognition has grown without a law of its own."
MIDDLE = "Live scanning of crowds treats everyone as a suspect."
CLOSING = "We ask for a statutory framework with real limits."


def paragraphs(*texts: str) -> str:
    return "\n\n".join(texts)


def log_in(page, user, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def all_revision_text(section_id: int) -> str:
    db.session.expire_all()
    return "\n".join(
        db.session.scalars(select(Revision.body).where(Revision.section_id == section_id))
    )


def head_of(section_id: int) -> Revision:
    db.session.expire_all()
    return db.session.get(Section, section_id).head


def watched_page(browsing, context, who: str):
    """Another tab in the same browser (same cookies and localStorage), reporting console
    errors and uncaught exceptions like the pages `browsing` opens."""
    page = context.new_page()
    page.on(
        "console",
        lambda message: (
            browsing.problems.append(f"[{who}] console error: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda error: browsing.problems.append(f"[{who}] {error}"))
    return page


def forgive_expected_conflict(browsing, page: str = "/api/v1/responses/") -> None:
    """Chromium logs every non-2xx fetch as a console error. The 409 that tells the editor
    about a clash is the API's contract, not a fault: drop exactly that line. (`page`: where
    the 409 came from, as the problem names it; a settled clash page posted again is a 409
    too.)"""
    browsing.problems[:] = [
        problem
        for problem in browsing.problems
        if not ("status of 409" in problem and page in problem)
    ]


def test_two_editors_edit_one_section_one_merges_one_resolves_a_conflict(browsing, team):
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    save_text(section_id, paragraphs(INTRO, MIDDLE, CLOSING), team.coordinator)
    editor_url = draft.editor("summary")

    eddie = browsing.new_page("eddie")
    cora = browsing.new_page("cora", viewport={"width": 1280, "height": 1000})
    log_in(eddie, team.editor, editor_url)
    log_in(cora, team.coordinator, editor_url)

    # Both have the section open; each is told about the other.
    expect(cora.get_by_text("Eddie Editor has this section open.")).to_be_visible()
    eddie_text = eddie.get_by_label("Text", exact=True)
    cora_text = cora.get_by_label("Text", exact=True)
    expect(eddie_text).to_have_value(paragraphs(INTRO, MIDDLE, CLOSING))
    expect(cora.get_by_role("toolbar", name="Formatting")).to_be_visible()
    browsing.screenshot(cora, "01-editor-desktop")
    browsing.check_accessibility(cora, "editor")

    # Eddie sharpens the first paragraph: a plain autosave.
    eddie_intro = INTRO.replace("has grown", "has grown quickly")
    eddie_text.fill(paragraphs(eddie_intro, MIDDLE, CLOSING))
    expect(eddie.get_by_text("Saved", exact=True)).to_be_visible(timeout=SAVE_WAIT)

    # Cora, who opened the section before that, adds to the last paragraph: autosave merges
    # her change with Eddie's and tells her so; her text now holds both.
    cora_closing = CLOSING + " Parliament must debate it first."
    cora_text.fill(paragraphs(INTRO, MIDDLE, cora_closing))
    expect(cora.get_by_text("your changes were merged with theirs")).to_be_visible(
        timeout=SAVE_WAIT
    )
    expect(cora_text).to_have_value(paragraphs(eddie_intro, MIDDLE, cora_closing))
    expect(cora.get_by_text("Saved: merged with someone else's changes")).to_be_visible()
    browsing.screenshot(cora, "02-editor-merged")
    merged = head_of(section_id)
    assert merged.kind == "merge"
    assert merged.body == paragraphs(eddie_intro, MIDDLE, cora_closing)

    # Eddie, still on his own revision, rewrites the same last paragraph: a clash. His text is
    # kept as a conflict revision; he stays in the editor, told so, until he opens the clash.
    eddie_closing = "We ask for a statutory framework and an independent regulator."
    eddie_text.fill(paragraphs(eddie_intro, MIDDLE, eddie_closing))
    clash_notice = eddie.locator("[data-clash]")
    expect(clash_notice).to_contain_text(
        "Someone else changed the same part while you were typing.", timeout=SAVE_WAIT
    )
    forgive_expected_conflict(browsing)
    expect(eddie).to_have_url(re.compile(re.escape(editor_url) + "$"))
    browsing.screenshot(eddie, "03-editor-clash-notice")
    browsing.check_accessibility(eddie, "editor with a clash")
    clash_notice.get_by_role("button", name="Compare and resolve").click()
    expect(
        eddie.get_by_role("heading", name="Your edit clashed with someone else's")
    ).to_be_visible()
    forgive_expected_conflict(browsing)  # the console reports the 409 in its own time
    expect(eddie).to_have_url(re.compile(r"/conflict/\d+$"))
    expect(
        eddie.get_by_text(
            "Someone else changed the same part while you were editing. Both versions are kept."
        )
    ).to_be_visible()
    theirs = eddie.get_by_role("region", name="Theirs: the current text")
    yours = eddie.get_by_role("region", name="Yours")
    expect(theirs.locator("ins")).to_contain_text(["Parliament"])
    expect(yours.locator("ins").first).to_be_visible()
    browsing.screenshot(eddie, "05-conflict-desktop")
    browsing.check_accessibility(eddie, "conflict screen")

    # Until he settles it, the clash shows where people work: to Cora, a coordinator, in the
    # editor and in the section table; the editor counts the revisions as History does.
    cora.goto(editor_url)
    expect(cora.locator("#clashes")).to_contain_text(
        "Eddie Editor has an unresolved clash in this section."
    )
    expect(cora.get_by_role("link", name="History (4 revisions)")).to_be_visible()
    cora.goto(draft.url)
    summary_row = cora.locator(f"#s{section_id}")
    expect(
        summary_row.get_by_role("link", name="Unresolved clash (by Eddie Editor)")
    ).to_be_visible()
    browsing.screenshot(cora, "04-dashboard-open-clash")

    # He keeps both ideas and saves (with the clash also open in a second tab of his).
    second_tab = watched_page(browsing, eddie.context, "eddie, second tab")
    second_tab.goto(eddie.url)
    resolved_closing = (
        "We ask for a statutory framework and an independent regulator. "
        "Parliament must debate it first."
    )
    resolution = eddie.get_by_label("Text", exact=True)
    expect(resolution).to_have_value(paragraphs(eddie_intro, MIDDLE, eddie_closing))
    resolution.fill(paragraphs(eddie_intro, MIDDLE, resolved_closing))
    eddie.get_by_role("button", name="Save this text").click()
    expect(eddie.get_by_text("Saved. The clash is resolved.")).to_be_visible()
    expect(eddie.get_by_label("Text", exact=True)).to_have_value(
        paragraphs(eddie_intro, MIDDLE, resolved_closing)
    )

    # Nothing typed was lost: every version is a revision, and the head holds the agreement.
    everything = all_revision_text(section_id)
    for words in (eddie_intro, cora_closing, eddie_closing, resolved_closing):
        assert words in everything
    assert head_of(section_id).body == paragraphs(eddie_intro, MIDDLE, resolved_closing)
    kinds = [
        r.kind
        for r in db.session.scalars(
            select(Revision).where(Revision.section_id == section_id).order_by(Revision.number)
        )
    ]
    assert kinds == ["edit", "edit", "merge", "conflict", "edit"]

    # Cora adds a paragraph; Eddie goes Back to the clash page and presses a button again:
    # the clash is settled, nothing is saved in its name, Cora's paragraph stays.
    later = paragraphs(eddie_intro, MIDDLE, resolved_closing, "A paragraph Cora adds later.")
    save_text(section_id, later, team.coordinator)
    eddie.go_back()
    expect(eddie).to_have_url(re.compile(r"/conflict/\d+$"))
    expect(eddie.get_by_role("heading", name="This clash is already settled")).to_be_visible()
    expect(eddie.get_by_text("You resolved it")).to_be_visible()
    second_tab.get_by_role("button", name="Use mine").click()  # the page as it was drawn
    expect(second_tab.get_by_text("Nothing was saved from this page")).to_be_visible()
    second_tab.close()
    forgive_expected_conflict(browsing, "[eddie, second tab]")
    expect(eddie.get_by_role("region", name="The current text")).to_contain_text(
        "A paragraph Cora adds later."
    )
    browsing.screenshot(eddie, "06-settled-clash")
    browsing.check_accessibility(eddie, "settled clash")
    assert head_of(section_id).body == later

    # The history shows it all, with a readable diff.
    eddie.goto(editor_url + "/history")
    expect(eddie.get_by_role("heading", name="Revisions (6)")).to_be_visible()
    expect(eddie.get_by_role("cell", name="Conflict")).to_be_visible()
    browsing.screenshot(eddie, "07-history")
    browsing.check_accessibility(eddie, "history")

    # The dashboard, on a phone.
    phone = browsing.new_page("cora-phone", **PHONE)
    log_in(phone, team.coordinator, draft.url)
    expect(phone.get_by_role("heading", name="Our response", level=1)).to_be_visible()
    browsing.assert_fits_width(phone, 375, "dashboard")
    browsing.screenshot(phone, "08-dashboard-phone")
    browsing.check_accessibility(phone, "dashboard (phone)")
    phone.goto(editor_url)
    expect(phone.get_by_label("Text", exact=True)).to_have_value(later)
    browsing.assert_fits_width(phone, 375, "editor")
    browsing.screenshot(phone, "09-editor-phone")
    browsing.check_accessibility(phone, "editor (phone)")


def test_autosave_keeps_text_in_the_browser_while_offline_and_saves_it_when_back(browsing, team):
    draft = make_draft(team)
    section_id = draft.sections[4]
    page = browsing.new_page("eddie")
    log_in(page, team.editor, draft.editor(4))
    text = page.get_by_label("Your answer")
    status = page.get_by_role("status").filter(has_text=re.compile("Saved|Saving|Offline|Not"))

    page.wait_for_load_state("networkidle")  # the favicon too: nothing left to fetch
    page.context.set_offline(True)
    text.fill("Written on a train with no signal.")
    expect(page.get_by_text("Offline: kept in this browser")).to_be_visible(timeout=SAVE_WAIT)
    kept = page.evaluate(
        "() => Object.keys(localStorage).filter((key) => key.startsWith('consult-draft:'))"
        ".map((key) => JSON.parse(localStorage.getItem(key)).body)"
    )
    assert kept == ["Written on a train with no signal."]
    assert head_of(section_id) is None  # the server has nothing yet
    browsing.screenshot(page, "01-offline")

    page.context.set_offline(False)
    expect(status).to_have_text("Saved", timeout=SAVE_WAIT)
    assert head_of(section_id).body == "Written on a train with no signal."
    assert (
        page.evaluate(
            "() => Object.keys(localStorage).filter((key) => key.startsWith('consult-draft:'))"
        )
        == []
    )

    # Offline again, and the tab is closed before the connection returns: the next time the
    # editor opens, the text the server never got is offered back, and saved from its base.
    page.context.set_offline(True)
    text.fill("Written on a train with no signal. And a second sentence, still offline.")
    expect(page.get_by_text("Offline: kept in this browser")).to_be_visible(timeout=SAVE_WAIT)
    context = page.context
    page.close()
    # Meanwhile a colleague adds a paragraph: the kept text merges with it.
    save_text(
        section_id,
        "Written on a train with no signal.\n\nA colleague's paragraph.",
        team.coordinator,
    )

    context.set_offline(False)
    page = watched_page(browsing, context, "eddie, new tab")
    page.goto(draft.editor(4))
    notice = page.get_by_text("This browser kept text you wrote in this section")
    expect(notice).to_be_visible()
    browsing.screenshot(page, "02-restore-offer")
    browsing.check_accessibility(page, "editor with kept text")
    page.get_by_role("button", name="Restore my text").click()
    expect(page.get_by_text("Saved: merged with someone else's changes")).to_be_visible(
        timeout=SAVE_WAIT
    )
    assert head_of(section_id).body == (
        "Written on a train with no signal. And a second sentence, still offline."
        "\n\nA colleague's paragraph."
    )


def test_the_toolbar_formats_with_the_keyboard_and_the_preview_follows(browsing, team):
    draft = make_draft(team)
    page = browsing.new_page("eddie")
    log_in(page, team.editor, draft.editor("summary"))
    text = page.get_by_label("Text", exact=True)

    text.fill("We object")
    text.press("Control+a")
    toolbar = page.get_by_role("toolbar", name="Formatting")
    toolbar.get_by_role("button", name="Heading").focus()
    page.keyboard.press("ArrowRight")  # the toolbar is one tab stop; arrows move inside it
    expect(toolbar.get_by_role("button", name="Bold")).to_be_focused()
    page.keyboard.press("Enter")
    expect(text).to_have_value("**We object**")
    text.press("End")
    text.type(" strongly.")
    toolbar.get_by_role("button", name="Footnote").click()
    expect(text).to_have_value(re.compile(r"\*\*We object\*\* strongly\.\[\^1\]\n\n\[\^1\]: "))

    preview = page.get_by_role("region", name="Preview")
    expect(preview.locator("strong")).to_have_text("We object", timeout=SAVE_WAIT)
    expect(preview.locator("section.footnotes")).to_be_visible()
    expect(page.get_by_role("status").filter(has_text="Saved")).to_be_visible(timeout=SAVE_WAIT)
    browsing.screenshot(page, "01-toolbar-preview")

    # Longer than a section can hold: the preview and the save say so, and the text stays.
    too_long = "word " * 40_001
    text.fill(too_long)
    expect(preview).to_contain_text("No preview: At most 200,000 characters.", timeout=SAVE_WAIT)
    expect(page.get_by_role("status").filter(has_text="Not saved")).to_contain_text(
        "Your text is kept in this browser", timeout=SAVE_WAIT
    )
    expect(text).to_have_value(too_long)
    # Chromium logs the two 422s (the contract's answer, not a fault) as console errors.
    browsing.problems[:] = [p for p in browsing.problems if "status of 422" not in p]


def editing_now(section_id: int, user) -> bool:
    db.session.expire_all()
    return bool(
        db.session.scalar(
            select(Presence.editing).where(
                Presence.section_id == section_id, Presence.user_id == user.id
            )
        )
    )


def wait_until(condition, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the condition did not come true in time"
        time.sleep(0.1)


def test_the_editor_page_keeps_up_and_a_reading_member_sees_who_edits(browsing, team):
    """After an autosave the editor's "Last changed", history count and sidebar words follow;
    a member reading the section (no editing form, presence.js) is told who is editing and
    that the text changed since they opened it."""
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    save_text(section_id, paragraphs(INTRO, MIDDLE), team.coordinator)
    editor_url = draft.editor("summary")

    eddie = browsing.new_page("eddie")
    log_in(eddie, team.editor, editor_url)
    eddie.wait_for_load_state("networkidle")  # his first heartbeat has landed
    mo = browsing.new_page("mo", **PHONE)
    log_in(mo, team.member, editor_url)
    expect(mo.get_by_text("Eddie Editor has this section open.")).to_be_visible()
    notices = mo.locator("[data-notices]")
    expect(notices.get_by_text("This section changed since you opened it")).to_be_hidden()

    nav_summary = eddie.get_by_role("navigation", name="Sections").get_by_role("link").first
    expect(nav_summary).to_contain_text("22 words")
    expect(eddie.get_by_text("Last changed just now by Cora Coordinator")).to_be_visible()
    eddie.get_by_label("Text", exact=True).fill(paragraphs(INTRO, MIDDLE, CLOSING))
    expect(eddie.get_by_text("Saved", exact=True)).to_be_visible(timeout=SAVE_WAIT)

    expect(eddie.get_by_text("Last changed just now by Eddie Editor")).to_be_visible()
    expect(eddie.get_by_role("link", name="History (2 revisions)")).to_be_visible()
    expect(nav_summary).to_contain_text("31 words")
    expect(eddie.locator("[data-total]")).to_have_text("31 words")
    browsing.screenshot(eddie, "01-editor-after-autosave")

    # Both beat now rather than in up to 15 seconds ("online" makes each script beat): Eddie
    # first, as someone typing, then Mo, once the server has Eddie's beat.
    eddie.evaluate("() => window.dispatchEvent(new Event('online'))")
    wait_until(lambda: editing_now(section_id, team.editor))
    mo.evaluate("() => window.dispatchEvent(new Event('online'))")
    expect(mo.get_by_text("Eddie Editor is editing this section.")).to_be_visible()
    expect(notices.get_by_text("This section changed since you opened it")).to_be_visible()
    mo.wait_for_load_state()
    browsing.assert_fits_width(mo, 375, "member's section page")
    browsing.screenshot(mo, "02-member-told-of-the-change-phone")
    browsing.check_accessibility(mo, "member's section page (phone)")
    mo.get_by_role("link", name="Reload to see the latest text").click()
    expect(mo.get_by_role("region", name="Current text")).to_contain_text(CLOSING)


def test_a_coordinator_manages_a_section_from_the_dashboard(browsing, team):
    draft = make_draft(team)
    save_text(draft.sections["summary"], "A short summary.", team.editor)

    for name, options in (
        ("desktop", {"viewport": {"width": 1280, "height": 900}}),
        ("phone", PHONE),
    ):
        page = browsing.new_page(f"cora-{name}", **options)
        log_in(page, team.coordinator, draft.url)
        sections = page.get_by_role("table", name="The response's sections, in order")
        expect(sections.get_by_role("row")).to_have_count(21)  # the header and 20 sections
        page.wait_for_load_state()  # the stylesheet and fonts too, before measuring widths
        browsing.assert_fits_width(page, options["viewport"]["width"], f"dashboard ({name})")
        browsing.screenshot(page, f"01-dashboard-{name}")
        browsing.check_accessibility(page, f"dashboard ({name})")
    # (the phone page goes on)
    page.get_by_role("link", name="Manage Summary").click()
    expect(page.get_by_role("heading", name="Summary", level=1)).to_be_visible()
    page.get_by_label("Status", exact=True).select_option(label="Ready for review")
    page.get_by_label("Assigned to", exact=True).select_option(label="Mo Member")
    page.get_by_role("button", name="Save status and assignment").click()
    expect(
        page.get_by_text("“Summary” is ready for review and assigned to Mo Member.")
    ).to_be_visible()
    page.get_by_role("button", name="Move down").click()
    expect(page.get_by_text("Section 2 of 20, after About Northtown Residents")).to_be_visible()
    page.wait_for_load_state()
    browsing.assert_fits_width(page, 375, "manage page")
    browsing.screenshot(page, "02-manage-phone")
    browsing.check_accessibility(page, "manage page (phone)")

    page.get_by_role("link", name="Back to all sections").click()
    row = page.get_by_role("row").filter(has_text="Summary")
    expect(row).to_contain_text("Ready for review")
    expect(row).to_contain_text("Mo Member")


# --- typing goes on: autosave keeps up, a clash interrupts nothing ------------------------------
# These run on Playwright's fake clock (timers and Date advance only when the test says), so
# "21 seconds of steady typing" takes a second, and no pause the test does not make happens.

TYPING_STEP_MS = 700  # between words: well under autosave's 1.5-second pause


def saves_sent(page) -> list[str]:
    """Record the bodies of the autosaves (PUTs) the page sends, in order."""
    sent: list[str] = []
    page.on(
        "request",
        lambda request: (
            sent.append(request.post_data_json["body"])
            if request.method == "PUT" and "/api/v1/responses/" in request.url
            else None
        ),
    )
    return sent


def test_steady_typing_is_saved_every_few_seconds_not_only_when_it_stops(browsing, team):
    """The issue: 21 seconds of steady typing reached the server only when typing stopped."""
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    page = browsing.new_page("eddie")
    page.clock.install()
    log_in(page, team.editor, draft.editor("summary"))
    sent = saves_sent(page)
    text = page.get_by_label("Text", exact=True)
    text.click()

    words = [f"word{number:02d}" for number in range(30)]  # 30 x 0.7 s = 21 s of typing
    for word in words:
        page.keyboard.type(word + " ")
        page.clock.run_for(TYPING_STEP_MS)

    # No pause yet, and the server already has most of it: a save at least every 5 seconds.
    assert len(sent) >= 3, sent
    wait_until(lambda: "word20" in (head_of(section_id).body if head_of(section_id) else ""))
    # And when typing stops, the rest follows after the pause.
    page.clock.run_for(2000)
    expect(page.get_by_role("status").filter(has_text="Saved")).to_have_text("Saved")
    assert head_of(section_id).body == " ".join(words) + " "


def test_a_clash_while_typing_loses_no_keystroke_and_waits_for_the_person(browsing, team):
    """The issue: the editor jumped to the clash screen in the middle of typing
    (EXTRA-WORDS-TYPED-DURING-SAVE arrived as EXTRA-W), and what was typed after the save left
    was not on the clash screen."""
    draft = make_draft(team)
    section_id = draft.sections["summary"]
    save_text(section_id, paragraphs(INTRO, MIDDLE), team.coordinator)
    page = browsing.new_page("eddie")
    page.clock.install()
    log_in(page, team.editor, draft.editor("summary"))
    sent = saves_sent(page)
    text = page.get_by_label("Text", exact=True)
    # Cora rewrites the second paragraph after Eddie opened the section.
    save_text(section_id, paragraphs(INTRO, MIDDLE + " Cora's words."), team.coordinator)

    text.click()
    page.keyboard.press("Control+End")
    page.keyboard.type(" Eddie's words.")
    page.clock.run_for(1600)  # the pause: the save leaves and will clash
    page.keyboard.type(" EXTRA-WORDS-TYPED-DURING-SAVE", delay=15)
    notice = page.locator("[data-clash]")
    expect(notice).to_contain_text("Someone else changed the same part while you were typing.")
    forgive_expected_conflict(browsing)
    page.keyboard.type(" AND-AFTER-THE-NOTICE.")

    typed = paragraphs(INTRO, MIDDLE + " Eddie's words. EXTRA-WORDS-TYPED-DURING-SAVE")
    expect(text).to_have_value(typed + " AND-AFTER-THE-NOTICE.")
    expect(page).to_have_url(re.compile(re.escape(draft.editor("summary")) + "$"))
    kept = page.evaluate(
        "() => Object.keys(localStorage).filter((key) => key.startsWith('consult-draft:'))"
        ".map((key) => JSON.parse(localStorage.getItem(key)).body)"
    )
    assert kept == [typed + " AND-AFTER-THE-NOTICE."]  # safe in this browser meanwhile
    saves_before = len(sent)
    page.clock.run_for(20_000)  # no autosave while the clash is open: it would only clash
    assert len(sent) == saves_before
    browsing.screenshot(page, "01-clash-notice-while-typing")

    page.get_by_role("button", name="Compare and resolve").click()
    expect(
        page.get_by_role("heading", name="Your edit clashed with someone else's")
    ).to_be_visible()
    forgive_expected_conflict(browsing)
    resolution = page.get_by_label("Text", exact=True)
    expect(resolution).to_have_value(typed + " AND-AFTER-THE-NOTICE.")
    expect(page.get_by_role("region", name="Theirs: the current text")).to_contain_text(
        "Cora's words."
    )
    clashes = [r for r in revisions_of_section(section_id) if r.kind == "conflict"]
    assert [r.body for r in clashes][-1] == typed + " AND-AFTER-THE-NOTICE."
    assert head_of(section_id).body == paragraphs(INTRO, MIDDLE + " Cora's words.")
    browsing.screenshot(page, "02-clash-screen-with-everything-typed")


def revisions_of_section(section_id: int) -> list[Revision]:
    db.session.expire_all()
    return list(
        db.session.scalars(
            select(Revision).where(Revision.section_id == section_id).order_by(Revision.number)
        )
    )
