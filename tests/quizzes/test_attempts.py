"""Attempts through the services: the draw, resuming, limits, time, grading, accommodations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from smp_academy.core import clock
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.events import requirement_met
from smp_academy.core.models import AuditEvent
from smp_academy.extensions import db
from smp_academy.quizzes import accommodations, review, services
from smp_academy.quizzes.models import Attempt, AttemptAnswer
from smp_academy.quizzes.settings import QuizSettings
from tests import factories

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def keys_of(attempt: Attempt) -> list[str]:
    return [version.spec["key"] for version in services.slot_versions(attempt)]


def answer_slot(trainee, attempt: Attempt, key: str, *, right: bool = True) -> None:
    slot = keys_of(attempt).index(key)
    spec = services.slot_versions(attempt)[slot].spec
    answer = factories.correct_answer(spec) if right else factories.wrong_answer(spec)
    services.save_answer(trainee, attempt, slot, answer)


# --------------------------------------------------------------------------- draw and resume


def test_start_draws_the_quota_and_every_draw_rule_and_stores_the_slots(trainee):
    quiz = factories.quiz(questions_per_attempt=4, draw=[{"tag": "hand-hygiene", "count": 2}])
    hand_hygiene = {"t-true-false", "t-ordering"}  # the bank's only two questions with the tag
    seen = set()
    for _ in range(6):
        attempt = factories.attempt(trainee, quiz)
        keys = keys_of(attempt)
        assert len(keys) == len(set(keys)) == 4
        assert hand_hygiene <= set(keys)
        assert all({"version_id", "layout"} <= set(slot) for slot in attempt.slots)
        seen |= set(keys)
    assert len(seen) > 4  # the two free places are really drawn from the rest of the bank


def test_resuming_returns_the_same_attempt_in_the_same_order(trainee):
    quiz = factories.quiz()
    first = services.start_attempt(trainee, quiz)
    shown = services.public_questions(first)
    db.session.expire_all()  # what was stored, not what is in memory
    again = services.start_attempt(trainee, quiz)
    assert again.id == first.id and again.number == 1
    assert services.public_questions(again) == shown
    assert len(services.user_attempts(trainee, quiz)) == 1


def test_an_edited_question_does_not_change_an_attempt_already_drawn(trainee):
    quiz = factories.quiz(factories.question_bank("t-single", "t-true-false"))
    attempt = services.start_attempt(trainee, quiz)
    edited = factories.question_bank("t-single")[0] | {"prompt": "Edited prompt?"}
    factories.add_question_version(quiz, edited)
    prompts = {q["prompt"] for q in services.public_questions(attempt)}
    assert "Edited prompt?" not in prompts
    services.submit_attempt(attempt)
    fresh = services.start_attempt(trainee, quiz)
    assert "Edited prompt?" in {q["prompt"] for q in services.public_questions(fresh)}


# --------------------------------------------------------------------------- attempt limits


def test_the_attempt_limit_is_enforced(trainee):
    quiz = factories.quiz(max_attempts=2)
    factories.attempt(trainee, quiz)
    factories.attempt(trainee, quiz)
    assert services.attempt_policy(trainee, quiz).remaining == 0
    with pytest.raises(Conflict, match="used all your attempts"):
        services.start_attempt(trainee, quiz)


def test_the_cool_down_runs_from_the_last_submission(trainee):
    quiz = factories.quiz(cooldown_minutes=60)
    clock.freeze(T0)
    factories.attempt(trainee, quiz)
    clock.freeze(T0 + timedelta(minutes=59))
    with pytest.raises(Conflict, match="10:00 UTC"):
        services.start_attempt(trainee, quiz)
    clock.freeze(T0 + timedelta(minutes=60, seconds=1))
    assert services.start_attempt(trainee, quiz).number == 2


def test_an_accommodation_grants_an_extra_attempt_and_is_audited(trainee, instructor):
    quiz = factories.quiz(max_attempts=1)
    factories.attempt(trainee, quiz, right=set())
    with pytest.raises(Conflict):
        services.start_attempt(trainee, quiz)
    accommodations.grant_accommodation(
        instructor, quiz, trainee, extra_attempts=1, extra_minutes=0, reason="Power cut"
    )
    assert services.start_attempt(trainee, quiz).number == 2
    event = db.session.scalar(
        select(AuditEvent).where(AuditEvent.action == "quiz.accommodation_granted")
    )
    assert event.actor_id == instructor.id
    assert event.details["trainee"] == trainee.email
    assert event.details["extra_attempts"] == 1 and event.details["reason"] == "Power cut"


def test_extra_minutes_lengthen_new_and_open_attempts(trainee, instructor):
    clock.freeze(T0)
    quiz = factories.quiz(time_limit_minutes=20)
    accommodations.grant_accommodation(
        instructor, quiz, trainee, extra_attempts=0, extra_minutes=10, reason="Dyslexia"
    )
    attempt = services.start_attempt(trainee, quiz)
    assert attempt.deadline_at == T0 + timedelta(minutes=30)
    accommodations.grant_accommodation(
        instructor, quiz, trainee, extra_attempts=0, extra_minutes=5, reason="Slow network"
    )
    assert attempt.deadline_at == T0 + timedelta(minutes=35)
    actions = db.session.scalars(select(AuditEvent.action)).all()
    assert actions.count("quiz.accommodation_granted") == 2


def test_an_empty_accommodation_is_refused(trainee, instructor):
    quiz = factories.quiz()
    with pytest.raises(ValidationFailed):
        accommodations.grant_accommodation(
            instructor, quiz, trainee, extra_attempts=0, extra_minutes=0, reason="Nothing"
        )


# --------------------------------------------------------------------------- the time limit


def test_an_answer_after_the_deadline_is_refused_and_closes_the_attempt(trainee):
    clock.freeze(T0)
    quiz = factories.quiz(time_limit_minutes=10)
    attempt = services.start_attempt(trainee, quiz)
    clock.freeze(T0 + timedelta(minutes=9))
    answer_slot(trainee, attempt, "t-single")
    clock.freeze(T0 + timedelta(minutes=10) + services.DEADLINE_GRACE + timedelta(seconds=1))
    with pytest.raises(Conflict, match="Time is up"):
        answer_slot(trainee, attempt, "t-true-false")
    assert attempt.status == "submitted" and attempt.submit_reason == "deadline"
    assert attempt.submitted_at == attempt.deadline_at + services.DEADLINE_GRACE
    saved = services.saved_answers(attempt)
    assert len(saved) == 1  # the late answer was not stored
    assert attempt.score == pytest.approx(1 / 7)  # the answer given in time counts


def test_an_answer_within_the_grace_period_still_counts(trainee):
    clock.freeze(T0)
    quiz = factories.quiz(factories.question_bank("t-single", "t-numeric"), time_limit_minutes=5)
    attempt = services.start_attempt(trainee, quiz)
    clock.freeze(attempt.deadline_at + services.DEADLINE_GRACE / 2)
    answer_slot(trainee, attempt, "t-numeric")
    services.submit_attempt(attempt)
    assert attempt.score == pytest.approx(0.5)


def test_an_answer_stored_late_is_not_counted_by_grading(trainee):
    clock.freeze(T0)
    quiz = factories.quiz(factories.question_bank("t-single", "t-numeric"), time_limit_minutes=5)
    attempt = services.start_attempt(trainee, quiz)
    answer_slot(trainee, attempt, "t-single")
    answer_slot(trainee, attempt, "t-numeric")
    late = services.saved_answers(attempt)[keys_of(attempt).index("t-numeric")]
    late.saved_at = attempt.deadline_at + timedelta(minutes=1)  # e.g. a clock-skewed writer
    services.submit_attempt(attempt)
    assert late.score == 0.0 and attempt.score == pytest.approx(0.5)


def test_resuming_an_overdue_attempt_submits_it_and_starts_a_new_one(trainee):
    clock.freeze(T0)
    quiz = factories.quiz(time_limit_minutes=10)
    first = services.start_attempt(trainee, quiz)
    clock.freeze(T0 + timedelta(hours=1))
    second = services.start_attempt(trainee, quiz)
    assert second.id != first.id and second.number == 2
    assert first.status == "submitted" and first.submit_reason == "deadline"


def test_the_periodic_job_submits_only_overdue_attempts(trainee):
    other = factories.user()
    clock.freeze(T0)
    short = factories.quiz(time_limit_minutes=10)
    long = factories.quiz(time_limit_minutes=90)
    untimed = factories.quiz()
    overdue = factories.attempt(trainee, short, submit=False)
    running = factories.attempt(other, long, submit=False)
    endless = factories.attempt(trainee, untimed, submit=False)
    clock.freeze(T0 + timedelta(minutes=30))
    assert services.submit_overdue_attempts() == 1
    db.session.commit()  # as the job does; then read back what was stored
    db.session.expire_all()
    assert overdue.status == "submitted" and overdue.score == 1.0 and overdue.passed
    assert running.is_open and endless.is_open
    assert services.submit_overdue_attempts() == 0


# --------------------------------------------------------------------------- submit and grade


def test_submitting_twice_grades_once(trainee):
    quiz = factories.quiz()
    attempt = factories.attempt(trainee, quiz, right={"t-single", "t-numeric"}, submit=False)
    received = []
    with requirement_met.connected_to(lambda sender, **kw: received.append(kw)):
        assert services.submit_attempt(attempt) is True
        first = (attempt.submitted_at, attempt.score)
        assert services.submit_attempt(attempt) is False
    assert (attempt.submitted_at, attempt.score) == first
    assert attempt.score == pytest.approx(2 / 7) and attempt.passed is False
    assert received == []  # failed: no requirement met
    with pytest.raises(Conflict, match="already submitted"):
        answer_slot(trainee, attempt, "t-matching")


def test_partial_credit_counts_towards_the_score(trainee):
    quiz = factories.quiz(factories.question_bank("t-multiple", "t-matching"), pass_mark=50)
    attempt = services.start_attempt(trainee, quiz)
    versions = services.slot_versions(attempt)
    for slot, version in enumerate(versions):
        right = factories.correct_answer(version.spec)
        if version.spec["type"] == "multiple":
            answer = {"choices": right["choices"][:1]}  # one of the two correct options: 1/2
        else:
            answer = {"pairs": {"0": right["pairs"]["0"]}}  # one of four lefts: 1/4
        services.save_answer(trainee, attempt, slot, answer)
    services.submit_attempt(attempt)
    rows = services.saved_answers(attempt)
    scores = {versions[slot].spec["key"]: row.score for slot, row in rows.items()}
    assert scores == {"t-multiple": 0.5, "t-matching": 0.25}
    assert attempt.score == pytest.approx(0.375) and attempt.passed is False


def test_passing_sends_requirement_met(trainee):
    quiz = factories.quiz(pass_mark=80)
    received = []

    def receiver(sender, **kwargs):
        received.append((sender, kwargs))

    with requirement_met.connected_to(receiver):
        attempt = factories.attempt(trainee, quiz)
    assert attempt.passed and attempt.score == 1.0
    assert received == [(attempt, {"user_id": trainee.id})]
    assert services.has_passed(trainee.id, quiz.id)


@pytest.mark.parametrize(
    ("method", "expected"),
    [
        ("highest", 5 / 7),
        ("latest", 3 / 7),
        ("first", 1 / 7),
        ("average", 3 / 7),
        (QuizSettings().grading_method, 5 / 7),  # the default
    ],
)
def test_graded_score_across_attempts(trainee, method, expected):
    quiz = factories.quiz()
    keys = [q["key"] for q in factories.QUESTION_BANK]
    for count in (1, 5, 3):
        factories.attempt(trainee, quiz, right=set(keys[:count]))
    factories.attempt(trainee, quiz, submit=False)  # an open attempt has no grade yet
    attempts = services.user_attempts(trainee, quiz)
    assert services.graded_score(attempts, method) == pytest.approx(expected)


def test_graded_score_without_a_submitted_attempt_is_none(trainee):
    quiz = factories.quiz()
    assert services.graded_score([factories.attempt(trainee, quiz, submit=False)], "x") is None


def test_review_items_show_what_was_answered_and_what_was_right(trainee):
    quiz = factories.quiz(factories.question_bank("t-ordering", "t-single"))
    attempt = factories.attempt(trainee, quiz, right={"t-single"})
    items = {item["view"]["key"]: item for item in review.review_items(attempt)}
    assert items["t-single"]["score"] == 1.0
    assert items["t-single"]["your_answer"] == items["t-single"]["correct_answer"] == "Hepatitis B"
    ordering = items["t-ordering"]
    assert ordering["score"] == 0.0
    assert ordering["correct_answer"] == "Wet hands; Apply soap; Lather for 20 seconds; Rinse; Dry"
    assert ordering["your_answer"] == "Dry; Rinse; Lather for 20 seconds; Apply soap; Wet hands"
    assert ordering["explanation"].startswith("Because rinsing")


def test_an_unknown_attempt_is_not_found():
    with pytest.raises(NotFound):
        services.get_attempt(10**9)
    assert db.session.scalar(select(AttemptAnswer)) is None
