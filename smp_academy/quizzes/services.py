"""Attempts: start or resume, autosave, submit exactly once, grade, review; accommodations."""

from __future__ import annotations

import random
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from smp_academy.auth.models import User
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.events import requirement_met
from smp_academy.core.rows import execute_changes, get_or_create, lock
from smp_academy.courses.access import ensure_open
from smp_academy.courses.models import Course
from smp_academy.extensions import db
from smp_academy.quizzes.accommodations import accommodation_totals
from smp_academy.quizzes.models import (
    Attempt,
    AttemptAnswer,
    AttemptStatus,
    Question,
    QuestionVersion,
    Quiz,
)
from smp_academy.quizzes.question_types import InvalidAnswer, get_question_type
from smp_academy.quizzes.settings import GradingMethod

# A save that arrives this soon after the deadline still counts (network latency).
DEADLINE_GRACE = timedelta(seconds=5)


@dataclass(frozen=True)
class AttemptPolicy:
    """What a trainee may do next with a quiz."""

    used: int
    allowed: int | None  # None = unlimited
    open_attempt: Attempt | None
    available_at: datetime | None  # end of the cool-down, when one is running
    extra_minutes: int

    @property
    def remaining(self) -> int | None:
        return None if self.allowed is None else max(0, self.allowed - self.used)

    @property
    def can_start(self) -> bool:
        return self.open_attempt is None and self.remaining != 0 and self.available_at is None


def get_quiz(slug: str) -> Quiz:
    quiz = db.session.scalar(select(Quiz).where(Quiz.slug == slug, ~Quiz.is_retired))
    if quiz is None:
        raise NotFound("No such quiz.")
    return quiz


def quiz_for_course(course: Course) -> Quiz | None:
    return db.session.scalar(select(Quiz).where(Quiz.course_id == course.id, ~Quiz.is_retired))


def user_attempts(user: User, quiz: Quiz) -> list[Attempt]:
    return list(
        db.session.scalars(
            select(Attempt)
            .where(Attempt.user_id == user.id, Attempt.quiz_id == quiz.id)
            .order_by(Attempt.number)
        )
    )


def attempt_policy(user: User, quiz: Quiz, attempts: list[Attempt] | None = None) -> AttemptPolicy:
    attempts = user_attempts(user, quiz) if attempts is None else attempts
    extra_attempts, extra_minutes = accommodation_totals(user, quiz)
    maximum = quiz.config.max_attempts
    open_attempt = next((a for a in attempts if a.is_open), None)
    submitted = [a for a in attempts if not a.is_open]
    available_at = None
    cooldown = quiz.config.cooldown_minutes
    if submitted and cooldown:
        ends = max(a.submitted_at for a in submitted) + timedelta(minutes=cooldown)
        available_at = ends if ends > now_utc() else None
    return AttemptPolicy(
        used=len(attempts),
        allowed=None if maximum is None else maximum + extra_attempts,
        open_attempt=open_attempt,
        available_at=available_at,
        extra_minutes=extra_minutes,
    )


def start_attempt(user: User, quiz: Quiz) -> Attempt:
    """Resume the open attempt, or start a new one within the limits. Two tabs or a double
    click get the same attempt: (quiz, user, number) is unique."""
    attempts = user_attempts(user, quiz)
    for attempt in attempts:
        if attempt.is_open and not close_if_overdue(attempt):
            return attempt
    ensure_open(user, db.session.get(Course, quiz.course_id))
    closes_at = quiz.config.closes_at
    if quiz.config.is_closed(now_utc()):
        raise Conflict(f"This quiz closed on {closes_at:%Y-%m-%d} at {closes_at:%H:%M} UTC.")
    policy = attempt_policy(user, quiz, attempts)
    if policy.remaining == 0:
        raise Conflict("You have used all your attempts at this quiz.")
    if policy.available_at is not None:
        raise Conflict(
            f"You can try again after {policy.available_at:%H:%M} UTC "
            f"({policy.available_at:%Y-%m-%d})."
        )
    attempt = _new_attempt(user, quiz, len(attempts) + 1, policy.extra_minutes)
    try:
        with db.session.begin_nested():
            db.session.add(attempt)
    except IntegrityError:
        existing = db.session.scalar(
            select(Attempt).filter_by(quiz_id=quiz.id, user_id=user.id, number=len(attempts) + 1)
        )
        if existing is None:
            raise Conflict("The quiz could not be started; please try again.") from None
        return existing
    return attempt


