"""An accessibility tour: every main page of the app, as the person who would see it, on a
1280 px laptop and a 375 px phone.

The data is built with the services (the access matrix's `build_world`: a response with a
history, a conflict, versions open for signing, signatures, a partner link and a finished
export), then each page is opened in Chromium and checked as a person relying on a screen
reader, a keyboard or a small screen would need it:

- axe-core finds nothing serious or critical (the `browsing` fixture fails the test on those,
  and on console errors, CSP violations and 5xx answers);
- exactly one h1, one main landmark, the base template's skip link pointing at it;
- every form field has an accessible name;
- at 375 px nothing makes the page scroll sideways.

Every page is screenshotted at both widths in test-artifacts/e2e/ for a person to look at."""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

from tests.factories import PASSWORD
from tests.security.test_access_matrix import build_world

pytestmark = pytest.mark.e2e

VIEWPORTS = {"laptop": (1280, 900), "phone": (375, 812)}


@dataclass(frozen=True)
class Stop:
    """A page of the tour: who looks at it, its address (World values filled in), its h1."""

    name: str
    who: str  # "anonymous", or a role of the team ("owner", "outsider"...)
    path: str
    heading: str | re.Pattern[str]  # a pattern, or text the h1 contains
    status: int = 200


def tour(values: dict) -> list[Stop]:
    """The main pages, in the order a newcomer would meet them."""
    v = values
    response = f"/responses/{v['response_id']}"
    section = f"{response}/sections/{v['section_id']}"
    title = "Matrix Response Title"
    version = re.compile(r"^Version \d+$")
    return [
        Stop("landing", "anonymous", "/", "Answer a consultation together"),
        Stop("sign up", "anonymous", "/signup", "Create an account"),
        Stop("log in", "anonymous", "/login", "Log in"),
        Stop("password reset", "anonymous", "/password/forgot", "Reset your password"),
        Stop("privacy notice", "anonymous", "/privacy", "Privacy notice"),
        Stop("not found", "anonymous", "/no-such-page", "Page not found", 404),
        Stop("public signing", "anonymous", f"/sign/{v['public_version_id']}", title),
        Stop(
            "signer's manage page",
            "anonymous",
            f"/signatures/manage/{v['withdraw_manage_token']}",
            "Your signature",
        ),
        Stop("verify", "anonymous", "/verify", "Verify a response"),
        Stop("verify a fingerprint", "anonymous", f"/verify/{v['public_sha256']}", "Verify"),
        Stop("dashboard", "owner", "/", "Hello, "),
        Stop("your responses", "owner", "/responses", "Your responses"),
        Stop("organisation overview", "owner", f"/o/{v['slug']}", v["organisation_name"]),
        Stop("members", "owner", f"/o/{v['slug']}/members", "Members"),
        Stop("settings", "owner", f"/o/{v['slug']}/settings", "Settings"),
        Stop("audit log", "owner", f"/o/{v['slug']}/audit", "Audit log"),
        Stop("consultations", "owner", f"/o/{v['slug']}/consultations", "Consultations"),
        Stop(
            "a consultation",
            "owner",
            f"/o/{v['slug']}/consultations/facial-recognition-framework",
            "facial recognition",
        ),
        Stop("responses", "owner", f"/o/{v['slug']}/responses", "Responses"),
        Stop("new response", "owner", f"/o/{v['slug']}/responses/new", "Start a response"),
        Stop("response dashboard", "owner", response, title),
        Stop("section editor", "editor", section, "Summary"),
        Stop("manage section", "owner", f"{section}/manage", "Summary"),
        Stop(
            "history with a diff",
            "owner",
            f"{section}/history?from={v['first_revision_id']}",
            "History",
        ),
        Stop(
            "conflict",
            "editor",
            f"{section}/conflict/{v['conflict_revision_id']}",
            "Your edit clashed",
        ),
        Stop("whole-response preview", "owner", f"{response}/preview", "Response from"),
        Stop("versions", "owner", f"{response}/versions", "Versions"),
        Stop("a version", "owner", f"/versions/{v['public_version_id']}", version),
        Stop(
            "version diff",
            "owner",
            f"/versions/{v['public_version_id']}/diff",
            re.compile(r"^Changes from version \d+ to version \d+$"),
        ),
        Stop(
            "version changes",
            "owner",
            f"/versions/{v['frozen_version_id']}/changes",
            f"What changed in “{title}”",
        ),
        Stop("signatures", "owner", f"/versions/{v['public_version_id']}/signatures", "Signatures"),
        Stop(
            "partner co-sign",
            "outsider",
            f"/sign/{v['members_version_id']}/partner/{v['partner_token']}",
            title,
        ),
        Stop("export", "owner", f"{response}/export", "Export the response"),
        Stop("export job", "owner", f"/exports/{v['export_id']}", "Your file is ready"),
        Stop("text for online forms", "owner", f"{response}/export/text", "Text for online forms"),
        Stop("account", "owner", "/account", "Your account"),
        Stop(
            "two-factor set-up",
            "owner",
            "/account/two-factor/setup",
            "Set up two-factor authentication",
        ),
        Stop("delete account", "owner", "/account/delete", "Delete your account"),
    ]


