"""The foundation's journey in a real browser: a coordinator signs up, confirms, creates the
organisation, invites a colleague as editor (who signs up from the invitation and joins) and
another as member, then starts a response to the facial-recognition consultation.

Each step is looked at as a person would: screenshots, axe-core on every main page, no console
errors or CSP violations, and the sign-up and log-in pages on a phone-sized screen."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def sign_up(browsing, page, name: str, email: str, *, check: str | None = None) -> None:
    """Fill in the sign-up form, which the page is showing, and send it."""
    expect(page.get_by_role("heading", name="Create an account", level=1)).to_be_visible()
    page.get_by_label("Your name").fill(name)
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    if check:
        browsing.screenshot(page, f"{check}-sign-up")
        browsing.check_accessibility(page, "sign up")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your e-mail", level=1)).to_be_visible()
    expect(page.get_by_text(email)).to_be_visible()


def confirm_from_email(browsing, page, email: str, *, check: str | None = None) -> None:
    """Open the link in the confirmation e-mail and press the button."""
    page.goto(browsing.link_in_last_email(email, "/confirm/"))
    expect(page.get_by_role("heading", name="Confirm your e-mail address")).to_be_visible()
    if check:
        browsing.screenshot(page, f"{check}-confirm")
        browsing.check_accessibility(page, "confirm e-mail")
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text("your e-mail address is confirmed")).to_be_visible()
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()


def log_in(browsing, page, email: str, *, check: str | None = None) -> None:
    """Fill in the log-in form, which the page is showing, and send it."""
    expect(page.get_by_role("heading", name="Log in", level=1)).to_be_visible()
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    if check:
        browsing.screenshot(page, f"{check}-log-in")
        browsing.check_accessibility(page, "log in")
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(re.compile(r"^Welcome (back|to Consult), "))).to_be_visible()


def test_a_coordinator_signs_up_invites_an_editor_and_a_member_and_starts_a_response(browsing):
    coordinator = browsing.new_page("coordinator")

    # The landing page says what Consult is and offers an account.
    coordinator.goto("/")
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text(
        "Answer a consultation together"
    )
    browsing.screenshot(coordinator, "01-landing")
    browsing.check_accessibility(coordinator, "landing")
    coordinator.get_by_role("link", name="Create an account").click()

    sign_up(browsing, coordinator, "Cora Campaigner", "cora@northtown.example", check="02")
    browsing.screenshot(coordinator, "03-check-your-email")
    browsing.check_accessibility(coordinator, "check your e-mail")

    confirm_from_email(browsing, coordinator, "cora@northtown.example", check="04")
    log_in(browsing, coordinator, "cora@northtown.example", check="05")

    # A new person's dashboard: no organisation yet, and a way to create one.
    expect(coordinator.get_by_role("heading", name="Hello, Cora Campaigner")).to_be_visible()
    browsing.screenshot(coordinator, "06-dashboard-empty")
    browsing.check_accessibility(coordinator, "dashboard (no organisation)")
    coordinator.get_by_role("link", name="Create an organisation").click()

    expect(coordinator.get_by_role("heading", name="Create an organisation")).to_be_visible()
    coordinator.get_by_label("Organisation name").fill("Northtown Residents' Association")
    browsing.screenshot(coordinator, "07-new-organisation")
    browsing.check_accessibility(coordinator, "new organisation")
    coordinator.get_by_role("button", name="Create organisation").click()

    # The members page, ready for invitations.
    expect(coordinator.get_by_text("Northtown Residents' Association is ready.")).to_be_visible()
    expect(coordinator.get_by_role("heading", name="Members", level=1)).to_be_visible()
    invite = coordinator.get_by_role("region", name="Invite someone")
    invite.get_by_label("E-mail address").fill("eddie@northtown.example")
    invite.get_by_label("Role").select_option(label="Editor")
    invite.get_by_role("button", name="Send invitation").click()
    expect(
        coordinator.get_by_text("Invitation sent to eddie@northtown.example as editor")
    ).to_be_visible()
    pending = coordinator.get_by_role("region", name="Invitations")
    expect(
        pending.get_by_role("listitem").filter(has_text="eddie@northtown.example")
    ).to_contain_text("Pending")
    # A second colleague is invited as a member: they will read, comment and sign.
    invite.get_by_label("E-mail address").fill("mo@northtown.example")
    invite.get_by_label("Role").select_option(label="Member")
    invite.get_by_role("button", name="Send invitation").click()
    expect(
        coordinator.get_by_text("Invitation sent to mo@northtown.example as member")
    ).to_be_visible()
    expect(pending.get_by_role("listitem").filter(has_text="mo@northtown.example")).to_contain_text(
        "Pending"
    )
    browsing.screenshot(coordinator, "08-members-invited")
    browsing.check_accessibility(coordinator, "members (invitation pending)")

    # The colleague, in another browser, follows the invitation link before having an account.
    invitation_link = browsing.link_in_last_email("eddie@northtown.example", "/invitations/")
    colleague = browsing.new_page("colleague")
    colleague.goto(invitation_link)
    expect(
        colleague.get_by_role("heading", name="Join Northtown Residents' Association")
    ).to_be_visible()
    browsing.screenshot(colleague, "09-invitation-anonymous")
    browsing.check_accessibility(colleague, "invitation (logged out)")
    colleague.get_by_role("link", name="Create an account").click()

    # The sign-up form already holds the invited address.
    expect(colleague.get_by_label("E-mail address")).to_have_value("eddie@northtown.example")
    sign_up(browsing, colleague, "Eddie Editor", "eddie@northtown.example")
    confirm_from_email(browsing, colleague, "eddie@northtown.example")

    # Back to the invitation link: log in from there, and come back to it to accept.
    colleague.goto(invitation_link)
    colleague.get_by_role("link", name="Log in to accept").click()
    log_in(browsing, colleague, "eddie@northtown.example")
    expect(colleague).to_have_url(re.compile(re.escape(invitation_link) + "$"))
    browsing.screenshot(colleague, "10-invitation-logged-in")
    browsing.check_accessibility(colleague, "invitation (logged in)")
    colleague.get_by_role("button", name="Accept and join").click()

    expect(colleague.get_by_text("Welcome to Northtown Residents' Association.")).to_be_visible()
    expect(
        colleague.get_by_role("heading", name="Northtown Residents' Association", level=1)
    ).to_be_visible()
    browsing.screenshot(colleague, "11-organisation-joined")
    browsing.check_accessibility(colleague, "organisation overview (editor)")

    # The coordinator sees the colleague among the members, as editor, and no pending invitation.
    coordinator.reload()
    people = coordinator.get_by_role("table", name=re.compile("Members of"))
    row = people.get_by_role("row").filter(has_text="Eddie Editor")
    expect(row).to_have_count(1)
    expect(row.get_by_label("Role of Eddie Editor")).to_have_value("editor")
    expect(coordinator.get_by_role("heading", name="People (2)")).to_be_visible()
    expect(
        coordinator.get_by_role("region", name="Invitations").get_by_text("eddie@northtown.example")
    ).to_have_count(0)
    expect(
        coordinator.get_by_role("region", name="Invitations").get_by_text("mo@northtown.example")
    ).to_have_count(1)
    browsing.screenshot(coordinator, "12-members-joined")
    browsing.check_accessibility(coordinator, "members (editor joined)")

    # The coordinator starts the response from the consultation itself.
    coordinator.get_by_role("link", name="Consultations").click()
    expect(coordinator.get_by_role("heading", name="Consultations", level=1)).to_be_visible()
    coordinator.get_by_role("link", name=re.compile("^A new legal framework")).first.click()
    expect(coordinator.get_by_role("heading", level=1)).to_contain_text("facial recognition")
    browsing.check_accessibility(coordinator, "the facial-recognition consultation")
    coordinator.get_by_role("link", name="Start a response").click()
    expect(coordinator.get_by_role("heading", name="Start a response", level=1)).to_be_visible()
    expect(coordinator.get_by_label(re.compile("^A new legal framework"))).to_be_checked()
    coordinator.get_by_label("Title of your response").fill(
        "Northtown's response on facial recognition"
    )
    coordinator.get_by_label("Home Office consultation").check()
    browsing.screenshot(coordinator, "13-start-a-response")
    browsing.check_accessibility(coordinator, "start a response")
    coordinator.get_by_role("button", name="Start the response").click()

    expect(
        coordinator.get_by_role(
            "heading", name="Northtown's response on facial recognition", level=1
        )
    ).to_be_visible()
    expect(coordinator.get_by_text(re.compile("^Your response is ready"))).to_be_visible()
    browsing.screenshot(coordinator, "14-response-dashboard")
    browsing.check_accessibility(coordinator, "the new response's dashboard")


def test_sign_up_and_log_in_fit_a_phone_screen(browsing):
    phone = browsing.new_page("phone", **PHONE)
    width = PHONE["viewport"]["width"]

    phone.goto("/")
    browsing.assert_fits_width(phone, width, "landing")
    browsing.screenshot(phone, "01-landing")

    phone.goto("/signup")
    browsing.assert_fits_width(phone, width, "sign up")
    # The form with its errors shown is the widest it gets.
    phone.get_by_role("button", name="Create account").click()
    expect(phone.get_by_role("alert").filter(has_text="There is a problem")).to_be_visible()
    browsing.assert_fits_width(phone, width, "sign up with errors")
    browsing.screenshot(phone, "02-sign-up-errors")
    browsing.check_accessibility(phone, "sign up with errors (phone)")

    sign_up(browsing, phone, "Pat Phone", "pat@phone.example", check="03")
    browsing.assert_fits_width(phone, width, "check your e-mail")
    confirm_from_email(browsing, phone, "pat@phone.example")
    browsing.assert_fits_width(phone, width, "log in")
    log_in(browsing, phone, "pat@phone.example", check="04")
    browsing.assert_fits_width(phone, width, "dashboard")
    browsing.screenshot(phone, "05-dashboard")


def test_the_browser_checks_notice_real_problems(browsing):
    """The checks above are only worth something if they notice a real problem."""
    page = browsing.new_page("detector")
    page.goto("/privacy")
    expect(page.get_by_role("heading", name="Privacy notice")).to_be_visible()

    # The browser tests run with CSRF protection on, as in production.
    refused = page.request.post("/login", form={"email": "a@example.org", "password": "x" * 12})
    assert refused.status == 400, refused.status

    # An inline script is refused by the CSP, and the refusal is recorded.
    with pytest.raises(Exception, match="Content Security Policy"):
        page.add_script_tag(content="window.injected = true")
    for _ in range(40):  # the securitypolicyviolation event arrives a moment later
        if any("CSP violation: script-src" in p for p in browsing.problems):
            break
        page.wait_for_timeout(50)
    assert any("CSP violation: script-src" in p for p in browsing.problems), browsing.problems

    # axe really runs: an image without a text alternative is a critical violation.
    page.evaluate(
        """() => {
          const img = document.createElement("img");
          img.src = "/static/favicon.svg";
          document.querySelector("main").append(img);
        }"""
    )
    found = browsing.check_accessibility(page, "privacy with a broken image")
    assert [v["impact"] for v in found if v["id"] == "image-alt"] == ["critical"], found

    # Something wider than a phone is noticed, and named.
    phone = browsing.new_page("detector on a phone", **PHONE)
    phone.goto("/privacy")
    browsing.assert_fits_width(phone, 375, "privacy")
    phone.evaluate(
        """() => {
          const wide = document.createElement("div");
          wide.id = "too-wide";
          wide.style.width = "600px";
          wide.textContent = "A line that does not wrap";
          document.querySelector("main").append(wide);
        }"""
    )
    with pytest.raises(AssertionError, match="div#too-wide"):
        browsing.assert_fits_width(phone, 375, "privacy with a wide element")

    browsing.problems.clear()
    browsing.axe_findings.clear()
