"""Exporting in a real browser. The coordinator opens the export page from the response,
checks the response against the Home Office profile, exports a PDF, watches the progress bar
fill (exports.js polling the job's status), sees the first pages and downloads the file; then
does the same for a Word file. The downloads are read back (pypdf, python-docx). Then the
text for online forms, its copy buttons, and the export pages on a 375 px phone.

The jobs run in the app's worker threads, as in production without Redis; the renderer is
slowed a little so that the bar is seen moving. The `browsing` fixture fails the test on
console errors, CSP violations, server errors and serious axe findings."""

from __future__ import annotations

import re
import time

import docx
import pypdf
import pytest
from playwright.sync_api import expect

from consult.exports import services
from tests.exports import conftest as export_fixtures
from tests.factories import PASSWORD

pytestmark = pytest.mark.e2e

PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}
DESKTOP = {"viewport": {"width": 1280, "height": 900}}
# The export tests' fixtures: a fully written response, frozen as version 1.
export_response = export_fixtures.export_response
frozen_version = export_fixtures.frozen_version


@pytest.fixture
def jobs_in_threads(app, monkeypatch):
    """Jobs in the app's worker threads, each render taking a visible moment."""
    monkeypatch.setitem(app.config, "EXPORT_JOBS", "thread")
    for format in ("pdf", "docx"):
        real = services.RENDERERS[format]

        def slowed(document, progress, real=real):
            for step in (0.2, 0.4, 0.6):
                progress(step)
                time.sleep(0.5)
            return real(document, progress)

        monkeypatch.setitem(services.RENDERERS, format, slowed)


def log_in(page, user, next_path: str) -> None:
    page.goto(f"/login?next={next_path}")
    page.get_by_label("E-mail address").fill(user.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(re.escape(next_path) + "$"))


def export_and_download(browsing, page, format_label: str, name: str):
    """Choose the format, export, watch the bar, download; returns the downloaded path."""
    page.get_by_label(format_label).check()
    page.get_by_role("button", name="Export", exact=True).click()
    expect(page).to_have_url(re.compile(r"/exports/\d+$"))
    progress = page.locator("progress#export-progress")
    expect(progress).to_be_visible()
    expect(page.get_by_role("heading", name="Making your file")).to_be_visible()
    # exports.js moves the bar as the job reports progress, without reloading the page.
    page.wait_for_function(
        "() => document.getElementById('export-progress').value >= 20", timeout=15_000
    )
    browsing.screenshot(page, f"{name}-progress")
    browsing.check_accessibility(page, f"{name} progress")
    expect(page.get_by_role("heading", name="Your file is ready")).to_be_visible(timeout=60_000)
    expect(progress).to_have_count(0)  # done: the download takes its place
    previews = page.get_by_role("img", name=re.compile(r"Picture of page \d"))
    expect(previews.first).to_be_visible()
    page.wait_for_function(
        "() => { const image = document.querySelector('.export-preview img');"
        " return image.complete && image.naturalWidth > 0; }"
    )
    browsing.screenshot(page, f"{name}-ready")
    browsing.check_accessibility(page, f"{name} ready")
    with page.expect_download() as download_info:
        page.get_by_role("link", name=re.compile(r"^Download ")).click()
    download = download_info.value
    return download.suggested_filename, download.path()


def test_the_coordinator_exports_a_pdf_and_a_word_file_and_downloads_both(
    browsing,
    team,
    frozen_version,
    jobs_in_threads,
):
    page = browsing.new_page("coordinator", **DESKTOP)
    response_id = frozen_version.response_id
    log_in(page, team.coordinator, f"/responses/{response_id}")

    page.get_by_role("link", name="Export", exact=True).click()
    expect(page.get_by_role("heading", name="Export the response")).to_be_visible()
    expect(page.get_by_label("Version")).to_have_value("1")
    browsing.check_accessibility(page, "export page")
    page.get_by_role("button", name="Check for problems").click()
    results = page.locator("#check-results")
    expect(results).to_contain_text("No problems found for Home Office consultation")
    expect(results).to_be_focused()
    browsing.screenshot(page, "export-checked")
    browsing.check_accessibility(page, "export page checked")

    pdf_name, pdf_path = export_and_download(browsing, page, "PDF", "pdf")
    assert pdf_name.endswith("-v1-home-office.pdf")
    reader = pypdf.PdfReader(pdf_path)
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert "Northtown Residents" in text and "prior judicial authorisation" in text

    page.goto(f"/responses/{response_id}/export")
    word_name, word_path = export_and_download(browsing, page, "Word (.docx)", "word")
    assert word_name.endswith("-v1-home-office.docx")
    paragraphs = [p.text for p in docx.Document(word_path).paragraphs]
    assert any("Northtown Residents" in p for p in paragraphs)
    assert any("prior judicial authorisation" in p for p in paragraphs)


