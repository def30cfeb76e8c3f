"""The export endpoints of API.md: ask (202), poll, download; errors in the API's shape."""

from __future__ import annotations

import pytest

from consult.exports.models import ExportFile, ExportJob
from consult.extensions import db
from tests.exports.export_support import export_jobs, fresh_job


def _ask(client, headers, response_id: int, **body):
    return client.post(f"/api/v1/responses/{response_id}/exports", json=body, headers=headers)


def test_asking_for_an_export_returns_the_job_and_the_file_follows(
    client, team, api_token, frozen_version
):
    headers = api_token(team.coordinator)

    asked = _ask(
        client, headers, frozen_version.response_id, format="md", version=frozen_version.id
    )

    assert asked.status_code == 202
    body = asked.get_json()
    assert set(body) >= {"id", "status", "progress"}
    assert body["status"] == "done" and body["progress"] == 100  # tests run jobs in the request
    status = client.get(f"/api/v1/exports/{body['id']}", headers=headers)
    assert status.status_code == 200
    assert status.get_json()["status"] == "done" and "error" not in status.get_json()
    file = client.get(f"/api/v1/exports/{body['id']}/file", headers=headers)
    assert file.status_code == 200
    assert file.mimetype == "text/markdown"
    assert file.headers["Content-Disposition"].startswith("attachment;")
    assert "-v1-home-office.md" in file.headers["Content-Disposition"]
    assert "Question 1" in file.get_data(as_text=True)


def test_the_defaults_are_the_latest_version_and_the_responses_profile(
    client, team, api_token, frozen_version
):
    asked = _ask(client, api_token(team.owner), frozen_version.response_id, format="md")

    assert asked.status_code == 202
    job = fresh_job(asked.get_json()["id"])
    assert (job.version_id, job.profile) == (frozen_version.id, "home-office")


def test_the_draft_and_a_version_number_can_be_asked_for(client, team, api_token, frozen_version):
    headers = api_token(team.coordinator)

    draft = _ask(client, headers, frozen_version.response_id, format="md", version="draft")
    by_number = _ask(client, headers, frozen_version.response_id, format="md", version=1)

    assert draft.get_json()["draft"] is True and draft.get_json()["version"] is None
    assert by_number.get_json()["version"] == 1


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "format"),
        ({"format": "exe"}, "format"),
        ({"format": "pdf", "profile": "nowhere"}, "profile"),
        ({"format": "pdf", "version": 999}, "version"),
        ({"format": "pdf", "version": "1"}, "version"),
        ({"format": "pdf", "version": True}, "version"),
        ({"format": "pdf", "version": 2**40}, "version"),
    ],
)
def test_invalid_fields_are_a_422_naming_the_field(
    client, team, api_token, frozen_version, body, field
):
    answer = _ask(client, api_token(team.coordinator), frozen_version.response_id, **body)

    assert answer.status_code == 422
    assert field in answer.get_json()["error"]["fields"]
    assert export_jobs() == []


def test_a_body_that_is_not_json_is_a_400(client, team, api_token, frozen_version):
    answer = client.post(
        f"/api/v1/responses/{frozen_version.response_id}/exports",
        data="format=pdf",
        headers=api_token(team.coordinator),
    )

    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "bad_request"


@pytest.mark.parametrize("role", ["editor", "member"])
def test_editors_and_members_may_not_export(client, team, api_token, frozen_version, role):
    headers = api_token(team.user(role))

    answer = _ask(client, headers, frozen_version.response_id, format="pdf")

    assert answer.status_code == 403 and answer.get_json()["error"]["code"] == "forbidden"
    assert export_jobs() == []


def test_another_organisations_exports_are_not_found(client, team, api_token, frozen_version):
    asked = _ask(client, api_token(team.coordinator), frozen_version.response_id, format="md")
    job_id = asked.get_json()["id"]
    outsider = api_token(team.outsider)

    for url in (f"/api/v1/exports/{job_id}", f"/api/v1/exports/{job_id}/file"):
        answer = client.get(url, headers=outsider)
        assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "not_found"
    assert _ask(client, outsider, frozen_version.response_id, format="md").status_code == 404
    assert client.get("/api/v1/exports/99999", headers=outsider).status_code == 404


def test_without_a_token_it_is_a_401(client, frozen_version):
    assert _ask(client, {}, frozen_version.response_id, format="md").status_code == 401
    assert client.get("/api/v1/exports/1").status_code == 401


def test_a_file_not_ready_is_a_409_and_a_failed_one_says_why(
    client, team, api_token, frozen_version
):
    headers = api_token(team.coordinator)
    waiting = ExportJob(
        response_id=frozen_version.response_id,
        profile="home-office",
        format="pdf",
        cache_key="2" * 64,
    )
    failed = ExportJob(
        response_id=frozen_version.response_id,
        profile="home-office",
        format="pdf",
        status="failed",
        error="The export took too long and was stopped.",
        cache_key="3" * 64,
    )
    db.session.add_all([waiting, failed])
    db.session.commit()

    not_ready = client.get(f"/api/v1/exports/{waiting.id}/file", headers=headers)
    status = client.get(f"/api/v1/exports/{failed.id}", headers=headers).get_json()

    assert not_ready.status_code == 409 and not_ready.get_json()["error"]["code"] == "not_ready"
    assert status["status"] == "failed" and status["error"].startswith("The export took")
    assert client.get(f"/api/v1/exports/{failed.id}/file", headers=headers).status_code == 409


def test_a_file_no_longer_kept_is_a_404_that_says_to_export_again(
    client, team, api_token, frozen_version
):
    headers = api_token(team.coordinator)
    job_id = _ask(client, headers, frozen_version.response_id, format="md").get_json()["id"]
    db.session.execute(db.delete(ExportFile))  # as after the retention period
    db.session.commit()

    answer = client.get(f"/api/v1/exports/{job_id}/file", headers=headers)

    assert answer.status_code == 404 and answer.get_json()["error"]["code"] == "file_expired"
    assert "Export it again" in answer.get_json()["error"]["message"]


def test_a_browser_session_needs_the_csrf_token_to_ask(app, client, team, frozen_version, csrf_on):
    from tests.conftest import csrf_token_from
    from tests.factories import PASSWORD

    login_page = client.get("/login").get_data(as_text=True)
    client.post(
        "/login",
        data={"email": team.coordinator.email, "password": PASSWORD,
              "csrf_token": csrf_token_from(login_page)},
    )  # fmt: skip

    answer = _ask(client, {}, frozen_version.response_id, format="md")

    assert answer.status_code == 400 and answer.get_json()["error"]["code"] == "csrf_failed"


def test_the_openapi_document_describes_the_export_endpoints(client):
    document = client.get("/api/v1/openapi.json").get_json()
    paths = document["paths"]

    ask = paths["/api/v1/responses/{response_id}/exports"]["post"]
    assert "202" in ask["responses"] and {"403", "404", "422"} <= set(ask["responses"])
    assert paths["/api/v1/exports/{export_id}"]["get"]["operationId"] == "get_export"
    assert (
        "application/pdf"
        in paths["/api/v1/exports/{export_id}/file"]["get"]["responses"]["200"]["content"]
    )
    schemas = document["components"]["schemas"]
    assert set(schemas["ExportStatus"]["required"]) == {"id", "status", "progress"}
    assert schemas["ExportStatus"]["properties"]["status"]["enum"] == [
        "queued", "running", "done", "failed"
    ]  # fmt: skip
    assert schemas["ExportRequest"]["properties"]["format"]["enum"] == ["pdf", "docx", "odt", "md"]
