"""What a certification requires, and what a holder has done towards it."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select

from smp_academy.certificates.models import Certification
from smp_academy.courses.models import Course, Lesson, LessonProgress
from smp_academy.extensions import db
from smp_academy.practice.models import Exercise, Submission
from smp_academy.quizzes.models import Attempt, Quiz


def completed_course_slugs(user_id: int) -> set[str]:
    """Courses whose every current lesson the user has completed (one query)."""
    rows = db.session.execute(
        select(
            Course.slug, func.count(Lesson.id.distinct()), func.count(LessonProgress.id.distinct())
        )
        .join(Lesson, Lesson.course_id == Course.id)
        .outerjoin(
            LessonProgress,
            (LessonProgress.lesson_id == Lesson.id)
            & (LessonProgress.user_id == user_id)
            & LessonProgress.completed_at.is_not(None),
        )
        .where(~Lesson.is_retired)
        .group_by(Course.slug)
    )
    return {slug for slug, total, completed in rows if total and completed >= total}


def passed_quiz_slugs(user_id: int, since: datetime | None = None) -> set[str]:
    stmt = (
        select(Quiz.slug)
        .join(Attempt, Attempt.quiz_id == Quiz.id)
        .where(Attempt.user_id == user_id, Attempt.passed)
    )
    if since is not None:
        stmt = stmt.where(Attempt.submitted_at >= since)
    return set(db.session.scalars(stmt))


def passed_exercise_slugs(user_id: int, since: datetime | None = None) -> set[str]:
    stmt = (
        select(Exercise.slug)
        .join(Submission, Submission.exercise_id == Exercise.id)
        .where(Submission.trainee_id == user_id, Submission.state == "passed")
    )
    if since is not None:
        stmt = stmt.where(Submission.decided_at >= since)
    return set(db.session.scalars(stmt))


def achievements(user_id: int, since: datetime | None = None) -> dict[str, set[str]]:
    """What the user has done, by requirement kind (three queries)."""
    return {
        "courses": completed_course_slugs(user_id),
        "quizzes": passed_quiz_slugs(user_id, since),
        "exercises": passed_exercise_slugs(user_id, since),
    }


def requirements_met(
    user_id: int, needs: dict[str, list[str]], since: datetime | None = None
) -> bool:
    done = achievements(user_id, since)
    return all(set(needs.get(kind, [])) <= done[kind] for kind in done)


def requirement_names() -> dict[str, dict[str, tuple[str, str]]]:
    """For display: each requirement's title and page path, by kind and slug (three queries)."""
    courses = db.session.execute(select(Course.slug, Course.title))
    quizzes = db.session.execute(select(Quiz.slug, Quiz.title))
    exercises = db.session.execute(select(Exercise.slug, Exercise.title))
    return {
        "courses": {slug: (title, f"/courses/{slug}") for slug, title in courses},
        "quizzes": {slug: (title, f"/quizzes/{slug}") for slug, title in quizzes},
        "exercises": {slug: (title, f"/exercises/{slug}") for slug, title in exercises},
    }


def requirement_progress(
    certification: Certification, done: dict[str, set[str]]
) -> dict[str, list[tuple[str, bool]]]:
    """Each requirement with whether it is met, for the trainee's "next step" panels."""
    return {
        kind: [(slug, slug in done[kind]) for slug in certification.requires.get(kind, [])]
        for kind in ("courses", "quizzes", "exercises")
    }