def test_the_formats_follow_the_recipient_chosen_at_once(browsing, team, frozen_version):
    page = browsing.new_page("coordinator", **DESKTOP)
    log_in(page, team.coordinator, f"/responses/{frozen_version.response_id}/export")
    fieldset = page.get_by_role("group", name="File format")
    formats = fieldset.locator(".option")
    preferred = fieldset.get_by_text("Preferred", exact=True)

    expect(formats.first).to_contain_text("PDF")
    expect(page.get_by_label("PDF")).to_be_checked()
    page.get_by_role("button", name="Check for problems").click()
    expect(page.locator("#check-results")).to_contain_text("No problems found")

    # A committee wants a Word-type file: the list follows before any check, and the
    # format left at the old preference moves to the new one.
    page.get_by_label("Commons select committee (written evidence)").check()
    expect(formats.first).to_contain_text("Word (.docx)")
    expect(preferred).to_have_count(1)
    expect(formats.first.get_by_text("Preferred", exact=True)).to_be_visible()
    expect(page.get_by_label("Word (.docx)")).to_be_checked()
    expect(fieldset).to_contain_text("Commons select committee (written evidence) prefers first")
    expect(page.locator("#check-results")).to_contain_text("press “Check for problems” again")
    # A format someone picked stays picked when the recipient changes again.
    page.get_by_label("Markdown (.md)").check()
    page.get_by_label("Campaign publication").check()
    expect(formats.first).to_contain_text("PDF")
    expect(page.get_by_label("Markdown (.md)")).to_be_checked()
    browsing.check_accessibility(page, "export page, formats reordered")


def test_a_recipient_chosen_while_the_checked_page_loads_still_says_check_again(
    browsing, team, frozen_version
):
    """CI clicked a recipient before exports.js had run on the page the check returned: the
    change went unheard, and the results still said the old choices had no problems."""
    page = browsing.new_page("coordinator", **DESKTOP)
    log_in(page, team.coordinator, f"/responses/{frozen_version.response_id}/export")
    script = "**/static/js/exports.js*"
    page.route(script, lambda route: route.fulfill(content_type="text/javascript", body=""))
    page.get_by_role("button", name="Check for problems").click()
    expect(page.locator("#check-results")).to_contain_text("No problems found")

    page.get_by_label("Commons select committee (written evidence)").check()
    page.unroute(script)
    source = page.locator("script[src*='exports.js']").get_attribute("src")
    page.add_script_tag(url=f"{source}{'&' if '?' in source else '?'}late")

    expect(page.locator("#check-results")).to_contain_text("press “Check for problems” again")
    expect(page.get_by_label("Word (.docx)")).to_be_checked()


def test_the_text_for_online_forms_copies_each_answer(browsing, team, frozen_version):
    page = browsing.new_page("coordinator", **DESKTOP)
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    response_id = frozen_version.response_id
    log_in(page, team.coordinator, f"/responses/{response_id}/export")

    page.get_by_role("link", name="Text for online forms").click()
    expect(page.get_by_role("heading", name="Text for online forms")).to_be_visible()
    copy = page.get_by_role("button", name=re.compile(r"Copy the explanation for Question 1\b"))
    copy.click()
    answer = page.locator(".export-answer", has=copy)
    expect(answer.locator(".export-answer__copied")).to_have_text("Copied.")
    pasted = page.evaluate("() => navigator.clipboard.readText()")
    assert "A single framework is overdue." in pasted and "**" not in pasted
    browsing.screenshot(page, "text-for-forms")
    browsing.check_accessibility(page, "text for online forms")


def test_the_export_pages_fit_a_phone(browsing, team, frozen_version, jobs_in_threads):
    page = browsing.new_page("coordinator on a phone", **PHONE)
    response_id = frozen_version.response_id
    log_in(page, team.coordinator, f"/responses/{response_id}/export")

    browsing.assert_fits_width(page, 375, "export page")
    browsing.check_accessibility(page, "export page (phone)")
    browsing.screenshot(page, "export-phone")
    page.get_by_label("Markdown (.md)").check()
    page.get_by_role("button", name="Export", exact=True).click()
    expect(page.get_by_role("heading", name="Your file is ready")).to_be_visible(timeout=60_000)
    browsing.assert_fits_width(page, 375, "export ready page")
    browsing.check_accessibility(page, "export ready (phone)")
    browsing.screenshot(page, "export-ready-phone")
    page.goto(f"/responses/{response_id}/export/text")
    browsing.assert_fits_width(page, 375, "text for online forms")
    browsing.check_accessibility(page, "text for online forms (phone)")
    browsing.screenshot(page, "text-for-forms-phone")
