"""``flask maintenance run``: the periodic work, for cron or a systemd timer (every few
minutes): close overdue quiz attempts, send certificate expiry reminders, remove orphaned
files."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from smp_academy.certificates.services import send_expiry_reminders
from smp_academy.core.cli_support import unit_of_work
from smp_academy.quizzes.services import submit_overdue_attempts
from smp_academy.storage_cli import remove_orphans

maintenance = AppGroup("maintenance", help="Periodic jobs.")


@maintenance.command("run")
@unit_of_work
def run_maintenance() -> None:
    """Run every periodic job once."""
    closed = submit_overdue_attempts()
    reminded = send_expiry_reminders()
    removed = remove_orphans()
    click.echo(
        f"closed {closed} overdue attempt(s), sent {reminded} expiry reminder(s), "
        f"removed {len(removed)} orphaned file(s)"
    )
