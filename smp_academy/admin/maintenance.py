"""``flask maintenance run``: the periodic work, for cron or a systemd timer (every few
minutes): close overdue quiz attempts, send certificate expiry reminders and healed-review
reminders, erase client media past their retention period, remove orphaned files, and dispatch
background jobs that stayed pending (lost between commit and a worker)."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from smp_academy.admin.storage import remove_orphans
from smp_academy.certificates.reminders import send_expiry_reminders
from smp_academy.clinical.privacy import erase_expired_media
from smp_academy.clinical.reviews import send_review_reminders
from smp_academy.core import jobs
from smp_academy.core.cli_support import unit_of_work
from smp_academy.quizzes.services import submit_overdue_attempts

maintenance = AppGroup("maintenance", help="Periodic jobs.")


@unit_of_work
def periodic_work() -> str:
    """The periodic work proper, as one unit of work; returns its summary."""
    closed = submit_overdue_attempts()
    reminded = send_expiry_reminders()
    reviews_due = send_review_reminders()
    erased = erase_expired_media()
    removed = remove_orphans()
    return (
        f"closed {closed} overdue attempt(s), sent {reminded} expiry reminder(s), "
        f"sent {reviews_due} healed-review reminder(s), erased the media of {erased} case(s) "
        f"past retention, removed {len(removed)} orphaned file(s)"
    )


@maintenance.command("run")
def run_maintenance() -> None:
    """Run every periodic job once, then dispatch again the background jobs left pending."""
    summary = periodic_work()
    redispatched = jobs.dispatch_due()
    click.echo(f"{summary}, dispatched {redispatched} pending job(s)")