# A form field a person can fill in but a screen reader could not name.
_UNNAMED_FIELDS = """
() => Array.from(document.querySelectorAll("input, select, textarea"))
  .filter((el) => !["hidden", "submit", "button", "reset", "image"].includes(el.type))
  .filter((el) => !(el.labels && el.labels.length) && !el.getAttribute("aria-label")
    && !el.getAttribute("aria-labelledby") && !el.title)
  .map((el) => el.tagName.toLowerCase() + (el.name ? "[name=" + el.name + "]" : ""))
"""


def log_in(page, email: str) -> None:
    page.goto("/login")
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_text(re.compile(r"^Welcome (back|to Consult), "))).to_be_visible()


def forgive_expected_status(browsing, path: str, status: int) -> None:
    """Chromium logs every non-2xx answer as a console error; a 404 page's own 404, or the
    422 of a form sent back with its errors, is the page's contract, not a fault: drop
    exactly that line."""
    expected = f"Failed to load resource: the server responded with a status of {status}"
    browsing.problems[:] = [p for p in browsing.problems if not (path in p and expected in p)]


def test_every_main_page_is_accessible_on_a_laptop_and_a_phone(browsing, app, team):
    world = build_world(app, team, "owner")
    users = {"owner": team.owner, "editor": team.editor, "outsider": team.outsider}
    pages: dict[str, object] = {}
    failures: list[str] = []
    checked = 0

    def page_for(who: str):
        if who not in pages:
            pages[who] = browsing.new_page(who)
            if who != "anonymous":
                log_in(pages[who], users[who].email)
        return pages[who]

    stops = tour(world.values)
    for viewport, (width, height) in VIEWPORTS.items():
        for stop in stops:
            page = page_for(stop.who)
            page.set_viewport_size({"width": width, "height": height})
            answer = page.goto(stop.path)
            where = f"{stop.name} at {width}px ({stop.path})"
            if answer.status != stop.status:
                failures.append(f"{where}: status {answer.status}, expected {stop.status}")
                continue
            if stop.status >= 400:
                forgive_expected_status(browsing, stop.path, stop.status)
            h1 = page.locator("h1")
            if h1.count() != 1:
                failures.append(f"{where}: {h1.count()} h1 elements, expected one")
            else:
                heading = " ".join(h1.inner_text().split())
                wanted = stop.heading
                if not (
                    wanted.search(heading) if isinstance(wanted, re.Pattern) else wanted in heading
                ):
                    failures.append(f"{where}: the h1 is {heading!r}, expected {wanted!r}")
            if page.locator("main, [role=main]").count() != 1:
                failures.append(f"{where}: not exactly one main landmark")
            skip = page.locator("a.skip-link")
            if skip.count() != 1 or page.locator(skip.get_attribute("href")).count() != 1:
                failures.append(f"{where}: no skip link to the main content")
            unnamed = page.evaluate(_UNNAMED_FIELDS)
            if unnamed:
                failures.append(f"{where}: form fields without a name: {unnamed}")
            if viewport == "phone":
                try:
                    browsing.assert_fits_width(page, width, stop.name)
                except AssertionError as error:
                    failures.append(str(error))
            browsing.check_accessibility(page, f"{stop.name} ({width}px)")
            browsing.screenshot(page, f"{viewport}-{re.sub(r'[^a-z0-9]+', '-', stop.name)}")
            checked += 1

    print(
        f"Accessibility tour: {len(stops)} pages x {len(VIEWPORTS)} viewports = {checked} checked"
    )
    assert checked == len(stops) * len(VIEWPORTS), failures
    assert not failures, "\n".join(failures)


