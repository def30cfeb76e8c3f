"""Browser tests: the session's app served on a real port, driven by Debian's Chromium.

- `live_server` serves the `app` fixture (SQLite, or PostgreSQL with TEST_DATABASE_URL) with
  werkzeug on 127.0.0.1 and a free port, in a background thread, with CSRF protection on as in
  production. Exceptions raised while serving a request fail the test.
- `browser` launches /usr/bin/chromium headless. Without it the tests are skipped, except in CI
  (the CI variable is set), where a missing browser is a failure: CI must run these tests.
- `browsing` opens pages that record console errors, uncaught exceptions, CSP violations and
  5xx responses, runs axe-core on request and takes screenshots. At the end of each test it
  fails the test on any recorded problem or on a serious/critical axe violation, and prints
  (and saves) the lesser axe findings.

Screenshots and axe reports go to test-artifacts/e2e/ (gitignored) for a person to look at.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from flask import got_request_exception
from werkzeug.serving import make_server

from consult.extensions import db as _db
from tests import factories
from tests.e2e import findings

CHROMIUM = Path("/usr/bin/chromium")
# As root in a closed network: no sandbox (root), no GPU (headless machine), and none of the
# background connections that this machine's network would refuse. Playwright adds --headless
# and a fresh temporary --user-data-dir for every launch (it refuses one passed in args).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "e2e"
AXE_JS = Path(__file__).resolve().parent / "vendor" / "axe.min.js"
FAILING_IMPACTS = ("serious", "critical")

# Chromium logs CSP violations to the console itself; this listener adds the directive and the
# blocked resource, and catches any violation that would not be logged. Init scripts are not
# subject to the page's CSP.
_CSP_LISTENER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(
    "CSP violation: " + event.effectiveDirective + " blocked " + (event.blockedURI || "inline") +
    " (" + (event.sourceFile || document.location.href) + ":" + event.lineNumber + ")"
  );
});
"""

# axe-core's results, trimmed to what a report needs.
_RUN_AXE = """
async () => {
  const results = await axe.run(document, { resultTypes: ["violations"] });
  return results.violations.map((v) => ({
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((n) => ({ target: n.target, html: n.html, summary: n.failureSummary })),
  }));
}
"""

# The elements that stick out past the right edge of the viewport, for overflow reports.
_OVERFLOWING = """
(width) => Array.from(document.querySelectorAll("body *"))
  .filter((el) => el.getBoundingClientRect().right > width + 0.5)
  .slice(0, 10)
  .map((el) => {
    const classes = typeof el.className === "string" ? el.className.trim() : "";
    return el.tagName.toLowerCase() + (el.id ? "#" + el.id : "") +
      (classes ? "." + classes.split(/\\s+/).join(".") : "") +
      " right=" + Math.round(el.getBoundingClientRect().right);
  })
"""


@dataclass
class LiveServer:
    url: str
    errors: list[BaseException] = field(default_factory=list)


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[LiveServer]:
    """The test app on a real port, answering several requests at once like a browser expects."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    live = LiveServer(url=f"http://127.0.0.1:{server.server_port}")

    def record(sender, exception, **extra):
        live.errors.append(exception)

    got_request_exception.connect(record, app, weak=False)
    thread = threading.Thread(target=server.serve_forever, name="live-server", daemon=True)
    thread.start()
    try:
        yield live
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
        got_request_exception.disconnect(record, app)


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, launched once for the session."""
    if not (CHROMIUM.is_file() and os.access(CHROMIUM, os.X_OK)):
        message = (
            f"{CHROMIUM} is not installed: `make test` installs Debian's chromium "
            "(apt-get install chromium) when run as root."
        )
        if os.environ.get("CI"):
            pytest.fail(f"CI must run the browser tests, but {message}", pytrace=False)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS
        )
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _as_in_production(app, live_server):
    """CSRF on for browser tests (real forms carry the token); no server error carried over.

    Live editing off, unless a test switches it on (test_live_*.py do): the other tests drive
    the editor's text box, its autosave and merges, which is the editor wherever WebSockets
    cannot get through; with live editing on, a CodeMirror box takes the text box's place."""
    live_server.errors.clear()
    before = app.config["WTF_CSRF_ENABLED"], app.config.get("LIVE_EDITING", True)
    app.config["WTF_CSRF_ENABLED"] = True
    app.config["LIVE_EDITING"] = False
    try:
        yield
    finally:
        app.config["WTF_CSRF_ENABLED"], app.config["LIVE_EDITING"] = before


def _settle(page) -> None:
    """Wait for the page's stylesheets and fonts. A heading can be visible (and a script can
    measure the layout) before a stylesheet has arrived: measured then, a phone-width table
    is still laid out as a desktop one."""
    page.wait_for_load_state("load")
    page.evaluate("() => document.fonts.ready.then(() => true)")


