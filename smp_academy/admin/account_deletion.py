"""Account deletion: the trainee asks, an admin confirms, and the account is erased except
what an issued certificate rests on.

Kept, when the trainee holds or held a certificate: the certificates themselves (code, the
name printed on them, dates and status), so that clinics can still verify what was issued, and
the learning records each one rests on (the lessons of its courses, the attempts at its quizzes
and renewal quizzes, every version of its exercises with photos and grades). The account row
stays as a pseudonym ("Deleted account 42", an address under deleted.invalid, no password,
deactivated), because those records and the audit log refer to it.

Removed: the name and e-mail address, sessions, every other lesson record, quiz attempt and
practice submission (with its photos, analyses, grades and pins), accommodations, cohort
memberships, notifications and e-mails to the address; in the audit log the address and the
account's IP addresses are replaced. The photo files are deleted once the deletion is committed.
"""

from __future__ import annotations

import secrets
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import IntegrityError

from smp_academy.admin.data_export import account_events
from smp_academy.auth.models import DeletionRequest, DeletionState, User, UserSession
from smp_academy.auth.passwords import verify_password
from smp_academy.certificates.content import requirement_list
from smp_academy.certificates.models import Certificate
from smp_academy.core import audit
from smp_academy.core.clock import now_utc
from smp_academy.core.errors import Conflict, NotFound, ValidationFailed
from smp_academy.core.models import Notification, OutboxMessage
from smp_academy.core.roles import Role
from smp_academy.core.rows import execute_changes
from smp_academy.core.storage import get_storage
from smp_academy.courses.models import CohortMember, Course, Enrolment, Lesson, LessonProgress
from smp_academy.extensions import db
from smp_academy.grading.models import Grade
from smp_academy.practice.models import Exercise, Photo, Submission
from smp_academy.quizzes.models import Accommodation, Attempt, AttemptAnswer, Quiz

#: the requirement kinds that name a course, quiz or exercise (certificates.content)
CONTENT_KINDS = {"course": "courses", "quiz": "quizzes", "exercise": "exercises"}


def pseudonym(user_id: int) -> tuple[str, str]:
    """The name and e-mail address a deleted account keeps."""
    return f"Deleted account {user_id}", f"deleted-{user_id}@deleted.invalid"


# --------------------------------------------------------------------------- the request


def pending_request(user: User) -> DeletionRequest | None:
    return db.session.scalar(
        select(DeletionRequest).where(
            DeletionRequest.user_id == user.id, DeletionRequest.state == DeletionState.PENDING
        )
    )


def request_deletion(user: User, password: str, reason: str = "") -> DeletionRequest:
    """A trainee asks for their account to be deleted (their password confirms it is them)."""
    if user.role != Role.TRAINEE:
        raise ValidationFailed(
            "Only trainees ask for deletion here; staff accounts are closed by an admin."
        )
    if not verify_password(user.password_hash, password):
        raise ValidationFailed("The password is not correct.", field="password")
    if pending_request(user) is not None:
        raise Conflict("You have asked for the deletion of your account already.")
    request = DeletionRequest(user_id=user.id, reason=reason.strip()[:2000])
    try:
        with db.session.begin_nested():
            db.session.add(request)
    except IntegrityError:  # a second tab or a double click
        raise Conflict("You have asked for the deletion of your account already.") from None
    audit.record(user, "account.deletion_requested", request)
    return request


def cancel_request(user: User) -> None:
    request = pending_request(user)
    if request is None:
        raise NotFound("You have no deletion request to cancel.")
    request.state, request.decided_at = DeletionState.CANCELLED, now_utc()
    audit.record(user, "account.deletion_cancelled", request)


def deletion_requests(limit: int = 50) -> list[DeletionRequest]:
    """For the admins: pending requests first (oldest first), then the latest decided ones."""
    pending = select(DeletionRequest).where(DeletionRequest.state == DeletionState.PENDING)
    decided = select(DeletionRequest).where(DeletionRequest.state != DeletionState.PENDING)
    return [
        *db.session.scalars(pending.order_by(DeletionRequest.requested_at)),
        *db.session.scalars(decided.order_by(DeletionRequest.decided_at.desc()).limit(limit)),
    ]


# --------------------------------------------------------------------------- the deletion


def confirm_deletion(admin: User, request: DeletionRequest) -> dict[str, int]:
    """Erase the account of a pending request (see the module docstring); what was removed
    and kept, counted by kind, is kept on the request."""
    changed = execute_changes(
        update(DeletionRequest)
        .where(DeletionRequest.id == request.id, DeletionRequest.state == DeletionState.PENDING)
        .values(state=DeletionState.COMPLETED, decided_at=now_utc(), decided_by_id=admin.id)
        .execution_options(synchronize_session=False)
    )
    db.session.refresh(request)
    if changed != 1:
        raise Conflict(f"This request is {request.state.value} already.")
    user = request.user
    backing = _backing(user)
    outcome = {
        **_erase_progress(user, backing),
        **_erase_attempts(user, backing),
        **_erase_submissions(user, backing),
        **_erase_account(user),
        "certificates_kept": len(_certificates(user)),
    }
    request.outcome, request.reason = outcome, ""
    audit.record(admin, "account.deleted", request, **outcome)
    return outcome


