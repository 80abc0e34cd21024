"""Periodic work and the clean-up of orphaned files, through their CLI commands."""

from __future__ import annotations

from datetime import timedelta

from smp_academy.core import jobs
from smp_academy.core.clock import freeze, now_utc
from smp_academy.core.models import Job, JobState
from smp_academy.core.storage import get_storage
from smp_academy.extensions import db
from tests import factories


def test_maintenance_closes_overdue_attempts(app, trainee):
    quiz = factories.quiz(time_limit_minutes=5)
    attempt = factories.attempt(trainee, quiz, submit=False)
    freeze(now_utc() + timedelta(minutes=30))
    result = app.test_cli_runner().invoke(args=["maintenance", "run"])
    assert result.exit_code == 0, result.output
    assert "closed 1 overdue attempt(s)" in result.output
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.submit_reason == "deadline"


def test_storage_cleanup_removes_only_files_no_row_names(app):
    storage = get_storage()
    storage.save("photos/orphan.jpg", b"x", "image/jpeg")
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["storage", "cleanup", "--dry-run", "--min-age-minutes", "0"])
    assert "would remove photos/orphan.jpg" in dry.output and storage.exists("photos/orphan.jpg")
    young = runner.invoke(args=["storage", "cleanup"])  # younger than an hour: kept
    assert "0 orphaned file(s) removed" in young.output and storage.exists("photos/orphan.jpg")
    done = runner.invoke(args=["storage", "cleanup", "--min-age-minutes", "0"])
    assert "removed photos/orphan.jpg" in done.output
    assert not storage.exists("photos/orphan.jpg")


def failing_job(number: int) -> None:
    raise RuntimeError(f"disk full ({number})")


def test_a_failing_job_is_retried_then_listed_for_admins(app, client, login, admin):
    job = jobs.enqueue(failing_job, 42)
    jobs.commit()  # no Redis: runs in-process at once, and fails
    db.session.refresh(job)
    assert job.state == JobState.PENDING and job.attempts == 1
    runner = app.test_cli_runner()
    for _ in range(jobs.MAX_ATTEMPTS - 1):
        freeze(job.not_before + timedelta(seconds=1))  # the back-off has passed
        result = runner.invoke(args=["maintenance", "run"])
        assert "dispatched 1 pending job(s)" in result.output, result.output
        db.session.refresh(job)
    assert job.state == JobState.FAILED and job.attempts == jobs.MAX_ATTEMPTS
    assert "RuntimeError: disk full (42)" in job.last_error
    login(admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "tests.test_maintenance:failing_job" in page and "disk full (42)" in page


def test_a_job_lost_between_commit_and_dispatch_runs_at_the_next_maintenance(app, trainee):
    quiz = factories.quiz()
    attempt = factories.attempt(trainee, quiz, submit=False)
    job = Job(name="smp_academy.quizzes.services:submit_overdue_attempts", args=[])
    db.session.add(job)
    db.session.flush()  # written with its data, but never dispatched (a crash right here)
    runner = app.test_cli_runner()
    assert "dispatched 0 pending job(s)" in runner.invoke(args=["maintenance", "run"]).output
    freeze(now_utc() + timedelta(seconds=app.config["JOB_STALE_SECONDS"] + 1))
    assert "dispatched 1 pending job(s)" in runner.invoke(args=["maintenance", "run"]).output
    db.session.refresh(job)
    assert job.state == JobState.DONE and attempt.status == "open"