def _new_attempt(user: User, quiz: Quiz, number: int, extra_minutes: int) -> Attempt:
    rng = random.Random(secrets.randbits(64))
    versions = draw_questions(quiz, rng)
    slots = [
        {"version_id": v.id, "layout": get_question_type(v.spec).make_layout(v.spec, rng)}
        for v in versions
    ]
    limit, closes_at = quiz.config.time_limit_minutes, quiz.config.closes_at
    started = now_utc()
    deadline = started + timedelta(minutes=limit + extra_minutes) if limit else None
    if closes_at is not None:  # an attempt ends when the quiz closes, whatever its time limit
        deadline = min(deadline or closes_at, closes_at)
    return Attempt(
        quiz_id=quiz.id,
        user_id=user.id,
        number=number,
        started_at=started,
        deadline_at=deadline,
        slots=slots,
        status=AttemptStatus.OPEN,
    )


def current_versions(quiz: Quiz) -> list[QuestionVersion]:
    return list(
        db.session.scalars(
            select(QuestionVersion)
            .join(Question)
            .where(
                Question.quiz_id == quiz.id,
                ~Question.is_retired,
                QuestionVersion.version == Question.current_version,
            )
            .order_by(Question.key)
        )
    )


def draw_questions(quiz: Quiz, rng: random.Random) -> list[QuestionVersion]:
    """N questions: first each draw rule's count from its tag, then the rest from the bank."""
    pool = current_versions(quiz)
    count = min(quiz.config.questions_per_attempt or len(pool), len(pool))
    chosen: list[QuestionVersion] = []
    for rule in quiz.config.draw:
        candidates = [v for v in pool if rule.tag in v.tags and v not in chosen]
        chosen += rng.sample(candidates, min(rule.count, len(candidates), count - len(chosen)))
    rest = [v for v in pool if v not in chosen]
    chosen += rng.sample(rest, count - len(chosen))
    rng.shuffle(chosen)
    return chosen


def get_attempt(attempt_id: int) -> Attempt:
    attempt = db.session.get(Attempt, attempt_id)
    if attempt is None:
        raise NotFound("No such attempt.")
    return attempt


def slot_versions(attempt: Attempt) -> list[QuestionVersion]:
    """The exact question versions of an attempt, in its order (one query)."""
    ids = [slot["version_id"] for slot in attempt.slots]
    by_id = {
        v.id: v
        for v in db.session.scalars(select(QuestionVersion).where(QuestionVersion.id.in_(ids)))
    }
    return [by_id[i] for i in ids]


def saved_answers(attempt: Attempt) -> dict[int, AttemptAnswer]:
    return {
        row.slot: row
        for row in db.session.scalars(
            select(AttemptAnswer).where(AttemptAnswer.attempt_id == attempt.id)
        )
    }


def public_questions(attempt: Attempt) -> list[dict[str, Any]]:
    """What the browser sees of each question: no answers, no explanations."""
    return [
        get_question_type(version.spec).public_view(version.spec, slot["layout"])
        for version, slot in zip(slot_versions(attempt), attempt.slots, strict=True)
    ]


def is_overdue(attempt: Attempt, at: datetime | None = None) -> bool:
    return (
        attempt.deadline_at is not None and (at or now_utc()) > attempt.deadline_at + DEADLINE_GRACE
    )


def close_if_overdue(attempt: Attempt) -> bool:
    """Submit an open attempt whose time is up (when next touched); True if it was overdue."""
    if attempt.is_open and is_overdue(attempt):
        submit_attempt(attempt, reason="deadline")
        return True
    return False


def save_answer(user: User, attempt: Attempt, slot: int, raw: Any) -> AttemptAnswer | None:
    """Autosave one answer. Nothing is saved after the deadline or once submitted."""
    _ensure_open(user, attempt)
    if not 0 <= slot < len(attempt.slots):
        raise ValidationFailed("No such question in this attempt.")
    version = slot_versions(attempt)[slot]
    try:
        answer = get_question_type(version.spec).coerce_answer(version.spec, raw)
    except InvalidAnswer as error:
        raise ValidationFailed(str(error)) from None
    return _store_answer(attempt, slot, answer)


def save_form_answers(user: User, attempt: Attempt, getlist, *, submit: bool = False) -> list[str]:
    """Save every answer of a no-JavaScript form post (fields q0, q1, …), then submit when
    asked. An unreadable field is reported (and the attempt not submitted) after every
    readable answer is saved, so one typo loses no other answer; returns those problems."""
    _ensure_open(user, attempt)
    errors = []
    for slot, version in enumerate(slot_versions(attempt)):
        try:
            answer = get_question_type(version.spec).answer_from_form(
                version.spec, getlist, f"q{slot}"
            )
        except InvalidAnswer as error:
            errors.append(f"Question {slot + 1}: {error}.")
            continue
        _store_answer(attempt, slot, answer)
    if submit and not errors:
        submit_attempt(attempt)
    return errors


