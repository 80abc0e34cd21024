"""Who may see a trainee's work (the trainee, instructors of one of their cohorts, admins) and
a cohort (its instructors, admins)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Select, and_, exists, select
from sqlalchemy.orm import aliased

from smp_academy.core.roles import Role, has_role
from smp_academy.courses.models import Cohort, CohortMember, CohortRole
from smp_academy.extensions import db


def instructs(instructor_id: int, trainee_id: int) -> bool:
    """True when the two share a cohort as instructor and trainee."""
    teacher, learner = aliased(CohortMember), aliased(CohortMember)
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    and_(
                        teacher.user_id == instructor_id,
                        teacher.role == CohortRole.INSTRUCTOR,
                        learner.user_id == trainee_id,
                        learner.role == CohortRole.TRAINEE,
                        teacher.cohort_id == learner.cohort_id,
                    )
                )
            )
        )
    )


def can_view_trainee_work(user: Any, trainee_id: int) -> bool:
    if not getattr(user, "is_authenticated", False):
        return False
    if user.id == trainee_id or has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.INSTRUCTOR) and instructs(user.id, trainee_id)


def teaches_cohort(user_id: int, cohort_id: int) -> bool:
    return bool(
        db.session.scalar(
            select(
                exists().where(
                    CohortMember.cohort_id == cohort_id,
                    CohortMember.user_id == user_id,
                    CohortMember.role == CohortRole.INSTRUCTOR,
                )
            )
        )
    )


def can_view_cohort(user: Any, cohort: Any) -> bool:
    """Admins see every cohort; an instructor the cohorts they teach."""
    if has_role(user, Role.ADMIN):
        return True
    return has_role(user, Role.INSTRUCTOR) and teaches_cohort(user.id, cohort.id)


def instructed_trainee_ids(instructor_id: int) -> select:
    """A subquery of the trainees in the instructor's cohorts."""
    teacher, learner = aliased(CohortMember), aliased(CohortMember)
    return (
        select(learner.user_id)
        .join(teacher, teacher.cohort_id == learner.cohort_id)
        .where(
            teacher.user_id == instructor_id,
            teacher.role == CohortRole.INSTRUCTOR,
            learner.role == CohortRole.TRAINEE,
        )
    )


def visible_cohorts(user: Any) -> list[Cohort]:
    """The cohorts whose trainees ``user`` may see: all for admins, taught ones for instructors."""
    stmt = select(Cohort).order_by(Cohort.name)
    if not has_role(user, Role.ADMIN):
        stmt = stmt.join(CohortMember).where(
            CohortMember.user_id == user.id, CohortMember.role == CohortRole.INSTRUCTOR
        )
    return list(db.session.scalars(stmt))


def trainee_scope(user: Any, cohort: Cohort | None = None) -> Select | None:
    """The trainees ``user`` may see as a subquery of ids (narrowed to ``cohort`` if given), or
    None for "everyone" (an admin without a cohort). The caller checks ``can_view_cohort``."""
    if cohort is not None:
        return select(CohortMember.user_id).where(
            CohortMember.cohort_id == cohort.id, CohortMember.role == CohortRole.TRAINEE
        )
    if has_role(user, Role.ADMIN):
        return None
    return instructed_trainee_ids(user.id)
