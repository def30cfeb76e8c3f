"""Export rules: asking for a file, the renderers, caching, downloading, preview images and
purging. The job that makes a file runs in consult/exports/jobs.py.

A file is cached under a key made of everything that decides its bytes: the version's
fingerprint (or a hash of the draft's content and the day), the published signature set, the
profile, the format and the renderers' own source. Asking again for the same thing is a job
that is done at once.

Services flush but never commit, as everywhere: the request (or the command line) commits once;
the job runner (jobs.run_job) is its own unit of work."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import replace
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from flask import current_app
from sqlalchemy import delete, func, or_, select

from consult import assets
from consult.accounts.models import User
from consult.audit.services import record
from consult.consultations.profiles import (
    PROFILES,
    SubmissionProfile,
    default_profile,
    profiles_for,
)
from consult.drafting.models import Response
from consult.errors import DomainError
from consult.exports.document import Document, ProfileWarning
from consult.exports.files import file_name
from consult.exports.models import EXPORT_FORMATS, ExportFile, ExportJob
from consult.extensions import db
from consult.links import public_url
from consult.organisations.models import Membership
from consult.organisations.permissions import can
from consult.organisations.services import NotAllowed
from consult.signing import services as signing
from consult.signing.models import Version
from consult.timeutil import utcnow
from consult.wording import listed

FORMAT_LABELS = {
    "pdf": "PDF",
    "docx": "Word (.docx)",
    "odt": "OpenDocument text (.odt)",
    "md": "Markdown (.md)",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "odt": "application/vnd.oasis.opendocument.text",
    "md": "text/markdown; charset=utf-8",
    "txt": "text/plain; charset=utf-8",
}
PREVIEW_PAGES = 3
TOO_LONG_MESSAGE = "The export took too long and was stopped. Please try again in a few minutes."
NEVER_STARTED_MESSAGE = (
    "The export never started (the server may have restarted). Please try again."
)


class ExportError(DomainError):
    """A request that cannot be exported; the message is safe to show to the person."""


# --- the renderers ----------------------------------------------------------------------------
# Imported when first used: WeasyPrint takes a while to import and most requests never render.

Progress = Callable[[float], None]  # 0.0 to 1.0


def _pdf(document: Document, progress: Progress) -> bytes:
    from consult.exports.pdf import render_pdf

    return render_pdf(document, progress=lambda percent: progress(percent / 100))


def _docx(document: Document, progress: Progress) -> bytes:
    from consult.exports.docx import render_docx

    return render_docx(document)


def _odt(document: Document, progress: Progress) -> bytes:
    from consult.exports.odt import render_odt

    return render_odt(document)


def _markdown(document: Document, progress: Progress) -> bytes:
    from consult.exports.text import render_markdown

    return render_markdown(document).encode("utf-8")


RENDERERS: dict[str, Callable[[Document, Progress], bytes]] = {
    "pdf": _pdf,
    "docx": _docx,
    "odt": _odt,
    "md": _markdown,
}


def _ignore(_fraction: float) -> None:
    """A progress callback for work whose progress nobody watches."""


def preview_pdf(document: Document) -> bytes:
    """What the preview images of a Word or ODT file are drawn from: the same document as
    PDF without its signatories annex (which comes last and does not change the first pages),
    to show how the pages are laid out."""
    return _pdf(replace(document, signatories=None), _ignore)


# The source of everything that shapes an export's bytes (and, to keep the list short, the rest
# of the export code): a deployment that changes any of it makes new cache keys, so nobody
# downloads a file made by an older renderer.
_RENDERER_SOURCES = (
    (assets.PACKAGE, "exports/*.py"),
    (assets.PACKAGE, "drafting/markdown*.py"),
    (assets.PACKAGE, "consultations/profiles.py"),
    (assets.TEMPLATES, "exports/print/**/*"),
    (assets.STATIC, "css/print*.css"),
    (assets.STATIC, "css/fonts.css"),
)


@lru_cache(maxsize=1)
def renderer_version() -> str:
    digest = hashlib.sha256()
    for folder, pattern in _RENDERER_SOURCES:
        for path in sorted(folder.glob(pattern)):
            if path.is_file():
                digest.update(f"{folder.name}/{path.relative_to(folder)}".encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


# --- choosing what to export -------------------------------------------------------------------


def versions_for_export(response: Response) -> list[Version]:
    """The response's frozen versions, newest first (the latest is the default choice)."""
    return signing.versions_of(response)


