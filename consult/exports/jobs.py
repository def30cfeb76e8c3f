"""Running export jobs: making the file, off the request thread.

`run_job` makes a job's file. A job is not a request, so it is its own unit of work: it
commits the file and its previews itself, and its progress from a separate connection, so
pollers see it as it goes (the export services only flush, as everywhere).

EXPORT_JOBS chooses where it runs (consult/config.py):
- "thread" (the default): a small pool of worker threads in the app process. The job's state
  lives in the database, so any instance answers a status request. A queued job that no
  process holds any more (its process restarted before a thread took it) is handed to this
  process's threads when someone looks at it (resume_if_orphaned); a job that was running
  when its process stopped is marked failed after EXPORT_JOB_TIMEOUT.
- "rq" (the default with REDIS_URL): jobs go to an RQ queue served by `flask --app wsgi worker`
  on any machine, so several machines share the load. RQ runs each job in a forked process,
  which also hands the renderer's memory back to the system when the job ends.
- "sync": in the caller's thread (tests, and the command line).
"""

from __future__ import annotations

import io
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta
from typing import TYPE_CHECKING

from flask import Flask, current_app, has_app_context
from sqlalchemy import update
from sqlalchemy.exc import IntegrityError

from consult.exports import services
from consult.exports.document import Document
from consult.exports.files import file_name
from consult.exports.models import ExportFile, ExportJob
from consult.extensions import db
from consult.signing import services as signing
from consult.timeutil import utcnow

if TYPE_CHECKING:
    from rq import Queue

PREVIEW_WIDTH = 220  # pixels: a thumbnail, not a page to read
FAILED_MESSAGE = (
    "Something went wrong while making the file. Please try again; if it fails again, tell "
    "us the export number ({id})."
)
# PDFium, which draws the preview images, must not be used by two threads at once.
_PDFIUM_LOCK = threading.Lock()

# --- making the file: the job's own unit of work ------------------------------------------------


def _set(job_id: int, *, only_if: tuple[str, ...], **values: object) -> bool:
    """Change the job's row in its own short transaction, so that pollers see it at once
    whatever the job's session is doing. True if the row was in one of the `only_if` states."""
    with db.engine.begin() as connection:
        result = connection.execute(
            update(ExportJob)
            .where(ExportJob.id == job_id, ExportJob.status.in_(only_if))
            .values(**values)
        )
    return result.rowcount == 1


def _progress_reporter(job_id: int, start: int, end: int) -> services.Progress:
    """A callback taking 0.0-1.0 that stores start..end, writing only when the percentage
    moves (a renderer may report thousands of steps)."""
    last = [start]

    def report(fraction: float) -> None:
        value = start + round((end - start) * min(max(fraction, 0.0), 1.0))
        if value > last[0]:
            last[0] = value
            _set(job_id, only_if=("running",), progress=value)

    return report


def _store(key: str, content: bytes, content_type: str, file_name: str) -> None:
    """Keep a file under its key, committed at once (a job's own transaction; holding it
    open would block the progress updates on SQLite). Another job that made the same file
    first wins: the bytes are the same."""
    if services.file_exists(key):
        return
    db.session.add(
        ExportFile(
            cache_key=key,
            content=content,
            content_type=content_type,
            file_name=file_name,
            size=len(content),
        )
    )
    try:
        db.session.commit()
    except IntegrityError:
        db.session.rollback()


def preview_images(pdf: bytes, pages: int = services.PREVIEW_PAGES) -> list[bytes]:
    """PNG thumbnails of the PDF's first pages, drawn with PDFium."""
    import pypdfium2

    images = []
    with _PDFIUM_LOCK:
        document = pypdfium2.PdfDocument(pdf)
        try:
            for index in range(min(pages, len(document))):
                page = document[index]
                bitmap = page.render(scale=PREVIEW_WIDTH / page.get_width())
                buffer = io.BytesIO()
                bitmap.to_pil().save(buffer, format="PNG", optimize=True)
                images.append(buffer.getvalue())
                page.close()
        finally:
            document.close()
    return images


def _store_previews(job: ExportJob, key: str, document: Document, content: bytes) -> None:
    """Thumbnails of the first pages: of the PDF itself, or, for Word and ODT files, of the
    same document as PDF (services.preview_pdf), to show how the pages are laid out."""
    pdf = content if job.format == "pdf" else services.preview_pdf(document)
    for number, image in enumerate(preview_images(pdf), start=1):
        _store(services.preview_key(key, number), image, "image/png", f"page-{number}.png")


def run_job(job_id: int) -> None:
    """Make the job's file: claim the job (only one runner gets it), build the document,
    render it, keep the file and its preview images, mark the job done. Any failure is logged
    and stored as a message a person can act on; the job never stays "running"."""
    if not _set(job_id, only_if=("queued",), status="running", started_at=utcnow(), progress=5):
        return  # already taken by another runner, or expired
    db.session.expire_all()
    job = db.session.get(ExportJob, job_id)
    try:
        _make_file(job)
    except Exception:
        db.session.rollback()
        current_app.logger.exception("Export %s failed", job_id)
        message = FAILED_MESSAGE.format(id=job_id)
        _set(job_id, only_if=("running",), status="failed", error=message, finished_at=utcnow())


