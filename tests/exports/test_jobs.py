"""Export jobs: queued -> running -> done with progress that pollers see, failures with a
message for a person, the cache, stuck jobs, the worker thread, RQ, retention."""

from __future__ import annotations

import io
import logging
import os
import threading
import time
import uuid
from datetime import timedelta

import docx
import pytest
from sqlalchemy import select

from consult.audit.models import AuditEvent
from consult.exports import jobs, services
from consult.exports.models import ExportFile
from consult.extensions import db
from consult.signing import services as signing
from consult.timeutil import utcnow
from tests.exports.export_support import (
    ZIP_MAGIC,
    export_jobs,
    file_of,
    fresh_job,
    job_row,
    membership,
)


@pytest.fixture
def coordinator(team):
    return membership(team.coordinator, team.organisation)


def _request(coordinator, response, version=None, format="md", profile="home-office"):
    job = services.request_export(
        coordinator, response, format=format, profile=profile, version=version
    )
    db.session.commit()
    return job


def test_a_job_is_queued_then_running_then_done_with_its_file(
    app, coordinator, frozen_version, monkeypatch
):
    seen = []
    real = services.RENDERERS["md"]

    def watching(document, progress):
        seen.append(job_row(job.id))  # as a poller sees it while the file is being made
        progress(0.5)
        seen.append(job_row(job.id))
        return real(document, progress)

    monkeypatch.setitem(services.RENDERERS, "md", watching)
    job = _request(coordinator, frozen_version.response, frozen_version)
    assert (job.status, job.progress) == ("queued", 0)

    jobs.dispatch(job)

    assert [row["status"] for row in seen] == ["running", "running"]
    assert 15 <= seen[0]["progress"] < seen[1]["progress"] < 100
    done = fresh_job(job.id)
    assert (done.status, done.progress, done.error) == ("done", 100, None)
    file = file_of(done)
    assert file.content_type.startswith("text/markdown")
    assert file.file_name.endswith("-v1-home-office.md")
    assert "Question 1" in file.content.decode("utf-8")


def test_a_docx_export_is_a_real_word_file_with_the_versions_words(
    coordinator, frozen_version, export_texts
):
    job = _request(coordinator, frozen_version.response, frozen_version, format="docx")
    jobs.dispatch(job)

    file = file_of(fresh_job(job.id))
    assert file.content.startswith(ZIP_MAGIC)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(file.content)).paragraphs)
    assert "Northtown Residents" in text
    assert file.size == len(file.content)


def test_a_failing_renderer_fails_the_job_with_a_message_for_a_person_and_logs_it(
    coordinator, frozen_version, monkeypatch, caplog
):
    def broken(document, progress):
        raise RuntimeError("internal detail: cairo surface 0xdeadbeef")

    monkeypatch.setitem(services.RENDERERS, "md", broken)
    job = _request(coordinator, frozen_version.response, frozen_version)

    with caplog.at_level(logging.ERROR):
        jobs.dispatch(job)

    failed = fresh_job(job.id)
    assert failed.status == "failed"
    assert f"export number ({job.id})" in failed.error
    assert "0xdeadbeef" not in failed.error  # the detail goes to the log, not to the person
    assert any("0xdeadbeef" in record.exc_text for record in caplog.records if record.exc_text)
    assert services.cached_file(failed.cache_key) is None


def test_the_same_export_again_is_done_at_once_from_the_cache(
    coordinator, frozen_version, monkeypatch
):
    first = _request(coordinator, frozen_version.response, frozen_version)
    jobs.dispatch(first)
    calls = []
    monkeypatch.setitem(services.RENDERERS, "md", lambda *args: calls.append(args) or b"")

    again = _request(coordinator, frozen_version.response, frozen_version)

    assert (again.status, again.progress) == ("done", 100)
    assert again.cache_key == fresh_job(first.id).cache_key
    assert calls == []
    assert db.session.scalar(select(db.func.count()).select_from(ExportFile)) == 1


def test_the_cache_key_changes_with_each_thing_that_changes_the_file(
    team, coordinator, frozen_version
):
    response = frozen_version.response
    today = utcnow().date()
    key = services.cache_key(response, frozen_version, "home-office", "pdf", today)

    assert services.cache_key(response, frozen_version, "campaign", "pdf", today) != key
    assert services.cache_key(response, frozen_version, "home-office", "docx", today) != key
    assert services.cache_key(response, None, "home-office", "pdf", today) != key
    # A new published signature changes the signatories annex, so the key.
    signing.open_signing(coordinator, frozen_version, True, None)
    signing.sign_as_member(team.member, frozen_version, None, None, True)
    assert services.cache_key(response, frozen_version, "home-office", "pdf", today) != key


def test_a_signature_given_while_the_job_waited_is_in_the_file(team, coordinator, frozen_version):
    signing.open_signing(coordinator, frozen_version, True, None)
    job = _request(coordinator, frozen_version.response, frozen_version)
    signing.sign_as_member(team.member, frozen_version, "Late Signer", None, True)
    db.session.commit()

    jobs.dispatch(job)

    assert "Late Signer" in file_of(fresh_job(job.id)).content.decode("utf-8")