def find_version(response: Response, reference: int) -> Version | None:
    """A version of this response named by its id, or else by its number (people say
    "version 2"; programs pass the id the API gave them)."""
    if not 0 < reference < 2**31:
        return None
    by_id = db.session.get(Version, reference)
    if by_id is not None and by_id.response_id == response.id:
        return by_id
    return db.session.scalar(
        select(Version).where(Version.response_id == response.id, Version.number == reference)
    )


def subject_of(response: Response) -> str:
    """What the response answers, as profiles name it: "bill" or "consultation"."""
    return "bill" if response.bill_id is not None else "consultation"


def profiles_of(response: Response) -> dict[str, SubmissionProfile]:
    """The profiles the response can be exported for: a consultation's recipients for a
    response to a consultation, a bill's stages for a response to a bill."""
    return profiles_for(subject_of(response))


def default_profile_of(response: Response) -> str:
    """The response's own profile when it fits what it answers, else that subject's default."""
    fitting = profiles_of(response)
    return (
        response.profile if response.profile in fitting else default_profile(subject_of(response))
    )


def profile_for(slug: str | None, response: Response) -> SubmissionProfile:
    """The profile asked for (left out: the response's own), refused unless it fits what the
    response answers (a briefing needs a bill; a consultation's recipients do not take one)."""
    fitting = profiles_of(response)
    slug = slug or default_profile_of(response)
    if slug not in fitting:
        raise ExportError(f"Choose one of the profiles: {', '.join(fitting)}.")
    return fitting[slug]


def formats_for(profile: SubmissionProfile) -> list[str]:
    """Every format, the profile's preferred ones first."""
    return list(profile.formats) + [f for f in EXPORT_FORMATS if f not in profile.formats]


def check(document: Document, format: str) -> tuple[ProfileWarning, ...]:
    """What breaks the profile: the builder's findings, and a format the recipient does not
    take (a committee wants a Word-type file, not a PDF)."""
    from consult.exports.builder import capitalised

    profile = PROFILES[document.profile_slug]
    warnings = (*document.warnings, *_over_page_limit(document))
    if format in profile.formats:
        return warnings
    wanted = listed([FORMAT_LABELS[f] for f in profile.formats if f != "md"], "or")
    message = f"{capitalised(profile.addressee)} asks for {wanted}, not {FORMAT_LABELS[format]}."
    return (*warnings, ProfileWarning("format", message))


def pdf_pages(document: Document) -> int:
    """How many pages the document's PDF fills (the PDF is rendered: its body is cached on
    disk, so the export that follows does not lay it out again)."""
    import pypdfium2

    pdf = pypdfium2.PdfDocument(_pdf(document, _ignore))
    try:
        return len(pdf)
    finally:
        pdf.close()


def _over_page_limit(document: Document) -> tuple[ProfileWarning, ...]:
    """A briefing must fit its pages: measured on the PDF itself, never guessed. Nothing is
    cut to make it fit; the coordinator is told how long it is and what is longest."""
    if document.page_limit is None:
        return ()
    pages = pdf_pages(document)
    if pages <= document.page_limit:
        return ()
    longest = sorted(document.parts, key=lambda part: -part.word_count)[:3]
    named = listed(
        [f"{part.heading or part.title} ({part.word_count:,} words)" for part in longest]
    )
    return (
        ProfileWarning(
            "over-page-limit",
            f"The briefing fills {pages} pages of A4, not the {document.page_limit} it must fit "
            f"on: nothing has been cut, so shorten it before sending. The longest parts are "
            f"{named}.",
        ),
    )


def check_draft(response: Response) -> tuple[SubmissionProfile, tuple[ProfileWarning, ...]]:
    """The pre-export check of the draft as it reads now, against the response's own profile:
    what the freeze page shows before a version is frozen, as a frozen version's words never
    change and people sign them as they are."""
    profile = PROFILES[default_profile_of(response)]
    return profile, build(response, None, profile.slug).warnings


def verify_url(version: Version | None) -> str | None:
    """The public verification page of the version's fingerprint, as an absolute URL at the
    instance's public address (the same from a request, a worker or the command line)."""
    if version is None:
        return None
    return public_url("signing.verify_fingerprint", sha256=version.sha256)


def build(
    response: Response,
    version: Version | None,
    profile: str,
    *,
    verify: str | None = None,
    today: date | None = None,
) -> Document:
    """The document model for a version (or the draft) and a profile; its `warnings` are what
    the pre-export check shows."""
    from consult.exports.builder import build_document

    return build_document(
        response,
        version,
        profile,
        verify_url_for=(lambda _sha256: verify) if verify else None,
        today=today,
    )


