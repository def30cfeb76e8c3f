"""Responding to a bill in a real browser, at 1280 px and on a 375 px phone: an editor starts a
response to the organisation's bill from the new response form, gives a position on clause 1
with the bill's text beside it (side by side on a desktop, stacked on a phone), quotes a line
of the bill in a comment, adds an amendment with the structured form (the fields of other
kinds hidden by script, a House style preview first), and the coordinator freezes a version
whose page shows the amendment in House style and says the bill is illustrative.

Screenshots go to test-artifacts/e2e/ for a person to look at; axe-core, console errors, CSP
violations and sideways scrolling fail the test."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from consult.bills import services as bills
from consult.extensions import db
from tests.bills.sample import PRINT
from tests.drafting.conftest import membership_of
from tests.e2e.test_signing import DESKTOP, PHONE, log_in

pytestmark = pytest.mark.e2e


@pytest.fixture
def bill(team):
    made = bills.create_bill(
        membership_of(team.coordinator, team.organisation),
        PRINT,
        title="Police Reform Bill",
        label="As introduced",
        source_kind="text",
        illustrative=True,
    )
    db.session.commit()
    return made


def _clause_layout(page) -> tuple[dict, dict]:
    """The boxes of the bill's text and the editor once the clause page has settled (loaded,
    its fonts in), both read at the same moment: read one at a time, a web font arriving in
    between moved the second and CI saw them overlap."""
    expect(page.get_by_role("heading", name="The bill\u2019s text")).to_be_visible()
    page.wait_for_load_state("load")
    return page.evaluate(
        """async () => {
            await document.fonts.ready;
            const box = (selector) => {
                const r = document.querySelector(selector).getBoundingClientRect();
                return {x: r.x, y: r.y, width: r.width, height: r.height};
            };
            return [box(".bill-text"), box("#editor")];
        }"""
    )


def test_a_response_to_a_bill_from_the_form_to_the_frozen_version(browsing, team, bill):
    slug = team.organisation.slug
    eddie = browsing.new_page("eddie", **DESKTOP)
    log_in(eddie, team.editor, f"/o/{slug}/responses/new")

    # Start the response: the bill, clauses 1 and 2 only.
    eddie.get_by_label("Police Reform Bill").check()
    eddie.get_by_text("Choose the clauses to respond to").click()
    eddie.get_by_label("Clause 1: Use of live facial recognition").check()
    eddie.get_by_label("Clause 2: Code of practice").check()
    browsing.screenshot(eddie, "new-response-1280")
    browsing.check_accessibility(eddie, "new response")
    eddie.get_by_role("button", name="Start the response").click()
    expect(eddie.get_by_role("heading", name="Response to the Police Reform Bill")).to_be_visible()
    response_path = eddie.url.split("127.0.0.1", 1)[1].split("/", 1)[1]

    # Clause 1: the bill's text beside the response, then a position and a quoted line.
    eddie.get_by_role("link", name="Clause 1: Use of live facial recognition").first.click()
    bill_text, editor = _clause_layout(eddie)
    assert bill_text["x"] + bill_text["width"] <= editor["x"] + 1, "not side by side at 1280"
    eddie.get_by_label("Amend").check(force=True)
    eddie.get_by_label("Explain your position").fill("A judge, not a police officer, decides.")
    eddie.get_by_role("button", name="Save", exact=True).click()
    expect(eddie.locator("[data-save-state]")).to_have_text(re.compile(r"^Saved"))
    eddie.get_by_role("link", name=re.compile("Quote page 1, line 4")).click()
    expect(eddie.locator("#quote")).to_have_value(re.compile(r"^Page 1, line 4: \u201c"))
    eddie.locator("#comment").fill("Who is an authorised officer?")
    eddie.get_by_role("button", name="Add comment").click()
    expect(eddie.locator(".comment__quote").first).to_contain_text("Page 1, line 4:")
    browsing.screenshot(eddie, "clause-editor-1280")
    browsing.check_accessibility(eddie, "clause editor")

    # An amendment: choosing "New clause" hides the words to leave out; back to "leave out
    # and insert", preview it, then add it.
    eddie.goto(f"/{response_path}/amendments/new")
    eddie.get_by_label("New clause", exact=True).check(force=True)
    expect(eddie.get_by_label("Words to leave out")).to_be_hidden()
    expect(eddie.get_by_label("Title of the new clause or schedule")).to_be_visible()
    eddie.get_by_label("Leave out words and insert others").check(force=True)
    eddie.get_by_label("Page", exact=True).fill("1")
    eddie.get_by_label("Line", exact=True).fill("4")
    eddie.get_by_label("Words to leave out").fill("authorised officer")
    eddie.get_by_label("Words to insert").fill("judge")
    eddie.get_by_label("Explanatory statement").fill(
        "This amendment would require a judge to authorise the use."
    )
    expect(eddie.locator("[data-statement-count]")).to_have_text("10 of 50 words")
    eddie.get_by_label("Purpose, for supporters").fill("Only a judge should switch them on.")
    # The live preview (amendment-form.js) follows the typing, before any button is pressed.
    expect(eddie.locator("#amendment-preview")).to_contain_text("insert \u201cjudge\u201d")
    eddie.get_by_role("button", name="Preview in House style").click()
    expect(eddie.locator(".amendment-preview")).to_contain_text(
        "Clause 1, page 1, line 4, leave out \u201cauthorised officer\u201d and insert"
    )
    browsing.screenshot(eddie, "amendment-preview-1280")
    browsing.check_accessibility(eddie, "amendment form")
    eddie.get_by_role("button", name="Add the amendment").click()
    expect(eddie.get_by_text("Amendment 1 added.")).to_be_visible()
    browsing.screenshot(eddie, "amendment-editor-1280")
    browsing.check_accessibility(eddie, "amendment editor")

    eddie.goto(f"/{response_path}")
    expect(eddie.locator(".amendment-card")).to_contain_text("insert \u201cjudge\u201d")
    expect(eddie.locator(".section-table")).to_contain_text("Position: Amend")
    # Choosing the bill chose the Public Bill Committee as where it goes (new-response.js).
    expect(eddie.locator(".stats")).to_contain_text("Public Bill Committee")
    browsing.screenshot(eddie, "dashboard-1280")
    browsing.check_accessibility(eddie, "dashboard")

    # The same pages on a phone: stacked, nothing scrolls sideways.
    phone = browsing.new_page("eddie-phone", **PHONE)
    log_in(phone, team.editor, f"/{response_path}")
    for name, path in (
        ("dashboard", f"/{response_path}"),
        ("amendment-form", f"/{response_path}/amendments/new"),
    ):
        phone.goto(path)
        browsing.assert_fits_width(phone, 375, name)
        browsing.screenshot(phone, f"{name}-375")
    phone.goto(f"/{response_path}")
    phone.get_by_role("link", name="Clause 1: Use of live facial recognition").first.click()
    bill_text, editor = _clause_layout(phone)
    assert bill_text["y"] + bill_text["height"] <= editor["y"] + 1, "not stacked at 375"
    browsing.assert_fits_width(phone, 375, "clause editor")
    browsing.screenshot(phone, "clause-editor-375")

    # The coordinator freezes a version: the amendment in House style, the bill illustrative.
    cora = browsing.new_page("cora", **DESKTOP)
    log_in(cora, team.coordinator, f"/{response_path}/versions")
    cora.get_by_role("button", name=re.compile("Freeze")).first.click()
    expect(cora.get_by_role("heading", name="Version 1")).to_be_visible()
    document = cora.locator(".version-layout__document")
    expect(document).to_contain_text("a bill before the House of Commons")
    expect(document).to_contain_text("Illustrative text.")
    expect(document).to_contain_text("Position: Amend")
    expect(document).to_contain_text("leave out \u201cauthorised officer\u201d and insert")
    browsing.screenshot(cora, "version-1280")
    browsing.check_accessibility(cora, "version")
