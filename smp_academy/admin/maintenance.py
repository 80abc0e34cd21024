"""``flask maintenance run``: the periodic work, for cron or a systemd timer (every few
minutes): close overdue quiz attempts, release grading claims left open too long, send
certificate expiry and healed-review reminders, erase client media past their retention period,
forget old idempotency answers, remove orphaned files, and dispatch background jobs that stayed
pending (lost between commit and a worker).

In development, ``--as-of YYYY-MM-DD`` runs it as if today were that day (the clock is frozen
for the run), so expiry, reminders and time-outs can be tried without waiting for them."""

from __future__ import annotations

from contextlib import nullcontext
from datetime import date, datetime, timedelta

import click
from flask import current_app
from flask.cli import AppGroup

from smp_academy.admin.storage import remove_orphans
from smp_academy.certificates.reminders import send_expiry_reminders
from smp_academy.clinical.privacy import erase_expired_media
from smp_academy.clinical.reviews import send_review_reminders
from smp_academy.core import clock, idempotency, jobs
from smp_academy.core.cli_support import BadInput, unit_of_work
from smp_academy.grading.services import release_stale_claims
from smp_academy.quizzes.services import submit_overdue_attempts

maintenance = AppGroup("maintenance", help="Periodic jobs.")


@unit_of_work
def periodic_work() -> str:
    """The periodic work proper, as one unit of work; returns its summary."""
    closed = submit_overdue_attempts()
    released = release_stale_claims(timedelta(hours=current_app.config["CLAIM_TIMEOUT_HOURS"]))
    reminded = send_expiry_reminders()
    reviews_due = send_review_reminders()
    erased = erase_expired_media()
    idempotency.forget_old()
    removed = remove_orphans()
    return (
        f"closed {closed} overdue attempt(s), released {released} forgotten claim(s), "
        f"sent {reminded} expiry reminder(s), "
        f"sent {reviews_due} healed-review reminder(s), erased the media of {erased} case(s) "
        f"past retention, removed {len(removed)} orphaned file(s)"
    )


def as_of_day(text: str) -> date:
    """The ``--as-of`` date; refused in production, where the real time must rule."""
    if current_app.config["PRODUCTION"]:
        raise BadInput("--as-of is for development only; production runs at the real time")
    try:
        return datetime.strptime(text, "%Y-%m-%d").date()
    except ValueError:
        raise BadInput(f"--as-of needs a date as YYYY-MM-DD, not {text!r}") from None


@maintenance.command("run")
@click.option(
    "--as-of",
    "as_of",
    metavar="YYYY-MM-DD",
    default=None,
    help="Development only: run as if today were this date.",
)
def run_maintenance(as_of: str | None) -> None:
    """Run every periodic job once, then dispatch again the background jobs left pending."""
    moved = clock.frozen(clock.on_day(as_of_day(as_of))) if as_of is not None else nullcontext()
    with moved:
        summary = periodic_work()
        redispatched = jobs.dispatch_due()
    when = f" as of {as_of}" if as_of is not None else ""
    click.echo(f"{summary}, dispatched {redispatched} pending job(s){when}")