# --- cache keys --------------------------------------------------------------------------------


def _signature_set(version: Version) -> str:
    """A hash of what an export shows of the signatures: the published names and the count."""
    organisations, people = signing.public_lists(version)
    data = json.dumps([signing.confirmed_count(version), organisations, people])
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _draft_hash(response: Response, today: date) -> str:
    content = signing.canonical_content(response, 0, datetime.combine(today, time()))
    return hashlib.sha256(signing.canonical_bytes(content)).hexdigest()


def cache_key(
    response: Response, version: Version | None, profile: str, format: str, today: date
) -> str:
    """The key of the file these choices make (see the module docstring)."""
    if version is None:
        parts = ["draft", _draft_hash(response, today), "-"]
    else:
        parts = ["version", version.sha256, _signature_set(version)]
    parts += [profile, format, renderer_version()]
    return hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()


def preview_key(key: str, page: int) -> str:
    return f"{key}:p{page}"


def cached_file(key: str) -> ExportFile | None:
    return db.session.scalar(select(ExportFile).where(ExportFile.cache_key == key))


def file_exists(key: str) -> bool:
    return db.session.scalar(select(ExportFile.id).where(ExportFile.cache_key == key)) is not None


# --- asking for an export ----------------------------------------------------------------------


def _require_exporter(membership: Membership, response: Response) -> None:
    if not can(membership, "export") or membership.organisation_id != response.organisation_id:
        raise NotAllowed("Only owners and coordinators can export.")


def request_export(
    membership: Membership,
    response: Response,
    *,
    format: str,
    profile: str | None = None,
    version: Version | None = None,
    warnings_overridden: bool = False,
) -> ExportJob:
    """A job for the file, asked for by an owner or coordinator. When the same file is already
    cached the job is done at once; otherwise it is queued, and the caller hands it to
    `jobs.dispatch` after committing."""
    _require_exporter(membership, response)
    return _new_job(response, version, profile, format, membership.user, warnings_overridden)


def request_export_as_operator(
    response: Response, *, format: str, profile: str | None = None, version: Version | None = None
) -> ExportJob:
    """The same, for the command line (`flask --app wsgi export`): whoever can run it runs
    the server, so there is no member to check."""
    return _new_job(response, version, profile, format, None, False)


def _new_job(
    response: Response,
    version: Version | None,
    profile: str | None,
    format: str,
    actor: User | None,
    warnings_overridden: bool,
) -> ExportJob:
    if format not in EXPORT_FORMATS:
        raise ExportError(f"Choose one of the formats: {', '.join(EXPORT_FORMATS)}.")
    chosen = profile_for(profile, response)
    if version is not None and version.response_id != response.id:
        raise ExportError("That version belongs to another response.")
    now = utcnow()
    key = cache_key(response, version, chosen.slug, format, now.date())
    cached = file_exists(key)
    job = ExportJob(
        response_id=response.id,
        version_id=version.id if version else None,
        profile=chosen.slug,
        format=format,
        status="done" if cached else "queued",
        progress=100 if cached else 0,
        cache_key=key,
        verify_url=verify_url(version),
        warnings_overridden=warnings_overridden,
        requested_by_id=actor.id if actor else None,
        created_at=now,
        started_at=now if cached else None,
        finished_at=now if cached else None,
    )
    db.session.add(job)
    if cached and version is not None:
        signing.mark_published(version)
    db.session.flush()
    record(
        "export.requested",
        actor=actor,
        organisation=response.organisation,
        subject=job,
        response_id=response.id,
        version=version.number if version else None,
        profile=chosen.slug,
        format=format,
        cached=cached,
        warnings_overridden=warnings_overridden,
        via="web or api" if actor else "command line",
    )
    return job


# --- reading jobs ------------------------------------------------------------------------------


def load_job(job_id: int) -> ExportJob | None:
    return db.session.get(ExportJob, job_id) if 0 < job_id < 2**31 else None