def _ensure_open(user: User, attempt: Attempt) -> None:
    """Lock the attempt's row, then check it still takes answers. The lock orders a save and
    a submit of the same attempt: a save that gets in first is in the grade; one that comes
    after the submit is refused, never acknowledged and then ignored."""
    if attempt.user_id != user.id:
        raise NotFound("No such attempt.")
    lock(attempt)
    if close_if_overdue(attempt):
        raise Conflict(
            "Time is up: your attempt was submitted with the answers saved in time.",
            keep_changes=True,
        )
    if not attempt.is_open:
        raise Conflict("This attempt is already submitted; the answer was not saved.")


def _store_answer(attempt: Attempt, slot: int, answer: Any) -> AttemptAnswer:
    row = get_or_create(AttemptAnswer, attempt_id=attempt.id, slot=slot)
    row.answer = answer
    row.saved_at = now_utc()
    return row


def submit_attempt(attempt: Attempt, reason: str = "trainee") -> bool:
    """Close and grade the attempt exactly once; False if it was already submitted.

    The conditional UPDATE is the lock: of two concurrent submits only one changes the row.
    """
    submitted_at = now_utc()
    if attempt.deadline_at is not None and reason == "deadline":
        submitted_at = min(submitted_at, attempt.deadline_at + DEADLINE_GRACE)
    changed = execute_changes(
        update(Attempt)
        .where(Attempt.id == attempt.id, Attempt.status == AttemptStatus.OPEN)
        .values(status=AttemptStatus.SUBMITTED, submitted_at=submitted_at, submit_reason=reason)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(attempt)
    if changed != 1:
        return False
    _grade(attempt)
    if attempt.passed:
        requirement_met.send(attempt, user_id=attempt.user_id)
    return True


def _grade(attempt: Attempt) -> None:
    answers = saved_answers(attempt)
    total = 0.0
    for slot, version in enumerate(slot_versions(attempt)):
        row = answers.get(slot)
        if row is None:
            continue
        in_time = (
            attempt.deadline_at is None or row.saved_at <= attempt.deadline_at + DEADLINE_GRACE
        )
        row.score = (
            get_question_type(version.spec).score(version.spec, row.answer) if in_time else 0.0
        )
        total += row.score
    attempt.score = total / len(attempt.slots) if attempt.slots else 0.0
    attempt.passed = attempt.score * 100 >= attempt.quiz.config.pass_mark - 1e-9


def submit_overdue_attempts() -> int:
    """Periodic job: submit every open attempt whose deadline has passed."""
    overdue = db.session.scalars(
        select(Attempt).where(
            Attempt.status == AttemptStatus.OPEN, Attempt.deadline_at < now_utc() - DEADLINE_GRACE
        )
    ).all()
    return sum(submit_attempt(attempt, reason="deadline") for attempt in overdue)


def graded_score(attempts: list[Attempt], method: GradingMethod) -> float | None:
    """The quiz grade across attempts: highest, latest, average or first."""
    scores = [a.score for a in attempts if not a.is_open and a.score is not None]
    if not scores:
        return None
    return {
        GradingMethod.HIGHEST: max,
        GradingMethod.LATEST: lambda s: s[-1],
        GradingMethod.FIRST: lambda s: s[0],
        GradingMethod.AVERAGE: lambda s: sum(s) / len(s),
    }[GradingMethod(method)](scores)


@dataclass(frozen=True)
class QuizResults:
    """A learner's standing in a quiz, for the course page: the grade and the last attempt."""

    grade: float | None
    passed: bool
    last: Attempt | None  # the last submitted attempt, to review


def quiz_results(user: User, quiz: Quiz) -> QuizResults:
    attempts = [a for a in user_attempts(user, quiz) if not a.is_open]
    return QuizResults(
        graded_score(attempts, quiz.config.grading_method),
        any(a.passed for a in attempts),
        attempts[-1] if attempts else None,
    )


def has_passed(user_id: int, quiz_id: int) -> bool:
    return (
        db.session.scalar(
            select(func.count(Attempt.id)).where(
                Attempt.user_id == user_id, Attempt.quiz_id == quiz_id, Attempt.passed
            )
        )
        > 0
    )