# Each organisation tab whose link is not wholly inside the viewport (hidden off the side of a
# scrolling tab bar, say), and whether the tab bar scrolls sideways.
_TABS_OUT_OF_VIEW = """
(width) => {
  const nav = document.querySelector("nav.tabs");
  const hidden = Array.from(nav.querySelectorAll("a"))
    .filter((a) => {
      const box = a.getBoundingClientRect();
      return box.left < 0 || box.right > width;
    })
    .map((a) => a.textContent.trim());
  return {hidden, scrolls: nav.scrollWidth > nav.clientWidth};
}
"""


def test_every_organisation_tab_is_in_view_on_a_phone(browsing, team):
    """On a 375 px phone the organisation's tabs wrap onto a second row rather than hiding
    Members and Settings off the side of a bar nobody knows scrolls."""
    owner = browsing.new_page("owner")
    log_in(owner, team.owner.email)
    owner.set_viewport_size({"width": 375, "height": 812})
    owner.goto(f"/o/{team.organisation.slug}")
    tabs = owner.get_by_role("navigation", name=team.organisation.name)
    names = ["Overview", "Responses", "Consultations", "Members", "Settings"]
    for name in names:
        expect(tabs.get_by_role("link", name=name, exact=True)).to_be_visible()
    browsing.assert_fits_width(owner, 375, "organisation tabs")
    browsing.screenshot(owner, "phone-organisation-tabs")

    assert owner.evaluate(_TABS_OUT_OF_VIEW, 375) == {"hidden": [], "scrolls": False}


# The fields marked invalid whose error message is not tied to them (aria-describedby), and
# links of the error summary that lead nowhere.
_UNTIED_ERRORS = """
() => {
  const untied = Array.from(document.querySelectorAll("[aria-invalid=true]"))
    .filter((el) => !(el.getAttribute("aria-describedby") || "").split(/\\s+/)
      .map((id) => document.getElementById(id))
      .some((described) => described && described.textContent.includes("Error:")))
    .map((el) => "field " + (el.name || el.id));
  const dangling = Array.from(document.querySelectorAll(".error-summary a[href^='#']"))
    .filter((a) => !document.getElementById(a.getAttribute("href").slice(1)))
    .map((a) => "summary link " + a.getAttribute("href"));
  return untied.concat(dangling);
}
"""

# Whether the focused element shows where the focus is (an outline or a box shadow).
_FOCUS_IS_VISIBLE = """
() => {
  const style = getComputedStyle(document.activeElement);
  return (style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0) ||
    style.boxShadow !== "none";
}
"""


def test_form_errors_are_tied_to_their_fields_and_the_focus_is_always_visible(browsing, team):
    """Sent empty, each form says what is wrong above it (focused, so a screen reader reads
    it), next to each field and tied to it; from the top of a page, Tab reaches the skip link
    first, visibly, and it leads into the main content."""
    visitor = browsing.new_page("visitor")
    owner = browsing.new_page("owner")
    log_in(owner, team.owner.email)
    member = browsing.new_page("member")  # the owner could not leave: they hand over first
    log_in(member, team.member.email)
    slug = team.organisation.slug
    forms = [
        (visitor, "/signup", "Create account"),
        (visitor, "/password/forgot", "Send the link"),
        (owner, f"/o/{slug}/settings", "Save"),
        (owner, f"/o/{slug}/members", "Send invitation"),
        (member, "/account/delete", "Delete my account"),
    ]
    member.on("dialog", lambda dialog: dialog.accept())  # data-confirm forms ask first
    failures: list[str] = []
    for page, path, button in forms:
        page.goto(path)
        for field in page.locator("main form input:not([type=hidden]):not([readonly])").all():
            if field.get_attribute("type") not in ("checkbox", "radio"):
                field.fill("")
        page.get_by_role("button", name=button, exact=True).click()
        summary = page.locator(".error-summary")
        expect(summary).to_be_visible()
        expect(summary).to_be_focused()
        expect(page.locator("[aria-invalid=true]").first).to_be_visible()
        failures.extend(f"{path}: {problem}" for problem in page.evaluate(_UNTIED_ERRORS))
        browsing.check_accessibility(page, f"{path} with errors")
        forgive_expected_status(browsing, urlsplit(page.url).path, 422)

    for page, path, _ in forms:
        page.goto(path)
        page.keyboard.press("Tab")
        skip = page.locator("a.skip-link")
        expect(skip).to_be_focused()
        expect(skip).to_be_in_viewport()
        if not page.evaluate(_FOCUS_IS_VISIBLE):
            failures.append(f"{path}: the focused skip link shows no focus")
        page.keyboard.press("Enter")
        expect(page.locator("main#main")).to_be_focused()
    assert not failures, "\n".join(failures)