def expire_if_stuck(job: ExportJob, now: datetime | None = None) -> bool:
    """Mark a job failed when it has run (or waited) past EXPORT_JOB_TIMEOUT: a runner that
    died must not leave a coordinator watching a bar that never moves. True if it changed."""
    now = now or utcnow()
    limit = timedelta(seconds=current_app.config["EXPORT_JOB_TIMEOUT"])
    if job.status == "running" and job.started_at and job.started_at < now - limit:
        message = TOO_LONG_MESSAGE
    elif job.status == "queued" and job.created_at < now - limit:
        message = NEVER_STARTED_MESSAGE
    else:
        return False
    job.status, job.error, job.finished_at = "failed", message, now
    db.session.flush()
    current_app.logger.warning("Export %s marked failed: %s", job.id, message)
    return True


def expire_stuck_jobs(now: datetime | None = None) -> int:
    """Mark every stuck job failed (see expire_if_stuck); returns how many."""
    now = now or utcnow()
    limit = now - timedelta(seconds=current_app.config["EXPORT_JOB_TIMEOUT"])
    stuck = db.session.scalars(
        select(ExportJob).where(
            or_(
                (ExportJob.status == "running") & (ExportJob.started_at < limit),
                (ExportJob.status == "queued") & (ExportJob.created_at < limit),
            )
        )
    ).all()
    return sum(expire_if_stuck(job, now) for job in stuck)


def recent_jobs(response: Response, limit: int = 5) -> list[ExportJob]:
    return list(
        db.session.scalars(
            select(ExportJob)
            .where(ExportJob.response_id == response.id)
            .order_by(ExportJob.id.desc())
            .limit(limit)
        )
    )


def file_info(job: ExportJob) -> tuple[str, int] | None:
    """(file name, size) of a done job's file, without reading its bytes."""
    if job.status != "done":
        return None
    row = db.session.execute(
        select(ExportFile.file_name, ExportFile.size).where(ExportFile.cache_key == job.cache_key)
    ).first()
    return (row.file_name, row.size) if row else None


def previews_of(job: ExportJob) -> list[int]:
    """The page numbers that have a preview image."""
    if job.status != "done":
        return []
    keys = [preview_key(job.cache_key, n) for n in range(1, PREVIEW_PAGES + 1)]
    found = set(
        db.session.scalars(select(ExportFile.cache_key).where(ExportFile.cache_key.in_(keys)))
    )
    return [n for n in range(1, PREVIEW_PAGES + 1) if preview_key(job.cache_key, n) in found]


def preview_image(job: ExportJob, page: int) -> ExportFile | None:
    if job.status != "done" or not 1 <= page <= PREVIEW_PAGES:
        return None
    return cached_file(preview_key(job.cache_key, page))


def download(user: User, job: ExportJob) -> ExportFile:
    """The job's file, for someone allowed to export (the loader checked), audited."""
    if job.status != "done":
        raise ExportError("The file is not ready yet.")
    file = cached_file(job.cache_key)
    if file is None:
        raise ExportError("This file is no longer kept. Export it again to get a new copy.")
    record(
        "export.downloaded",
        actor=user,
        organisation=job.response.organisation,
        subject=job,
        format=job.format,
        size=file.size,
    )
    return file


def text_file(
    membership: Membership, response: Response, version: Version | None, profile: str, kind: str
) -> tuple[str, str]:
    """(file name, text) of the whole response as Markdown ("md") or plain text ("txt"),
    made in the request: text is quick to render. Audited like any download."""
    from consult.exports.text import render_markdown, render_text

    _require_exporter(membership, response)
    chosen = profile_for(profile, response)
    today = utcnow().date()
    document = build(response, version, chosen.slug, verify=verify_url(version), today=today)
    text = render_markdown(document) if kind == "md" else render_text(document)
    if version is not None:
        signing.mark_published(version)
    record(
        "export.downloaded",
        actor=membership.user,
        organisation=response.organisation,
        subject=version or response,
        format=kind,
        profile=chosen.slug,
    )
    name = file_name(response.title, version.number if version else None, chosen.slug, today, kind)
    return name, text


# --- retention ---------------------------------------------------------------------------------


def purge_old_exports(before: datetime, *, dry_run: bool = False) -> int:
    """Delete cached files made before `before`, and finished jobs asked for before then (they
    name who asked). Returns how many files were (or, with `dry_run`, would be) deleted.
    Queued and running jobs are left alone."""
    if dry_run:
        return db.session.scalar(
            select(func.count()).select_from(ExportFile).where(ExportFile.created_at < before)
        )
    files = db.session.execute(delete(ExportFile).where(ExportFile.created_at < before))
    db.session.execute(
        delete(ExportJob).where(
            ExportJob.created_at < before, ExportJob.status.in_(("done", "failed"))
        )
    )
    db.session.flush()
    return files.rowcount or 0
