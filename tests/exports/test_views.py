"""The export pages: who may use them, the profile check and its override, progress,
previews, downloads, and the text for online questionnaires."""

from __future__ import annotations

import json
import re

import pytest

from consult.drafting import services as drafting
from consult.exports.models import ExportJob
from consult.extensions import db
from tests.conftest import csrf_token_from, login
from tests.exports.conftest import builtin_consultation
from tests.exports.export_support import PDF_MAGIC, ZIP_MAGIC, export_jobs, fresh_job, membership
from tests.factories import PASSWORD

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def _export(client, response_id: int, **fields):
    data = {"version": "1", "profile": "home-office", "format": "md", "export": "y"}
    data.update(fields)
    return client.post(f"/responses/{response_id}/export", data=data)


def _job_id(location: str) -> int:
    return int(re.search(r"/exports/(\d+)$", location).group(1))


@pytest.mark.parametrize(
    ("role", "status"), [("owner", 200), ("coordinator", 200), ("editor", 403), ("member", 403)]
)
def test_the_export_page_is_for_owners_and_coordinators(client, team, frozen_version, role, status):
    login(client, team.user(role))

    page = client.get(f"/responses/{frozen_version.response_id}/export")

    assert page.status_code == status
    if status == 403:
        assert _export(client, frozen_version.response_id).status_code == 403
        assert export_jobs() == []


def test_another_organisations_response_and_exports_are_not_found(client, team, frozen_version):
    login(client, team.coordinator)
    job_id = _job_id(_export(client, frozen_version.response_id).headers["Location"])
    other = client.__class__(client.application)
    login(other, team.outsider)

    for url in (
        f"/responses/{frozen_version.response_id}/export",
        f"/responses/{frozen_version.response_id}/export/text",
        f"/exports/{job_id}",
        f"/exports/{job_id}/download",
        f"/exports/{job_id}/pages/1.png",
    ):
        page = other.get(url)
        assert page.status_code == 404, url
        assert "Northtown" not in page.get_data(as_text=True)
    assert _export(other, frozen_version.response_id).status_code == 404


def test_anonymous_visitors_are_sent_to_log_in(client, frozen_version):
    page = client.get(f"/responses/{frozen_version.response_id}/export")

    assert page.status_code == 302 and "/login" in page.headers["Location"]


def test_the_page_offers_the_latest_version_the_responses_profile_and_its_format(
    client, team, frozen_version
):
    login(client, team.coordinator)

    html = client.get(f"/responses/{frozen_version.response_id}/export").get_data(as_text=True)

    assert '<option selected value="1">Version 1' in html
    assert "The current draft (marked DRAFT on every page)" in html
    assert re.search(r'name="profile" value="home-office"[^>]*checked', html)
    assert re.search(r'name="format" value="pdf"[^>]*checked', html)  # Home Office: PDF first
    assert "Answer per question: the closed choice, then the explanation." in html  # a note


def test_without_javascript_the_check_lists_the_formats_of_the_recipient_chosen(
    client, team, frozen_version
):
    """The page's script reorders the formats as soon as a recipient is chosen; without it,
    "Check for problems" brings the list back for that recipient, its preferred one marked,
    and the script's data names every recipient's order."""
    login(client, team.coordinator)

    html = client.post(
        f"/responses/{frozen_version.response_id}/export",
        data={"version": "1", "profile": "select-committee", "format": "pdf", "check": "y"},
    ).get_data(as_text=True)

    assert re.findall(r'name="format" value="(\w+)"', html) == ["docx", "odt", "md", "pdf"]
    assert re.search(r"Word \(\.docx\) <span[^>]*>Preferred</span>", html)
    assert html.count(">Preferred</span>") == 1
    assert "Commons select committee (written evidence)</span> prefers first" in html
    listed = re.search(r"data-formats='([^']*)'", html).group(1)
    assert json.loads(listed)["home-office"] == ["pdf", "docx", "odt", "md"]
    assert json.loads(listed)["select-committee"] == ["docx", "odt", "md", "pdf"]


@pytest.fixture
def unfinished_response(team):
    """A response with nothing written: no summary and no introduction."""
    response = drafting.create_response(
        membership(team.owner, team.organisation), builtin_consultation(), "Half done"
    )
    db.session.commit()
    return response


def test_the_check_lists_what_breaks_the_profile(client, team, unfinished_response):
    login(client, team.coordinator)

    page = client.post(
        f"/responses/{unfinished_response.id}/export",
        data={"version": "draft", "profile": "select-committee", "format": "docx", "check": "y"},
    )

    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "problems for Commons select committee" in html
    assert "summary" in html.lower() and "Export anyway" in html
    assert export_jobs() == []