def test_a_draft_export_is_marked_draft_and_publishes_nothing(coordinator, export_response):
    job = _request(coordinator, export_response, None)
    jobs.dispatch(job)

    content = file_of(fresh_job(job.id)).content.decode("utf-8")
    assert "DRAFT" in content
    assert "-draft-" in file_of(fresh_job(job.id)).file_name


def test_exporting_a_version_makes_its_fingerprint_verifiable(client, coordinator, frozen_version):
    assert client.get(f"/api/v1/verify/{frozen_version.sha256}").status_code == 404
    job = _request(coordinator, frozen_version.response, frozen_version)
    jobs.dispatch(job)

    assert client.get(f"/api/v1/verify/{frozen_version.sha256}").status_code == 200


def test_requesting_and_downloading_are_audited_without_secrets(team, coordinator, frozen_version):
    job = _request(coordinator, frozen_version.response, frozen_version)
    jobs.dispatch(job)
    services.download(team.coordinator, fresh_job(job.id))
    db.session.commit()

    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.action.like("export.%")).order_by(AuditEvent.id)
    ).all()
    assert [e.action for e in events] == ["export.requested", "export.downloaded"]
    assert all(e.actor_id == team.coordinator.id for e in events)
    assert events[0].details["format"] == "md" and events[0].details["version"] == 1
    assert "cache_key" not in str(events[0].details)


def test_only_owners_and_coordinators_may_request_an_export(team, frozen_version):
    from consult.organisations.services import NotAllowed

    for role in ("editor", "member"):
        with pytest.raises(NotAllowed):
            services.request_export(
                membership(team.user(role), team.organisation),
                frozen_version.response,
                format="pdf",
            )
    outsider = membership(team.outsider, team.other_organisation)
    with pytest.raises(NotAllowed):
        services.request_export(outsider, frozen_version.response, format="pdf")
    assert export_jobs() == []


def test_a_bad_format_or_profile_is_refused_with_a_clear_message(coordinator, frozen_version):
    with pytest.raises(services.ExportError, match="formats: pdf, docx, odt, md"):
        services.request_export(coordinator, frozen_version.response, format="exe")
    with pytest.raises(services.ExportError, match="profiles"):
        services.request_export(
            coordinator, frozen_version.response, format="pdf", profile="nowhere"
        )


def test_a_job_running_past_the_timeout_is_marked_failed(
    app, client, team, api_token, coordinator, frozen_version
):
    job = _request(coordinator, frozen_version.response, frozen_version)
    timeout = app.config["EXPORT_JOB_TIMEOUT"]
    job.status, job.started_at = "running", utcnow() - timedelta(seconds=timeout + 5)
    waiting = _request(coordinator, frozen_version.response, frozen_version, format="docx")
    waiting.created_at = utcnow() - timedelta(seconds=timeout + 5)
    recent = _request(coordinator, frozen_version.response, frozen_version, format="odt")
    db.session.commit()

    body = client.get(f"/api/v1/exports/{job.id}", headers=api_token(team.coordinator)).get_json()

    assert body["status"] == "failed" and "took too long" in body["error"]
    assert services.expire_stuck_jobs() == 1  # the one waiting; the recent one is left alone
    db.session.commit()
    assert "never started" in fresh_job(waiting.id).error
    assert fresh_job(recent.id).status == "queued"


def test_a_job_already_taken_is_not_run_twice(coordinator, frozen_version, monkeypatch):
    calls = []
    real = services.RENDERERS["md"]
    monkeypatch.setitem(
        services.RENDERERS,
        "md",
        lambda document, progress: calls.append(1) or real(document, progress),
    )
    job = _request(coordinator, frozen_version.response, frozen_version)

    jobs.run_job(job.id)
    jobs.run_job(job.id)

    assert calls == [1]


def test_the_thread_runner_makes_the_file_in_a_worker_thread(
    app, coordinator, frozen_version, monkeypatch
):
    threads = []
    real = services.RENDERERS["md"]

    def recording(document, progress):
        threads.append(threading.current_thread().name)
        return real(document, progress)

    monkeypatch.setitem(services.RENDERERS, "md", recording)
    monkeypatch.setitem(app.config, "EXPORT_JOBS", "thread")
    job = _request(coordinator, frozen_version.response, frozen_version)

    future = jobs.dispatch(job)
    future.result(timeout=60)

    assert (
        threads
        and threads[0].startswith("export")
        and threads[0] != threading.current_thread().name
    )
    assert fresh_job(job.id).status == "done"


def _wait_until_done(job_id: int, seconds: float = 60) -> str:
    deadline = time.monotonic() + seconds
    while (status := fresh_job(job_id).status) in ("queued", "running"):
        assert time.monotonic() < deadline, f"export {job_id} still {status}"
        time.sleep(0.1)
    return status


