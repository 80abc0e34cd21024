"""Background jobs: queued in a transaction, dispatched only after it commits.

With SMP_REDIS_URL set they go to the RQ queue "smp", served by workers started as
``rq worker --url "$SMP_REDIS_URL" -w smp_academy.core.jobs.Worker --with-scheduler smp``
(the scheduler runs the retries' back-off); otherwise they run in-process right after the
commit. Jobs take ids, never objects, and each runs as its own unit of work: it commits once
at its end.
"""

from __future__ import annotations

import functools
import importlib
import logging
from collections.abc import Callable
from typing import Any

import rq
from flask import Flask, current_app
from redis import Redis
from redis.exceptions import RedisError
from rq import Queue, Retry

from smp_academy.core.models import JobFailure
from smp_academy.extensions import db

log = logging.getLogger(__name__)
_PENDING = "smp_pending_jobs"


def enqueue(func: Callable[..., Any], *args: Any) -> None:
    """Queue ``func(*args)`` to run after the current transaction commits."""
    db.session.info.setdefault(_PENDING, []).append((f"{func.__module__}:{func.__name__}", args))


def commit() -> None:
    """Commit the unit of work, then dispatch the jobs it queued."""
    db.session.commit()
    dispatch_pending()


def discard_pending() -> None:
    db.session.info.pop(_PENDING, None)


def dispatch_pending() -> None:
    pending = db.session.info.pop(_PENDING, [])
    for path, args in pending:
        _dispatch(path, args)


def _dispatch(path: str, args: tuple) -> None:
    redis_url = current_app.config.get("REDIS_URL")
    if redis_url:
        try:
            _rq_queue(redis_url).enqueue(
                run_job, path, *args, retry=_retry(), job_timeout=300, description=path
            )
        except RedisError as error:  # committed already: keep the job visible, lose no other
            log.exception("could not queue job %s%r", path, args)
            _record_failure(path, args, error)
        return
    try:
        execute(path, args)
    except Exception as error:
        log.exception("in-process job %s%r failed", path, args)
        _record_failure(path, args, error)


def _record_failure(path: str, args: tuple, error: Exception) -> None:
    """Keep the failure for the admins' jobs page (RQ workers have their own registry)."""
    db.session.add(
        JobFailure(
            job=path, args=[repr(a) for a in args], error=f"{type(error).__name__}: {error}"[:2000]
        )
    )
    db.session.commit()


def execute(path: str, args: tuple) -> Any:
    """Run one job as a unit of work: call, commit, then dispatch what it queued."""
    module, name = path.split(":")
    func = getattr(importlib.import_module(module), name)
    try:
        result = func(*args)
        commit()
    except Exception:
        db.session.rollback()
        discard_pending()
        raise
    return result


_worker_app: Flask | None = None


def worker_app() -> Flask:
    """The app of this worker process, built from the environment on first use."""
    global _worker_app
    if _worker_app is None:
        from smp_academy import create_app  # the factory imports this module: import late

        _worker_app = create_app()
    return _worker_app


def run_job(path: str, *args: Any) -> Any:
    """Entry point on an RQ worker: one app per worker process, one context per job."""
    with worker_app().app_context():
        return execute(path, args)


class Worker(rq.Worker):
    """RQ's worker, with the app built once in the worker process before its first job.

    RQ forks a work horse for every job: an app built inside a job dies with its horse, and
    the next job pays the whole start-up again (importing OpenCV, WeasyPrint and pyHanko takes
    seconds, even to send one e-mail). Built here, every horse inherits it warm. Nothing
    connects to the database or storage here, so no connection is shared across the fork.
    """

    def work(self, *args: Any, **kwargs: Any) -> bool:
        worker_app()
        return super().work(*args, **kwargs)


@functools.cache
def _redis(redis_url: str) -> Redis:
    """One client (and connection pool) per URL and process, not one per job queued."""
    return Redis.from_url(redis_url)


def _rq_queue(redis_url: str) -> Queue:
    return Queue("smp", connection=_redis(redis_url))


def _retry() -> Retry:
    return Retry(max=3, interval=[10, 60, 300])


def failed_rq_jobs(limit: int = 50) -> list[dict[str, Any]]:
    """Failed jobs in RQ's registry (when jobs run on RQ workers)."""
    redis_url = current_app.config.get("REDIS_URL")
    if not redis_url:
        return []
    queue = _rq_queue(redis_url)
    registry = queue.failed_job_registry
    jobs = [queue.fetch_job(job_id) for job_id in registry.get_job_ids(0, limit - 1)]
    return [
        {
            "id": job.id,
            "description": job.description,
            "ended_at": job.ended_at,
            "error": (job.latest_result().exc_string if job.latest_result() else "")[-2000:],
        }
        for job in jobs
        if job is not None
    ]
