"""Running export jobs off the request thread.

EXPORT_JOBS chooses how (consult/config.py):
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

import threading
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import timedelta

from flask import Flask, current_app, has_app_context

from consult.exports import services
from consult.exports.models import ExportJob
from consult.extensions import db
from consult.timeutil import utcnow

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
            services.run_job(job_id)
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


def queue(app: Flask):
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
            services.run_job(job_id)
        finally:
            db.session.remove()
        return
    from consult import create_app

    app = create_app()
    with app.app_context():
        services.run_job(job_id)


def dispatch(job: ExportJob) -> Future | None:
    """Start a queued job (after the request committed it). Returns the thread's future when
    it runs in this process's threads (so a caller may wait for it); None otherwise. If Redis
    cannot be reached the job runs in a thread rather than waiting for nothing."""
    if job.status != "queued":
        return None
    app = current_app._get_current_object()
    mode = app.config["EXPORT_JOBS"]
    if mode == "sync":
        services.run_job(job.id)
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
