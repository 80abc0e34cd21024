"""The review workflow: submitted → in review (claimed by one instructor) → passed or needs
work. Every move goes through a guarded, conditional UPDATE, so two instructors cannot claim
or grade the same submission; every grade is a new row."""

from __future__ import annotations

import contextlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import url_for
from sqlalchemy import func, select, update
from sqlalchemy.orm import lazyload, selectinload

from smp_academy.auth.models import User
from smp_academy.core import audit
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.events import requirement_met
from smp_academy.core.notify import notify
from smp_academy.core.roles import Role
from smp_academy.core.rows import execute_changes
from smp_academy.courses.models import CohortMember, CohortRole
from smp_academy.courses.permissions import instructed_trainee_ids
from smp_academy.extensions import db
from smp_academy.grading.models import Grade, Pin
from smp_academy.practice.models import Exercise, Submission, SubmissionState

MAX_PINS = 50


@dataclass(frozen=True)
class QueueFilter:
    cohort_id: int | None = None
    exercise_id: int | None = None
    state: str | None = None


@dataclass(frozen=True)
class PinInput:
    photo_id: int
    x: float
    y: float
    note: str


def _visible(user: User, stmt):
    """Instructors see their cohorts' trainees; admins see everyone."""
    if user.role == Role.ADMIN:
        return stmt
    return stmt.where(Submission.trainee_id.in_(instructed_trainee_ids(user.id)))


QUEUE_PAGE = 50


def queue(user: User, filters: QueueFilter, limit: int = QUEUE_PAGE) -> list[Submission]:
    """Oldest first; waiting and in-review by default."""
    stmt = _visible(user, select(Submission))
    states = [filters.state] if filters.state else list(OPEN_STATES)
    stmt = stmt.where(Submission.state.in_(states))
    if filters.exercise_id:
        stmt = stmt.where(Submission.exercise_id == filters.exercise_id)
    if filters.cohort_id:
        stmt = stmt.where(
            Submission.trainee_id.in_(
                select(CohortMember.user_id).where(
                    CohortMember.cohort_id == filters.cohort_id,
                    CohortMember.role == CohortRole.TRAINEE,
                )
            )
        )
    # Limit first, then load the people and exercises of just that page (not a join of all).
    stmt = (
        stmt.order_by(Submission.submitted_at, Submission.id)
        .limit(limit)
        .options(
            selectinload(Submission.trainee),
            selectinload(Submission.exercise),
            selectinload(Submission.claimed_by),
            lazyload(Submission.photos),
        )
    )
    return list(db.session.scalars(stmt))


OPEN_STATES = (SubmissionState.SUBMITTED, SubmissionState.IN_REVIEW)
DECIDED_STATES = (SubmissionState.PASSED, SubmissionState.NEEDS_WORK)


def state_counts(user: User) -> dict[str, int]:
    """How many submissions wait and are in review (the open states the queue is about)."""
    stmt = (
        _visible(user, select(Submission.state, func.count(Submission.id)))
        .where(Submission.state.in_(OPEN_STATES))
        .group_by(Submission.state)
    )
    return {state: count for state, count in db.session.execute(stmt)}


def oldest_waiting_at(user: User) -> datetime | None:
    return db.session.scalar(
        _visible(user, select(func.min(Submission.submitted_at))).where(
            Submission.state == SubmissionState.SUBMITTED
        )
    )


def claim(user: User, submission: Submission) -> None:
    """Take a waiting submission for review; the first claim wins."""
    if submission.state == SubmissionState.IN_REVIEW and submission.claimed_by_id == user.id:
        return
    changed = execute_changes(
        update(Submission)
        .where(Submission.id == submission.id, Submission.state == SubmissionState.SUBMITTED)
        .values(state=SubmissionState.IN_REVIEW, claimed_by_id=user.id, claimed_at=now_utc())
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission)
    if changed != 1:
        raise Conflict(_busy_message(submission))
    audit.record(user, "submission.claimed", submission)


def _busy_message(submission: Submission) -> str:
    if submission.state == SubmissionState.IN_REVIEW and submission.claimed_by is not None:
        return f"{submission.claimed_by.name} is already reviewing this submission."
    return f"This submission is no longer waiting (it is {submission.state_label.lower()})."


