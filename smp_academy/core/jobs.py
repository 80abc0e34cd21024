"""Background jobs as rows: a transactional outbox.

``enqueue`` writes a ``Job`` row in the caller's transaction, so a job exists exactly when the
data it concerns was committed. After that commit the boundary dispatches it: to the RQ queue
"smp" when SMP_REDIS_URL is set (workers started as
``rq worker --url "$SMP_REDIS_URL" -w smp_academy.core.jobs.Worker smp``), otherwise it runs
in-process at once. A job that stays pending (a worker killed mid-job, Redis down at the wrong
moment, a crash between commit and dispatch) is dispatched again by ``flask maintenance run``.

A job runs as one unit of work: it locks its row, does its work, marks the row done and commits
once, so its effects and "done" land together; a failed job is retried with back-off, then kept
as failed for the admins' jobs page. Jobs take ids, never objects, and must be idempotent (a
job may be dispatched twice; the row lock and state make the second a no-op).
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from flask import Flask, current_app
from sqlalchemy import or_, select, update

from smp_academy.core import storage
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import DomainError
from smp_academy.core.models import Job, JobState
from smp_academy.extensions import db, write_intent

if TYPE_CHECKING:
    from rq import Queue

log = logging.getLogger(__name__)
_PENDING = "smp_pending_jobs"
MAX_ATTEMPTS = 4
BACKOFF = (timedelta(seconds=10), timedelta(minutes=1), timedelta(minutes=5))


def enqueue(func: Callable[..., Any], *args: Any) -> Job:
    """Write a job for ``func(*args)``; it is dispatched after the current transaction commits."""
    job = Job(name=f"{func.__module__}:{func.__qualname__}", args=list(args))
    db.session.add(job)
    db.session.flush()
    db.session.info.setdefault(_PENDING, []).append(job.id)
    return job


def commit() -> None:
    """Commit the unit of work, then settle its files and dispatch the jobs it wrote."""
    db.session.commit()
    storage.after_commit()
    dispatch_pending()


def rollback() -> None:
    """Abandon the unit of work: its changes, the files it wrote and the jobs it wrote."""
    db.session.rollback()
    storage.after_rollback()
    discard_pending()


def end_refused(error: DomainError) -> None:
    """End a unit of work that a rule refused: undo it, unless the refusal itself changed
    something that must stay (``keep_changes``)."""
    if error.keep_changes:
        commit()
    else:
        rollback()


def discard_pending() -> None:
    db.session.info.pop(_PENDING, None)


def dispatch_pending() -> None:
    for job_id in db.session.info.pop(_PENDING, []):
        dispatch(job_id)


def dispatch(job_id: int) -> None:
    """Hand a committed job to a worker, or run it here when there are no workers."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        run(job_id)
        return
    from redis.exceptions import RedisError

    try:
        _rq_queue(redis_url).enqueue(run_job, job_id, job_timeout=300, description=str(job_id))
    except RedisError:  # the row is committed: maintenance dispatches it again
        log.exception("could not queue job %s; it stays pending", job_id)


def run(job_id: int) -> bool:
    """Run one pending job as its own unit of work; False when there was nothing to run."""
    token = write_intent.set(True)
    try:
        return _run(job_id)
    finally:
        write_intent.reset(token)


def _run(job_id: int) -> bool:
    job = db.session.scalar(
        select(Job)
        .where(Job.id == job_id, Job.state == JobState.PENDING)
        .with_for_update(skip_locked=True)
    )
    if job is None:  # done already, or running in another worker right now
        db.session.rollback()
        return False
    name = job.name
    try:
        _resolve(name)(*job.args)
        job.state, job.finished_at = JobState.DONE, now_utc()
        job.attempts += 1
        commit()
    except Exception as error:
        rollback()
        log.exception("job %s (%s) failed", job_id, name)
        _record_failure(job_id, error)
    return True


def _resolve(name: str) -> Callable[..., Any]:
    module, _, attribute = name.partition(":")
    return getattr(importlib.import_module(module), attribute)


def _record_failure(job_id: int, error: Exception) -> None:
    """Count the attempt; retry later with back-off, or keep it as failed for the admins."""
    attempts = (db.session.scalar(select(Job.attempts).where(Job.id == job_id)) or 0) + 1
    retry = attempts < MAX_ATTEMPTS
    db.session.execute(
        update(Job)
        .where(Job.id == job_id)
        .values(
            attempts=attempts,
            last_error=f"{type(error).__name__}: {error}"[:2000],
            state=JobState.PENDING if retry else JobState.FAILED,
            not_before=now_utc() + BACKOFF[min(attempts, len(BACKOFF)) - 1],
            finished_at=None if retry else now_utc(),
        )
    )
    db.session.commit()


def due_jobs(limit: int = 500) -> list[int]:
    """Pending jobs that should have run by now: retries whose back-off has passed, and jobs
    that were lost between commit and a worker."""
    now = now_utc()
    stale_after = timedelta(seconds=current_app.config["JOB_STALE_SECONDS"])
    return list(
        db.session.scalars(
            select(Job.id)
            .where(
                Job.state == JobState.PENDING,
                Job.not_before <= now,
                or_(Job.attempts > 0, Job.created_at <= now - stale_after),
            )
            .order_by(Job.id)
            .limit(limit)
        )
    )


def dispatch_due() -> int:
    """Dispatch every due job again (called by ``flask maintenance run``)."""
    job_ids = due_jobs()
    db.session.commit()
    for job_id in job_ids:
        dispatch(job_id)
    return len(job_ids)


def failed_jobs(limit: int = 100) -> list[Job]:
    return list(
        db.session.scalars(
            select(Job)
            .where(Job.state == JobState.FAILED)
            .order_by(Job.finished_at.desc())
            .limit(limit)
        )
    )


def retry_job(job_id: int) -> None:
    """Give a failed job another round of attempts (the admins' jobs page)."""
    db.session.execute(
        update(Job)
        .where(Job.id == job_id, Job.state == JobState.FAILED)
        .values(state=JobState.PENDING, attempts=0, not_before=now_utc(), finished_at=None)
    )
    db.session.info.setdefault(_PENDING, []).append(job_id)


_worker_app: Flask | None = None


def worker_app() -> Flask:
    """The app of this worker process, built from the environment on first use."""
    global _worker_app
    if _worker_app is None:
        from smp_academy import create_app

        _worker_app = create_app()
    return _worker_app


def run_job(job_id: int) -> bool:
    """Entry point on an RQ worker: one app per worker process, one context per job."""
    with worker_app().app_context():
        return run(job_id)


@functools.cache
def _worker_class() -> type:
    import rq

    class Worker(rq.Worker):
        """RQ's worker, with the app built once in the worker process before its first job.

        RQ forks a work horse for every job: an app built inside a job dies with its horse,
        and the next job pays the whole start-up again. Built here, every horse inherits it
        warm. Nothing connects to the database or storage here, so no connection is shared
        across the fork.
        """

        def work(self, *args: Any, **kwargs: Any) -> bool:
            worker_app()
            return super().work(*args, **kwargs)

    return Worker


def __getattr__(name: str) -> Any:
    """``Worker`` is built on first use, so importing this module does not import RQ."""
    if name == "Worker":
        return _worker_class()
    raise AttributeError(name)


@functools.cache
def _redis(redis_url: str):
    """One client (and connection pool) per URL and process, not one per job queued."""
    from redis import Redis

    return Redis.from_url(redis_url)


def _rq_queue(redis_url: str) -> Queue:
    from rq import Queue

    return Queue("smp", connection=_redis(redis_url))