def _certificates(user: User) -> list[Certificate]:
    return list(db.session.scalars(select(Certificate).where(Certificate.holder_id == user.id)))


def _backing(user: User) -> dict[str, set[int]]:
    """Ids of the lessons, quizzes and exercises that the user's certificates rest on."""
    slugs: dict[str, set[str]] = {kind: set() for kind in CONTENT_KINDS.values()}
    for cert in _certificates(user):
        for stored in (cert.certification.requires, cert.certification.renewal):
            for requirement in requirement_list(stored):
                if requirement["kind"] in CONTENT_KINDS:
                    slugs[CONTENT_KINDS[requirement["kind"]]].add(requirement["slug"])
    lessons = select(Lesson.id).join(Course).where(Course.slug.in_(slugs["courses"]))
    return {
        "lessons": set(db.session.scalars(lessons)),
        "courses": set(
            db.session.scalars(select(Course.id).where(Course.slug.in_(slugs["courses"])))
        ),
        "quizzes": set(db.session.scalars(select(Quiz.id).where(Quiz.slug.in_(slugs["quizzes"])))),
        "exercises": set(
            db.session.scalars(select(Exercise.id).where(Exercise.slug.in_(slugs["exercises"])))
        ),
    }


def _erase_progress(user: User, backing: dict[str, set[int]]) -> dict[str, int]:
    lessons = execute_changes(
        delete(LessonProgress).where(
            LessonProgress.user_id == user.id, LessonProgress.lesson_id.not_in(backing["lessons"])
        )
    )
    db.session.execute(
        delete(Enrolment).where(
            Enrolment.user_id == user.id, Enrolment.course_id.not_in(backing["courses"])
        )
    )
    db.session.execute(
        update(Enrolment).where(Enrolment.user_id == user.id).values(last_lesson_id=None)
    )
    return {"lesson_records_removed": lessons}


def _erase_attempts(user: User, backing: dict[str, set[int]]) -> dict[str, int]:
    attempts = select(Attempt.id).where(
        Attempt.user_id == user.id, Attempt.quiz_id.not_in(backing["quizzes"])
    )
    db.session.execute(delete(AttemptAnswer).where(AttemptAnswer.attempt_id.in_(attempts)))
    removed = execute_changes(delete(Attempt).where(Attempt.id.in_(attempts)))
    db.session.execute(delete(Accommodation).where(Accommodation.user_id == user.id))
    return {"quiz_attempts_removed": removed}


def _erase_submissions(user: User, backing: dict[str, set[int]]) -> dict[str, int]:
    """Other submissions with their grades (and pins), photos and files."""
    ids = list(
        db.session.scalars(
            select(Submission.id).where(
                Submission.trainee_id == user.id,
                Submission.exercise_id.not_in(backing["exercises"]),
            )
        )
    )
    photos = db.session.scalars(select(Photo).where(Photo.submission_id.in_(ids))).all()
    keys = [key for p in photos for key in (p.storage_key, p.thumb_key, p.overlay_key) if key]
    db.session.execute(delete(Grade).where(Grade.submission_id.in_(ids)))  # pins cascade
    db.session.execute(delete(Photo).where(Photo.submission_id.in_(ids)))
    db.session.execute(update(Submission).where(Submission.id.in_(ids)).values(previous_id=None))
    db.session.execute(delete(Submission).where(Submission.id.in_(ids)))
    storage = get_storage()
    for key in keys:
        storage.delete_after_commit(key)
    return {"submissions_removed": len(ids), "photos_removed": len(photos)}


def _erase_account(user: User) -> dict[str, int]:
    """The name and address go; the row stays as a pseudonym, signed out for good."""
    name, email = pseudonym(user.id)
    for event in db.session.scalars(account_events(user)):
        event.details = _replaced(event.details, user.email, email, user.name, name)
        if event.actor_id == user.id:
            event.ip_address = None
    db.session.execute(delete(Notification).where(Notification.user_id == user.id))
    db.session.execute(  # instructors were told "<name> submitted …"
        update(Notification)
        .where(Notification.message.contains(user.name))
        .values(message=func.replace(Notification.message, user.name, name))
    )
    db.session.execute(delete(OutboxMessage).where(OutboxMessage.to_address == user.email))
    db.session.execute(delete(UserSession).where(UserSession.user_id == user.id))
    memberships = execute_changes(delete(CohortMember).where(CohortMember.user_id == user.id))
    user.name, user.email, user.active = name, email, False
    user.password_hash = f"deleted:{secrets.token_hex(16)}"  # matches no password
    return {"cohort_memberships_removed": memberships}


def _replaced(value: Any, email: str, new_email: str, name: str, new_name: str) -> Any:
    """``value`` (plain JSON) with the address replaced wherever it appears, and the name
    where it is the whole string (a short name may be part of other words)."""
    if isinstance(value, dict):
        return {k: _replaced(v, email, new_email, name, new_name) for k, v in value.items()}
    if isinstance(value, list):
        return [_replaced(v, email, new_email, name, new_name) for v in value]
    if isinstance(value, str):
        return new_name if value == name else value.replace(email, new_email)
    return value
