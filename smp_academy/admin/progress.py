"""A cohort's progress in one course, trainee by trainee: lessons done, the course quiz (best
score), each practice exercise (the latest submission's state) and the certificates held; as a
grid for the page and as CSV. Admin sits on top of every domain, so it may read them all. A
constant number of queries, whatever the size of the cohort."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Integer, func, select

from smp_academy.auth.models import User
from smp_academy.certificates.models import Certificate
from smp_academy.certificates.status import CertificateStatus, status_of
from smp_academy.courses.cohorts import cohort_progress
from smp_academy.courses.models import Cohort, Course, Lesson
from smp_academy.extensions import db
from smp_academy.practice.models import STATE_LABELS, Exercise, Submission, SubmissionState
from smp_academy.practice.services import exercises_for_course
from smp_academy.quizzes.models import Attempt, AttemptStatus, Quiz
from smp_academy.quizzes.reports import safe_cell
from smp_academy.quizzes.services import quiz_for_course


@dataclass(frozen=True)
class QuizResult:
    best: float  # 0..1
    passed: bool
    attempts: int


@dataclass(frozen=True)
class ProgressGrid:
    course: Course
    trainees: list[User]
    lessons: list[Lesson]
    done: set[tuple[int, int]]  # (trainee id, lesson id) completed
    quiz: Quiz | None
    quiz_results: dict[int, QuizResult]  # by trainee id
    exercises: list[Exercise]
    states: dict[tuple[int, int], str] = field(default_factory=dict)  # (trainee, exercise)
    certificates: dict[int, list[Certificate]] = field(default_factory=dict)  # by trainee id

    def lessons_done(self, trainee: User) -> int:
        return sum((trainee.id, lesson.id) in self.done for lesson in self.lessons)


def progress_grid(cohort: Cohort, course: Course) -> ProgressGrid:
    """Everything the progress page shows for one cohort and course."""
    trainees, lessons, done = cohort_progress(cohort, course)
    ids = [t.id for t in trainees]
    quiz = quiz_for_course(course)
    exercises = exercises_for_course(course)
    return ProgressGrid(
        course=course,
        trainees=trainees,
        lessons=lessons,
        done=done,
        quiz=quiz,
        quiz_results=_quiz_results(quiz, ids) if quiz else {},
        exercises=exercises,
        states=_latest_states([e.id for e in exercises], ids),
        certificates=_certificates(ids),
    )


def _quiz_results(quiz: Quiz, trainee_ids: list[int]) -> dict[int, QuizResult]:
    rows: Iterable[Any] = db.session.execute(
        select(
            Attempt.user_id,
            func.max(Attempt.score),
            func.max(Attempt.passed.cast(Integer)),
            func.count(Attempt.id),
        )
        .where(
            Attempt.quiz_id == quiz.id,
            Attempt.user_id.in_(trainee_ids),
            Attempt.status == AttemptStatus.SUBMITTED,
        )
        .group_by(Attempt.user_id)
    )
    return {
        int(user_id): QuizResult(float(best or 0.0), bool(passed), int(count))
        for user_id, best, passed, count in rows
    }


def _latest_states(exercise_ids: list[int], trainee_ids: list[int]) -> dict[tuple[int, int], str]:
    """The state of each trainee's latest version of each exercise."""
    rows = db.session.execute(
        select(Submission.trainee_id, Submission.exercise_id, Submission.state)
        .where(Submission.exercise_id.in_(exercise_ids), Submission.trainee_id.in_(trainee_ids))
        .order_by(Submission.version)
    )
    return {(trainee_id, exercise_id): state for trainee_id, exercise_id, state in rows}


def _certificates(trainee_ids: list[int]) -> dict[int, list[Certificate]]:
    """Each trainee's current certificates (not superseded), valid, expired or revoked."""
    held: dict[int, list[Certificate]] = {}
    for cert in db.session.scalars(
        select(Certificate)
        .where(Certificate.holder_id.in_(trainee_ids), Certificate.superseded_by_id.is_(None))
        .order_by(Certificate.issued_on)
    ):
        held.setdefault(cert.holder_id, []).append(cert)
    return held


def certificate_text(cert: Certificate) -> str:
    status = status_of(cert)
    if status == CertificateStatus.VALID:
        until = f"until {cert.expires_on:%Y-%m-%d}" if cert.expires_on else "no expiry"
        return f"{cert.credential_title} (valid, {until})"
    return f"{cert.credential_title} ({status.value})"


def grid_csv(grid: ProgressGrid) -> str:
    """The grid as CSV: one row per trainee, the same columns as the page."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        [
            "name",
            "email",
            "lessons_done",
            "lessons_total",
            *(f"lesson {n}: {lesson.title}" for n, lesson in enumerate(grid.lessons, 1)),
            *(["quiz_best_percent", "quiz_passed", "quiz_attempts"] if grid.quiz else []),
            *(f"exercise: {exercise.title}" for exercise in grid.exercises),
            "certificates",
        ]
    )
    for trainee in grid.trainees:
        writer.writerow(_csv_row(grid, trainee))
    return out.getvalue()


def _csv_row(grid: ProgressGrid, trainee: User) -> list[str | int | float]:
    result = grid.quiz_results.get(trainee.id)
    quiz = (
        [round(result.best * 100, 1), "yes" if result.passed else "no", result.attempts]
        if result
        else ["", "", 0]
    )
    return [
        safe_cell(trainee.name),
        trainee.email,
        grid.lessons_done(trainee),
        len(grid.lessons),
        *("done" if (trainee.id, lesson.id) in grid.done else "" for lesson in grid.lessons),
        *(quiz if grid.quiz else []),
        *(
            STATE_LABELS[SubmissionState(state)].lower()
            if (state := grid.states.get((trainee.id, e.id)))
            else ""
            for e in grid.exercises
        ),
        "; ".join(certificate_text(c) for c in grid.certificates.get(trainee.id, [])),
    ]