def _make_file(job: ExportJob) -> None:
    response, version = job.response, job.version
    day = job.created_at.date()
    # Made again now: signatures may have come in since the request.
    key = services.cache_key(response, version, job.profile, job.format, day)
    document = services.build(response, version, job.profile, verify=job.verify_url, today=day)
    _set(job.id, only_if=("running",), progress=15)
    has_preview = job.format != "md"
    if not services.file_exists(key):
        render = services.RENDERERS[job.format]
        content = render(document, _progress_reporter(job.id, 15, 75 if has_preview else 95))
        name = file_name(
            response.title, version.number if version else None, job.profile, day, job.format
        )
        _store(key, content, services.CONTENT_TYPES[job.format], name)
    if has_preview and not services.file_exists(services.preview_key(key, 1)):
        _set(job.id, only_if=("running",), progress=80)
        try:
            _store_previews(job, key, document, services.cached_file(key).content)
        except Exception:  # the file is fine; only its preview is missing
            current_app.logger.exception("Preview of export %s failed", job.id)
    if version is not None:
        signing.mark_published(version)
    db.session.commit()
    _set(
        job.id,
        only_if=("running",),
        status="done",
        progress=100,
        cache_key=key,
        finished_at=utcnow(),
    )


# --- where jobs run ---------------------------------------------------------------------------

_executor: ThreadPoolExecutor | None = None
# The jobs this process's threads hold (waiting or running): any other queued job was lost.
_held: set[int] = set()
_held_lock = threading.Lock()
# A job queued this long and held by no thread of this process is taken for orphaned. Its own
# process may still hold it (another gunicorn worker): then whichever thread comes first
# claims it (run_job), and the other finds it taken.
ORPHANED_AFTER = timedelta(seconds=15)


def _pool(app: Flask) -> ThreadPoolExecutor:
    global _executor
    if _executor is None:
        _executor = ThreadPoolExecutor(
            max_workers=app.config["EXPORT_THREADS"], thread_name_prefix="export"
        )
    return _executor


def _run_in_thread(app: Flask, job_id: int) -> None:
    """A pool thread: the app context pushed, and a session of its own, removed at the end."""
    with app.app_context():
        try:
            run_job(job_id)
        finally:
            db.session.remove()
            with _held_lock:
                _held.discard(job_id)


def _submit(app: Flask, job_id: int) -> Future | None:
    """Hand the job to this process's threads, unless they hold it already."""
    with _held_lock:
        if job_id in _held:
            return None
        _held.add(job_id)
    return _pool(app).submit(_run_in_thread, app, job_id)


def queue(app: Flask) -> Queue:
    """The RQ queue export jobs go to."""
    from redis import Redis
    from rq import Queue

    connection = Redis.from_url(app.config["REDIS_URL"])
    return Queue(app.config["EXPORT_QUEUE"], connection=connection)


def run_in_worker(job_id: int) -> None:
    """What an RQ worker runs. Under `flask --app wsgi worker` the app context is there
    already; a plain `rq worker` gets an app built from the environment."""
    if has_app_context():
        # Connections opened before the worker forked belong to the parent process.
        db.engine.dispose(close=False)
        try:
            run_job(job_id)
        finally:
            db.session.remove()
        return
    from consult import create_app

    app = create_app()
    with app.app_context():
        run_job(job_id)


def dispatch(job: ExportJob) -> Future | None:
    """Start a queued job (after the request committed it). Returns the thread's future when
    it runs in this process's threads (so a caller may wait for it); None otherwise. If Redis
    cannot be reached the job runs in a thread rather than waiting for nothing."""
    if job.status != "queued":
        return None
    app = current_app._get_current_object()
    mode = app.config["EXPORT_JOBS"]
    if mode == "sync":
        run_job(job.id)
        return None
    if mode == "rq":
        from redis.exceptions import RedisError

        try:
            queue(app).enqueue(
                run_in_worker,
                job.id,
                job_timeout=app.config["EXPORT_JOB_TIMEOUT"],
                result_ttl=0,
                failure_ttl=24 * 3600,
            )
            return None
        except RedisError:  # the coordinator still gets the file, from this process
            app.logger.exception("Export queue unreachable: export %s runs in the app", job.id)
    return _submit(app, job.id)


def resume_if_orphaned(job: ExportJob) -> Future | None:
    """Called when someone looks at a job: with the thread runner, a job still queued after
    ORPHANED_AFTER that this process does not hold is run here (its process restarted, or
    its thread pool went away). RQ keeps its queue in Redis across restarts."""
    app = current_app._get_current_object()
    if app.config["EXPORT_JOBS"] != "thread" or job.status != "queued":
        return None
    if job.created_at > utcnow() - ORPHANED_AFTER:
        return None
    app.logger.info("Export %s was queued by no running thread: resuming it", job.id)
    return _submit(app, job.id)


def work(app: Flask, burst: bool = False) -> None:
    """Serve the export queue (the `worker` command); first fail any job left stuck."""
    from rq import Worker

    with app.app_context():
        services.expire_stuck_jobs()
        db.session.commit()
    export_queue = queue(app)
    Worker([export_queue], connection=export_queue.connection).work(burst=burst)