def release(user: User, submission: Submission) -> None:
    """Give a claimed submission back to the queue."""
    changed = execute_changes(
        update(Submission)
        .where(
            Submission.id == submission.id,
            Submission.state == SubmissionState.IN_REVIEW,
            Submission.claimed_by_id == user.id,
        )
        .values(state=SubmissionState.SUBMITTED, claimed_by_id=None, claimed_at=None)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(submission)
    if changed != 1:
        raise Conflict("You are not reviewing this submission.")


def release_stale_claims(older_than: timedelta) -> int:
    """Periodic: claims left open longer than ``older_than`` (a reviewer who went away) go back
    to the queue, so no submission waits behind a forgotten claim."""
    stale = list(
        db.session.scalars(
            select(Submission).where(
                Submission.state == SubmissionState.IN_REVIEW,
                Submission.claimed_at < now_utc() - older_than,
            )
        )
    )
    for submission in stale:
        audit.record(None, "submission.claim_expired", submission, by=submission.claimed_by_id)
        submission.state, submission.claimed_by_id, submission.claimed_at = (
            SubmissionState.SUBMITTED,
            None,
            None,
        )
    return len(stale)


def claim_next(user: User, filters: QueueFilter, tries: int = 3) -> Submission | None:
    """Claim the oldest waiting submission; another instructor may take the same one first,
    so try the next few. None when nothing is waiting (or others took everything)."""
    for _ in range(tries):
        submission = next_waiting(user, filters)
        if submission is None:
            return None
        with contextlib.suppress(Conflict):
            claim(user, submission)
            return submission
    return None


def next_waiting(user: User, filters: QueueFilter) -> Submission | None:
    waiting = queue(
        user, QueueFilter(filters.cohort_id, filters.exercise_id, SubmissionState.SUBMITTED), 1
    )
    return waiting[0] if waiting else None


def score(exercise: Exercise, levels: dict[str, Any]) -> tuple[dict[str, int], int, bool]:
    """Validate one level per criterion; return the points, the total and pass/fail."""
    chosen: dict[str, int] = {}
    for criterion in exercise.rubric:
        allowed = {level["points"] for level in criterion["levels"]}
        value = levels.get(criterion["key"])
        try:
            points = int(value)
        except (TypeError, ValueError):
            raise ValidationFailed(f"Choose a level for “{criterion['title']}”.") from None
        if points not in allowed:
            raise ValidationFailed(f"“{criterion['title']}” has no level worth {points} points.")
        chosen[criterion["key"]] = points
    rule = exercise.spec["pass_rule"]
    total = sum(chosen.values())
    passed = total >= rule["min_total"] and all(
        points >= rule.get("min_each", 0) for points in chosen.values()
    )
    return chosen, total, passed


def grade(
    user: User, submission: Submission, levels: dict[str, Any], feedback: str, pins: list[PinInput]
) -> Grade:
    """Grade a submission the user has claimed, or regrade a decided one (history kept)."""
    regrade = submission.state in DECIDED_STATES
    if not regrade and not (
        submission.state == SubmissionState.IN_REVIEW and submission.claimed_by_id == user.id
    ):
        raise Conflict(
            "Claim the submission before grading it."
            if submission.state == SubmissionState.SUBMITTED
            else _busy_message(submission)
        )
    chosen, total, passed = score(submission.exercise, levels)
    _check_pins(submission, pins)
    new_state = SubmissionState.PASSED if passed else SubmissionState.NEEDS_WORK
    guard = [Submission.state == submission.state]
    if not regrade:
        guard.append(Submission.claimed_by_id == user.id)
    changed = execute_changes(
        update(Submission)
        .where(Submission.id == submission.id, *guard)
        .values(state=new_state, claimed_by_id=None, decided_at=now_utc())
        .execution_options(synchronize_session=False)
    )
    if changed != 1:
        db.session.refresh(submission)
        raise Conflict("Someone else changed this submission meanwhile; reload it.")
    record = Grade(
        submission_id=submission.id,
        grader_id=user.id,
        levels=chosen,
        total=total,
        max_total=submission.exercise.max_points,
        passed=passed,
        feedback=feedback.strip()[:5000],
        is_regrade=regrade,
    )
    db.session.add(record)
    db.session.flush()
    for number, pin in enumerate(pins, start=1):
        db.session.add(
            Pin(
                grade_id=record.id,
                photo_id=pin.photo_id,
                number=number,
                x=pin.x,
                y=pin.y,
                note=pin.note.strip()[:500],
            )
        )
    db.session.refresh(submission)
    _announce(user, submission, record)
    return record


def _check_pins(submission: Submission, pins: list[PinInput]) -> None:
    photo_ids = {photo.id for photo in submission.photos}
    if len(pins) > MAX_PINS:
        raise ValidationFailed(f"At most {MAX_PINS} pins per grade.")
    for pin in pins:
        if pin.photo_id not in photo_ids or not (0 <= pin.x <= 1 and 0 <= pin.y <= 1):
            raise ValidationFailed("A pin must sit on one of this submission's photos.")
        if not pin.note.strip():
            raise ValidationFailed("Every pin needs a note.")


def _announce(user: User, submission: Submission, record: Grade) -> None:
    verb = "regraded" if record.is_regrade else "graded"
    audit.record(
        user,
        f"submission.{verb}",
        submission,
        total=record.total,
        passed=record.passed,
        levels=record.levels,
        grade_id=record.id,
    )
    outcome = "passed" if record.passed else "needs more work"
    notify(
        submission.trainee,
        f"Your submission for “{submission.exercise.title}” was {verb}: {outcome} "
        f"({record.total}/{record.max_total}).",
        url_for("grading.show_submission", submission_id=submission.id),
        email_template="notification",
        subject=f"Practice {verb}: {submission.exercise.title}",
    )
    if record.passed:
        requirement_met.send(submission, user_id=submission.trainee_id)


def grades_of(submission: Submission) -> list[Grade]:
    """Every grade of a submission, newest first (a regrade keeps the earlier ones)."""
    return list(
        db.session.scalars(
            select(Grade)
            .where(Grade.submission_id == submission.id)
            .order_by(Grade.created_at.desc(), Grade.id.desc())
        )
    )


@dataclass(frozen=True)
class GradeStart:
    """What the grading form starts from: the latest grade's levels, feedback and pins, so a
    regrade changes what needs changing instead of starting blank and dropping the rest."""

    levels: dict[str, int]
    feedback: str
    pins: list[PinInput]


def grade_start(submission: Submission, grades: list[Grade]) -> GradeStart:
    """The newest of ``grades`` (newest first), or a blank form."""
    latest = grades[0] if grades else None
    if latest is None or submission.state not in DECIDED_STATES:
        return GradeStart({}, "", [])
    pins = [PinInput(pin.photo_id, pin.x, pin.y, pin.note) for pin in latest.pins]
    return GradeStart(dict(latest.levels), latest.feedback, pins)
