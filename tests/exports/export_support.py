"""Helpers for the export job, page, API and CLI tests."""

from __future__ import annotations

from sqlalchemy import select, text

from consult.exports import services
from consult.exports.models import ExportFile, ExportJob
from consult.extensions import db
from consult.organisations.models import Membership

PDF_MAGIC = b"%PDF-"
ZIP_MAGIC = b"PK\x03\x04"  # DOCX and ODT are zip packages


def membership(user, organisation) -> Membership:
    return db.session.scalar(
        select(Membership).where(
            Membership.user_id == user.id, Membership.organisation_id == organisation.id
        )
    )


def job_row(job_id: int) -> dict:
    """The job as another connection sees it (what a poller reads), not the test's session."""
    with db.engine.connect() as connection:
        row = connection.execute(
            text("SELECT status, progress, error FROM export_jobs WHERE id = :id"), {"id": job_id}
        ).one()
    return dict(row._mapping)


def fresh_job(job_id: int) -> ExportJob:
    db.session.expire_all()
    return db.session.get(ExportJob, job_id)


def file_of(job: ExportJob) -> ExportFile:
    file = services.cached_file(job.cache_key)
    assert file is not None, f"no file kept for export {job.id} ({job.status}: {job.error})"
    return file


def export_jobs() -> list[ExportJob]:
    return list(db.session.scalars(select(ExportJob).order_by(ExportJob.id)))