def test_a_queued_job_lost_in_a_restart_is_resumed_when_someone_looks_at_it(
    app, client, team, api_token, coordinator, frozen_version, monkeypatch
):
    """The thread runner: the process that queued the job went away before a thread took it
    (here: it was never handed to a thread). Polling its status runs it here."""
    monkeypatch.setitem(app.config, "EXPORT_JOBS", "thread")
    lost = _request(coordinator, frozen_version.response, frozen_version)
    lost.created_at = utcnow() - jobs.ORPHANED_AFTER - timedelta(seconds=1)
    just_queued = _request(coordinator, frozen_version.response, frozen_version, format="docx")
    db.session.commit()

    body = client.get(f"/api/v1/exports/{lost.id}", headers=api_token(team.coordinator))

    assert body.get_json()["status"] == "queued"
    assert _wait_until_done(lost.id) == "done"
    # A job queued moments ago is left to the thread it was handed to.
    assert jobs.resume_if_orphaned(fresh_job(just_queued.id)) is None
    assert fresh_job(just_queued.id).status == "queued"


def test_a_job_this_process_holds_is_not_handed_to_its_threads_twice(
    app, coordinator, frozen_version, monkeypatch
):
    monkeypatch.setitem(app.config, "EXPORT_JOBS", "thread")
    started, release = threading.Event(), threading.Event()
    real = services.RENDERERS["md"]

    def slow(document, progress):
        started.set()
        release.wait(30)
        return real(document, progress)

    monkeypatch.setitem(services.RENDERERS, "md", slow)
    job = _request(coordinator, frozen_version.response, frozen_version)
    first = jobs.dispatch(job)
    started.wait(30)
    queued_long_ago = fresh_job(job.id)
    queued_long_ago.status = "queued"  # as a status request might still have read it
    queued_long_ago.created_at = utcnow() - jobs.ORPHANED_AFTER * 2

    assert jobs.resume_if_orphaned(queued_long_ago) is None
    release.set()
    first.result(timeout=60)
    db.session.rollback()
    assert fresh_job(job.id).status == "done"


def test_rq_jobs_are_not_resumed_by_the_app(app, coordinator, frozen_version, monkeypatch):
    monkeypatch.setitem(app.config, "EXPORT_JOBS", "rq")
    job = _request(coordinator, frozen_version.response, frozen_version)
    job.created_at = utcnow() - jobs.ORPHANED_AFTER * 2

    assert jobs.resume_if_orphaned(job) is None


def _redis_or_skip(url: str):
    from redis import Redis
    from redis.exceptions import RedisError

    connection = Redis.from_url(url)
    try:
        connection.ping()
    except RedisError:
        pytest.skip(f"no Redis at {url}")
    return connection


def test_with_redis_jobs_go_to_an_rq_worker(app, coordinator, frozen_version, monkeypatch):
    from rq import SimpleWorker

    url = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/0")
    _redis_or_skip(url)
    monkeypatch.setitem(app.config, "REDIS_URL", url)
    monkeypatch.setitem(app.config, "EXPORT_JOBS", "rq")
    monkeypatch.setitem(app.config, "EXPORT_QUEUE", f"test-exports-{uuid.uuid4().hex}")
    job = _request(coordinator, frozen_version.response, frozen_version)

    jobs.dispatch(job)
    assert fresh_job(job.id).status == "queued"  # waiting in Redis for a worker
    queue = jobs.queue(app)
    try:
        assert queue.count == 1
        SimpleWorker([queue], connection=queue.connection).work(burst=True)
    finally:
        queue.delete(delete_jobs=True)

    assert fresh_job(job.id).status == "done"


def test_purging_old_exports_deletes_old_files_and_finished_jobs(coordinator, frozen_version):
    old = _request(coordinator, frozen_version.response, frozen_version)
    jobs.dispatch(old)
    two_days_ago = utcnow() - timedelta(days=2)
    old = fresh_job(old.id)
    old.created_at = file_of(old).created_at = two_days_ago
    db.session.commit()
    new = _request(coordinator, frozen_version.response, frozen_version, format="docx")
    jobs.dispatch(new)

    assert services.purge_old_exports(utcnow() - timedelta(days=1), dry_run=True) == 1
    assert len(export_jobs()) == 2
    removed = services.purge_old_exports(utcnow() - timedelta(days=1))
    db.session.commit()

    assert removed == 1
    assert [job.id for job in export_jobs()] == [new.id]
    assert services.cached_file(fresh_job(new.id).cache_key) is not None


def test_with_redis_unreachable_the_job_runs_in_the_app_instead(
    app, coordinator, frozen_version, monkeypatch, caplog
):
    monkeypatch.setitem(app.config, "REDIS_URL", "redis://127.0.0.1:1/0")  # nothing listens
    monkeypatch.setitem(app.config, "EXPORT_JOBS", "rq")
    job = _request(coordinator, frozen_version.response, frozen_version)

    with caplog.at_level(logging.ERROR):
        future = jobs.dispatch(job)
    future.result(timeout=60)

    assert fresh_job(job.id).status == "done"
    assert "Export queue unreachable" in caplog.text
