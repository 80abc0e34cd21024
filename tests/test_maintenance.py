"""Periodic work and the clean-up of orphaned files, through their CLI commands."""

from __future__ import annotations

from datetime import timedelta

from smp_academy.core.clock import freeze, now_utc
from smp_academy.core.jobs import _record_failure
from smp_academy.core.models import JobFailure
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


def test_failed_in_process_jobs_are_listed_for_admins(client, login, admin):
    _record_failure("smp_academy.example:job", (42,), RuntimeError("disk full"))
    assert db.session.query(JobFailure).count() == 1
    login(admin)
    page = client.get("/admin/jobs").get_data(as_text=True)
    assert "smp_academy.example:job" in page and "RuntimeError: disk full" in page
