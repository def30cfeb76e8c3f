"""Two-factor authentication and the person's rights, in a real browser: the owner scans the
set-up page (the key is read from it, as an app would), saves the recovery codes, logs in
again with a code; reads the audit log; downloads their data; and a member deletes their
account on a phone. Screenshots and axe-core on every page; no console errors and no CSP
violations (the `browsing` fixture fails the test on those)."""

from __future__ import annotations

import json
import re

import pyotp
import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}


def _log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()


def test_owner_sets_up_two_factor_logs_in_with_a_code_and_reads_the_audit_log(browsing, team):
    olive = browsing.new_page("olive", **DESKTOP)
    _log_in(olive, team.owner.email)
    olive.goto("/account")
    olive.get_by_role("link", name="Set up two-factor authentication").click()
    expect(olive.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    expect(olive.locator(".qr-code svg")).to_be_visible()
    browsing.screenshot(olive, "01-setup")
    browsing.check_accessibility(olive, "two-factor set-up")
    key = olive.locator("#totp-secret").input_value().replace(" ", "")
    totp = pyotp.TOTP(key)
    olive.get_by_label("Code from your app").fill(totp.now())
    olive.get_by_role("button", name="Turn two-factor on").click()
    expect(olive.get_by_role("heading", name="Two-factor authentication is on")).to_be_visible()
    codes = olive.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    browsing.screenshot(olive, "02-recovery-codes")
    browsing.check_accessibility(olive, "recovery codes")

    # A new browser: the password alone is not enough; a recovery code lets her in once.
    again = browsing.new_page("olive-again", **PHONE)
    _log_in(again, team.owner.email)
    expect(again.get_by_role("heading", name="Enter your code")).to_be_visible()
    browsing.screenshot(again, "03-second-step-phone")
    browsing.check_accessibility(again, "second step")
    browsing.assert_fits_width(again, 375, "second step")
    again.get_by_label("Code from your app, or a recovery code").fill(codes[0])
    again.get_by_role("button", name="Log in").click()
    expect(again.get_by_text("You used a recovery code; 9 are left.")).to_be_visible()

    olive.goto(f"/o/{team.organisation.slug}/audit")
    expect(olive.get_by_role("heading", name="Audit log")).to_be_visible()
    table = olive.locator(".audit-table")
    expect(table).to_contain_text("turned two-factor authentication on")
    expect(table).to_contain_text("logged in with a recovery code")
    olive.get_by_label("Kind of event").select_option("logins")
    olive.get_by_role("button", name="Filter").click()
    expect(table).not_to_contain_text("turned two-factor authentication on")
    browsing.screenshot(olive, "04-audit-log")
    browsing.check_accessibility(olive, "audit log")

    olive.goto("/account")
    with olive.expect_download() as download:
        olive.get_by_role("link", name="Download my data (JSON)").click()
    data = json.loads(download.value.path().read_text(encoding="utf-8"))
    assert data["account"]["email"] == team.owner.email and data["account"]["two_factor"]


def test_a_member_deletes_their_account_on_a_phone(browsing, team):
    mo = browsing.new_page("mo", **PHONE)
    mo.on("dialog", lambda dialog: dialog.accept())
    _log_in(mo, team.member.email)
    mo.goto("/account")
    mo.get_by_role("link", name="Delete my account").click()
    expect(mo.get_by_text("cannot be recalled")).to_be_visible()
    browsing.screenshot(mo, "01-delete-phone")
    browsing.check_accessibility(mo, "delete account")
    browsing.assert_fits_width(mo, 375, "delete account")
    mo.get_by_label("Current password").fill(PASSWORD)
    mo.get_by_role("button", name="Delete my account").click()
    expect(mo.get_by_text("Your account is deleted")).to_be_visible()
    expect(mo).to_have_url(re.compile(r"/$"))
