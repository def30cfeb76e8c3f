"""The XSS corpus of tests/security/test_xss_corpus.py, rendered by a real browser. The
server-side test proves, payload by payload, that no unsafe markup leaves the server on any page;
this one proves nothing runs once Chromium has parsed the pages and the app's own JavaScript has
worked on them (the editor's live preview puts server-rendered HTML into the page with innerHTML).

Every payload is put into one organisation's world at once, each in its own places: an
organisation of the owner's named with it, a member named with it who wrote a revision and a
comment of it, a response titled with it, a section titled and written with it (changed again in a
second version, so the diff page shows it as inserted and deleted words), and a public signer
named and affiliated with it. The version notes and the organisation's own name carry the first.
Then each page that shows them is opened once, and every payload is typed into the editor in turn
for the live preview. No JavaScript dialog may open (the corpus calls alert(1)), no
`window.__xss` marker may be left (the payloads added here set one, without a dialog), and no
CSP violation, console error or 5xx may happen (the `browsing` fixture fails the test on those).
One world for all payloads keeps the run short: one page load a page, not one a payload."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from consult.consultations.models import Consultation
from consult.drafting import services as drafting
from consult.extensions import db
from consult.organisations.services import create_organisation, membership_of
from consult.signing import consent
from consult.signing import services as signing
from consult.signing.models import Signature
from consult.timeutil import utcnow
from tests import factories
from tests.factories import PASSWORD
from tests.security import figures, test_xss_corpus

pytestmark = pytest.mark.e2e

PAYLOADS = test_xss_corpus.PAYLOADS

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
    "/o/{slug}/members",
    "/responses",
    "/responses/{response}",
    "/responses/{response}/preview",
    "/responses/{response}/sections/{section}/history",
    "/responses/{response}/export/text",
    "/versions/{version}",
    "/versions/{second_version}/diff",
    "/versions/{version}/signatures",
]
EDITOR_PAGE = "/responses/{response}/sections/{section}"
PUBLIC_PAGES = ["/sign/{version}", "/verify/{sha256}"]


def _world_of_every_payload(team, payloads: list[str]) -> dict:
    """One organisation holding every payload, each in its own places (see the docstring)."""
    first = payloads[0]
    owner = membership_of(team.owner, team.organisation)
    consultation = db.session.scalar(
        select(Consultation).where(Consultation.slug == "facial-recognition-framework")
    )
    response = drafting.create_response(owner, consultation, first[:200])
    discussed = drafting.live_sections(response)[0]
    sections = []
    for number, payload in enumerate(payloads, 1):
        name = payload[:120]
        create_organisation(team.owner, name)
        writer = factories.add_member(
            team.organisation, factories.make_user(name=name), role="editor"
        )
        drafting.create_response(owner, consultation, payload[:200])
        drafting.save_section(writer, discussed, f"Revision {number}.\n\n{payload}", None, None)
        drafting.add_comment(writer, discussed, payload)
        section = drafting.add_section(team.editor, response, payload[:200])
        drafting.save_section(team.editor, section, f"Before.\n\n{payload}\n\nAfter.", None, None)
        sections.append((section, payload))
    team.organisation.name = first[:120]
    version = signing.freeze(owner, response, first)
    signing.open_signing(owner, version, True, None)
    for number, payload in enumerate(payloads, 1):
        signing.sign_publicly(
            version,
            payload[:120],
            f"signer{number}@example.org",
            payload[:120],
            True,
            consent.CURRENT_VERSION,
        )
    db.session.flush()
    for signature in db.session.scalars(
        select(Signature).where(Signature.version_id == version.id)
    ):
        signature.status, signature.confirmed_at = "confirmed", utcnow()
    for section, payload in sections:
        drafting.save_section(team.editor, section, f"Changed.\n\n{payload}", None, None)
    second = signing.freeze(owner, response, first)
    db.session.commit()
    return {
        "slug": team.organisation.slug,
        "response": response.id,
        "section": discussed.id,
        "version": version.id,
        "second_version": second.id,
        "sha256": version.sha256,
    }


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


def _marked(page) -> bool:
    return page.evaluate("() => typeof window.__xss !== 'undefined'")


def test_no_payload_runs_script_in_the_browser(browsing, team):
    values = _world_of_every_payload(team, BROWSER_PAYLOADS)
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
        if _marked(page):
            markers.append(url)

    # The editor, with its live preview fed back each payload by the server's renderer.
    editor_url = EDITOR_PAGE.format(**values)
    _visit(owner_page, editor_url)
    text = owner_page.locator("textarea").first
    preview = owner_page.locator("[data-preview]")
    for number, payload in enumerate(BROWSER_PAYLOADS, 1):
        text.fill(f"Preview {number}.\n\n{payload}")
        expect(preview).to_contain_text(f"Preview {number}.")
        owner_page.wait_for_timeout(50)
        if _marked(owner_page):
            markers.append(f"{editor_url} (live preview of payload {number})")

    figures.add("xss payloads tried in the browser", len(BROWSER_PAYLOADS))
    figures.add("xss pages rendered in the browser", len(visits) + 1)
    figures.add("xss live previews rendered in the browser", len(BROWSER_PAYLOADS))
    figures.add("xss dialogs seen in the browser", len(dialogs))
    assert not dialogs, "\n".join(dialogs)
    assert not markers, f"window.__xss was set on: {markers}"
