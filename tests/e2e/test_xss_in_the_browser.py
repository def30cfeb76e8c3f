"""The XSS corpus of tests/security/test_xss_corpus.py, rendered by a real browser. The
server-side test proves no unsafe markup leaves the server; this one proves nothing runs once
Chromium has parsed the pages and the app's own JavaScript has worked on them (the editor's
live preview puts server-rendered HTML into the page with innerHTML).

Each payload goes, through the services, into an organisation's name, people's names, a
response title, Markdown section text, a comment, version notes, and the names and
affiliations of a member and a public signer. Then the pages that show them are opened and
must raise no JavaScript dialog (the corpus calls alert(1)), leave no `window.__xss` marker
(the payloads added here set one, without a dialog), and cause no CSP violation, console
error or 5xx (the `browsing` fixture fails the test on those)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from consult.drafting import services as drafting
from consult.drafting.models import Section
from consult.extensions import db
from consult.organisations.services import membership_of
from consult.signing import services as signing
from tests.factories import PASSWORD
from tests.security import figures, test_xss_corpus

pytestmark = pytest.mark.e2e

PAYLOADS = test_xss_corpus.PAYLOADS
world = test_xss_corpus.world  # the corpus's fixture: every typed text set to one payload

# Payloads that would run without a dialog: they set a marker the test then reads.
MARKER_PAYLOADS = [
    "<img src=x onerror=window.__xss=1>",
    "<svg><animate onbegin=window.__xss=1 attributeName=x dur=1s>",
    "[link](javascript:window.__xss=1)",
    '<a href="javascript:window.__xss=1" id="xss">x</a>',
]
BROWSER_PAYLOADS = PAYLOADS + MARKER_PAYLOADS

MEMBER_PAGES = [
    "/",
    "/o/{slug}",
    "/responses/{response}",
    "/responses/{response}/preview",
    "/responses/{response}/sections/{section}/history",
    "/responses/{response}/export/text",
    "/versions/{version}",
    "/versions/{second_version}/diff",
    "/versions/{version}/signatures",
]
EDITOR_PAGE = "/responses/{response}/sections/{section}"
PUBLIC_PAGES = ["/sign/{version}"]


def _with_a_second_version(team, values: dict, payload: str) -> dict:
    """A second frozen version that differs from the first, so the diff page shows the
    payload as inserted and deleted words."""
    owner = membership_of(team.owner, team.organisation)
    section = db.session.get(Section, values["section"])
    drafting.save_section(team.editor, section, f"Changed.\n\n{payload}", None, None)
    second = signing.freeze(owner, section.response, payload)
    db.session.commit()
    return {**values, "second_version": second.id}


def _logged_in_page(browsing, user, who: str):
    """A browser page where `user` has logged in through the real form."""
    page = browsing.new_page(who, viewport={"width": 1280, "height": 900})
    page.goto("/login")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page.get_by_role("button", name="Log in")).to_have_count(0)
    return page


def _watch(page, dialogs: list[str]) -> None:
    def seen(dialog) -> None:
        dialogs.append(f"{page.url}: {dialog.type} {dialog.message!r}")
        dialog.dismiss()

    page.on("dialog", seen)


def _visit(page, url: str) -> None:
    reply = page.goto(url, wait_until="load")
    assert reply is not None and reply.status == 200, f"{url}: {reply and reply.status}"
    page.wait_for_timeout(50)  # let timers and load handlers of any injected markup run


@pytest.mark.parametrize("payload", BROWSER_PAYLOADS, ids=range(len(BROWSER_PAYLOADS)))
def test_no_payload_runs_script_in_the_browser(browsing, team, world, payload):
    values = _with_a_second_version(team, world(payload), payload)
    dialogs: list[str] = []
    markers: list[str] = []

    owner_page = _logged_in_page(browsing, team.owner, "owner")
    public = browsing.new_page("public", viewport={"width": 375, "height": 812})
    _watch(owner_page, dialogs)
    _watch(public, dialogs)

    visits = [(owner_page, page) for page in MEMBER_PAGES] + [
        (public, page) for page in PUBLIC_PAGES
    ]
    for page, path in visits:
        url = path.format(**values)
        _visit(page, url)
        if page.evaluate("() => typeof window.__xss !== 'undefined'"):
            markers.append(url)

    # The editor, with its live preview fed back the payload by the server's renderer.
    editor_url = EDITOR_PAGE.format(**values)
    _visit(owner_page, editor_url)
    text = owner_page.locator("textarea").first
    text.fill(f"{text.input_value()}\n\n{payload}")
    expect(owner_page.locator("[data-preview]")).to_be_visible()
    owner_page.wait_for_timeout(50)
    if owner_page.evaluate("() => typeof window.__xss !== 'undefined'"):
        markers.append(f"{editor_url} (live preview)")

    figures.add("xss payloads tried in the browser")
    figures.add("xss pages rendered in the browser", len(visits) + 1)
    figures.add("xss dialogs seen in the browser", len(dialogs))
    assert not dialogs, "\n".join(dialogs)
    assert not markers, f"window.__xss was set on: {markers}"
