"""Accommodations: extra attempts or time for one trainee at one quiz, with a reason, audited."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import Select, func, select

from smp_academy.auth.models import User
from smp_academy.core import audit
from smp_academy.core.errors import ValidationFailed
from smp_academy.core.roles import Role
from smp_academy.extensions import db
from smp_academy.quizzes.models import Accommodation, Attempt, AttemptStatus, Quiz


def accommodation_totals(user: User, quiz: Quiz) -> tuple[int, int]:
    extra_attempts, extra_minutes = db.session.execute(
        select(
            func.coalesce(func.sum(Accommodation.extra_attempts), 0),
            func.coalesce(func.sum(Accommodation.extra_minutes), 0),
        ).where(Accommodation.user_id == user.id, Accommodation.quiz_id == quiz.id)
    ).one()
    return int(extra_attempts), int(extra_minutes)


def grant_accommodation(
    actor: User, quiz: Quiz, trainee: User, *, extra_attempts: int, extra_minutes: int, reason: str
) -> Accommodation:
    """Extra attempts or time for one trainee; audit-logged."""
    if extra_attempts < 0 or extra_minutes < 0 or extra_attempts + extra_minutes == 0:
        raise ValidationFailed("Grant at least one extra attempt or some extra minutes.")
    if not reason.strip():
        raise ValidationFailed("Give a reason for the accommodation.", field="reason")
    grant = Accommodation(
        quiz_id=quiz.id,
        user_id=trainee.id,
        extra_attempts=extra_attempts,
        extra_minutes=extra_minutes,
        reason=reason.strip(),
        granted_by_id=actor.id,
    )
    db.session.add(grant)
    open_attempt = db.session.scalar(
        select(Attempt).where(
            Attempt.user_id == trainee.id,
            Attempt.quiz_id == quiz.id,
            Attempt.status == AttemptStatus.OPEN,
        )
    )
    if open_attempt is not None and open_attempt.deadline_at is not None and extra_minutes:
        open_attempt.deadline_at += timedelta(minutes=extra_minutes)
    db.session.flush()
    audit.record(
        actor,
        "quiz.accommodation_granted",
        grant,
        quiz=quiz.slug,
        trainee=trainee.email,
        extra_attempts=extra_attempts,
        extra_minutes=extra_minutes,
        reason=reason.strip(),
    )
    return grant


def accommodations_for(quiz: Quiz, trainees: Select | None) -> list[tuple[Accommodation, User]]:
    """The quiz's accommodations of the trainees in scope (None: everyone's)."""
    stmt = (
        select(Accommodation, User)
        .join(User, User.id == Accommodation.user_id)
        .where(Accommodation.quiz_id == quiz.id)
        .order_by(Accommodation.granted_at.desc())
    )
    if trainees is not None:
        stmt = stmt.where(Accommodation.user_id.in_(trainees))
    return list(db.session.execute(stmt))


def accommodation_candidates(trainees: Select | None) -> list[User]:
    """Active trainees in scope, by name, for the accommodation form."""
    stmt = select(User).where(User.role == Role.TRAINEE, User.active).order_by(User.name)
    if trainees is not None:
        stmt = stmt.where(User.id.in_(trainees))
    return list(db.session.scalars(stmt))