def test_exporting_despite_warnings_needs_the_override_box(client, team, unfinished_response):
    login(client, team.coordinator)
    choice = {"version": "draft", "profile": "select-committee", "format": "md"}

    refused = client.post(
        f"/responses/{unfinished_response.id}/export", data=choice | {"export": "y"}
    )
    html = refused.get_data(as_text=True)
    assert refused.status_code == 422
    assert 'href="#override"' in html  # the error summary points at the box
    assert 'aria-describedby="override-error"' in html
    assert export_jobs() == []

    accepted = client.post(
        f"/responses/{unfinished_response.id}/export",
        data=choice | {"export": "y", "override": "y"},
    )
    assert accepted.status_code == 302
    (job,) = export_jobs()
    assert job.warnings_overridden and job.version_id is None


def test_a_response_that_meets_the_profile_says_so(client, team, frozen_version):
    login(client, team.coordinator)

    page = client.post(
        f"/responses/{frozen_version.response_id}/export",
        data={"version": "1", "profile": "home-office", "format": "pdf", "check": "y"},
    )

    assert "No problems found for Home Office consultation" in page.get_data(as_text=True)


def test_bad_choices_come_back_with_messages_tied_to_the_fields(client, team, frozen_version):
    login(client, team.coordinator)

    page = _export(client, frozen_version.response_id, version="99", profile="x", format="exe")

    html = page.get_data(as_text=True)
    assert page.status_code == 422
    assert "Choose a version, or the current draft." in html
    assert 'href="#profile-1"' in html and 'href="#format-pdf"' in html  # the first listed
    assert 'id="format-pdf"' in html
    assert 'aria-describedby="format-error"' in html
    assert export_jobs() == []


def test_the_export_page_works_with_csrf_on(client, team, frozen_version, csrf_on):
    login_page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={
            "email": team.coordinator.email,
            "password": PASSWORD,
            "csrf_token": csrf_token_from(login_page),
        },
    )
    html = client.get(f"/responses/{frozen_version.response_id}/export").get_data(as_text=True)

    assert _export(client, frozen_version.response_id).status_code == 400
    page = _export(client, frozen_version.response_id, csrf_token=csrf_token_from(html))
    assert page.status_code == 302


def test_the_progress_page_shows_a_progress_bar_and_a_refresh_link_until_done(
    client, team, frozen_version
):
    login(client, team.coordinator)
    job = ExportJob(
        response_id=frozen_version.response_id,
        version_id=frozen_version.id,
        profile="home-office",
        format="pdf",
        status="running",
        progress=40,
        cache_key="0" * 64,
    )
    db.session.add(job)
    db.session.commit()

    html = client.get(f"/exports/{job.id}").get_data(as_text=True)

    assert '<progress id="export-progress"' in html and 'value="40"' in html
    assert f'data-export-status-url="/api/v1/exports/{job.id}"' in html
    assert f'href="/exports/{job.id}">Refresh</a>' in html
    assert "Making the file: 40% done." in html
    status = client.get(f"/api/v1/exports/{job.id}").get_json()  # what exports.js polls
    assert status == {
        "id": job.id,
        "status": "running",
        "progress": 40,
        "format": "pdf",
        "profile": "home-office",
        "version": 1,
        "draft": False,
    }


def test_a_finished_export_downloads_with_its_type_and_a_file_name(client, team, frozen_version):
    login(client, team.coordinator)
    job_id = _job_id(_export(client, frozen_version.response_id).headers["Location"])

    html = client.get(f"/exports/{job_id}").get_data(as_text=True)
    assert "Your file is ready" in html and "Refresh</a>" not in html
    download = client.get(f"/exports/{job_id}/download")

    assert download.status_code == 200
    assert download.mimetype == "text/markdown"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;")
    assert "northtown-residents-response-on-facial-recognition-v1-home-office.md" in disposition
    assert download.headers["Cache-Control"] == "no-store"
    assert "Question 1" in download.get_data(as_text=True)


def test_a_failed_export_says_why_and_offers_to_try_again(client, team, frozen_version):
    login(client, team.coordinator)
    job = ExportJob(
        response_id=frozen_version.response_id,
        profile="campaign",
        format="pdf",
        status="failed",
        progress=15,
        error="Something went wrong while making the file.",
        cache_key="1" * 64,
    )
    db.session.add(job)
    db.session.commit()

    html = client.get(f"/exports/{job.id}").get_data(as_text=True)

    assert "The export failed" in html and "Something went wrong while making the file." in html
    assert f'href="/responses/{frozen_version.response_id}/export">Try again' in html
    assert client.get(f"/exports/{job.id}/download").status_code == 302


