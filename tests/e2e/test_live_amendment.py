"""Two people edit one amendment live in real browsers: Eddie types in the words to insert
while Cora types in the purpose, at the same time; each sees the other's words arrive in the
form, both keep their own, and the revision the server writes holds both, as a save of the
form would have written it. A change of kind reaches the other's form too (amendment-form.js
then shows the fields of that kind). Without a live connection the form saves as before
(tests/e2e/test_bill_drafting.py)."""

from __future__ import annotations

import re
import time

import pytest
from playwright.sync_api import expect

from consult.bills import amendment_text
from consult.bills.amendments import Amendment
from consult.drafting.models import Section
from consult.extensions import db
from tests.drafting.test_bill_responses import JUDGE
from tests.e2e.test_coediting import PHONE, log_in
from tests.e2e.test_live_coediting import live_editing  # noqa: F401 - live on, fast clocks
from tests.live.test_live_amendments import (  # noqa: F401 - the fixtures
    amendment,
    bill,
    bill_response,
)

pytestmark = pytest.mark.e2e

LIVE = re.compile(r"^Live — ")
SETTLE = 30.0

# Types `words` into the box one character at a time, at its end, as a person types: each
# keystroke an `input` event the page's live binding hears.
TYPE_SLOWLY = """
async ([selector, words, every]) => {
  const box = document.querySelector(selector);
  box.focus();
  for (const character of words) {
    box.setSelectionRange(box.value.length, box.value.length);
    document.execCommand("insertText", false, character);
    await new Promise((resolve) => setTimeout(resolve, every));
  }
}
"""


def open_amendment(browsing, who: str, user, path: str):
    page = browsing.new_page(who)
    log_in(page, user, path)
    form = page.locator("form[data-amendment-form]")
    expect(form).to_have_attribute("data-live-state", "live")
    expect(page.locator("[data-live-status]")).to_have_text(LIVE)
    return page


def saved(section_id: int) -> Amendment:
    db.session.expire_all()
    return amendment_text.load(db.session.get(Section, section_id).body)


def test_two_people_editing_different_fields_of_an_amendment_both_see_both(
    browsing,
    team,
    amendment,  # noqa: F811 - the imported fixture
):
    section_id = amendment.id
    path = f"/responses/{amendment.response_id}/sections/{section_id}"
    eddie = open_amendment(browsing, "eddie", team.editor, path)
    cora = open_amendment(browsing, "cora", team.coordinator, path)
    expect(eddie.locator("[data-live-status]")).to_have_text(
        "Live — 1 other here: Cora Coordinator"
    )
    # Every change is saved as it is typed: no Save button while live; the preview stays.
    expect(eddie.get_by_role("button", name="Save the amendment")).to_be_hidden()
    expect(eddie.get_by_role("button", name="Preview in House style")).to_be_visible()

    # Both type at once, each in their own field.
    eddie.evaluate(
        "(args) => { window.__typing = (" + TYPE_SLOWLY + ")(args); }",
        ["#insert", " of the High Court", 40],
    )
    cora.evaluate(
        "(args) => { window.__typing = (" + TYPE_SLOWLY + ")(args); }",
        ["#purpose", " Cameras watch everyone.", 40],
    )
    eddie.evaluate("() => window.__typing")
    cora.evaluate("() => window.__typing")

    # Each sees who is in which field, under its label.
    expect(eddie.locator('[data-field-people="purpose"]')).to_have_text("Cora Coordinator")
    expect(cora.locator('[data-field-people="insert"]')).to_have_text("Eddie Editor")
    expect(eddie.locator('[data-field-people="insert"]')).to_have_count(0)

    for page in (eddie, cora):
        expect(page.get_by_label("Words to insert")).to_have_value("judge of the High Court")
        expect(page.get_by_label("Purpose, for supporters")).to_have_value(
            JUDGE["purpose"] + " Cameras watch everyone."
        )

    deadline = time.monotonic() + SETTLE
    while True:
        stored = saved(section_id)
        if stored.insert.endswith("High Court") and stored.purpose.endswith("everyone."):
            break
        assert time.monotonic() < deadline, f"never saved with both edits: {stored}"
        eddie.wait_for_timeout(250)
    assert stored.insert == "judge of the High Court"
    assert stored.purpose == JUDGE["purpose"] + " Cameras watch everyone."
    # "As saved" follows what is saved as typed; the preview says nothing waits for a Save.
    as_saved = eddie.locator("[data-amendment-shown-url] [data-amendment-shown]")
    expect(as_saved).to_contain_text("insert \u201cjudge of the High Court\u201d")
    expect(eddie.locator("#amendment-preview [data-preview-saving]")).to_have_text(
        re.compile(r"^While the form is live, every change is saved as it is typed")
    )
    browsing.screenshot(eddie, "live-amendment-1280")
    browsing.check_accessibility(eddie, "live amendment form")

    # A new kind chosen by one is chosen for the other, whose form shows that kind's fields.
    cora.get_by_label("Insert words", exact=True).check(force=True)
    expect(eddie.locator('[data-field-people="kind"]')).to_have_text("Cora Coordinator")
    expect(eddie.locator('[data-field-people="purpose"]')).to_have_count(0)
    expect(eddie.get_by_label("Insert words", exact=True)).to_be_checked()
    expect(eddie.get_by_label("Words to leave out")).to_be_hidden()
    expect(eddie.get_by_label("Words to insert")).to_be_visible()


def test_a_member_reading_an_amendment_sees_its_house_style_follow_the_typing(
    browsing,
    team,
    amendment,  # noqa: F811 - the imported fixture
):
    path = f"/responses/{amendment.response_id}/sections/{amendment.id}"
    eddie = open_amendment(browsing, "eddie", team.editor, path)
    mo = browsing.new_page("mo", **PHONE)
    log_in(mo, team.member, path)
    card = mo.locator("[data-amendment-shown-url]")
    expect(card).to_have_attribute("data-live-state", "live")
    expect(mo.locator("[data-live-status]")).to_have_text("Live — 1 other here: Eddie Editor")
    shown = mo.locator("[data-amendment-shown]")
    expect(shown).to_contain_text("insert \u201cjudge\u201d")

    eddie.evaluate("(args) => (" + TYPE_SLOWLY + ")(args)", ["#insert", " of the High Court", 20])
    # Well before any save: the House style the server renders from the live fields.
    expect(shown).to_contain_text("insert \u201cjudge of the High Court\u201d", timeout=5000)
    expect(mo.locator("[data-amendment-typing]")).to_be_hidden()

    # Words that make no amendment yet (nothing to insert): the last complete one stays, marked.
    eddie.get_by_label("Words to insert").fill("")
    expect(mo.locator("[data-amendment-typing]")).to_be_visible()
    expect(shown).to_contain_text("insert \u201cjudge of the High Court\u201d")
    eddie.get_by_label("Words to insert").fill("a judge")
    expect(shown).to_contain_text("insert \u201ca judge\u201d")
    expect(mo.locator("[data-amendment-typing]")).to_be_hidden()
    browsing.assert_fits_width(mo, 375, "live amendment, read")
    browsing.screenshot(mo, "live-amendment-read-375")
    browsing.check_accessibility(mo, "live amendment, read")
