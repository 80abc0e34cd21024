"""Cohorts: groups of trainees with their instructors (admins manage them)."""

from __future__ import annotations

from sqlalchemy import func, select

from smp_academy.auth.models import User
from smp_academy.auth.services import find_user_by_email
from smp_academy.core import audit
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.roles import Role
from smp_academy.courses.models import (
    Cohort,
    CohortMember,
    CohortRole,
    Course,
    Lesson,
    LessonProgress,
)
from smp_academy.extensions import db


def create_cohort(actor: User, name: str, starts_on: str | None = None) -> Cohort:
    name = name.strip()
    if not 1 <= len(name) <= 120:
        raise ValidationFailed("Give the cohort a name (up to 120 characters).", field="name")
    if db.session.scalar(select(Cohort).where(func.lower(Cohort.name) == name.lower())):
        raise Conflict("A cohort with this name exists already.", field="name")
    cohort = Cohort(name=name, starts_on=starts_on or None)
    db.session.add(cohort)
    db.session.flush()
    audit.record(actor, "cohort.created", cohort, name=name)
    return cohort


def add_member(cohort: Cohort, user: User, role: str, actor: User | None = None) -> CohortMember:
    """Add a trainee or an instructor (idempotent)."""
    if role not in set(CohortRole):
        raise ValidationFailed(
            "Only trainees and instructors can be members of a cohort.", field="email"
        )
    if user.role != Role(role):
        raise ValidationFailed(f"{user.name} is not a {role}.", field="email")
    existing = db.session.scalar(
        select(CohortMember).filter_by(cohort_id=cohort.id, user_id=user.id)
    )
    if existing is not None:
        return existing
    member = CohortMember(cohort_id=cohort.id, user_id=user.id, role=role)
    db.session.add(member)
    db.session.flush()
    if actor is not None:
        audit.record(actor, "cohort.member_added", cohort, user=user.email, role=role)
    return member


def add_member_by_email(actor: User, cohort: Cohort, email: str) -> User:
    """Add the account with this e-mail address in its own role (trainee or instructor)."""
    user = find_user_by_email(email)
    if user is None:
        raise ValidationFailed("No account has this e-mail address.", field="email")
    add_member(cohort, user, user.role, actor=actor)
    return user


def remove_member(actor: User, cohort: Cohort, member_id: int) -> None:
    member = db.session.get(CohortMember, member_id)
    if member is None or member.cohort_id != cohort.id:
        raise NotFound("No such member.")
    audit.record(actor, "cohort.member_removed", cohort, user_id=member.user_id)
    db.session.delete(member)


def cohorts_of_instructor(user: User) -> list[Cohort]:
    return list(
        db.session.scalars(
            select(Cohort)
            .join(CohortMember)
            .where(CohortMember.user_id == user.id, CohortMember.role == CohortRole.INSTRUCTOR)
            .order_by(Cohort.name)
        )
    )


def members(cohort: Cohort, role: str) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(CohortMember, CohortMember.user_id == User.id)
            .where(CohortMember.cohort_id == cohort.id, CohortMember.role == role)
            .order_by(User.name)
        )
    )


def cohort_progress(cohort: Cohort, course: Course) -> tuple[list[User], list[Lesson], set]:
    """Trainees × lessons of a course, with the (user, lesson) pairs completed: 3 queries."""
    trainees = members(cohort, CohortRole.TRAINEE)
    lessons = list(
        db.session.scalars(
            select(Lesson)
            .where(Lesson.course_id == course.id, ~Lesson.is_retired)
            .order_by(Lesson.position)
        )
    )
    done = set(
        db.session.execute(
            select(LessonProgress.user_id, LessonProgress.lesson_id).where(
                LessonProgress.user_id.in_([t.id for t in trainees]),
                LessonProgress.lesson_id.in_([lesson.id for lesson in lessons]),
                LessonProgress.completed_at.is_not(None),
            )
        ).all()
    )
    return trainees, lessons, done


def member_counts() -> dict[int, dict[str, int]]:
    """Trainees and instructors per cohort, in one query."""
    counts: dict[int, dict[str, int]] = {}
    rows = db.session.execute(
        select(CohortMember.cohort_id, CohortMember.role, func.count(CohortMember.id)).group_by(
            CohortMember.cohort_id, CohortMember.role
        )
    )
    for cohort_id, role, count in rows:
        counts.setdefault(cohort_id, {})[role] = count
    return counts


def member_rows(cohort: Cohort, role: str) -> list[tuple[CohortMember, User]]:
    return list(
        db.session.execute(
            select(CohortMember, User)
            .join(User, User.id == CohortMember.user_id)
            .where(CohortMember.cohort_id == cohort.id, CohortMember.role == role)
            .order_by(User.name)
        )
    )
