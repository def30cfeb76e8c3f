"""Every download of an export, as the browser and API clients receive it: exactly one
Content-Type header, exactly the stored one (a Markdown file once said "charset=utf-8" twice),
and a file name of safe characters, its title cut at a word boundary, its extension kept."""

from __future__ import annotations

import re
from datetime import date

import pytest

from consult.exports.files import file_name, slug
from consult.exports.models import EXPORT_FORMATS, ExportFile, ExportJob
from consult.exports.services import CONTENT_TYPES
from consult.extensions import db
from tests.conftest import login

SAFE_NAME = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*\.(?:pdf|docx|odt|md|txt)")


def done_job(response_id: int, format: str, name: str = "ours-v1-campaign") -> ExportJob:
    """A finished job with its file kept, as a job leaves them (no rendering needed)."""
    key = f"{format}-{name}".ljust(64, "0")[:64]
    db.session.add(
        ExportFile(
            cache_key=key,
            content=b"contents",
            content_type=CONTENT_TYPES[format],
            file_name=f"{name}.{format}",
            size=8,
        )
    )
    job = ExportJob(
        response_id=response_id,
        profile="campaign",
        format=format,
        status="done",
        progress=100,
        cache_key=key,
    )
    db.session.add(job)
    db.session.commit()
    return job


@pytest.mark.parametrize("format", EXPORT_FORMATS)
def test_every_format_downloads_with_exactly_its_content_type(
    client, team, api_token, frozen_version, format
):
    job = done_job(frozen_version.response_id, format)
    login(client, team.coordinator)

    page = client.get(f"/exports/{job.id}/download")
    api = client.get(f"/api/v1/exports/{job.id}/file", headers=api_token(team.coordinator))

    for download in (page, api):
        assert download.status_code == 200
        assert download.headers.getlist("Content-Type") == [CONTENT_TYPES[format]]
        assert download.data == b"contents"
    if format == "md":
        assert page.headers["Content-Type"] == "text/markdown; charset=utf-8"


def test_a_markdown_export_made_by_a_job_says_its_charset_once(client, team, frozen_version):
    login(client, team.coordinator)
    asked = client.post(
        f"/responses/{frozen_version.response_id}/export",
        data={"version": "1", "profile": "home-office", "format": "md", "export": "y"},
    )
    job_id = int(re.search(r"/exports/(\d+)$", asked.headers["Location"]).group(1))

    download = client.get(f"/exports/{job_id}/download")

    assert download.headers.getlist("Content-Type") == ["text/markdown; charset=utf-8"]


@pytest.mark.parametrize(
    ("kind", "content_type"),
    [("md", "text/markdown; charset=utf-8"), ("txt", "text/plain; charset=utf-8")],
)
def test_the_text_downloads_say_their_charset_once(
    client, team, frozen_version, kind, content_type
):
    login(client, team.coordinator)

    download = client.get(
        f"/responses/{frozen_version.response_id}/export/response.{kind}?version=1"
    )

    assert download.status_code == 200
    assert download.headers.getlist("Content-Type") == [content_type]


# --- file names -------------------------------------------------------------------------------


def test_a_long_title_is_cut_at_a_word_boundary_with_the_extension_kept():
    title = (
        "Northtown Residents' response to the Home Office consultation on a new legal "
        "framework for law enforcement use of biometrics, facial recognition and similar"
    )
    name = file_name(title, 3, "home-office", date(2026, 3, 1), "docx")

    assert name == (
        "northtown-residents-response-to-the-home-office-consultation-v3-home-office.docx"
    )
    stem = name.removesuffix("-v3-home-office.docx")
    assert len(stem) <= 60
    assert all(word in title.lower() for word in stem.split("-"))  # no word is cut
    assert SAFE_NAME.fullmatch(name)


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        (
            "Réponse de l'Association Zoë Ó Súilleabháin",
            "reponse-de-l-association-zoe-o-suilleabhain",
        ),
        ("<script>alert(1)</script> ../../etc/passwd", "script-alert-1-script-etc-passwd"),
        ("王小明的回应", ""),  # nothing left in safe characters: "response" stands in
        ("Antidisestablishmentarianism" * 3, ("antidisestablishmentarianism" * 3)[:60]),
    ],
)
def test_file_names_hold_safe_characters_only(title, expected):
    assert slug(title) == expected
    for version in (2, None):
        name = file_name(title, version, "campaign", date(2026, 3, 1), "pdf")
        assert SAFE_NAME.fullmatch(name), name
        assert name.endswith("-campaign.pdf")
    assert file_name("王小明的回应", None, "campaign", date(2026, 3, 1), "md") == (
        "response-draft-2026-03-01-campaign.md"
    )


def test_a_download_is_named_by_its_title_cut_at_a_word(client, team, frozen_version):
    response = frozen_version.response
    response.title = "A response on live facial recognition deployments by the police forces"
    db.session.commit()
    login(client, team.coordinator)

    download = client.get(f"/responses/{response.id}/export/response.md?version=1")

    disposition = download.headers["Content-Disposition"]
    assert "a-response-on-live-facial-recognition-deployments-by-the-v1-home-office.md" in (
        disposition
    )