class Browsing:
    """Pages that report what goes wrong in them, plus axe, screenshots and e-mail reading."""

    def __init__(self, browser, app, live_server: LiveServer, test_name: str) -> None:
        self.browser = browser
        self.app = app
        self.live_server = live_server
        self.test_name = test_name
        self.contexts: list = []
        self.problems: list[str] = []
        self.axe_findings: list[dict] = []
        self._axe_source: str | None = None

    # --- pages ---------------------------------------------------------------------------

    def new_page(self, who: str, **context_options):
        """A page in a new browser context (its own cookies), e.g. one per person."""
        context = self.browser.new_context(base_url=self.live_server.url, **context_options)
        context.set_default_timeout(10_000)
        context.add_init_script(script=_CSP_LISTENER)
        self.contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: self._on_console(who, page, message))
        page.on("pageerror", lambda error: self.problems.append(f"[{who}] {page.url}: {error}"))
        page.on("response", lambda response: self._on_response(who, response))
        return page

    def _on_console(self, who: str, page, message) -> None:
        if message.type == "error":
            where = message.location.get("url") or page.url
            self.problems.append(f"[{who}] console error on {where}: {message.text}")

    def _on_response(self, who: str, response) -> None:
        if response.status >= 500:
            self.problems.append(f"[{who}] {response.status} from {response.url}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        self.contexts.clear()

    # --- what a person would look at ------------------------------------------------------

    def screenshot(self, page, name: str) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        page.evaluate("() => document.fonts.ready.then(() => true)")
        path = ARTIFACTS / f"{self.test_name}--{name}.png"
        page.screenshot(path=str(path), full_page=True)
        findings.SCREENSHOTS.append(str(path))
        return path

    def check_accessibility(self, page, name: str) -> list[dict]:
        """Run axe-core on the page as it is now; findings are judged at the end of the test.

        axe is evaluated through the DevTools protocol, which the page's CSP does not govern
        (a <script> tag with the same content would be blocked as inline script), so the same
        non-bypassed page keeps reporting the app's own CSP violations."""
        if self._axe_source is None:
            self._axe_source = AXE_JS.read_text(encoding="utf-8")
        _settle(page)
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(self._axe_source)
        violations = page.evaluate(_RUN_AXE)
        for violation in violations:
            violation["page"] = name
            violation["url"] = page.url
        self.axe_findings.extend(violations)
        return violations

    def assert_fits_width(self, page, width: int, name: str) -> None:
        """Nothing on the page makes it scroll sideways."""
        _settle(page)
        scroll_width = page.evaluate("() => document.documentElement.scrollWidth")
        if scroll_width > width:
            culprits = page.evaluate(_OVERFLOWING, width)
            raise AssertionError(
                f"{name} ({page.url}) is {scroll_width}px wide at a {width}px viewport; "
                f"sticking out: {culprits}"
            )

    # --- e-mail ---------------------------------------------------------------------------

    def link_in_last_email(self, address: str, path_fragment: str) -> str:
        """The path of a link in the newest e-mail to `address` (the outbox in the database)."""
        with self.app.app_context():
            try:
                return factories.link_in_last_email(address, path_fragment)
            finally:
                _db.session.remove()

    # --- the verdict ----------------------------------------------------------------------

    def report(self) -> str | None:
        """Write the axe report, print lesser findings; return the failure text, if any."""
        lines: list[str] = []
        axe_report = ARTIFACTS / f"{self.test_name}--axe.json"
        axe_report.unlink(missing_ok=True)
        if self.axe_findings:
            ARTIFACTS.mkdir(parents=True, exist_ok=True)
            axe_report.write_text(json.dumps(self.axe_findings, indent=2), encoding="utf-8")
        serious = [v for v in self.axe_findings if v["impact"] in FAILING_IMPACTS]
        lesser = [v for v in self.axe_findings if v["impact"] not in FAILING_IMPACTS]
        for violation in lesser:
            line = f"axe ({violation['impact']}) in {self.test_name}: {_describe(violation)}"
            print(line)
            findings.LESSER_FINDINGS.append(line)
        if serious:
            lines.append("axe found serious or critical accessibility violations:")
            lines.extend(f"  - {_describe(v)}" for v in serious)
        if self.problems:
            lines.append("The browser reported problems (console errors, CSP, exceptions, 5xx):")
            lines.extend(f"  - {problem}" for problem in self.problems)
        if self.live_server.errors:
            lines.append("The server raised while answering:")
            lines.extend(f"  - {error!r}" for error in self.live_server.errors)
        return "\n".join(lines) or None


def _describe(violation: dict) -> str:
    targets = ", ".join(" ".join(node["target"]) for node in violation["nodes"][:5])
    more = len(violation["nodes"]) - 5
    extra = f" (+{more} more)" if more > 0 else ""
    return (
        f"{violation['id']} on {violation['page']}: {violation['help']} "
        f"[{targets}{extra}] {violation['helpUrl']}"
    )


@pytest.fixture
def browsing(request, browser, app, live_server) -> Iterator[Browsing]:
    """Open pages with `browsing.new_page(who)`; problems fail the test when it ends."""
    name = re.sub(r"[^A-Za-z0-9_.-]+", "-", request.node.name).strip("-")
    session = Browsing(browser, app, live_server, name)
    try:
        yield session
    finally:
        session.close()
    failure = session.report()
    if failure:
        pytest.fail(failure, pytrace=False)
