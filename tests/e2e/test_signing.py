"""Signing in a real browser. The coordinator freezes a version and opens public signing; two
supporters sign from the public link and confirm from their e-mails (one publishes her name,
one does not), the first withdraws from her manage link; a partner organisation's coordinator
co-signs through the partner link. Then the public form used with the keyboard alone (Tab,
Space, Enter; sent at once, it is kept and the person asked to confirm once more), and the
signing pages on a 375 px phone without sideways scrolling.

Every page is looked at as a person would: screenshots at desktop and phone widths, axe-core,
no console errors and no CSP violations (the `browsing` fixture fails the test on those)."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests import factories
from tests.factories import PASSWORD
from tests.signing.pages_support import make_response, make_version

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
MIN_FILL_WAIT = 3_200  # a form sent within 3 s of drawing it is held back, to be confirmed


def log_in(page, user, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def accept_dialogs(page) -> None:
    """Forms marked data-confirm ask first (static/js/app.js): say yes, as a person would."""
    page.on("dialog", lambda dialog: dialog.accept())


def forgive_expected_422(browsing, path: str) -> None:
    """Chromium logs every non-2xx answer as a console error. The 422 that brings the form
    back with "Tick I agree" is the page's contract, not a fault: drop exactly that line."""
    expected = f"{path}: Failed to load resource: the server responded with a status of 422"
    browsing.problems[:] = [problem for problem in browsing.problems if expected not in problem]


def listed(page) -> str:
    """The text of the signing page's "Who has signed" section."""
    return page.locator(".signatories").inner_text()


def sign_publicly(page, name: str, email: str, publish: bool) -> None:
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Affiliation (optional)").fill("Northtown tenants")
    page.get_by_label("I agree").check()
    if publish:
        page.get_by_label("Publish my name and affiliation with the response").check()
    page.wait_for_timeout(MIN_FILL_WAIT)
    page.get_by_role("button", name="Sign this version").click()
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()


def confirm_from_email(browsing, page, email: str) -> None:
    page.goto(browsing.link_in_last_email(email, "/signatures/confirm/"))
    expect(page.get_by_role("heading", name="Confirm your signature")).to_be_visible()
    page.get_by_role("button", name="Confirm my signature").click()
    expect(page.get_by_role("heading", name="Your signature is confirmed")).to_be_visible()


