"""Two simultaneous submits (or starts) of one attempt, on two connections of a real
PostgreSQL server, give one result: the database decides, not a check in Python.

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

from smp_academy.core.errors import Conflict
from smp_academy.core.events import requirement_met
from smp_academy.extensions import db
from smp_academy.quizzes import services
from smp_academy.quizzes.models import Attempt, AttemptAnswer
from tests import factories
from tests.conftest import AuthActions, csrf_token

pytestmark = pytest.mark.postgres  # deselected in CI's SQLite pass, run in its PostgreSQL pass

# Both transactions hold their row lock this long, so the second UPDATE meets the first.
HOLD_SECONDS = 0.3


@pytest.fixture(autouse=True)
def _transaction(app: Flask) -> Iterator[None]:
    """Replaces the rolled-back transaction: committed data, removed afterwards."""
    if not os.environ.get("SMP_TEST_DATABASE_URL"):
        message = "concurrency needs PostgreSQL: set SMP_TEST_DATABASE_URL"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    with app.app_context():
        assert db.engine.dialect.name == "postgresql"
        with factories.removed_afterwards():
            yield


def run_together(app: Flask, work: Callable[[], Any], threads: int = 2) -> list[Any]:
    """Run ``work`` in ``threads`` threads, each in its own app context (so its own session
    and connection), released together by a barrier; re-raise the first failure."""
    barrier = threading.Barrier(threads, timeout=10)
    results: list[Any] = [None] * threads
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            with app.app_context():
                results[index] = work(barrier)
        except BaseException as error:
            errors.append(error)
            barrier.abort()

    pool = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join(timeout=30)
    if errors:
        raise errors[0]
    return results


def test_two_simultaneous_submits_grade_once(app):
    trainee = factories.user()
    quiz = factories.quiz()
    attempt_id = factories.attempt(trainee, quiz, submit=False).id
    db.session.commit()
    passes = []

    def submit(barrier: threading.Barrier) -> bool:
        attempt = services.get_attempt(attempt_id)
        assert attempt.is_open  # both threads see an open attempt: Python alone cannot decide
        db.session.connection()  # take this thread's own connection before the race starts
        barrier.wait()
        submitted = services.submit_attempt(attempt)
        time.sleep(HOLD_SECONDS)
        db.session.commit()
        return submitted

    with requirement_met.connected_to(lambda sender, **kw: passes.append(kw["user_id"])):
        outcomes = run_together(app, submit)
    assert sorted(outcomes) == [False, True]
    assert passes == [trainee.id]  # certificates hear of the pass once
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status == "submitted" and attempt.score == 1.0 and attempt.passed
    scores = db.session.scalars(select(AttemptAnswer.score).filter_by(attempt_id=attempt_id))
    assert list(scores) == [1.0] * 7


def test_two_simultaneous_submit_requests_give_one_graded_result(app):
    trainee = factories.user()
    quiz = factories.quiz()
    attempt_id = factories.attempt(trainee, quiz, right={"t-single"}, submit=False).id
    db.session.commit()
    tabs = [app.test_client(), app.test_client()]
    tokens = []
    for tab in tabs:
        assert AuthActions(tab).login(trainee).status_code == 302
        tokens.append(csrf_token(tab, f"/attempts/{attempt_id}"))
    calls = iter(range(2))

    def post(barrier: threading.Barrier) -> str:
        index = next(calls)
        barrier.wait()
        response = tabs[index].post(
            f"/attempts/{attempt_id}/submit", data={"csrf_token": tokens[index]}
        )
        return response.headers["Location"]

    assert run_together(app, post) == [f"/attempts/{attempt_id}/review"] * 2
    db.session.expire_all()
    attempt = db.session.get(Attempt, attempt_id)
    assert attempt.status == "submitted" and attempt.score == pytest.approx(1 / 7)
    count = select(func.count(Attempt.id)).where(Attempt.user_id == trainee.id)
    assert db.session.scalar(count) == 1


def test_two_simultaneous_starts_give_one_attempt(app):
    trainee = factories.user()
    quiz = factories.quiz()
    db.session.commit()
    trainee_id, quiz_id = trainee.id, quiz.id

    def begin(barrier: threading.Barrier) -> int:
        user = db.session.get(type(trainee), trainee_id)
        row = db.session.get(type(quiz), quiz_id)
        db.session.connection()
        barrier.wait()
        attempt = services.start_attempt(user, row)
        time.sleep(HOLD_SECONDS)
        db.session.commit()
        return attempt.id

    first, second = run_together(app, begin)
    assert first == second
    count = select(func.count(Attempt.id)).where(Attempt.user_id == trainee_id)
    assert db.session.scalar(count) == 1


def _race_save_and_submit(app, save_first: bool):
    """One thread saves an answer, the other submits the attempt; the first to start holds
    its transaction open a while, so the second meets it."""
    trainee = factories.user()
    quiz = factories.quiz(factories.question_bank("t-true-false", "t-single"))
    attempt = services.start_attempt(trainee, quiz)  # open, nothing answered yet
    slot = [v.spec["key"] for v in services.slot_versions(attempt)].index("t-true-false")
    attempt_id, user_id = attempt.id, trainee.id
    db.session.commit()
    roles = iter(["save", "submit"])

    def work(barrier: threading.Barrier) -> str:
        role = next(roles)
        attempt = services.get_attempt(attempt_id)
        user = db.session.get(type(trainee), user_id)
        db.session.connection()
        barrier.wait()
        if (role == "save") != save_first:
            time.sleep(HOLD_SECONDS / 3)  # let the other one start first
        try:
            if role == "save":
                services.save_answer(user, attempt, slot, {"value": True})
            else:
                services.submit_attempt(attempt)
        except Conflict:
            db.session.rollback()
            return f"{role} refused"
        time.sleep(HOLD_SECONDS)
        db.session.commit()
        return f"{role} done"

    outcomes = run_together(app, work)
    db.session.expire_all()
    return outcomes, db.session.get(Attempt, attempt_id)


def test_an_answer_saved_just_before_the_submit_is_in_the_grade(app):
    outcomes, attempt = _race_save_and_submit(app, save_first=True)
    assert outcomes == ["save done", "submit done"]
    assert attempt.status == "submitted" and attempt.score == pytest.approx(1 / 2)


def test_an_answer_arriving_during_the_submit_is_refused_not_acknowledged(app):
    outcomes, attempt = _race_save_and_submit(app, save_first=False)
    assert outcomes == ["save refused", "submit done"]
    assert attempt.status == "submitted" and attempt.score == 0.0
    answers = db.session.scalars(select(AttemptAnswer).filter_by(attempt_id=attempt.id)).all()
    assert answers == []  # nothing stored after the grade


def _save_and_submit_over_http(app: Flask) -> tuple[int, Attempt]:
    """An autosave and a submit of one new attempt, sent at once from two signed-in tabs."""
    trainee = factories.user()
    quiz = factories.quiz(factories.question_bank("t-true-false", "t-single"))
    attempt = services.start_attempt(trainee, quiz)
    slot = [v.spec["key"] for v in services.slot_versions(attempt)].index("t-true-false")
    attempt_id = attempt.id
    db.session.commit()
    tabs = [app.test_client(), app.test_client()]
    tokens = []
    for tab in tabs:
        AuthActions(tab).login(trainee)
        tokens.append(csrf_token(tab, f"/attempts/{attempt_id}"))
    calls = iter(range(2))

    def post(barrier: threading.Barrier) -> int:
        index = next(calls)
        barrier.wait()
        if index == 0:
            return (
                tabs[0]
                .post(
                    f"/attempts/{attempt_id}/answers",
                    json={"slot": slot, "answer": {"value": True}},
                    headers={"X-CSRFToken": tokens[0]},
                )
                .status_code
            )
        return (
            tabs[1]
            .post(f"/attempts/{attempt_id}/submit", data={"csrf_token": tokens[1]})
            .status_code
        )

    saved, _ = run_together(app, post)
    db.session.expire_all()
    return saved, db.session.get(Attempt, attempt_id)


def test_autosaves_racing_a_submit_over_http_are_graded_or_refused(app):
    """Real requests on two connections: every answer acknowledged as saved is in the grade."""
    for _ in range(5):
        saved, attempt = _save_and_submit_over_http(app)
        assert attempt.status == "submitted"
        if saved == 200:
            assert attempt.score == pytest.approx(1 / 2)
        else:
            assert saved == 409 and attempt.score == 0.0
