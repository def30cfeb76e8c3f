"""Exports (API.md, "Exports"): ask for a file, poll the job, download it."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from pydantic import Field

from consult.api.fields import NOT_VALID, Check, Choice, refuse
from consult.api.models.base import ReplyModel, RequestModel
from consult.consultations.profiles import PROFILES
from consult.exports.models import EXPORT_FORMATS, JOB_STATUSES, ExportJob

DRAFT = "draft"


def _version(value: Any) -> int | str | None:
    if value is None or value == DRAFT:
        return value
    if isinstance(value, bool) or not isinstance(value, int):
        raise refuse(NOT_VALID, 'A version id, or "draft".')
    return value


class ExportRequest(RequestModel):
    format: Annotated[str, Choice(EXPORT_FORMATS)]
    version: Annotated[
        int | str | None,
        Check(
            _version,
            {
                "oneOf": [
                    {"type": "integer", "minimum": 1},
                    {"type": "string", "const": DRAFT},
                    {"type": "null"},
                ]
            },
            extra={
                "description": "The version's id (its number is accepted too, when no version "
                'of this response has that id), or "draft" for the current draft, marked DRAFT '
                "on every page. Left out: the latest frozen version (the draft if none was "
                "frozen yet)."
            },
        ),
    ] = None
    profile: Annotated[
        str | None,
        Choice(PROFILES, description="The submission profile; left out: the response's own"),
    ] = None


class ExportStatus(ReplyModel):
    id: int
    status: Literal[JOB_STATUSES]
    progress: int = Field(ge=0, le=100)
    error: str | None = Field(None, description="Why it failed, for a person")
    # Always sent, but not required by the contract (API.md names id, status and progress).
    format: Literal[EXPORT_FORMATS] = None  # type: ignore[assignment]
    profile: Literal[tuple(PROFILES)] = None  # type: ignore[assignment]
    version: int | None = Field(None, description="The version's number; null for the draft")
    draft: bool = None  # type: ignore[assignment]

    @classmethod
    def of(cls, job: ExportJob) -> ExportStatus:
        return cls(
            id=job.id,
            status=job.status,
            progress=job.progress,
            format=job.format,
            profile=job.profile,
            version=job.version.number if job.version else None,
            draft=job.version_id is None,
            # Only when there is one: the fields given are the fields answered.
            **({"error": job.error} if job.error else {}),
        )


# The finished file's media types, by format.
FILE_TYPES = (
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.oasis.opendocument.text",
    "text/markdown",
)