def test_freeze_open_sign_confirm_list_withdraw_and_co_sign(browsing, team):
    response = make_response(team, "Response on facial recognition")
    partner_user = factories.make_user(name="Priya Partner")
    partner_organisation = factories.make_organisation(partner_user, name="Open Rights Northwest")

    # The coordinator freezes version 1 and opens it for public signing.
    cora = browsing.new_page("cora", **DESKTOP)
    accept_dialogs(cora)
    log_in(cora, team.coordinator, f"/responses/{response.id}/versions")
    expect(cora.get_by_role("heading", name="What freezing means")).to_be_visible()
    browsing.screenshot(cora, "01-versions-empty")
    browsing.check_accessibility(cora, "versions")
    cora.get_by_label("Note (optional)").fill("Agreed by the steering group")
    cora.get_by_role("button", name="Freeze this version").click()
    expect(cora.get_by_text("Version 1 is frozen")).to_be_visible()
    fingerprint = cora.locator("#fingerprint").inner_text().strip()
    assert re.fullmatch(r"[0-9a-f]{64}", fingerprint)
    cora.get_by_label("Anyone with the link (public signing, with e-mail confirmation)").check()
    cora.get_by_role("button", name="Open signing").click()
    expect(cora.get_by_text("is open for signing by anyone with the link")).to_be_visible()
    sign_path = re.sub(r"^https?://[^/]+", "", cora.locator("#sign-url").input_value())
    partner_path = re.sub(r"^https?://[^/]+", "", cora.locator("#partner-url").input_value())
    assert re.fullmatch(r"/sign/\d+", sign_path)
    browsing.screenshot(cora, "02-version-open")
    browsing.check_accessibility(cora, "version page")

    # Pat signs from the public link and asks for her name to be published.
    pat = browsing.new_page("pat", **DESKTOP)
    accept_dialogs(pat)
    pat.goto(sign_path)
    expect(pat.get_by_role("heading", name="Response on facial recognition")).to_be_visible()
    expect(pat.get_by_text("co-signing reveals my political opinion")).to_be_visible()
    expect(pat.get_by_label("I agree")).not_to_be_checked()
    expect(
        pat.get_by_label("Publish my name and affiliation with the response")
    ).not_to_be_checked()
    assert fingerprint in pat.locator(".fingerprint__value").inner_text()
    browsing.screenshot(pat, "03-sign-desktop")
    browsing.check_accessibility(pat, "signing page")
    # Without "I agree" nothing is recorded, and the page says why.
    pat.get_by_label("Your name").fill("Pat Public")
    pat.get_by_label("E-mail address").fill("pat@example.org")
    pat.get_by_role("button", name="Sign this version").click()
    expect(pat.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(pat.locator("#consent-error")).to_contain_text("Tick “I agree”")
    browsing.screenshot(pat, "04-sign-consent-missing")
    browsing.check_accessibility(pat, "signing page with an error")
    forgive_expected_422(browsing, sign_path + "#sign")  # the form answers at itself
    sign_publicly(pat, "Pat Public", "pat@example.org", publish=True)
    browsing.screenshot(pat, "05-check-your-email")
    browsing.check_accessibility(pat, "check your e-mail")
    confirm_from_email(browsing, pat, "pat@example.org")
    expect(pat.get_by_text("now has 1 confirmed signature")).to_be_visible()
    browsing.screenshot(pat, "06-confirmed")
    browsing.check_accessibility(pat, "confirmed")

    # Quinn signs too, without publishing: counted, not listed.
    quinn = browsing.new_page("quinn", **DESKTOP)
    quinn.goto(sign_path)
    sign_publicly(quinn, "Quinn Quiet", "quinn@example.org", publish=False)
    confirm_from_email(browsing, quinn, "quinn@example.org")
    expect(quinn.get_by_text("you are counted, not listed")).to_be_visible()

    pat.goto(sign_path)
    expect(pat.locator(".signatories")).to_contain_text("2 confirmed signatures")
    assert "Pat Public" in listed(pat)
    assert "Quinn Quiet" not in listed(pat)

    # A partner organisation's coordinator co-signs through the partner link.
    priya = browsing.new_page("priya", **DESKTOP)
    log_in(priya, partner_user, partner_path)
    expect(
        priya.get_by_role("heading", name="Co-sign on behalf of an organisation")
    ).to_be_visible()
    priya.get_by_label("Sign on behalf of", exact=True).select_option(label="Open Rights Northwest")
    priya.get_by_label("I agree").check()
    browsing.screenshot(priya, "07-partner")
    browsing.check_accessibility(priya, "partner page")
    priya.get_by_role("button", name="Co-sign for this organisation").click()
    expect(priya.get_by_text("Open Rights Northwest now co-signs version 1")).to_be_visible()
    pat.goto(sign_path)
    expect(pat.locator(".signatories")).to_contain_text("3 confirmed signatures")
    organisations = pat.locator("section[aria-labelledby=orgs-title]").inner_text()
    assert partner_organisation.name in organisations

    # Pat withdraws from the link in her e-mail: counted out at once, off the list.
    pat.goto(browsing.link_in_last_email("pat@example.org", "/signatures/manage/"))
    expect(pat.get_by_role("heading", name="Your signature")).to_be_visible()
    browsing.screenshot(pat, "08-manage")
    browsing.check_accessibility(pat, "manage")
    pat.get_by_role("button", name="Withdraw my signature").click()
    expect(pat.get_by_text("Your signature is withdrawn. It no longer counts.")).to_be_visible()
    expect(pat.get_by_text("You withdrew this signature")).to_be_visible()
    pat.goto(sign_path)
    expect(pat.locator(".signatories")).to_contain_text("2 confirmed signatures")
    assert "Pat Public" not in listed(pat)

    # The coordinator sees the signatures, the chart and the CSV link; anyone can verify.
    cora.goto(sign_path.replace("/sign/", "/versions/") + "/signatures")
    expect(
        cora.get_by_role("img", name="Running total of confirmed signatures by day")
    ).to_be_visible()
    expect(cora.locator(".signatures-table")).to_contain_text("quinn@example.org")
    browsing.screenshot(cora, "09-signatures")
    browsing.check_accessibility(cora, "signatures")
    pat.goto("/verify")
    pat.get_by_label("Fingerprint (SHA-256)").fill(fingerprint.upper())
    pat.get_by_role("button", name="Verify").click()
    expect(pat.get_by_text("This fingerprint matches a published version")).to_be_visible()
    expect(pat.locator(".verify-result")).to_contain_text("Response on facial recognition")
    browsing.screenshot(pat, "10-verified")
    browsing.check_accessibility(pat, "verification")


def test_the_public_form_works_with_the_keyboard_alone(browsing, team, monkeypatch):
    # Tabbing through the page takes a few seconds here: this person is quicker than that.
    monkeypatch.setitem(browsing.app.config, "SIGNING_MIN_FILL_SECONDS", 120)
    version = make_version(team, public=True)
    page = browsing.new_page("keyboard", **DESKTOP)
    page.goto(f"/sign/{version.id}")

    def focused() -> str:
        return page.evaluate(
            "() => { const e = document.activeElement; return e.id || e.name || e.tagName; }"
        )

    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    for _ in range(40):  # through the header, the copy button and "Read the rest of the text"
        page.keyboard.press("Tab")
        if focused() == "name":
            break
        assert focused() != "website", "the honeypot must not take keyboard focus"
    assert focused() == "name"
    page.keyboard.type("Kim Keyboard")
    page.keyboard.press("Tab")
    assert focused() == "email"
    page.keyboard.type("kim@example.org")
    page.keyboard.press("Tab")
    assert focused() == "affiliation"
    page.keyboard.press("Tab")
    assert focused() == "consent"
    page.keyboard.press("Space")
    expect(page.get_by_label("I agree")).to_be_checked()
    page.keyboard.press("Tab")
    assert focused() == "publish"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.textContent.trim()") == "Sign this version"
    browsing.screenshot(page, "keyboard-focus-on-submit")
    # Sent at once (as autofill makes normal): held back, kept as typed, asked to confirm.
    page.keyboard.press("Enter")
    notice = page.get_by_role("alert").filter(has_text="Please confirm that you want to sign")
    expect(notice).to_be_visible()
    expect(page.get_by_label("Your name")).to_have_value("Kim Keyboard")
    expect(page.get_by_label("I agree")).to_be_checked()
    browsing.screenshot(page, "keyboard-asked-to-confirm")
    browsing.check_accessibility(page, "signing page asking to confirm")
    page.get_by_role("button", name="Sign this version").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    assert "/signatures/confirm/" in browsing.link_in_last_email(
        "kim@example.org", "/signatures/confirm/"
    )


def test_the_signing_pages_fit_a_375_px_phone(browsing, team):
    version = make_version(team, public=True)
    phone = browsing.new_page("phone", **PHONE)
    phone.goto(f"/sign/{version.id}")
    expect(phone.get_by_role("link", name="Go to the signing form")).to_be_visible()
    browsing.assert_fits_width(phone, 375, "signing page")
    browsing.screenshot(phone, "sign-phone")
    browsing.check_accessibility(phone, "signing page (phone)")
    phone.get_by_text("Read the rest of the text").click()
    browsing.assert_fits_width(phone, 375, "signing page, full text open")
    sign_publicly(phone, "Pham Phone", "pham@example.org", publish=True)
    browsing.assert_fits_width(phone, 375, "check your e-mail")
    phone.goto(browsing.link_in_last_email("pham@example.org", "/signatures/manage/"))
    browsing.assert_fits_width(phone, 375, "manage")
    browsing.screenshot(phone, "manage-phone")
    browsing.check_accessibility(phone, "manage (phone)")

    cora = browsing.new_page("cora-phone", **PHONE)
    log_in(cora, team.coordinator, f"/responses/{version.response_id}/versions")
    for path, name in (
        (f"/responses/{version.response_id}/versions", "versions"),
        (f"/versions/{version.id}", "version"),
        (f"/versions/{version.id}/signatures", "signatures"),
        ("/verify/" + version.sha256, "verification"),
    ):
        cora.goto(path)
        browsing.assert_fits_width(cora, 375, name)
        browsing.screenshot(cora, f"{name}-phone")
        browsing.check_accessibility(cora, f"{name} (phone)")
