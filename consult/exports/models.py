"""Export tables: jobs (what was asked, how far it got) and the files they made.

Both live in the database, not on a local disk, so that every app instance and every RQ
worker sees the same job states and serves the same cached files."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from consult.accounts.models import User
from consult.drafting.models import Response
from consult.extensions import db
from consult.signing.models import Version
from consult.timeutil import utcnow

EXPORT_FORMATS = ("pdf", "docx", "odt", "md")
JOB_STATUSES = ("queued", "running", "done", "failed")


class ExportJob(db.Model):
    """One request for a file: a version (or the draft, `version_id` None) rendered for a
    submission profile in one format. `cache_key` names the file it makes (ExportFile)."""

    __tablename__ = "export_jobs"
    __table_args__ = (
        CheckConstraint("status IN ('queued', 'running', 'done', 'failed')", name="status"),
        CheckConstraint("format IN ('pdf', 'docx', 'odt', 'md')", name="format"),
        CheckConstraint("progress >= 0 AND progress <= 100", name="progress"),
        Index("ix_export_jobs_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    response_id: Mapped[int] = mapped_column(
        ForeignKey("responses.id", ondelete="CASCADE"), index=True
    )
    version_id: Mapped[int | None] = mapped_column(ForeignKey("versions.id", ondelete="CASCADE"))
    profile: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(20), default="queued")
    progress: Mapped[int] = mapped_column(default=0)
    error: Mapped[str | None] = mapped_column(String(500))
    cache_key: Mapped[str] = mapped_column(String(64))
    # The public verification page of the version's fingerprint, worked out in the request
    # (a worker has no request to build an absolute URL from); None for a draft.
    verify_url: Mapped[str | None] = mapped_column(String(500))
    warnings_overridden: Mapped[bool] = mapped_column(default=False)
    requested_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]

    response: Mapped[Response] = relationship()
    version: Mapped[Version | None] = relationship()
    requested_by: Mapped[User | None] = relationship()


class ExportFile(db.Model):
    """A finished file (or a preview image of one of its pages), kept under its cache key:
    the same version, signatures, profile, format and renderers give the same bytes."""

    __tablename__ = "export_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    cache_key: Mapped[str] = mapped_column(String(80), unique=True)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    content_type: Mapped[str] = mapped_column(String(120))
    file_name: Mapped[str] = mapped_column(String(200))
    size: Mapped[int]
    created_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
