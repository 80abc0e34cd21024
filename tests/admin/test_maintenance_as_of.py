"""``flask maintenance run --as-of YYYY-MM-DD``: in development, the periodic work runs as if
today were that day, so expiry, reminders and time-outs can be tried; refused in production."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from smp_academy.core.clock import freeze, now_utc
from smp_academy.core.models import Notification
from smp_academy.extensions import db
from tests import factories
from tests.certificates import helpers

ISSUED = date(2026, 3, 4)  # a 12-month certificate of this day expires on 2027-03-04


@pytest.fixture
def run(app):
    runner = app.test_cli_runner()

    def invoke(*args: str):
        return runner.invoke(args=["maintenance", "run", *args])

    return invoke


@pytest.fixture
def cert(trainee):
    freeze(helpers.at(ISSUED))
    issued = helpers.certificate(trainee, title="Hygiene")
    freeze(None)  # maintenance must bring its own day
    return issued


def reminders_of(user) -> list[str]:
    return list(
        db.session.scalars(
            select(Notification.message).where(
                Notification.user_id == user.id, Notification.message.like("%expires on%")
            )
        )
    )


def test_reminders_go_out_thirty_days_ahead_and_once(run, cert, trainee):
    too_early = run("--as-of", "2027-01-01")
    assert too_early.exit_code == 0, too_early.output
    assert "sent 0 expiry reminder(s)" in too_early.output
    assert too_early.output.rstrip().endswith("as of 2027-01-01")

    result = run("--as-of", "2027-02-20")
    assert "sent 1 expiry reminder(s)" in result.output
    db.session.refresh(cert)
    assert cert.reminder_sent_at.date() == date(2027, 2, 20)  # written with the moved clock
    assert reminders_of(trainee) == ["Your certificate expires on 04 March 2027"]

    assert "sent 0 expiry reminder(s)" in run("--as-of", "2027-02-21").output
    assert now_utc() - datetime.now(UTC) < timedelta(seconds=5)  # the clock is back


def test_an_expired_certificate_gets_no_reminder(run, cert, trainee):
    result = run("--as-of", "2027-03-05")  # the day after it expired
    assert "sent 0 expiry reminder(s)" in result.output
    db.session.refresh(cert)
    assert cert.reminder_sent_at is None and reminders_of(trainee) == []


def test_overdue_quiz_attempts_time_out(run, trainee):
    quiz = factories.quiz(time_limit_minutes=30)
    attempt = factories.attempt(trainee, quiz, submit=False)
    assert "closed 0 overdue attempt(s)" in run().output  # today it is still running

    tomorrow = (now_utc() + timedelta(days=1)).date().isoformat()
    assert "closed 1 overdue attempt(s)" in run("--as-of", tomorrow).output
    db.session.refresh(attempt)
    assert attempt.status == "submitted" and attempt.submit_reason == "deadline"


@pytest.mark.parametrize("value", ["2027-13-01", "01/12/2027", "tomorrow", ""])
def test_a_bad_date_is_refused_with_one_line(run, value):
    result = run("--as-of", value)
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == f"error: --as-of needs a date as YYYY-MM-DD, not {value!r}\n"


def test_production_refuses_as_of_and_runs_nothing(app, run, trainee):
    attempt = factories.attempt(trainee, factories.quiz(time_limit_minutes=1), submit=False)
    app.config["PRODUCTION"] = True
    try:
        result = run("--as-of", "2030-01-01")
    finally:
        app.config["PRODUCTION"] = False
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr == (
        "error: --as-of is for development only; production runs at the real time\n"
    )
    db.session.refresh(attempt)
    assert attempt.status == "open"