@pytest.mark.parametrize(("format", "magic"), [("pdf", PDF_MAGIC), ("docx", ZIP_MAGIC)])
def test_the_first_pages_are_shown_as_small_pictures_before_downloading(
    client, team, frozen_version, format, magic
):
    login(client, team.coordinator)
    job_id = _job_id(_export(client, frozen_version.response_id, format=format).headers["Location"])
    assert fresh_job(job_id).status == "done", fresh_job(job_id).error

    html = client.get(f"/exports/{job_id}").get_data(as_text=True)
    image = client.get(f"/exports/{job_id}/pages/1.png")

    assert f'src="/exports/{job_id}/pages/1.png" alt="Picture of page 1"' in html
    if format != "pdf":
        assert "shown as a PDF of the same document" in html
    assert image.mimetype == "image/png" and image.data.startswith(PNG_MAGIC)
    assert len(image.data) < 100_000
    assert client.get(f"/exports/{job_id}/pages/9.png").status_code == 404
    assert client.get(f"/exports/{job_id}/download").data.startswith(magic)


def test_the_text_page_lists_each_question_with_its_choice_and_a_copy_button(
    client, team, frozen_version, export_texts
):
    login(client, team.coordinator)

    html = client.get(f"/responses/{frozen_version.response_id}/export/text").get_data(as_text=True)

    assert html.count("data-copy-answer=") >= 15
    assert "<strong>Agree</strong>" in html  # question 1's closed answer
    assert "Question 5" in html and "<strong>Disagree</strong>" in html
    assert '<label for="answer-1">Explanation to paste</label>' in html
    assert "prior judicial authorisation" in html
    assert "&lt;" not in html.split("answer-1")[0][-200:]  # nothing double-escaped around it


def test_the_whole_response_downloads_as_markdown_and_plain_text(client, team, frozen_version):
    login(client, team.coordinator)
    base = f"/responses/{frozen_version.response_id}/export"

    markdown = client.get(f"{base}/response.md?version=1&profile=home-office")
    plain = client.get(f"{base}/response.txt?version=draft&profile=campaign")

    assert markdown.mimetype == "text/markdown" and "**Answer:** Agree" in markdown.get_data(True)
    assert "-v1-home-office.md" in markdown.headers["Content-Disposition"]
    assert plain.mimetype == "text/plain" and "Answer: Agree" in plain.get_data(as_text=True)
    assert "-draft-" in plain.headers["Content-Disposition"]
    assert client.get(f"{base}/response.exe").status_code == 404


def test_unknown_text_choices_fall_back_to_the_latest_version_with_a_message(
    client, team, frozen_version
):
    login(client, team.coordinator)

    page = client.get(f"/responses/{frozen_version.response_id}/export/text?version=7&profile=x")

    assert page.status_code == 200
    assert "does not exist: here is the latest version" in page.get_data(as_text=True)


def test_the_response_dashboard_links_to_the_export_page_for_those_who_may_export(
    client, team, frozen_version
):
    url = f"/responses/{frozen_version.response_id}"
    link = f'href="/responses/{frozen_version.response_id}/export"'
    login(client, team.coordinator)
    assert link in client.get(url).get_data(as_text=True)
    editor = client.__class__(client.application)
    login(editor, team.editor)
    assert link not in editor.get(url).get_data(as_text=True)


def test_a_versions_export_link_preselects_that_version(client, team, frozen_version):
    from consult.signing import services as signing

    signing.freeze(membership(team.owner, team.organisation), frozen_version.response, "v2")
    db.session.commit()
    login(client, team.coordinator)
    version_page = client.get(f"/versions/{frozen_version.id}").get_data(as_text=True)
    assert f'href="/responses/{frozen_version.response_id}/export?version=1"' in version_page

    html = client.get(f"/responses/{frozen_version.response_id}/export?version=1")
    latest = client.get(f"/responses/{frozen_version.response_id}/export?version=x")

    assert '<option selected value="1">' in html.get_data(as_text=True)
    assert '<option selected value="2">Version 2' in latest.get_data(as_text=True)


def test_a_format_the_recipient_does_not_take_is_a_warning(client, team, frozen_version):
    login(client, team.coordinator)

    page = client.post(
        f"/responses/{frozen_version.response_id}/export",
        data={"version": "1", "profile": "select-committee", "format": "pdf", "check": "y"},
    )

    assert (
        "A Commons select committee asks for Word (.docx) or OpenDocument text (.odt), not PDF."
        in page.get_data(as_text=True)
    )
