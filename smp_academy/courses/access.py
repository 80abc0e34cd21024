"""What a trainee may open yet, as content sets it: prerequisites and drip release.

Prerequisites: a course whose ``prerequisites_mode`` is enforced keeps its quiz and exercises
locked until every prerequisite course is completed (its lessons stay readable); an advisory
course only recommends them. Drip release: a course or a lesson opens ``available_after_days``
after the trainee's start, which is the start date of their cohort when they are in one that
has one (the earliest), else the day they enrolled in the course (their first lesson opened).
Staff are never locked out: instructors and admins read ahead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import func, select

from smp_academy.core.clock import today_utc
from smp_academy.core.errors import Conflict
from smp_academy.core.roles import Role, has_role
from smp_academy.courses.models import (
    Cohort,
    CohortMember,
    Course,
    Enrolment,
    Lesson,
    PrerequisitesMode,
)
from smp_academy.courses.services import (
    missing_prerequisites,
    progress_by_course,
    published_courses,
)
from smp_academy.extensions import db


@dataclass(frozen=True)
class Lock:
    """Why something is not open yet, and what opens it."""

    reason: str
    unlocked_by: list[Course]  # the courses to finish first
    opens_on: date | None = None
    after_days: int = 0  # drip release: the day after the start on which it opens


def _listing(titles: list[str]) -> str:
    return " and ".join([", ".join(titles[:-1]), titles[-1]] if len(titles) > 1 else titles)


def _day(day: date) -> str:
    return f"{day:%A} {day.day} {day:%B %Y}"


def start_date(user: Any, course: Course) -> date | None:
    """The trainee's start for ``course``: their cohort's start date, else their enrolment."""
    cohort_start = db.session.scalar(
        select(func.min(Cohort.starts_on))
        .join(CohortMember, CohortMember.cohort_id == Cohort.id)
        .where(CohortMember.user_id == user.id, Cohort.starts_on.is_not(None))
    )
    if cohort_start:
        return date.fromisoformat(cohort_start)
    enrolled = db.session.scalar(
        select(Enrolment.enrolled_at).filter_by(user_id=user.id, course_id=course.id)
    )
    return enrolled.date() if enrolled else None


def _release_lock(days: int, start: date | None, what: str) -> Lock | None:
    if days <= 0:
        return None
    if start is None:
        return Lock(f"{what} opens {days} days after you start the course.", [], None, days)
    opens_on = start + timedelta(days=days)
    if opens_on <= today_utc():
        return None
    return Lock(f"{what} opens on {_day(opens_on)}.", [], opens_on, days)


def _prerequisite_lock(user: Any, course: Course) -> Lock | None:
    if course.prerequisites_mode != PrerequisitesMode.ENFORCED or not course.prerequisite_slugs:
        return None
    courses = published_courses()
    missing = missing_prerequisites(course, {c.slug: c for c in courses}, progress_by_course(user))
    if not missing:
        return None
    titles = [c.title for c in missing]
    return Lock(
        f"Finish {_listing(titles)} first: completing {'it' if len(titles) == 1 else 'them'} "
        "unlocks this course's quiz and exercises.",
        missing,
    )


def course_lock(user: Any, course: Course) -> Lock | None:
    """Why the course's quiz and exercises are locked for ``user``, or None when they are open."""
    if not has_role(user, Role.TRAINEE):
        return None
    return _prerequisite_lock(user, course) or _release_lock(
        course.available_after_days, start_date(user, course), "This course"
    )


def lesson_lock(user: Any, course: Course, lesson: Lesson, start: date | None) -> Lock | None:
    """Why a lesson is not open yet (drip release), or None. ``start``: see ``start_date``."""
    if not has_role(user, Role.TRAINEE):
        return None
    days = max(course.available_after_days, lesson.available_after_days)
    return _release_lock(days, start, "This lesson")


def lesson_locks(user: Any, course: Course, lessons: list[Lesson]) -> dict[int, Lock]:
    """The locked lessons of a course, by id (for the course page and the lesson list)."""
    if not has_role(user, Role.TRAINEE):
        return {}
    start = start_date(user, course)
    locks = {lesson.id: lesson_lock(user, course, lesson, start) for lesson in lessons}
    return {lesson_id: lock for lesson_id, lock in locks.items() if lock is not None}


def ensure_open(user: Any, course: Course) -> None:
    """Refuse a quiz attempt or a practice submission of a locked course (a 409)."""
    lock = course_lock(user, course)
    if lock is not None:
        raise Conflict(lock.reason)


def ensure_lesson_open(user: Any, course: Course, lesson: Lesson) -> None:
    """Refuse to record progress on a lesson that has not opened yet (a 409)."""
    lock = lesson_lock(user, course, lesson, start_date(user, course))
    if lock is not None:
        raise Conflict(lock.reason)
