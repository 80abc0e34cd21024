"""Two instructors claiming, or grading, the same submission at the same moment on two
connections of a real PostgreSQL server: one wins, the other is told (the guarded UPDATE
decides, not a check in Python).

The suite's per-test transaction would put both threads on one connection, so this module
replaces it: its data is committed for real and deleted again at the end of each test.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from flask import Flask
from sqlalchemy import func, select

from smp_academy.auth.models import User
from smp_academy.core.errors import Conflict
from smp_academy.core.storage import LocalStorage
from smp_academy.extensions import db
from smp_academy.grading import services
from smp_academy.grading.models import Grade
from smp_academy.practice.models import Submission
from tests import factories
from tests.grading import helpers

pytestmark = pytest.mark.postgres  # deselected in CI's SQLite pass, run in its PostgreSQL pass

# The winner holds its row lock this long, so the loser's UPDATE meets it.
HOLD_SECONDS = 0.3


@pytest.fixture(autouse=True)
def _transaction(app: Flask, tmp_path) -> Iterator[None]:
    """Replaces the rolled-back transaction: committed data, removed afterwards."""
    if not os.environ.get("SMP_TEST_DATABASE_URL"):
        message = "concurrency needs PostgreSQL: set SMP_TEST_DATABASE_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with (
        app.app_context(),
        helpers.swapped_storage(app, LocalStorage(tmp_path / "files")),
    ):
        assert db.engine.dialect.name == "postgresql"
        with factories.removed_afterwards():
            yield


def run_together(app: Flask, work: Callable[[int, threading.Barrier], Any]) -> list[Any]:
    """Run ``work(index, barrier)`` in two threads, each in its own request context (so its own
    session and connection), released together by the barrier; exceptions are results."""
    barrier = threading.Barrier(2, timeout=10)
    results: list[Any] = [None, None]

    def run(index: int) -> None:
        try:
            with app.test_request_context():
                results[index] = work(index, barrier)
        except BaseException as error:
            results[index] = error
            barrier.abort()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(2)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=30)
    return results


@pytest.fixture
def committed():
    """A trainee's submission and two instructors of the trainee's cohort, committed."""
    setup = helpers.cohort_setup()
    colleague = factories.user(role="instructor", name="Colin Colleague")
    factories.cohort(trainees=[setup.trainee], instructors=[colleague])
    submission = helpers.submission(setup.trainee, helpers.exercise())
    db.session.commit()
    return submission.id, [setup.instructor.id, colleague.id]


def test_two_instructors_claiming_at_once_one_wins(app, committed):
    submission_id, instructor_ids = committed

    def claim(index: int, barrier: threading.Barrier) -> str:
        user = db.session.get(User, instructor_ids[index])
        submission = db.session.get(Submission, submission_id)
        assert submission.state == "submitted"  # both see it waiting: Python cannot decide
        barrier.wait()
        services.claim(user, submission)
        time.sleep(HOLD_SECONDS)
        db.session.commit()
        return user.name

    outcomes = run_together(app, claim)
    winners = [o for o in outcomes if isinstance(o, str)]
    losers = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(winners) == 1 and len(losers) == 1, outcomes
    assert str(losers[0]) == f"{winners[0]} is already reviewing this submission."
    db.session.expire_all()
    submission = db.session.get(Submission, submission_id)
    assert submission.state == "in_review"
    assert db.session.get(User, submission.claimed_by_id).name == winners[0]


def test_two_simultaneous_grades_give_one_grade_row(app, committed):
    submission_id, instructor_ids = committed
    with app.test_request_context():
        first = db.session.get(User, instructor_ids[0])
        services.claim(first, db.session.get(Submission, submission_id))
        db.session.commit()

    def grade(index: int, barrier: threading.Barrier) -> int:
        user = db.session.get(User, instructor_ids[0])  # a double click: one grader, two posts
        submission = db.session.get(Submission, submission_id)
        assert submission.state == "in_review"
        barrier.wait()
        levels = helpers.levels(4, 4, 4) if index else helpers.levels(0, 0, 0)
        row = services.grade(user, submission, levels, f"post {index}", [])
        time.sleep(HOLD_SECONDS)
        db.session.commit()
        return row.id

    outcomes = run_together(app, grade)
    grades = [o for o in outcomes if isinstance(o, int)]
    conflicts = [o for o in outcomes if isinstance(o, Conflict)]
    assert len(grades) == 1 and len(conflicts) == 1, outcomes
    assert "changed this submission meanwhile" in str(conflicts[0])
    count = select(func.count(Grade.id)).where(Grade.submission_id == submission_id)
    assert db.session.scalar(count) == 1
    winner = db.session.get(Grade, grades[0])
    db.session.expire_all()
    state = db.session.get(Submission, submission_id).state
    assert state == ("passed" if winner.passed else "needs_work")
