"""Every trainee's work reaches an instructor.

A trainee whom no instructor teaches (self-registered, or in a cohort without instructors)
joins the open intake cohort when they sign in (registration signs them in) and, failing that,
when they submit work: an intake cohort is one an admin marked as taking new trainees and that
has at least one instructor; of several, the one with the fewest trainees. Trainees left
without an instructor (no intake cohort open) are listed for admins and instructors to take on.
Trainees are told who reviews their work and by when (the cohort's target turnaround).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import Select, and_, exists, func, select
from sqlalchemy.orm import aliased

from smp_academy.auth.models import User
from smp_academy.core import audit
from smp_academy.core.errors import Conflict, ValidationFailed
from smp_academy.core.roles import Role
from smp_academy.courses.cohorts import add_member
from smp_academy.courses.models import Cohort, CohortMember, CohortRole
from smp_academy.extensions import db

#: promised when no cohort says otherwise (a trainee waiting for an instructor to be assigned)
DEFAULT_TURNAROUND_DAYS = 3


@dataclass(frozen=True)
class Reviewer:
    name: str
    cohort: str
    turnaround_days: int


@dataclass(frozen=True)
class ReviewPromise:
    """Who reviews a trainee's work and by when the trainee may expect it."""

    reviewers: list[Reviewer]
    turnaround_days: int

    @property
    def names(self) -> str:
        """ "Ann", "Ann and Bo", "Ann, Bo and Cy"."""
        names = list(dict.fromkeys(r.name for r in self.reviewers))
        return " and ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)

    def due_on(self, submitted_at: datetime) -> date:
        return (submitted_at + timedelta(days=self.turnaround_days)).date()

    def due_text(self, submitted_at: datetime) -> str:
        """ "Thursday 5 March": the day feedback is due, for sentences."""
        due = self.due_on(submitted_at)
        return f"{due:%A} {due.day} {due:%B}"


def _instructed_trainees() -> Select:
    """Ids of trainees who share a cohort with an instructor."""
    learner, teacher = aliased(CohortMember), aliased(CohortMember)
    return (
        select(learner.user_id)
        .join(teacher, teacher.cohort_id == learner.cohort_id)
        .where(learner.role == CohortRole.TRAINEE, teacher.role == CohortRole.INSTRUCTOR)
    )


def has_reviewer(trainee_id: int) -> bool:
    taught = _instructed_trainees()
    return bool(
        db.session.scalar(select(exists(taught.where(taught.selected_columns[0] == trainee_id))))
    )


def open_intake_cohort() -> Cohort | None:
    """The intake cohort with an instructor and the fewest trainees (ties: the oldest)."""
    taught = exists().where(
        CohortMember.cohort_id == Cohort.id, CohortMember.role == CohortRole.INSTRUCTOR
    )
    trainees = (
        select(func.count(CohortMember.id))
        .where(CohortMember.cohort_id == Cohort.id, CohortMember.role == CohortRole.TRAINEE)
        .scalar_subquery()
    )
    return db.session.scalar(
        select(Cohort).where(Cohort.is_intake, taught).order_by(trainees, Cohort.id).limit(1)
    )


def place_in_intake(trainee: User) -> Cohort | None:
    """Put a trainee whom no instructor teaches into the open intake cohort; the cohort joined,
    or None (already taught, not a trainee, or no intake cohort open)."""
    if trainee.role != Role.TRAINEE or has_reviewer(trainee.id):
        return None
    cohort = open_intake_cohort()
    if cohort is None:
        return None
    add_member(cohort, trainee, CohortRole.TRAINEE)
    audit.record(trainee, "cohort.intake_joined", cohort)
    return cohort


def take_on(actor: User, cohort: Cohort, trainee: User) -> None:
    """Put a trainee whom no instructor teaches into ``cohort`` (the unassigned list's action;
    trainees taught already are moved between cohorts by admins, on the cohort pages)."""
    if trainee.role != Role.TRAINEE:
        raise ValidationFailed(f"{trainee.name} is not a trainee.")
    if has_reviewer(trainee.id):
        raise Conflict(f"{trainee.name} has an instructor already.")
    add_member(cohort, trainee, CohortRole.TRAINEE, actor=actor)


def place_on_sign_in(_app: Any, user: User, **_: Any) -> None:
    """Receiver of Flask-Login's ``user_logged_in`` (registration signs the trainee in too)."""
    place_in_intake(user)


def review_promise(trainee_id: int) -> ReviewPromise:
    """The instructors of the trainee's cohorts and the shortest turnaround among them."""
    learner, teacher = aliased(CohortMember), aliased(CohortMember)
    rows = db.session.execute(
        select(User.name, Cohort.name, Cohort.turnaround_days)
        .join(teacher, teacher.user_id == User.id)
        .join(Cohort, Cohort.id == teacher.cohort_id)
        .join(learner, and_(learner.cohort_id == Cohort.id, learner.user_id == trainee_id))
        .where(teacher.role == CohortRole.INSTRUCTOR, learner.role == CohortRole.TRAINEE)
        .order_by(Cohort.turnaround_days, User.name)
    ).all()
    reviewers = [Reviewer(name, cohort, days) for name, cohort, days in rows]
    days = min((r.turnaround_days for r in reviewers), default=DEFAULT_TURNAROUND_DAYS)
    return ReviewPromise(reviewers, days)


def unassigned_trainee_ids() -> Select:
    """Active trainees whom no instructor teaches, as a subquery of ids."""
    return select(User.id).where(
        User.role == Role.TRAINEE, User.active, User.id.not_in(_instructed_trainees())
    )


def unassigned_trainees() -> list[User]:
    """The same trainees, oldest accounts first."""
    return list(
        db.session.scalars(
            select(User)
            .where(User.id.in_(unassigned_trainee_ids()))
            .order_by(User.created_at, User.id)
        )
    )
